// The page bench/playground-browser.ts opens: the playground-size model (vocab
// 1,024, context 128, 4 layers × 4 heads, width 128) on one backend in
// Chromium — the peers' measure (greedy, 64 new tokens after a 16-token
// prompt), each generation timed on its own so the first one (which compiles
// WebGL's shader programs) shows beside the later ones, with the number of
// programs compiled; then a training step 8 × 128. With warmup=yes the model
// is first warmed up as the page does at load, and only its generations are
// timed. WebGPU is measured by
// ./webgpu.ts. Lines go to window.benchLines, the end state to window.benchDone.
import * as tf from '@tensorflow/tfjs';
import { selectBackend, type BackendName } from '../../src/engine/backend.ts';
import { bundledWasmPaths } from '../../src/engine/wasmPaths.ts';
import { GPT } from '../../src/model/gpt.ts';
import { makeConfig } from '../../src/model/config.ts';
import { warmUpDecoding } from '../../src/model/webgl/warmUp.ts';
import { generate } from '../../src/sampling/generate.ts';
import { Trainer } from '../../src/train/trainer.ts';
import { Rng } from '../../src/util/random.ts';
import { trainingStepFlops } from '../flops.ts';
import { median, timeMs } from '../timing.ts';

declare global {
  interface Window {
    benchLines: string[];
    benchDone: 'ok' | string | undefined;
    /** The threads the wasm backend runs and the first generation's tokens, for tests/e2e/threads.e2e.test.ts. */
    benchResult: { backend: string; threads: number | null; isolated: boolean; tokens: number[] };
  }
}

const params = new URLSearchParams(location.search);
const pre = document.getElementById('log')!;
window.benchLines = [];
const log = (line: string) => {
  window.benchLines.push(line);
  pre.textContent = window.benchLines.join('\n');
};

/** Shader programs the WebGL backend has compiled so far (its cache holds one per program key); null elsewhere. */
function programCount(): number | null {
  const cache = (tf.backend() as unknown as { binaryCache?: Record<string, unknown> }).binaryCache;
  return cache ? Object.keys(cache).length : null;
}

/**
 * Runs f and returns the shader programs it compiled on WebGL, by program
 * class, with the milliseconds spent building them (compile and link), and
 * the milliseconds spent uploading tensors to textures; null elsewhere.
 */
function compileReport<T>(f: () => T): { out: T; report: string | null } {
  const backend = tf.backend() as unknown as {
    binaryCache?: Record<string, unknown>;
    runWebGLProgram(program: object, ...rest: unknown[]): unknown;
    getAndSaveBinary(key: string, make: () => unknown): unknown;
    uploadToGPU(dataId: object): void;
  };
  if (!backend.binaryCache) return { out: f(), report: null };
  const [run, save, upload] = [backend.runWebGLProgram, backend.getAndSaveBinary, backend.uploadToGPU];
  const built = new Map<string, { n: number; ms: number }>();
  let current = '';
  let uploadMs = 0;
  backend.runWebGLProgram = function (program, ...rest) {
    const outer = current;
    current = program.constructor.name;
    try {
      return run.call(this, program, ...rest);
    } finally {
      current = outer;
    }
  };
  backend.getAndSaveBinary = function (key, make) {
    if (key in backend.binaryCache!) return save.call(this, key, make);
    const t0 = performance.now();
    const binary = save.call(this, key, make);
    const entry = built.get(current) ?? { n: 0, ms: 0 };
    built.set(current, { n: entry.n + 1, ms: entry.ms + performance.now() - t0 });
    return binary;
  };
  backend.uploadToGPU = function (dataId) {
    const t0 = performance.now();
    upload.call(this, dataId);
    uploadMs += performance.now() - t0;
  };
  try {
    const out = f();
    const rows = [...built].sort((a, b) => b[1].ms - a[1].ms);
    const total = rows.reduce((s, [, e]) => s + e.ms, 0);
    const list = rows.map(([name, e]) => `${name.replace(/Program$/, '')} ${e.n} (${e.ms.toFixed(0)} ms)`).join(', ');
    return { out, report: `built ${total.toFixed(0)} ms${list ? `: ${list}` : ''}; uploads ${uploadMs.toFixed(0)} ms (programs they ran included)` };
  } finally {
    for (const k of ['runWebGLProgram', 'getAndSaveBinary', 'uploadToGPU']) delete (backend as Record<string, unknown>)[k]; // back to the class's methods
  }
}

