// The measurement behind `auto` (backendChoice.ts), in two parts. The backend
// the engine already runs is timed in place (measureRunningBackend): its loaded
// model is warm — the load compiled its decoding programs — so that costs a few
// decode steps and one small training step, and no second start of TensorFlow.js.
// Every other backend that starts here is timed in a worker of its own
// (measureBackends) — the page starts one and ends it afterwards — because
// switching TF.js's global backend in the engine worker would move the loaded
// model's tensors (and any call in flight) onto the backend being timed. A
// backend whose first warm step is clearly slower than the best so far is not
// timed further (backendChoice.ts, clearlySlower).

import type { EventOf, ParamsOf } from './protocol.ts';
import type { GPTConfig } from '../model/config.ts';
import { type JobContext, engineReady, modelIn, probeWebGL, yieldToEvents } from './runtime.ts';
import { type BackendName, type BackendUnavailable, selectBackend } from './backend.ts';
import { type BackendMeasurement, type BackendTiming, type BestSoFar, MEASURED_BACKENDS, bestOf, clearlySlower, gpuName } from './backendChoice.ts';
import { probeWebGPU } from './webgpu.ts';
import { bundledWasmPaths } from './wasmPaths.ts';
import { GPT } from '../model/gpt.ts';
import { type NamedArray, parameterShapes } from '../model/params.ts';
import { warmUpDecoding } from '../model/webgl/warmUp.ts';
import { Trainer } from '../train/trainer.ts';

/** Timed decode steps after the warm-up (the median is kept), fewer if they pass DECODE_BUDGET_MS. */
const DECODE_STEPS = 5;
const DECODE_BUDGET_MS = 100;
/** The training step: one sequence of 32 tokens — small, so it costs tens of ms on wasm, yet runs every kernel a full step runs. */
const TRAIN_BATCH = 1;
const TRAIN_BLOCK = 32;
/** Timed training steps after the warm-up step (which allocates AdamW's moments and, on a GPU backend, compiles). */
const TRAIN_STEPS = 1;
/**
 * A backend whose decoding warm-up took longer than this (shader compilation
 * on a software renderer) is not also asked for a training step: its backward
 * pass would compile as many programs again, for a figure that cannot win.
 */
const TRAIN_SKIP_AFTER_WARMUP_MS = 400;

/**
 * Weights of `config`'s shape to time with: what a step costs does not depend
 * on their values, only on the shapes. Filled from a cheap hash rather than
 * GPT-2's seeded normal draw (initialWeights), which alone took ~47 ms of the
 * measurement at playground size on wasm; unit LayerNorm gains and zero biases
 * keep every activation finite.
 */
export function timingWeights(config: GPTConfig): Map<string, NamedArray> {
  const out = new Map<string, NamedArray>();
  for (const [name, shape] of parameterShapes(config)) {
    const data = new Float32Array(shape.reduce((a, b) => a * b, 1));
    if (/ln_[12f]\.weight$/.test(name)) data.fill(1);
    else if (!name.endsWith('.bias')) for (let i = 0; i < data.length; i++) data[i] = (((Math.imul(i + 1, 2654435761) >>> 0) % 2001) / 1000 - 1) * config.initStd;
    out.set(name, { shape, data });
  }
  return out;
}

