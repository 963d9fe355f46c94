import { describe, expect, it, beforeAll, afterAll } from 'vitest';
import { loadGPT } from '../../src/io/checkpoint.ts';
import type { GPT } from '../../src/model/gpt.ts';
import { useBackend } from '../helpers/backend.ts';
import { fixtureCases, fixturePath, maxAbsDiff } from '../helpers/fixtures.ts';

// PyTorch (float64) outputs of a Hugging Face GPT2LMHeadModel: an outside reference.
const { tolerance, cases } = fixtureCases();

for (const backend of ['cpu', 'wasm'] as const) {
  describe(`GPT-2 fixture on the ${backend} backend`, () => {
    let model: GPT;
    beforeAll(async () => {
      await useBackend(backend);
      model = await loadGPT({ config: fixturePath('config.json'), weights: fixturePath('model.safetensors') });
    });
    afterAll(() => model.dispose());

    it('matches the logits at every position of every case', () => {
      for (const c of cases) {
        const rows = model.logitsAt(c.input_ids);
        c.logits.forEach((ref, i) => expect(maxAbsDiff(rows[i], ref)).toBeLessThan(tolerance));
      }
    });

    it("matches Hugging Face's attention probabilities (output_attentions)", () => {
      const c = cases.find((x) => x.attentions)!;
      const { trace } = model.run(c.input_ids, { trace: true });
      c.attentions!.forEach((layer, l) => {
        const a = trace!.layers[l].attention;
        expect(a.numHeads).toBe(layer.length);
        layer.forEach((head, h) => {
          const ours = a.probs.subarray(h * a.queryCount * a.keyCount, (h + 1) * a.queryCount * a.keyCount);
          expect(maxAbsDiff(ours, head.flat())).toBeLessThan(tolerance);
        });
      });
    });

    it('gives the same logits token by token with the KV cache', () => {
      for (const c of cases) {
        const cache = model.createCache();
        c.input_ids.forEach((id, i) => {
          const { lastLogits } = model.run([id], { cache });
          expect(maxAbsDiff(lastLogits, c.logits[i])).toBeLessThan(tolerance);
        });
        expect(cache.length).toBe(c.input_ids.length);
        cache.dispose();
      }
    });

    it('gives the same logits after a multi-token prefill and then single steps', () => {
      const c = cases[0];
      const cache = model.createCache();
      const split = 6;
      const first = model.run(c.input_ids.slice(0, split), { cache });
      expect(maxAbsDiff(first.lastLogits, c.logits[split - 1])).toBeLessThan(tolerance);
      for (let i = split; i < c.input_ids.length; i++) {
        expect(maxAbsDiff(model.run([c.input_ids[i]], { cache }).lastLogits, c.logits[i])).toBeLessThan(tolerance);
      }
      cache.dispose();
    });
  });
}