async function main(): Promise<void> {
  const backend = (params.get('backend') ?? 'wasm') as BackendName;
  const threads = params.has('threads') ? Number(params.get('threads')) : undefined;
  const generations = Number(params.get('generations') ?? 3);
  if (backend === 'webgpu') {
    // Measured with async reads, which run where synchronous ones cannot (./webgpu.ts).
    const { benchWebGPU } = await import('./webgpu.ts');
    return benchWebGPU(log, generations, params.get('train') !== 'no');
  }
  const choice = await selectBackend([backend], bundledWasmPaths, { wasmThreads: threads });
  log(`  backend ${choice.backend}${choice.threads ? `, ${choice.threads} thread(s)` : ''}; crossOriginIsolated ${globalThis.crossOriginIsolated}; ` +
    `hardwareConcurrency ${navigator.hardwareConcurrency}`);

  const a = tf.randomNormal([1024, 128]) as tf.Tensor2D;
  const b = tf.randomNormal([128, 512]) as tf.Tensor2D;
  const mmMs = timeMs(() => tf.tidy(() => void tf.matMul(a, b).dataSync()), 20, 3);
  const mmGflops = (2 * 1024 * 128 * 512) / mmMs / 1e6;
  tf.dispose([a, b]);
  log(`  plain 2D matmul [1024,128]x[128,512]: ${mmGflops.toFixed(1)} GFLOP/s (baseline)`);

  const config = makeConfig('playground');
  const model = GPT.create(config, 1);
  const rng = new Rng(7);
  const prompt = Array.from({ length: 16 }, () => rng.int(config.vocabSize));
  window.benchResult = { backend: choice.backend, threads: choice.threads ?? null, isolated: globalThis.crossOriginIsolated, tokens: [] };
  if (params.get('train') === 'only') return benchTraining(model, rng, mmGflops, choice.backend);
  // As the page does at model load (src/engine/handlers/load.ts): then the generations below run on a warm model, and
  // only the page's own decoding path is timed.
  const warmUp = params.get('warmup') === 'yes';
  if (warmUp) {
    const t0 = performance.now();
    const { report } = compileReport(() => warmUpDecoding(model));
    log(`  warm-up at load, as the page: ${(performance.now() - t0).toFixed(0)} ms${report ? `; shader programs ${report}` : ''}`);
  }
  // On WebGL a cached step runs as a few fused programs (src/model/webgl/); the op-by-op path is timed in the same run.
  const modes = choice.backend === 'webgl' && !warmUp ? [true, false] : [model.fusedDecoding];
  const later: Record<string, number> = {};
  for (const fused of modes) {
    model.fusedDecoding = fused;
    const label = choice.backend !== 'webgl' ? '' : fused ? ' [fused]' : ' [op by op]';
    const seconds: number[] = [];
    for (let g = 0; g < generations; g++) {
      const before = programCount();
      const t0 = performance.now();
      const { out, report } = g === 0 ? compileReport(() => generate(model, prompt, { maxNewTokens: 64 })) : { out: generate(model, prompt, { maxNewTokens: 64 }), report: null };
      const s = (performance.now() - t0) / 1000;
      seconds.push(s);
      if (g === 0 && fused === modes[0]) window.benchResult.tokens = out.generated.slice();
      const compiled = before === null ? '' : `; ${programCount()! - before} shader programs compiled (${programCount()} in all)`;
      log(`  generation ${g + 1}${label} (64 tokens after 16, greedy, KV cache): ${s.toFixed(2)} s = ${(out.generated.length / s).toFixed(1)} tokens/s${compiled}`);
      if (report) log(`    shader programs ${report}`);
    }
    if (generations > 1) {
      const mid = median(seconds.slice(1));
      later[label] = 64 / mid;
      log(`  first generation / later ones${label} (median): ${(seconds[0] / mid).toFixed(2)}× (${seconds[0].toFixed(2)} s vs ${mid.toFixed(2)} s); ` +
        `later: ${(64 / mid).toFixed(1)} tokens/s`);
    }
  }
  model.fusedDecoding = true;
  if (modes.length > 1 && generations > 1) {
    log(`  fused vs op by op (later generations): ${later[' [fused]'].toFixed(1)} vs ${later[' [op by op]'].toFixed(1)} tokens/s = ` +
      `${(later[' [fused]'] / later[' [op by op]']).toFixed(2)}×`);
  }
  if (warmUp) return model.dispose(); // the rest is measured by the run without the warm-up
  if (choice.backend === 'webgl' && params.get('profile') !== 'no') {
    const { profileDecodeStep } = await import('./decodeProfile.ts');
    await profileDecodeStep(model, prompt, log);
  }
  if (params.get('train') === 'no') return model.dispose();
  await benchTraining(model, rng, mmGflops, choice.backend);
}

/** A training step 8 × 128 (AdamW); on WebGL first each way of running it, profiled (./trainProfile.ts), in the same run. */
async function benchTraining(model: GPT, rng: Rng, mmGflops: number, backend: string): Promise<void> {
  const config = model.config;
  const tokens = Int32Array.from({ length: 50_000 }, () => rng.int(config.vocabSize));
  const trainer = new Trainer(model, tokens, { batchSize: 8, blockSize: 128, steps: 1000, warmupSteps: 10 });
  const flops = trainingStepFlops(config, 8, 128);
  const rate = (ms: number) => `${(flops / ms / 1e6).toFixed(1)} GFLOP/s (${((flops / ms / 1e6 / mmGflops) * 100).toFixed(0)}% of baseline)`;
  if (backend === 'webgl' && params.get('profile') !== 'no') {
    const { profileTrainSteps, webglTrainModes } = await import('./trainProfile.ts');
    const modes = webglTrainModes();
    const ms = profileTrainSteps(trainer, modes, log);
    log(`  training step by mode: ${[...ms].map(([label, t]) => `${label} ${t.toFixed(0)} ms = ${rate(t)}`).join('; ')}`);
    modes[modes.length - 1].apply(); // the default
  }
  const first = trainer.trainStep().ms;
  const steps = [trainer.trainStep().ms, trainer.trainStep().ms, trainer.trainStep().ms];
  const stepMs = median(steps);
  log(`  training step 8x128: ${stepMs.toFixed(0)} ms (first ${first.toFixed(0)} ms), ${rate(stepMs)}`);
  trainer.dispose();
  model.dispose();
  log(`  tensors left: ${tf.memory().numTensors}`);
}

main().then(() => (window.benchDone = 'ok'), (e: Error) => {
  log(`  failed: ${e.message}`);
  window.benchDone = e.message;
});
