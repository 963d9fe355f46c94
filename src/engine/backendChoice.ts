// Which backend `auto` runs, by measurement (issue 15): one KV-cached decode
// step and one small training step timed on each backend that starts here —
// the backend the engine already runs timed in place on its loaded, warm model,
// the others in a worker of their own (backendChoiceMeasure.ts) — the fastest
// chosen, and the verdict kept per device so the next start begins on it.
// Everything here is plain data in, plain data out: the page keeps the
// verdicts (localStorage, src/panels/backendVerdict.ts), the worker reads them.

import type { GPTConfig } from '../model/config.ts';
import type { BackendName, BackendUnavailable } from './backend.ts';
import type { WebGPUProbe } from './webgpu.ts';

/** Bumped when what a verdict holds, or how it is measured, changes: older ones are ignored. */
export const VERDICT_VERSION = 2;

/** A verdict older than this is measured again: browsers and drivers update, and a backend can get faster. */
export const VERDICT_MAX_AGE_MS = 30 * 24 * 3600 * 1000;

/** The backends `auto` measures. cpu is never faster than wasm (it is plain JavaScript), so it is not timed. */
export const MEASURED_BACKENDS = ['webgpu', 'webgl', 'wasm'] as const satisfies readonly BackendName[];

/**
 * A backend whose first warm step takes more than this many times the best
 * median so far is not timed further: it cannot win, and its other steps (and,
 * for training, its backward pass) would only add to the measurement's cost.
 */
export const CLEARLY_SLOWER = 3;

/** True when `firstMs`, one warm step, already shows a backend cannot beat `bestMs`. */
export function clearlySlower(firstMs: number, bestMs: number | null | undefined): boolean {
  return bestMs != null && Number.isFinite(bestMs) && bestMs > 0 && firstMs > CLEARLY_SLOWER * bestMs;
}

/** The best figures so far, handed to the next backend's timing so it can stop early (clearlySlower). */
export interface BestSoFar {
  decodeMs: number | null;
  trainMs: number | null;
}

/** The least decode and training ms among `timings` (null where none was timed). */
export function bestOf(timings: readonly BackendTiming[]): BestSoFar {
  const least = (ms: (t: BackendTiming) => number | null) =>
    timings.reduce<number | null>((best, t) => {
      const m = ms(t);
      return m !== null && Number.isFinite(m) && m >= 0 && (best === null || m < best) ? m : best;
    }, null);
  return { decodeMs: least((t) => t.decodeMs), trainMs: least((t) => t.trainMs) };
}

/** One backend's figures; null where that part could not run or was left out to keep the measurement short. */
export interface BackendTiming {
  backend: BackendName;
  /** One KV-cached decode step of one token (reading its logits back), median ms after a warm-up step. */
  decodeMs: number | null;
  /** Decode steps timed: 1 where the first was clearly slower than the best so far and timing stopped there. */
  decodeSteps?: number;
  /** One training step of `trainTokens` tokens (forward, backward, AdamW), median ms after a warm-up step. */
  trainMs: number | null;
  /** Where it was timed: `engine`, the backend the page runs, on its loaded model; `worker`, a worker started to measure it. */
  timedIn?: 'engine' | 'worker';
  /** wasm: the threads it ran. */
  threads?: number;
  /** What measuring this backend cost, ms: starting it, the warm-up steps (compiling programs) and the timed ones. */
  costMs?: number;
}

/** What a measurement worker hands back (src/engine/backendChoiceMeasure.ts). */
export interface BackendMeasurement {
  /** The device's GPUs as the verdict's key names them (gpuName). */
  gpu: string;
  timings: BackendTiming[];
  /** Backends that did not start for the measurement, and why (by code). */
  skipped: BackendUnavailable[];
  /** Tokens in the timed training step (batch × block). */
  trainTokens: number;
  /** Wall time of the whole measurement, ms. */
  totalMs: number;
}

/**
 * The engine's own timing of the backend it runs and the worker's of the
 * others, as one measurement: in `auto`'s order (MEASURED_BACKENDS), the
 * engine's figure for its backend should the worker also have one.
 */
export function combineMeasurements(running: BackendTiming, others: BackendMeasurement): BackendMeasurement {
  const rank = (b: BackendName) => {
    const i = (MEASURED_BACKENDS as readonly BackendName[]).indexOf(b);
    return i < 0 ? MEASURED_BACKENDS.length : i;
  };
  const timings = [running, ...others.timings.filter((t) => t.backend !== running.backend)].sort((a, b) => rank(a.backend) - rank(b.backend));
  return { ...others, timings, totalMs: others.totalMs + (running.costMs ?? 0) };
}

/** What a verdict is keyed by: the same browser on the same device and GPU, wasm on the same threads, for a model of the same shape. */
export interface VerdictDevice {
  userAgent: string;
  logicalCores: number;
  /** The link's `threads` (src/state/schema.ts) the wasm figure was timed with: another count is another measurement. */
  threads: 'auto' | number;
  gpu: string;
  /** modelShape of the model measured. */
  shape: string;
}

/** A measurement's outcome, as kept between visits. */
export interface BackendVerdict {
  version: number;
  key: string;
  device: VerdictDevice;
  /** The link's model it was measured with (the page looks verdicts up by it before the model's shape is known). */
  ref: string;
  /** Date.now() when measured. */
  measuredAt: number;
  /** Fastest for generation: the backend `auto` starts on. */
  generation: BackendName;
  /** Fastest for a training step, where one was measured. */
  training: BackendName | null;
  timings: BackendTiming[];
  trainTokens: number;
}

/**
 * The fastest backend for each job: least ms per decode step, and per training
 * step. A tie goes to the backend listed first. Null where nothing was timed.
 */
