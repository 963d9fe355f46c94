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

/**
 * What the engine is handed at start with `auto`: the verdicts of this browser
 * measured with the link's model. The engine keeps the one measured on its GPU
 * (backendChoice.ts, verdictForGpu); the page checks the model's shape once it
 * has loaded (a model changed behind the same link is measured again).
 */
export function verdictsForStart(store: KeyValueStore | null, ref: string, now: number): BackendVerdict[] {
  const { userAgent, logicalCores } = thisBrowser();
  return readVerdicts(store, now).filter((v) => v.ref === ref && v.device.userAgent === userAgent && v.device.logicalCores === logicalCores);
}

/** The browser's localStorage, or null where it is refused (some private modes throw on access). */
export function browserStorage(): KeyValueStore | null {
  try {
    return globalThis.localStorage ?? null;
  } catch {
    return null;
  }
}