function median(values: number[]): number {
  const sorted = values.slice().sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/**
 * Decode steps of one token from an empty cache, as generation runs a short
 * prompt and then its tokens: the warm-up first where the model is not warm yet
 * (warmUpDecoding, the load's own: on WebGL it compiles the fused step's
 * programs, which then serve every position), then timed steps, each reading
 * its logits back as generation does. Stops after the first timed step when it
 * is clearly slower than `bestMs`.
 */
function timeDecode(model: GPT, warm: boolean, bestMs: number | null): { warmupMs: number; ms: number; steps: number } {
  const t0 = performance.now();
  if (!warm) warmUpDecoding(model);
  const warmupMs = performance.now() - t0;
  const steps = Math.max(1, Math.min(DECODE_STEPS, model.config.blockSize - 1));
  const cache = model.createCache();
  try {
    let id = 0;
    const step = () => {
      const start = performance.now();
      model.run([id], { cache });
      id = (id + 1) % model.config.vocabSize;
      return performance.now() - start;
    };
    const times = [step()];
    if (clearlySlower(times[0], bestMs)) return { warmupMs, ms: times[0], steps: 1 };
    const until = performance.now() + DECODE_BUDGET_MS;
    while (times.length < steps && performance.now() < until) times.push(step());
    return { warmupMs, ms: median(times), steps: times.length };
  } finally {
    cache.dispose();
  }
}

/** One training step of TRAIN_BATCH × TRAIN_BLOCK tokens, median after a warm-up step; one step only when it is clearly slower than `bestMs`. */
function timeTrain(model: GPT, bestMs: number | null): number {
  const blockSize = Math.min(TRAIN_BLOCK, model.config.blockSize);
  const tokens = Int32Array.from({ length: blockSize * 4 + 1 }, (_, i) => (i * 7) % model.config.vocabSize);
  const trainer = new Trainer(model, tokens, { batchSize: TRAIN_BATCH, blockSize, steps: TRAIN_STEPS + 1, warmupSteps: 1 });
  try {
    trainer.trainStep();
    const times = [trainer.trainStep().ms];
    while (times.length < TRAIN_STEPS && !clearlySlower(times[0], bestMs)) times.push(trainer.trainStep().ms);
    return median(times);
  } finally {
    trainer.dispose();
  }
}

/**
 * Times one backend (already started) on a model of `config`'s shape; weights
 * are random, which costs the same. `best`: the figures to beat, for stopping early.
 */
export function timeBackend(
  backend: BackendName, config: GPTConfig, weights: Map<string, NamedArray>, threads: number | undefined, best: BestSoFar = { decodeMs: null, trainMs: null },
): BackendTiming {
  const started = performance.now();
  const model = GPT.fromWeights(config, weights);
  try {
    const decode = timeDecode(model, false, best.decodeMs);
    const trainMs = decode.warmupMs > TRAIN_SKIP_AFTER_WARMUP_MS ? null : timeTrain(model, best.trainMs);
    return { backend, decodeMs: decode.ms, decodeSteps: decode.steps, trainMs, ...(threads ? { threads } : {}), costMs: performance.now() - started };
  } finally {
    model.dispose();
  }
}

/** ms the last model load spent warming up (src/engine/handlers/load.ts marks it), or null when no load marked one. */
function lastWarmUpMs(): number | null {
  const built = performance.getEntriesByName('load:built').at(-1);
  const warm = performance.getEntriesByName('load:warm').at(-1);
  return built && warm && warm.startTime >= built.startTime ? warm.startTime - built.startTime : null;
}

/**
 * Times the backend this engine runs, in place: decode steps on the model in
 * the active slot (warm since its load, which also says how long compiling its
 * programs took), and one small training step of a fresh model of its shape,
 * unless that warm-up was slow (TRAIN_SKIP_AFTER_WARMUP_MS). Leaves the loaded
 * model as it was: its own cache is made and disposed here, and the trained
 * model is another.
 */
export async function measureRunningBackend(): Promise<BackendTiming> {
  const started = performance.now();
  const report = await engineReady();
  const { model } = modelIn('active');
  const warmUpMs = lastWarmUpMs();
  const decode = timeDecode(model, warmUpMs !== null, null);
  const compileMs = warmUpMs ?? decode.warmupMs;
  let trainMs: number | null = null;
  if (compileMs <= TRAIN_SKIP_AFTER_WARMUP_MS) {
    await yieldToEvents(); // a call queued meanwhile (a click on Generate) goes first
    const fresh = GPT.fromWeights(model.config, timingWeights(model.config));
    try {
      trainMs = timeTrain(fresh, null);
    } finally {
      fresh.dispose();
    }
  }
  return {
    backend: report.backend, decodeMs: decode.ms, decodeSteps: decode.steps, trainMs, timedIn: 'engine',
    ...(report.threads ? { threads: report.threads } : {}), costMs: performance.now() - started,
  };
}

/**
 * Measures every backend `auto` could run but `params.skip` (the one the
 * engine runs, timed there): WebGPU where its adapter is a GPU (a software
 * adapter is never chosen by `auto`, and its code is not fetched for it),
 * WebGL where it starts, and wasm with the link's threads. `params.best`, the
 * engine's figures, lets a backend clearly slower stop after one step.
 */
export async function measureBackends(params: ParamsOf<'measureBackends'>, job: JobContext<EventOf<'measureBackends'>>): Promise<BackendMeasurement> {
  const t0 = performance.now();
  const gl = probeWebGL();
  const webgpu = await probeWebGPU();
  const skip = new Set(params.skip ?? []);
  const candidates = MEASURED_BACKENDS.filter((b) => !skip.has(b) && (b === 'webgpu' ? webgpu.status === 'ok' && !webgpu.software : b === 'webgl' ? gl.available : true));
  const logicalCores = (globalThis.navigator as Navigator | undefined)?.hardwareConcurrency || 1;
  const wasmThreads = params.threads === 'auto' ? undefined : Math.min(params.threads, logicalCores);
  const weights = timingWeights(params.config);
  const timings: BackendTiming[] = [];
  const skipped: BackendUnavailable[] = [];
  for (const backend of candidates) {
    if (job.stopped) break;
    const started = performance.now();
    try {
      const choice = await selectBackend([backend], bundledWasmPaths, { wasmThreads });
      const best = bestOf(timings);
      const timing = timeBackend(backend, params.config, weights, choice.threads, {
        decodeMs: minOf(best.decodeMs, params.best?.decodeMs), trainMs: minOf(best.trainMs, params.best?.trainMs),
      });
      timings.push({ ...timing, timedIn: 'worker', costMs: performance.now() - started });
    } catch (e) {
      skipped.push({ backend, code: 'failed', message: (e as Error).message });
    }
    await yieldToEvents(); // a stop gets through between backends
  }
  return { gpu: gpuName(gl.renderer, webgpu), timings, skipped, trainTokens: TRAIN_BATCH * Math.min(TRAIN_BLOCK, params.config.blockSize), totalMs: performance.now() - t0 };
}

const minOf = (a: number | null, b: number | null | undefined): number | null => (a === null ? (b ?? null) : b == null ? a : Math.min(a, b));
