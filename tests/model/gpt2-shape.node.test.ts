// A GPT-2-family checkpoint as the `gpt2` repository lays it out (stands in for
// the hub: tests/helpers/gpt2Synthetic.ts writes it, here at width 48 with
// GPT-2's 12 × 12 heads, vocabulary and tokenizer), and the output head tied to
// wte: the transposed copy the head multiplies by (model/ops.ts) must give the
// logits of x·wteᵀ computed here in plain JavaScript, and follow wte whenever it
// changes — an assign, a full training step — on every backend.

import * as tf from '@tensorflow/tfjs';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadGPT } from '../../src/io/checkpoint.ts';
import type { GPT } from '../../src/model/gpt.ts';
import { tokenizerFromJSON } from '../../src/tokenizer/index.ts';
import { Trainer } from '../../src/train/trainer.ts';
import { useBackend } from '../helpers/backend.ts';
import { maxAbsDiff } from '../helpers/fixtures.ts';
import { syntheticGPT2 } from '../helpers/gpt2Synthetic.ts';

/** logits = ln_f(h)·wteᵀ for the last row of the final hidden state, in float64. */
async function referenceLastLogits(model: GPT, ids: number[]): Promise<Float64Array> {
  const { trace } = model.run(ids, { trace: true });
  const { nEmbd: C, vocabSize: V, layerNormEps } = model.config;
  const hidden = trace!.layers[trace!.layers.length - 1].hidden;
  const h = hidden.data.subarray((hidden.rows - 1) * C, hidden.rows * C);
  const [g, b, wte] = await Promise.all([model.params.ln_f.weight.data(), model.params.ln_f.bias.data(), model.params.wte.data()]);
  const mean = h.reduce((s, v) => s + v, 0) / C;
  const variance = h.reduce((s, v) => s + (v - mean) ** 2, 0) / C;
  const x = Array.from(h, (v, j) => ((v - mean) / Math.sqrt(variance + layerNormEps)) * g[j] + b[j]);
  const out = new Float64Array(V);
  for (let t = 0; t < V; t++) {
    let s = 0;
    for (let j = 0; j < C; j++) s += x[j] * wte[t * C + j];
    out[t] = s;
  }
  return out;
}

const folder = syntheticGPT2({ dtype: 'F32', nEmbd: 48, blockSize: 64 });
const ids = [464, 3290, 318, 257, 1332, 50256, 11];

for (const backend of ['cpu', 'wasm'] as const) {
  describe(`a GPT-2-layout checkpoint and the tied head on ${backend} (stands in for the hub gpt2 folder)`, () => {
    let model: GPT;
    beforeAll(async () => {
      await useBackend(backend);
      model = await loadGPT({ config: path.join(folder.dir, 'config.json'), weights: path.join(folder.dir, 'model.safetensors') });
    });
    afterAll(() => model.dispose());

    it('loads GPT2Model names (no transformer. prefix, causal-mask buffers) with its tokenizer', () => {
      expect(model.config).toMatchObject({ vocabSize: 50_257, nLayer: 12, nHead: 12, nEmbd: 48, blockSize: 64 });
      const tokenizer = tokenizerFromJSON(JSON.parse(fs.readFileSync(path.join(folder.dir, 'tokenizer.json'), 'utf8')));
      expect(tokenizer.encode('Hello world<|endoftext|>')).toEqual([15496, 995, 50256]);
    });

    it('gives the logits of x·wteᵀ, by the cached and the traced paths alike', async () => {
      const reference = await referenceLastLogits(model, ids);
      expect(maxAbsDiff(model.run(ids).lastLogits, reference)).toBeLessThan(1e-4);
      const cache = model.createCache();
      model.run(ids.slice(0, 4), { cache });
      expect(maxAbsDiff(model.run(ids.slice(4), { cache }).lastLogits, reference)).toBeLessThan(1e-4);
      cache.dispose();
    });

    it('follows wte when it is assigned, and frees the copy it replaced', async () => {
      const before = model.run(ids).lastLogits;
      const tensors = tf.memory().numTensors;
      const old = await model.params.wte.data();
      const scaled = tf.tensor(Float32Array.from(old, (v) => v * -2), model.params.wte.shape);
      model.params.wte.assign(scaled);
      scaled.dispose();
      const after = model.run(ids).lastLogits;
      expect(maxAbsDiff(after, before)).toBeGreaterThan(1e-3);
      expect(maxAbsDiff(after, await referenceLastLogits(model, ids))).toBeLessThan(1e-4);
      expect(tf.memory().numTensors).toBe(tensors);
      const restore = tf.tensor(old, model.params.wte.shape);
      model.params.wte.assign(restore);
      restore.dispose();
      expect(maxAbsDiff(model.run(ids).lastLogits, before)).toBe(0);
    });

    it('follows wte through a full training step: run() agrees with the differentiable forward()', async () => {
      const trainer = new Trainer(model, Int32Array.from({ length: 200 }, (_, i) => (i * 977) % 50_257), { batchSize: 1, blockSize: 16, steps: 2, learningRate: 1e-2, warmupSteps: 0 });
      const before = model.run(ids).lastLogits;
      trainer.trainStep();
      const run = model.run(ids).lastLogits;
      const forward = tf.tidy(() => model.forward(tf.tensor2d([ids], [1, ids.length], 'int32')).slice([ids.length - 1, 0], [1, -1]).dataSync());
      expect(maxAbsDiff(run, before)).toBeGreaterThan(1e-4);
      expect(maxAbsDiff(run, forward)).toBeLessThan(1e-4);
      trainer.dispose();
    });
  });
}
