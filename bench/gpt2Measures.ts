// The GPT-2-size measures, shared by the Node bench (bench/gpt2.ts) and the
// page the Chromium bench opens (bench/browser/main.ts): nothing here imports
// Node or the DOM. Every speed is printed next to the backend's own plain
// matmul rate, measured in the same run.

import * as tf from '@tensorflow/tfjs';
import type { GPT } from '../src/model/gpt.ts';
import { Trainer } from '../src/train/trainer.ts';
import { LoraAdapter } from '../src/lora/lora.ts';
import { DEFAULT_LORA } from '../src/lora/config.ts';
import { Rng } from '../src/util/random.ts';
import { forwardFlopsPerToken, trainingStepFlops } from './flops.ts';
import { median, timeMs } from './timing.ts';

export interface MatmulRates {
  /** [1024,128]×[128,512], the playground bench's baseline (compute-bound). */
  plainGflops: number;
  /** [1,768]×[768,3072]: one token through GPT-2's MLP (bound by reading the weights). */
  vectorGflops: number;
}

export interface GPT2Figures {
  prefill128Ms: number;
  tokensPerSecondAt128: number;
  tokensPerSecondAt1000: number | null;
  loraStepMs: number;
  rates: MatmulRates;
}

export function matmulRates(): MatmulRates {
  const rate = (m: number, k: number, n: number, reps: number) => {
    const a = tf.randomNormal([m, k]) as tf.Tensor2D;
    const b = tf.randomNormal([k, n]) as tf.Tensor2D;
    // Read inside the tidy: tidy walks a returned typed array element by element.
    const ms = timeMs(() => tf.tidy(() => void tf.matMul(a, b).dataSync()), reps, 3);
    tf.dispose([a, b]);
    return (2 * m * k * n) / ms / 1e6;
  };
  return { plainGflops: rate(1024, 128, 512, 20), vectorGflops: rate(1, 768, 3072, 50) };
}

const pct = (flops: number, ms: number, gflops: number) => `${((flops / ms / 1e6 / gflops) * 100).toFixed(0)}%`;

/**
 * Prefill of 128 tokens; KV-cached greedy decoding at positions 128 and 1,000
 * (median of `steps` single-token steps, each including the logits' read-back);
 * one LoRA step (r and targets of DEFAULT_LORA) at batch 1 × 128.
 */
export async function measureGPT2(
  model: GPT,
  log: (line: string) => void,
  opts: { at1000?: boolean; steps?: number; /** Called between phases, e.g. to sample memory. */ checkpoint?: (phase: string) => Promise<void> } = {},
): Promise<GPT2Figures> {
  const c = model.config;
  const rates = matmulRates();
  log(`  plain matmul [1024,128]x[128,512]: ${rates.plainGflops.toFixed(1)} GFLOP/s; matrix-vector [1,768]x[768,3072]: ${rates.vectorGflops.toFixed(1)} GFLOP/s`);
  const rng = new Rng(7);
  const ids = Array.from({ length: 1001 }, () => rng.int(c.vocabSize));
  const steps = opts.steps ?? 12;

  const prefill128Ms = timeMs(() => model.run(ids.slice(0, 128)), 3, 1);
  const prefillFlops = 128 * forwardFlopsPerToken(c, 128);
  log(`  prefill 128 tokens: ${prefill128Ms.toFixed(0)} ms (${(prefillFlops / prefill128Ms / 1e6).toFixed(1)} GFLOP/s, ${pct(prefillFlops, prefill128Ms, rates.plainGflops)} of plain matmul)`);

  const cachedAt = (position: number): number => {
    const cache = model.createCache();
    try {
      model.run(ids.slice(0, position), { cache });
      // Greedy: feed back the argmax, as generate() does.
      let next = ids[position];
      const ms = timeMs(() => {
        const { lastLogits } = model.run([next], { cache });
        let best = 0;
        for (let i = 1; i < lastLogits.length; i++) if (lastLogits[i] > lastLogits[best]) best = i;
        next = best;
      }, steps, 2);
      const flops = forwardFlopsPerToken(c, position);
      log(`  KV-cached greedy token at position ${position}: ${ms.toFixed(1)} ms = ${(1000 / ms).toFixed(1)} tokens/s ` +
        `(${(flops / 1e9).toFixed(2)} GFLOP/token: ${pct(flops, ms, rates.plainGflops)} of plain matmul, ${pct(flops, ms, rates.vectorGflops)} of matrix-vector)`);
      return 1000 / ms;
    } finally {
      cache.dispose();
    }
  };
  const tokensPerSecondAt128 = cachedAt(128);
  const tokensPerSecondAt1000 = opts.at1000 === false ? null : cachedAt(Math.min(1000, c.blockSize - steps - 4));

  await opts.checkpoint?.('decoded');

  const tokens = Int32Array.from({ length: 4096 }, () => rng.int(c.vocabSize));
  const adapter = LoraAdapter.create(model, { ...DEFAULT_LORA }, 1);
  adapter.enabled = true;
  const trainer = new Trainer(model, tokens, { batchSize: 1, blockSize: 128, steps: 100, warmupSteps: 1 }, adapter.trainableVariables());
  let loraStepMs = NaN;
  try {
    trainer.trainStep();
    loraStepMs = median([trainer.trainStep().ms, trainer.trainStep().ms, trainer.trainStep().ms]);
    // Forward + the backward products LoRA needs (input gradients through every frozen layer); the
    // frozen weights' own gradients are not computed, so 3× the forward overstates the work a little.
    const flops = trainingStepFlops(c, 1, 128);
    log(`  LoRA step 1x128 (r=${DEFAULT_LORA.r}, ${adapter.trainableCount.toLocaleString('en')} trainable values): ${loraStepMs.toFixed(0)} ms ` +
      `(≤ ${pct(flops, loraStepMs, rates.plainGflops)} of plain matmul)`);
  } finally {
    trainer.dispose();
    adapter.dispose();
  }
  return { prefill128Ms, tokensPerSecondAt128, tokensPerSecondAt1000, loraStepMs, rates };
}

/** Bytes the wasm backend's heap has grown to (it never shrinks), or null on another backend. */
export function wasmHeapBytes(): number | null {
  const backend = tf.backend() as unknown as { wasm?: { HEAPU8?: Uint8Array } };
  return backend.wasm?.HEAPU8?.length ?? null;
}

export const MB = (bytes: number) => `${(bytes / 1e6).toFixed(0)} MB`;
