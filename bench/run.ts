/**
 * `npm run bench`: speed of the playground-size model on one backend, each
 * figure next to the backend's own plain 2D matmul throughput measured in the
 * same run (so a slow machine and a fast one give comparable ratios).
 *
 *   npm run bench                 # wasm (default): the playground size, then GPT-2 size
 *   npm run bench -- --backend cpu
 *   npm run bench -- --only playground | --only gpt2 [--dtype F16|F32] [--no-1000]
 *   npm run bench -- --browser    # GPT-2 size in Chromium (wasm and WebGL): bench/gpt2-browser.ts
 *   npm run bench -- --browser-playground  # playground size in Chromium: wasm 1 thread / all cores, WebGL, WebGPU
 *                                          # (first vs later generation, shader programs): bench/playground-browser.ts
 *   npm run bench -- --page-ready  # navigation → model ready on the built page, cold and warm, step by step: bench/page-ready.ts
 */
import * as tf from '@tensorflow/tfjs';
import path from 'node:path';
import { selectBackend, type BackendName } from '../src/engine/backend.ts';
import { GPT } from '../src/model/gpt.ts';
import { makeConfig } from '../src/model/config.ts';
import { generate } from '../src/sampling/generate.ts';
import { Trainer } from '../src/train/trainer.ts';
import { useHandWrittenGradients } from '../src/model/ops.ts';
import { Rng } from '../src/util/random.ts';
import { forwardFlopsPerToken, trainingStepFlops } from './flops.ts';
import { median, timeMs } from './timing.ts';
import { LoraAdapter } from '../src/lora/lora.ts';
import { DEFAULT_LORA } from '../src/lora/config.ts';
import { benchGPT2 } from './gpt2.ts';

const arg = (name: string, fallback: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : fallback;
};
const backend = arg('backend', 'wasm') as BackendName;
const repeats = Number(arg('repeats', '5'));
const only = arg('only', 'all');
const dtypes = (process.argv.includes('--dtype') ? [arg('dtype', 'F16')] : ['F16', 'F32']) as ('F16' | 'F32')[];

if (process.argv.includes('--page-ready')) {
  const { benchPageReady } = await import('./page-ready.ts');
  await benchPageReady();
  process.exit(0);
}
if (process.argv.includes('--browser-playground')) {
  const { benchPlaygroundBrowser } = await import('./playground-browser.ts');
  await benchPlaygroundBrowser();
  process.exit(0);
}
if (process.argv.includes('--browser')) {
  const { benchGPT2Browser } = await import('./gpt2-browser.ts');
  await benchGPT2Browser(dtypes);
  process.exit(0);
}
if (only === 'gpt2') {
  await benchGPT2(backend, dtypes, !process.argv.includes('--no-1000'));
  process.exit(0);
}

/** The playground-size default: `repeats` runs after two warm-ups. */
const time = (f: () => void, n = repeats, warmup = 2) => timeMs(f, n, warmup);

const choice = await selectBackend([backend], path.resolve('node_modules/@tensorflow/tfjs-backend-wasm/dist') + '/');
const config = makeConfig('playground');
console.log(`backend: ${choice.backend}; model: vocab ${config.vocabSize}, context ${config.blockSize}, ` +
  `${config.nLayer} layers, ${config.nHead} heads, width ${config.nEmbd}`);

// Baseline: the backend's plain 2D matmul, on the shape of the MLP's first layer for a training batch.
const a = tf.randomNormal([1024, 128]) as tf.Tensor2D;
const b = tf.randomNormal([128, 512]) as tf.Tensor2D;
// (Read inside the tidy, not returned from it: tidy walks a returned typed array element by element.)
const mmMs = time(() => tf.tidy(() => void tf.matMul(a, b).dataSync()), 20, 3);
const mmGflops = (2 * 1024 * 128 * 512) / mmMs / 1e6;
tf.dispose([a, b]);
console.log(`plain 2D matmul [1024,128]x[128,512]: ${mmMs.toFixed(2)} ms, ${mmGflops.toFixed(1)} GFLOP/s (baseline)`);

const model = GPT.create(config, 1);
const rng = new Rng(7);
const prompt128 = Array.from({ length: 128 }, () => rng.int(config.vocabSize));
const fraction = (flops: number, ms: number) => `${((flops / ms / 1e6 / mmGflops) * 100).toFixed(0)}% of baseline`;