export function chooseFastest(timings: readonly BackendTiming[]): { generation: BackendName | null; training: BackendName | null } {
  const fastest = (ms: (t: BackendTiming) => number | null): BackendName | null => {
    let best: BackendTiming | null = null;
    for (const t of timings) {
      const m = ms(t);
      if (m === null || !Number.isFinite(m) || m < 0) continue;
      if (best === null || m < ms(best)!) best = t;
    }
    return best?.backend ?? null;
  };
  return { generation: fastest((t) => t.decodeMs), training: fastest((t) => t.trainMs) };
}

/** A model's shape as a key part: the sizes that set how long a step takes. */
export function modelShape(config: Pick<GPTConfig, 'vocabSize' | 'blockSize' | 'nLayer' | 'nHead' | 'nEmbd'>): string {
  return `vocab ${config.vocabSize}, context ${config.blockSize}, ${config.nLayer}×${config.nHead}, width ${config.nEmbd}`;
}

/**
 * The device's GPUs as a key part: WebGL's renderer string and, where there is
 * one, the WebGPU adapter. A new GPU or driver, or a browser flag that changes
 * them, gives a new key and so a new measurement.
 */
export function gpuName(webglRenderer: string | null, webgpu: Pick<WebGPUProbe, 'status' | 'adapter' | 'software'>): string {
  const gl = `webgl: ${webglRenderer ?? 'none'}`;
  const gpu = webgpu.status === 'ok' ? `webgpu: ${webgpu.adapter ?? 'unnamed'}${webgpu.software ? ' (software)' : ''}` : 'webgpu: none';
  return `${gl}; ${gpu}`;
}

export function verdictKey(device: VerdictDevice): string {
  return `v${VERDICT_VERSION} | ${device.userAgent} | ${device.logicalCores} cores | threads ${device.threads} | ${device.gpu} | ${device.shape}`;
}

/** A verdict from a measurement; null when no backend could be timed. */
export function verdictFrom(measurement: BackendMeasurement, device: Omit<VerdictDevice, 'gpu'>, ref: string, now: number): BackendVerdict | null {
  const { generation, training } = chooseFastest(measurement.timings);
  if (!generation) return null;
  const full: VerdictDevice = { ...device, gpu: measurement.gpu };
  return {
    version: VERDICT_VERSION, key: verdictKey(full), device: full, ref, measuredAt: now,
    generation, training, timings: measurement.timings, trainTokens: measurement.trainTokens,
  };
}

const BACKENDS = new Set<string>(['webgpu', 'webgl', 'wasm', 'cpu']);
const isBackend = (v: unknown): v is BackendName => typeof v === 'string' && BACKENDS.has(v);
const isMs = (v: unknown): v is number | null => v === null || (typeof v === 'number' && Number.isFinite(v) && v >= 0);

function isTiming(v: unknown): v is BackendTiming {
  if (typeof v !== 'object' || v === null) return false;
  const t = v as Record<string, unknown>;
  return isBackend(t.backend) && isMs(t.decodeMs) && isMs(t.trainMs) && (t.threads === undefined || typeof t.threads === 'number')
    && (t.decodeSteps === undefined || typeof t.decodeSteps === 'number') && (t.timedIn === undefined || t.timedIn === 'engine' || t.timedIn === 'worker');
}

/**
 * A kept verdict if it can be trusted, else null: anything that is not one
 * (corrupt storage, another app's data), one of an older version, one whose key
 * does not match its own device (edited by hand), one measured more than
 * VERDICT_MAX_AGE_MS ago or in the future (a clock set back), or one whose
 * chosen backend is not the fastest of its own figures.
 */
export function parseVerdict(raw: unknown, now: number): BackendVerdict | null {
  if (typeof raw !== 'object' || raw === null) return null;
  const v = raw as Record<string, unknown>;
  if (v.version !== VERDICT_VERSION || typeof v.key !== 'string' || typeof v.ref !== 'string') return null;
  const d = v.device as Record<string, unknown> | null | undefined;
  if (typeof d !== 'object' || d === null) return null;
  if (typeof d.userAgent !== 'string' || typeof d.logicalCores !== 'number' || typeof d.gpu !== 'string' || typeof d.shape !== 'string') return null;
  if (d.threads !== 'auto' && typeof d.threads !== 'number') return null;
  const device: VerdictDevice = { userAgent: d.userAgent, logicalCores: d.logicalCores, threads: d.threads, gpu: d.gpu, shape: d.shape };
  if (v.key !== verdictKey(device)) return null;
  if (typeof v.measuredAt !== 'number' || !(v.measuredAt <= now) || now - v.measuredAt > VERDICT_MAX_AGE_MS) return null;
  if (!Array.isArray(v.timings) || !v.timings.every(isTiming) || typeof v.trainTokens !== 'number') return null;
  const timings = v.timings as BackendTiming[];
  const fastest = chooseFastest(timings);
  if (!isBackend(v.generation) || v.generation !== fastest.generation) return null;
  if (v.training !== fastest.training) return null;
  return { version: VERDICT_VERSION, key: v.key, device, ref: v.ref, measuredAt: v.measuredAt, generation: v.generation, training: fastest.training, timings, trainTokens: v.trainTokens };
}

/**
 * Of the verdicts the page kept for this browser and model, the one measured on
 * this GPU (the engine worker knows it once it has probed), the newest first.
 */
export function verdictForGpu(candidates: readonly unknown[] | undefined, gpu: string, now: number): BackendVerdict | null {
  let best: BackendVerdict | null = null;
  for (const raw of candidates ?? []) {
    const v = parseVerdict(raw, now);
    if (v && v.device.gpu === gpu && (!best || v.measuredAt > best.measuredAt)) best = v;
  }
  return best;
}
