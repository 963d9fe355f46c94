import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { selectBackend } from '../../src/engine/backend.ts';
import { bundledWasmPaths } from '../../src/engine/wasmPaths.ts';
import { loadGPT } from '../../src/io/checkpoint.ts';
import { GPT } from '../../src/model/gpt.ts';
import { makeConfig } from '../../src/model/config.ts';
import { Trainer } from '../../src/train/trainer.ts';
import { generate } from '../../src/sampling/generate.ts';
// PyTorch reference outputs (tests/fixtures/gpt2-tiny), served to the page by Vite.
import fixtureConfig from '../fixtures/gpt2-tiny/config.json';
import fixtureCases from '../fixtures/gpt2-tiny/cases.json';
import weightsUrl from '../fixtures/gpt2-tiny/model.safetensors?url';
import { maxAbsDiff } from '../helpers/compare.ts';

interface Case { input_ids: number[]; logits: number[][]; attentions?: number[][][][] }
const { tolerance, cases } = fixtureCases as unknown as { tolerance: number; cases: Case[] };

for (const backend of ['webgl', 'wasm'] as const) {
  describe(`GPT-2 fixture in Chromium on ${backend}`, () => {
    it('matches PyTorch logits, attention probabilities and KV-cache decoding', async () => {
      const choice = await selectBackend([backend], bundledWasmPaths);
      expect(tf.getBackend()).toBe(backend);
      expect(choice.backend).toBe(backend);
      const model = await loadGPT({ config: fixtureConfig as never, weights: weightsUrl });
      // The reference stores attention probabilities for one case; compare them wherever they are.
      const withAttentions = cases.filter((c) => c.attentions);
      expect(withAttentions.length, 'the fixture has attention probabilities to compare').toBeGreaterThan(0);
      let headsCompared = 0;
      for (const c of cases) {
        const rows = model.logitsAt(c.input_ids);
        c.logits.forEach((ref, i) => expect(maxAbsDiff(rows[i], ref)).toBeLessThan(tolerance));
        const cache = model.createCache();
        c.input_ids.forEach((id, i) => expect(maxAbsDiff(model.run([id], { cache }).lastLogits, c.logits[i])).toBeLessThan(tolerance));
        cache.dispose();
        if (c.attentions) {
          const { trace } = model.run(c.input_ids, { trace: true });
          c.attentions.forEach((layer, l) => {
            const a = trace!.layers[l].attention;
            expect(a.probs.length).toBe(layer.flat(2).length);
            expect(maxAbsDiff(a.probs, layer.flat(2))).toBeLessThan(tolerance);
            headsCompared += layer.length;
          });
        }
      }
      expect(headsCompared).toBe(withAttentions.length * fixtureConfig.n_layer * fixtureConfig.n_head);
      model.dispose();
    });

    it('trains and generates without leaking tensors', async () => {
      await selectBackend([backend], bundledWasmPaths);
      const before = tf.memory().numTensors;
      const model = GPT.create(makeConfig('nano'), 5);
      const text = Int32Array.from({ length: 300 }, (_, i) => [1, 2, 3, 4, 5][i % 5]);
      const trainer = new Trainer(model, text, { batchSize: 2, blockSize: 16, learningRate: 1e-2, warmupSteps: 2 });
      const first = trainer.trainStep().loss;
      let last = first;
      for (let i = 0; i < 30; i++) last = trainer.trainStep().loss;
      expect(last).toBeLessThan(first * 0.5);
      expect(generate(model, [1, 2], { maxNewTokens: 20 }).generated).toHaveLength(20);
      trainer.dispose();
      model.dispose();
      expect(tf.memory().numTensors).toBe(before);
    });
  });
}
