import { describe, expect, it, beforeAll } from 'vitest';
import { distinctN, repeatedNgramMask, repetitionReport, repWindow, seqRepN } from '../../src/sampling/repetition.ts';
import { decode } from '../../src/sampling/sampler.ts';
import { generate } from '../../src/sampling/generate.ts';
import { DEFAULT_SAMPLING } from '../../src/sampling/settings.ts';
import { GPT } from '../../src/model/gpt.ts';
import { makeConfig } from '../../src/model/config.ts';
import { useBackend } from '../helpers/backend.ts';

describe('repetition measures', () => {
  it('seq-rep-n and distinct-n by hand', () => {
    const loop = [1, 2, 1, 2, 1, 2];
    expect(seqRepN(loop, 2)).toBeCloseTo(1 - 2 / 5); // bigrams: 12 21 12 21 12
    expect(distinctN(loop, 2)).toBeCloseTo(2 / 5);
    expect(seqRepN([1, 2, 3, 4, 5], 2)).toBe(0);
    expect(seqRepN([7], 4)).toBe(0);
    expect(seqRepN([3, 3, 3, 3, 3, 3], 4)).toBeCloseTo(1 - 1 / 3);
  });

  it('rep/w counts tokens copied from the previous w tokens', () => {
    expect(repWindow([1, 2, 1, 2], 16)).toBe(0.5);
    expect(repWindow([1, 2, 3, 1], 2)).toBe(0); // the earlier 1 is 3 back
    expect(repWindow([1, 5], 16, [5])).toBe(0.5); // context counts as history, not as measured tokens
  });

  it('marks the tokens that complete an already-seen n-gram', () => {
    expect(repeatedNgramMask([1, 2, 3, 1, 2, 3, 4], 2)).toEqual([false, false, false, false, true, true, false]);
    expect(repeatedNgramMask([2, 3], 2, [2, 3])).toEqual([false, true]);
    const r = repetitionReport([5, 6, 7, 8, 5, 6, 7, 8, 5, 6, 7, 8]);
    expect(r.longestLoop).toBe(5);
    expect(r.seqRep[4]).toBeCloseTo(1 - 4 / 9);
  });
});

describe('decode with processors on a model', () => {
  let model: GPT;
  beforeAll(async () => {
    await useBackend('cpu');
    model = GPT.create(makeConfig('nano', { blockSize: 64 }), 21);
  });

  it('greedy decode equals argmax generation; sampling is reproducible by seed', () => {
    const prompt = [1, 2, 3];
    const greedy = decode(model, prompt, { ...DEFAULT_SAMPLING, do_sample: false }, { maxNewTokens: 20, seed: 1 });
    expect(greedy.tokens).toEqual(generate(model, prompt, { maxNewTokens: 20 }).tokens);
    const s = { ...DEFAULT_SAMPLING, temperature: 1.5 };
    const a = decode(model, prompt, s, { maxNewTokens: 20, seed: 5 });
    const b = decode(model, prompt, s, { maxNewTokens: 20, seed: 5 });
    const c = decode(model, prompt, s, { maxNewTokens: 20, seed: 6 });
    expect(a.tokens).toEqual(b.tokens);
    expect(a.tokens).not.toEqual(c.tokens);
    expect(a.steps.every((st) => st.prob > 0 && st.u !== null)).toBe(true);
  });

  it('no_repeat_ngram_size 3 leaves no repeated trigram in the text', () => {
    const r = decode(model, [4, 5], { ...DEFAULT_SAMPLING, do_sample: false, no_repeat_ngram_size: 3 }, { maxNewTokens: 40, seed: 1 });
    expect(seqRepN(r.tokens, 3)).toBe(0);
  });

  it('a prompt longer than the window is cut from the left with a notice', () => {
    const long = Array.from({ length: 80 }, (_, i) => i % 60);
    const r = decode(model, long, { ...DEFAULT_SAMPLING, do_sample: false }, { maxNewTokens: 3, seed: 1 });
    expect(r.notices.map((n) => n.code)).toContain('prompt-cut');
    expect(r.generated).toHaveLength(3);
  });
});