const prefillMs = time(() => model.run(prompt128));
console.log(`prefill 128 tokens: ${prefillMs.toFixed(1)} ms (${fraction(128 * forwardFlopsPerToken(config, 128), prefillMs)})`);

// Peers' measure: greedy, 64 new tokens after a 16-token prompt.
const prompt16 = prompt128.slice(0, 16);
for (const useCache of [true, false]) {
  const ms = time(() => generate(model, prompt16, { maxNewTokens: 64, useCache }), 3, 1);
  console.log(`generate 64 tokens after 16, ${useCache ? 'KV cache ' : 'recompute'}: ${((64 * 1000) / ms).toFixed(1)} tokens/s`);
}

// At a full window: one more token with the cache vs recomputing all 128.
const cachedSteps: number[] = [];
for (let r = 0; r < repeats; r++) {
  const c = model.createCache();
  model.run(prompt128.slice(0, 127), { cache: c });
  const t0 = performance.now();
  model.run([prompt128[127]], { cache: c });
  cachedSteps.push(performance.now() - t0);
  c.dispose();
}
const cachedMs = median(cachedSteps);
const recomputeMs = prefillMs;
console.log(`next token at position 128: KV cache ${cachedMs.toFixed(2)} ms, recompute ${recomputeMs.toFixed(1)} ms ` +
  `→ cache ${(recomputeMs / cachedMs).toFixed(1)}× faster`);

// Training step, batch 8 × 128, AdamW: with the hand-written gradients (ops.ts handWrittenGradients) and,
// interleaved in the same run, with TF.js autodiff of every piece as before them.
const tokens = Int32Array.from({ length: 50_000 }, () => rng.int(config.vocabSize));
const trainer = new Trainer(model, tokens, { batchSize: 8, blockSize: 128, steps: 1000, warmupSteps: 10 });
const stepTimes: number[] = [];
const autodiffTimes: number[] = [];
for (let i = -1; i < Math.max(3, repeats); i++) {
  for (const on of [false, true]) {
    useHandWrittenGradients(on);
    const ms = trainer.trainStep().ms;
    if (i >= 0) (on ? stepTimes : autodiffTimes).push(ms);
  }
}
useHandWrittenGradients(true);
const trainMs = median(stepTimes);
const autodiffMs = median(autodiffTimes);
const flops = trainingStepFlops(config, 8, 128);
console.log(`training step 8x128: ${trainMs.toFixed(0)} ms, ${(flops / trainMs / 1e6).toFixed(1)} GFLOP/s ` +
  `(${fraction(flops, trainMs)}; ${(flops / 1e9).toFixed(2)} GFLOP per step)`);
console.log(`  same step with autodiff only: ${autodiffMs.toFixed(0)} ms (${fraction(flops, autodiffMs)}) → hand-written gradients ${(autodiffMs / trainMs).toFixed(2)}× faster`);
trainer.dispose();

// The same step training only a LoRA adapter (r = 4 on attn.c_attn and attn.c_proj, PEFT's usual attention targets).
const adapter = LoraAdapter.create(model, { ...DEFAULT_LORA }, 1);
adapter.enabled = true;
const loraTrainer = new Trainer(model, tokens, { batchSize: 8, blockSize: 128, steps: 1000, warmupSteps: 10 }, adapter.trainableVariables());
loraTrainer.trainStep();
const loraTimes: number[] = [];
for (let i = 0; i < Math.max(3, repeats); i++) loraTimes.push(loraTrainer.trainStep().ms);
const loraMs = median(loraTimes);
console.log(`LoRA training step 8x128 (r=4, ${adapter.trainableCount} trainable values): ${loraMs.toFixed(0)} ms ` +
  `(${(trainMs / loraMs).toFixed(2)}× the speed of full training; optimizer state ${loraTrainer.optimizerBytes} B vs ${(model.parameterCount * 8).toLocaleString('en')} B)`);
loraTrainer.dispose();
adapter.dispose();
model.dispose();
console.log(`tensors left: ${tf.memory().numTensors}`);

if (only !== 'playground') await benchGPT2(backend, dtypes, !process.argv.includes('--no-1000'));
