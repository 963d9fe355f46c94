import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GPT } from '../../src/model/gpt.ts';
import { makeConfig } from '../../src/model/config.ts';
import { canAttend, maskBias, type MaskMode } from '../../src/model/masks.ts';
import { headMatrix } from '../../src/model/trace.ts';
import { useBackend } from '../helpers/backend.ts';
import { maxAbsDiff } from '../helpers/fixtures.ts';
import { directLayer0 } from '../helpers/direct.ts';

describe('attention masks', () => {
  let model: GPT;
  beforeAll(async () => {
    await useBackend('cpu');
    model = GPT.create(makeConfig('nano', { nHead: 2 }), 3);
  });
  afterAll(() => model.dispose());
  const ids = [5, 9, 2, 33, 7, 7, 41, 12];
  const modes: MaskMode[] = [{ kind: 'causal' }, { kind: 'prefix', prefixLength: 3 }, { kind: 'bidirectional' }];

  it('states which keys each family lets a query see', () => {
    // query 1 of a 4-token input, prefix of 3
    expect([0, 1, 2, 3].map((k) => canAttend({ kind: 'causal' }, 1, k))).toEqual([true, true, false, false]);
    expect([0, 1, 2, 3].map((k) => canAttend({ kind: 'prefix', prefixLength: 3 }, 1, k))).toEqual([true, true, true, false]);
    expect([0, 1, 2, 3].map((k) => canAttend({ kind: 'prefix', prefixLength: 3 }, 3, k))).toEqual([true, true, true, true]);
    expect([0, 1, 2, 3].map((k) => canAttend({ kind: 'bidirectional' }, 0, k))).toEqual([true, true, true, true]);
    expect(Array.from(maskBias({ kind: 'causal' }, 0, 2, 2))).toEqual([0, -1e9, 0, 0]);
  });

  for (const mode of modes) {
    it(`trace probabilities under the ${mode.kind} mask equal a direct computation`, async () => {
      const { trace } = model.run(ids, { trace: true, mask: mode });
      const direct = await directLayer0(model, ids, mode);
      const a = trace!.layers[0].attention;
      direct.forEach((head, h) => {
        const m = headMatrix(a, h);
        expect(maxAbsDiff(m.data, head.flat())).toBeLessThan(1e-5);
        for (let q = 0; q < m.rows; q++) {
          const row = m.data.subarray(q * m.cols, (q + 1) * m.cols);
          expect(row.reduce((s, v) => s + v, 0)).toBeCloseTo(1, 5);
          row.forEach((v, k) => { if (!canAttend(mode, q, k)) expect(v).toBe(0); });
        }
      });
      // scores are recorded before the mask: finite everywhere, also where masked
      expect(Array.from(a.scores).every(Number.isFinite)).toBe(true);
    });
  }

  it('causal: a token is unaffected by later tokens; bidirectional: it is not', () => {
    const V = model.config.vocabSize;
    const changed = ids.slice(0, 7).concat([(ids[7] + 1) % V]);
    for (const [mode, same] of [[modes[0], true], [modes[2], false]] as const) {
      const a = model.logitsAt(ids, mode)[2];
      const b = model.logitsAt(changed, mode)[2];
      expect(maxAbsDiff(a, b) < 1e-6).toBe(same);
    }
  });

  it('prefix LM extends a KV cache after the prefix, and refuses to before it, leaking nothing', () => {
    const before = tf.memory().numTensors;
    const mode: MaskMode = { kind: 'prefix', prefixLength: 3 };
    const full = model.logitsAt(ids, mode);
    const cache = model.createCache();
    model.run(ids.slice(0, 4), { cache, mask: mode });
    for (let i = 4; i < ids.length; i++) {
      expect(maxAbsDiff(model.run([ids[i]], { cache, mask: mode }).lastLogits, full[i])).toBeLessThan(1e-5);
    }
    cache.dispose();
    const short = model.createCache();
    model.run(ids.slice(0, 2), { cache: short, mask: mode });
    expect(() => model.run([ids[2]], { cache: short, mask: mode })).toThrow(/prefix/);
    short.dispose();
    const bi = model.createCache();
    model.run(ids.slice(0, 2), { cache: bi, mask: modes[2] });
    expect(() => model.run([ids[2]], { cache: bi, mask: modes[2] })).toThrow(/bidirectional/);
    bi.dispose();
    // Refused steps included: every cache freed, nothing left behind.
    expect(tf.memory().numTensors).toBe(before);
  });
});
