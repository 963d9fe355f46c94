// The measured verdicts (src/engine/backendChoice.ts) kept in this browser's
// localStorage — the engine worker has none — so the next start of the page
// begins on the backend measured fastest. The storage is handed in (the page's
// localStorage, a Map in tests); a damaged or refused one reads as no verdict.

import { type BackendVerdict, parseVerdict } from '../engine/backendChoice.ts';

/** The part of Web Storage used here. */
export interface KeyValueStore {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
}

export const VERDICTS_KEY = 'transformer-playground:backend-verdicts';

/** Verdicts kept at most: one per device key, the newest kept (a device rarely sees more than a few models). */
const MAX_VERDICTS = 16;

/** This browser as a verdict's key names it (the GPU and the model's shape come from the engine). */
export function thisBrowser(): { userAgent: string; logicalCores: number } {
  const nav = globalThis.navigator as Navigator | undefined;
  return { userAgent: nav?.userAgent ?? 'unknown', logicalCores: nav?.hardwareConcurrency || 1 };
}

/** Every kept verdict that can still be trusted (parseVerdict); the rest are ignored. */
export function readVerdicts(store: KeyValueStore | null, now: number): BackendVerdict[] {
  try {
    const parsed: unknown = JSON.parse(store?.getItem(VERDICTS_KEY) ?? '[]');
    if (!Array.isArray(parsed)) return [];
    return parsed.map((v) => parseVerdict(v, now)).filter((v): v is BackendVerdict => v !== null);
  } catch {
    return [];
  }
}

/** Keeps `verdict` in place of any with its key, newest first; a full or refused storage keeps it for this visit only. */
export function keepVerdict(store: KeyValueStore | null, verdict: BackendVerdict, now: number): void {
  const others = readVerdicts(store, now).filter((v) => v.key !== verdict.key);
  try {
    store?.setItem(VERDICTS_KEY, JSON.stringify([verdict, ...others].slice(0, MAX_VERDICTS)));
  } catch {
    // Private browsing or a full quota: measured again next time.
  }
}

/** The kept verdict for this exact key, if any. */
export function verdictByKey(store: KeyValueStore | null, key: string, now: number): BackendVerdict | null {
  return readVerdicts(store, now).find((v) => v.key === key) ?? null;
}

export const MODEL_SHAPES_KEY = 'transformer-playground:model-shapes';

/** Links remembered with their model's shape at most (the oldest forgotten first). */
const MAX_SHAPES = 32;

function readShapes(store: KeyValueStore | null): [string, string][] {
  try {
    const parsed: unknown = JSON.parse(store?.getItem(MODEL_SHAPES_KEY) ?? '[]');
    if (!Array.isArray(parsed)) return [];
    return parsed.filter((e): e is [string, string] => Array.isArray(e) && e.length === 2 && typeof e[0] === 'string' && typeof e[1] === 'string');
  } catch {
    return [];
  }
}

/**
 * Notes the shape (modelShape) of the model a link's `model` loaded. A verdict
 * is keyed by shape, which the page knows only once the model has loaded; the
 * next start of the same link looks its verdict up by this (verdictsForStart),
 * so a model opened by URL or from the Hub starts on the verdict as the
 * embedded one does, although it was measured with another model of its shape.
 */
export function rememberShape(store: KeyValueStore | null, ref: string, shape: string): void {
  const shapes = readShapes(store);
  if (shapes[0]?.[0] === ref && shapes[0][1] === shape) return;
  try {
    store?.setItem(MODEL_SHAPES_KEY, JSON.stringify([[ref, shape], ...shapes.filter(([r]) => r !== ref)].slice(0, MAX_SHAPES)));
  } catch {
    // Refused or full: this link starts on the rule until its verdict can be kept.
  }
}

/**
 * What the engine is handed at start with `auto`: the verdicts of this browser,
 * timed with the link's `threads`, for the link's model — measured with it, or
 * with a model of the shape it had when it last loaded (rememberShape). The
 * engine keeps the one measured on its GPU (backendChoice.ts, verdictForGpu);
 * the page checks the model's shape once it has loaded (a model changed behind
 * the same link is measured again).
 */
export function verdictsForStart(store: KeyValueStore | null, ref: string, threads: 'auto' | number, now: number): BackendVerdict[] {
  const { userAgent, logicalCores } = thisBrowser();
  const shape = readShapes(store).find(([r]) => r === ref)?.[1];
  return readVerdicts(store, now).filter(
    (v) => (v.ref === ref || v.device.shape === shape) && v.device.userAgent === userAgent && v.device.logicalCores === logicalCores && v.device.threads === threads,
  );
}

/** The browser's localStorage, or null where it is refused (some private modes throw on access). */
export function browserStorage(): KeyValueStore | null {
  try {
    return globalThis.localStorage ?? null;
  } catch {
    return null;
  }
}
