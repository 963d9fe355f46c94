import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GPT } from '../../src/model/gpt.ts';
import { makeConfig } from '../../src/model/config.ts';
import { KVCache, cacheCapacity, cacheMaskBias } from '../../src/model/kvcache.ts';
import { MASKED_SCORE } from '../../src/model/masks.ts';
import { useBackend } from '../helpers/backend.ts';
import { maxAbsDiff } from '../helpers/fixtures.ts';

// The KV cache keeps static shapes (issue 15): WebGL compiles a shader program per distinct
// tensor shape, so a cache that grew by one position per token compiled new programs at every step.
for (const backend of ['cpu', 'wasm'] as const) {
  describe(`static-shape KV cache on ${backend}`, () => {
    // Context 256, so a generation crosses from the first capacity (128) to the second (256).
    const config = makeConfig('tiny', { vocabSize: 97, blockSize: 256 });
    const ids = Array.from({ length: 150 }, (_, i) => (i * 37 + 11) % config.vocabSize);
    let model: GPT;
    let full: Float32Array[];
    beforeAll(async () => {
      await useBackend(backend);
      model = GPT.create(config, 4);
      full = model.logitsAt(ids); // one pass over every position, no cache
    });
    afterAll(() => model.dispose());

    it('keeps every layer at [nHead, capacity, headSize] from step to step, the unwritten slots zero', () => {
      const cache = model.createCache();
      model.run(ids.slice(0, 5), { cache });
      const hs = config.nEmbd / config.nHead;
      const shapes = new Set<string>();
      for (let i = 5; i < 40; i++) {
        model.run([ids[i]], { cache });
        for (let l = 0; l < config.nLayer; l++) shapes.add(JSON.stringify([cache.get(l)!.k.shape, cache.get(l)!.v.shape]));
      }
      expect([...shapes]).toEqual([JSON.stringify([[config.nHead, 128, hs], [config.nHead, 128, hs]])]);
      expect(cache.length).toBe(40);
      expect(cache.capacity).toBe(128);
      const k = cache.get(1)!.k.arraySync();
      for (const head of k) {
        expect(head.slice(40).flat().every((x) => x === 0)).toBe(true);
        expect(head.slice(0, 40).flat().some((x) => x !== 0)).toBe(true);
      }
      cache.dispose();
    });

    it('decodes the same logits as one full pass, across a growth from 128 to 256 slots', () => {
      const cache = model.createCache();
      const first = model.run(ids.slice(0, 10), { cache });
      expect(maxAbsDiff(first.lastLogits, full[9])).toBeLessThan(1e-5);
      for (let i = 10; i < ids.length; i++) {
        expect(maxAbsDiff(model.run([ids[i]], { cache }).lastLogits, full[i]), `position ${i}`).toBeLessThan(1e-5);
      }
      expect(cache.capacity).toBe(256);
      cache.dispose();
    });

    it('gives the same numbers whatever the capacity: masked slots add nothing', () => {
      const run = (cache: KVCache) => {
        model.run(ids.slice(0, 3), { cache });
        const out = ids.slice(3, 30).map((id) => model.run([id], { cache }).lastLogits);
        cache.dispose();
        return out;
      };
      const grown = run(new KVCache(config.nLayer, config.blockSize, 1)); // 4, 8, 16, 32 slots
      const wide = run(new KVCache(config.nLayer, config.blockSize, 256));
      grown.forEach((g, i) => expect(maxAbsDiff(g, wide[i]), `step ${i}`).toBeLessThan(1e-6));
    });

    it('traces only the real keys: keyCount is the length, the masked tail is dropped', () => {
      const cache = model.createCache();
      model.run(ids.slice(0, 6), { cache });
      const { trace } = model.run([ids[6]], { cache, trace: true });
      const uncached = model.run(ids.slice(0, 7), { trace: true }).trace!;
      trace!.layers.forEach((layer, l) => {
        const a = layer.attention;
        expect([a.queryCount, a.keyCount]).toEqual([1, 7]);
        expect(a.probs.length).toBe(config.nHead * 7);
        // The cached query's row is the last row of each head's map in the full pass.
        const ref = uncached.layers[l].attention;
        for (let h = 0; h < config.nHead; h++) {
          const row = ref.probs.subarray(h * 49 + 6 * 7, h * 49 + 7 * 7);
          expect(maxAbsDiff(a.probs.subarray(h * 7, (h + 1) * 7), row)).toBeLessThan(1e-5);
        }
      });
      cache.dispose();
    });

    it('forks independent caches for beams, and reports the bytes its tokens take', () => {
      const cache = model.createCache();
      model.run(ids.slice(0, 8), { cache });
      const fork = cache.fork();
      model.run([1, 2, 3], { cache: fork }); // the fork goes its own way
      // The original continues exactly as if no fork had been taken.
      expect(maxAbsDiff(model.run([ids[8]], { cache }).lastLogits, full[8])).toBeLessThan(1e-5);
      expect([cache.length, fork.length]).toEqual([9, 11]);
      const perToken = 2 * config.nLayer * config.nEmbd * 4;
      expect(cache.bytes).toBe(perToken * 9);
      expect(fork.bytes).toBe(perToken * 11);
      expect(cache.reservedBytes).toBe(perToken * 128);
      cache.dispose();
      fork.dispose();
    });

    it('leaves no tensor behind: steps, a growth, a fork, a refused step and dispose', () => {
      const before = tf.memory().numTensors;
      const cache = model.createCache();
      model.run(ids.slice(0, 120), { cache });
      for (let i = 120; i < 135; i++) model.run([ids[i]], { cache }); // grows to 256 slots at 129
      const fork = cache.fork();
      model.run([4], { cache: fork, trace: true });
      expect(() => model.run(new Array(130).fill(1), { cache })).toThrow(/context window/);
      expect(tf.memory().numTensors).toBe(before + 4 * config.nLayer); // K and V per layer, per cache
      fork.dispose();
      cache.dispose();
      expect(tf.memory().numTensors).toBe(before);
    });
  });
}

describe('static-shape cache helpers', () => {
  it('allocate a few fixed capacities: powers of two from 128, capped at the context window', () => {
    expect([1, 128, 129, 200, 257, 700, 1024].map((n) => cacheCapacity(n, 1024))).toEqual([128, 128, 256, 256, 512, 1024, 1024]);
    expect(cacheCapacity(16, 64)).toBe(64); // a small window is one capacity
    expect(cacheCapacity(20, 16)).toBe(20); // never less than asked
  });

  it('mask every slot past the real keys, whatever the mask family', () => {
    const m = cacheMaskBias({ kind: 'bidirectional' }, 2, 2, 6); // queries at 2 and 3; 4 real keys
    expect(Array.from(m)).toEqual([0, 0, 0, 0, MASKED_SCORE, MASKED_SCORE, 0, 0, 0, 0, MASKED_SCORE, MASKED_SCORE]);
    const c = cacheMaskBias({ kind: 'causal' }, 0, 2, 4);
    expect(Array.from(c)).toEqual([0, MASKED_SCORE, MASKED_SCORE, MASKED_SCORE, 0, 0, MASKED_SCORE, MASKED_SCORE]);
  });
});
