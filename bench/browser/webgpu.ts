// The WebGPU part of bench/browser/playground.ts. Where a WebGPU canvas cannot
// be made (headless Chromium on SwiftShader), tfjs-backend-webgpu cannot read a
// result synchronously, and the model's own paths (generate with its KV cache,
// Trainer.trainStep) read every step so: they run only where
// webgpuReadsBackSync() holds. What runs anywhere is measured here with async
// reads — the same forward pass and the same training arithmetic:
//   - plain 2D matmul [1024,128]×[128,512] and a tiny op (add on 128 floats), read back each time;
//   - generation without a KV cache: 64 greedy tokens after 16, a full forward per token, the last row read async
//     (each generation timed on its own, so the first, which builds WebGPU's pipelines, shows beside the later ones);
//   - a training step 8×128: the model's forward and cross-entropy, their gradients, AdamW (src/train/adamw.ts),
//     the loss read async — Trainer.trainStep's arithmetic without its gradient clipping.
import * as tf from '@tensorflow/tfjs';
import { GPT } from '../../src/model/gpt.ts';
import { makeConfig } from '../../src/model/config.ts';
import { crossEntropy } from '../../src/model/ops.ts';
import { AdamW } from '../../src/train/adamw.ts';
import { Rng } from '../../src/util/random.ts';
import { trainingStepFlops } from '../flops.ts';
import { median } from '../timing.ts';
import { describeAdapter, webgpuReadsBackSync } from '../../src/engine/webgpu.ts';

/** Median ms of an async `f` over n runs after `warmup`. */
async function timeAsync(f: () => Promise<void>, n: number, warmup: number): Promise<number> {
  for (let i = 0; i < warmup; i++) await f();
  const t: number[] = [];
  for (let i = 0; i < n; i++) {
    const t0 = performance.now();
    await f();
    t.push(performance.now() - t0);
  }
  return median(t);
}

/** Greedy: the index of the largest logit. */
function argmax(row: ArrayLike<number>): number {
  let best = 0;
  for (let i = 1; i < row.length; i++) if (row[i] > row[best]) best = i;
  return best;
}

export async function benchWebGPU(log: (line: string) => void, generations: number, train: boolean): Promise<void> {
  await import('@tensorflow/tfjs-backend-webgpu');
  if (!(await tf.setBackend('webgpu'))) throw new Error('the webgpu backend did not start (no adapter? launch Chromium with --enable-unsafe-webgpu)');
  const info = (tf.backend() as unknown as { adapterInfo?: { vendor?: string; architecture?: string } }).adapterInfo ?? {};
  const { adapter, software } = describeAdapter(info);
  log(`  backend webgpu, adapter ${adapter}${software ? ' (software)' : ''}; results read with async reads (see bench/browser/webgpu.ts)`);

  const a = tf.randomNormal([1024, 128]) as tf.Tensor2D;
  const b = tf.randomNormal([128, 512]) as tf.Tensor2D;
  const mmMs = await timeAsync(async () => {
    const c = tf.matMul(a, b);
    await c.data();
    c.dispose();
  }, 20, 3);
  const mmGflops = (2 * 1024 * 128 * 512) / mmMs / 1e6;
  tf.dispose([a, b]);
  log(`  plain 2D matmul [1024,128]x[128,512]: ${mmGflops.toFixed(2)} GFLOP/s (baseline; ${mmMs.toFixed(1)} ms with its read-back)`);

  const x = tf.randomNormal([128]);
  await x.data();
  const tinyMs = await timeAsync(async () => {
    let y = x;
    for (let i = 0; i < 200; i++) {
      const next = tf.add(y, 1);
      if (y !== x) y.dispose();
      y = next;
    }
    await y.data();
    y.dispose();
  }, 5, 1);
  x.dispose();
  log(`  tiny op (add on 128 floats, 200 in a row, one read): ${(tinyMs / 200).toFixed(3)} ms per op`);

  const config = makeConfig('playground');
  const model = GPT.create(config, 1);
  const rng = new Rng(7);
  const prompt = Array.from({ length: 16 }, () => rng.int(config.vocabSize));
  const seconds: number[] = [];
  for (let g = 0; g < generations; g++) {
    const ids = prompt.slice();
    const t0 = performance.now();
    for (let i = 0; i < 64; i++) {
      const last = tf.tidy(() => {
        const logits = model.forward(tf.tensor2d(ids, [1, ids.length], 'int32')); // [T, vocab]
        return tf.slice(logits, [ids.length - 1, 0], [1, config.vocabSize]);
      });
      const row = await last.data();
      last.dispose();
      ids.push(argmax(row));
    }
    const s = (performance.now() - t0) / 1000;
    seconds.push(s);
    log(`  generation ${g + 1} (64 tokens after 16, greedy, no KV cache: a full forward per token): ${s.toFixed(2)} s = ${(64 / s).toFixed(1)} tokens/s`);
  }
  if (generations > 1) {
    const later = median(seconds.slice(1));
    log(`  first generation / later ones (median): ${(seconds[0] / later).toFixed(2)}× (${seconds[0].toFixed(2)} s vs ${later.toFixed(2)} s)`);
  }

  if (train) {
    const tokens = Int32Array.from({ length: 50_000 }, () => rng.int(config.vocabSize));
    const vars = model.namedParameters();
    const optimizer = new AdamW(vars);
    const step = async () => {
      const starts = Array.from({ length: 8 }, () => rng.int(tokens.length - 129));
      const xs = new Int32Array(8 * 128);
      const ys = new Int32Array(8 * 128);
      starts.forEach((s0, r) => {
        xs.set(tokens.subarray(s0, s0 + 128), r * 128);
        ys.set(tokens.subarray(s0 + 1, s0 + 129), r * 128);
      });
      const { value, grads } = tf.variableGrads(
        () => crossEntropy(model.forward(tf.tensor2d(xs, [8, 128], 'int32')), tf.tensor1d(ys, 'int32')) as tf.Scalar,
        vars.map(([, v]) => v),
      );
      optimizer.apply(new Map(vars.map(([name, v]) => [name, grads[v.name]])), 1e-3);
      await value.data();
      value.dispose();
      tf.dispose(grads);
    };
    const t0 = performance.now();
    await step();
    const first = performance.now() - t0;
    const stepMs = await timeAsync(step, 3, 0);
    const flops = trainingStepFlops(config, 8, 128);
    log(`  training step 8x128 (forward, backward, AdamW; loss read async): ${stepMs.toFixed(0)} ms (first ${first.toFixed(0)} ms), ` +
      `${(flops / stepMs / 1e6).toFixed(2)} GFLOP/s (${((flops / stepMs / 1e6 / mmGflops) * 100).toFixed(0)}% of baseline)`);
    optimizer.dispose();
  }
  model.dispose();
  log(`  tensors left: ${tf.memory().numTensors}`);
  // Last, as it may destroy the device: whether the page would run its synchronous model paths on WebGPU here.
  log(`  synchronous read-back (dataSync) works here: ${webgpuReadsBackSync() ? 'yes — the page can run on WebGPU' : 'no — the page falls back (code no-sync-read)'}`);
}
