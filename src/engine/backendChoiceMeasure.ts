// The measurement behind `auto` (backendChoice.ts): in a worker of its own —
// the page starts one after its model is ready and ends it afterwards — each
// backend that starts here runs one KV-cached decode step and one small
// training step of a model of the loaded one's shape. Its own worker, because
// switching TF.js's global backend in the engine worker would move the loaded
// model's tensors (and any call in flight) onto the backend being timed.

import type { EventOf, ParamsOf } from './protocol.ts';
import type { GPTConfig } from '../model/config.ts';
import { type JobContext, probeWebGL, yieldToEvents } from './runtime.ts';
import { type BackendName, type BackendUnavailable, selectBackend } from './backend.ts';
import { type BackendMeasurement, type BackendTiming, MEASURED_BACKENDS, gpuName } from './backendChoice.ts';
import { probeWebGPU } from './webgpu.ts';
import { bundledWasmPaths } from './wasmPaths.ts';
import { GPT } from '../model/gpt.ts';
import { initialWeights, type NamedArray } from '../model/params.ts';
import { Trainer } from '../train/trainer.ts';

/** Timed decode steps after the warm-up (the median is kept), fewer if they pass DECODE_BUDGET_MS. */
const DECODE_STEPS = 5;
const DECODE_BUDGET_MS = 150;
/** Prompt tokens in the cache before the timed steps: a short prompt, as the playground's. */
const PROMPT_TOKENS = 8;
/** The training step: one sequence of 32 tokens — small, so it costs tens of ms on wasm, yet runs every kernel a full step runs. */
const TRAIN_BATCH = 1;
const TRAIN_BLOCK = 32;
const TRAIN_STEPS = 2;
/**
 * A backend whose prompt pass and first decode step took longer than this (shader
 * compilation on a software renderer) is not also asked for a training step:
 * its backward pass would compile as many programs again, for a figure that
 * cannot win.
 */
const TRAIN_SKIP_AFTER_WARMUP_MS = 400;

function median(values: number[]): number {
  const sorted = values.slice().sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/**
 * Decode steps of one token after a short prompt, as generation runs them:
 * returns the prompt pass and first step's ms (where WebGL and WebGPU compile
 * their programs) and the median of the timed steps after them. (Timed from an
 * empty cache instead, the first few WebGL steps still compiled programs:
 * 711 ms/token against 8–13 after a prompt, on SwiftShader.)
 */
function timeDecode(model: GPT): { warmupMs: number; ms: number } {
  const { blockSize, vocabSize } = model.config;
  const promptLength = Math.max(1, Math.min(PROMPT_TOKENS, blockSize - DECODE_STEPS - 2));
  const steps = Math.max(1, Math.min(DECODE_STEPS, blockSize - promptLength - 1));
  const cache = model.createCache();
  try {
    const t0 = performance.now();
    model.run(Array.from({ length: promptLength }, (_, i) => i % vocabSize), { cache });
    let id = 1 % vocabSize;
    // Each step reads its logits back, as generation does (run returns them as a Float32Array).
    const step = () => {
      const start = performance.now();
      model.run([id], { cache });
      id = (id + 1) % vocabSize;
      return performance.now() - start;
    };
    step(); // compiles the step's programs (WebGL, WebGPU) or first-touches the kernels
    const warmupMs = performance.now() - t0;
    const times: number[] = [];
    const until = performance.now() + DECODE_BUDGET_MS;
    while (times.length < steps && (times.length < 1 || performance.now() < until)) times.push(step());
    return { warmupMs, ms: median(times) };
  } finally {
    cache.dispose();
  }
}

/** One training step of TRAIN_BATCH × TRAIN_BLOCK tokens, median after a warm-up step. */
function timeTrain(model: GPT): number {
  const blockSize = Math.min(TRAIN_BLOCK, model.config.blockSize);
  const tokens = Int32Array.from({ length: blockSize * 4 + 1 }, (_, i) => (i * 7) % model.config.vocabSize);
  const trainer = new Trainer(model, tokens, { batchSize: TRAIN_BATCH, blockSize, steps: TRAIN_STEPS + 1, warmupSteps: 1 });
  try {
    trainer.trainStep();
    return median(Array.from({ length: TRAIN_STEPS }, () => trainer.trainStep().ms));
  } finally {
    trainer.dispose();
  }
}

/** Times one backend (already started) on a model of `config`'s shape; weights are random, which costs the same. */
export function timeBackend(backend: BackendName, config: GPTConfig, weights: Map<string, NamedArray>, threads: number | undefined): BackendTiming {
  const model = GPT.fromWeights(config, weights);
  try {
    const decode = timeDecode(model);
    const trainMs = decode.warmupMs > TRAIN_SKIP_AFTER_WARMUP_MS ? null : timeTrain(model);
    return { backend, decodeMs: decode.ms, trainMs, ...(threads ? { threads } : {}) };
  } finally {
    model.dispose();
  }
}

/**
 * Measures every backend `auto` could run: WebGPU where its adapter is a GPU
 * (a software adapter is never chosen by `auto`, and its code is not fetched
 * for it), WebGL where it starts, and wasm with the threads the engine runs.
 */
export async function measureBackends(params: ParamsOf<'measureBackends'>, job: JobContext<EventOf<'measureBackends'>>): Promise<BackendMeasurement> {
  const t0 = performance.now();
  const gl = probeWebGL();
  const webgpu = await probeWebGPU();
  const candidates = MEASURED_BACKENDS.filter((b) => (b === 'webgpu' ? webgpu.status === 'ok' && !webgpu.software : b === 'webgl' ? gl.available : true));
  const logicalCores = (globalThis.navigator as Navigator | undefined)?.hardwareConcurrency || 1;
  const wasmThreads = params.threads === 'auto' ? undefined : Math.min(params.threads, logicalCores);
  const weights = initialWeights(params.config, 1);
  const timings: BackendTiming[] = [];
  const skipped: BackendUnavailable[] = [];
  for (const backend of candidates) {
    if (job.stopped) break;
    const started = performance.now();
    try {
      const choice = await selectBackend([backend], bundledWasmPaths, { wasmThreads });
      timings.push({ ...timeBackend(backend, params.config, weights, choice.threads), costMs: performance.now() - started });
    } catch (e) {
      skipped.push({ backend, code: 'failed', message: (e as Error).message });
    }
    await yieldToEvents(); // a stop gets through between backends
  }
  return { gpu: gpuName(gl.renderer, webgpu), timings, skipped, trainTokens: TRAIN_BATCH * Math.min(TRAIN_BLOCK, params.config.blockSize), totalMs: performance.now() - t0 };
}
