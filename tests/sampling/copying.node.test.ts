// Copying the input (parroting the prompt) against copying itself (looping on
// its own words), on token arrays made by hand.

import { describe, expect, it } from 'vitest';
import { copyShares, repetitionReport, seqRepN } from '../../src/sampling/repetition.ts';

describe('copying the input vs copying itself', () => {
  it('counts a continuation that repeats the prompt as copying the input', () => {
    const prompt = [1, 2, 3, 4, 5, 6];
    // 4-grams of the continuation: 2345, 3456 (in the prompt), 4569 (new).
    expect(copyShares([2, 3, 4, 5, 6, 9], prompt)).toEqual({ fromInput: 2 / 3, fromSelf: 0, total: 3 });
  });

  it('counts a loop on words the prompt never had as copying itself', () => {
    const prompt = [1, 2, 3, 4];
    const loop = [7, 8, 9, 10, 7, 8, 9, 10]; // 4-grams: 78910 89107 91078 10789 78910 — the last one repeats
    const shares = copyShares(loop, prompt);
    expect(shares).toEqual({ fromInput: 0, fromSelf: 1 / 5, total: 5 });
    // With nothing from the prompt, copying itself is exactly seq-rep-4.
    expect(shares.fromSelf).toBeCloseTo(seqRepN(loop, 4));
  });

  it('gives an n-gram the prompt holds to the input even when the continuation said it before', () => {
    const prompt = [5, 6, 7, 8];
    const continuation = [5, 6, 7, 8, 5, 6, 7, 8];
    // 5678 ×2 (prompt), 6785, 7856, 8567 (new, none repeated).
    expect(copyShares(continuation, prompt)).toEqual({ fromInput: 2 / 5, fromSelf: 0, total: 5 });
    // seq-rep-4 sees the same repeat, but cannot say it came from the prompt.
    expect(seqRepN(continuation, 4)).toBeCloseTo(1 / 5);
  });

  it('does not count an n-gram that straddles the prompt and the continuation', () => {
    // "2 3 4 5" exists only across the boundary: the continuation's own 4-grams are 3459 and 4591.
    expect(copyShares([3, 4, 5, 9, 1], [1, 2])).toEqual({ fromInput: 0, fromSelf: 0, total: 2 });
  });

  it('uses other n when asked, and is 0 for a continuation shorter than n', () => {
    expect(copyShares([1, 2, 1, 2], [9, 1, 2], 2)).toEqual({ fromInput: 2 / 3, fromSelf: 0, total: 3 });
    expect(copyShares([1, 2, 3], [1, 2, 3])).toEqual({ fromInput: 0, fromSelf: 0, total: 0 });
  });

  it('is part of the repetition report, against the prompt given as context', () => {
    const r = repetitionReport([1, 2, 3, 4, 1, 2, 3, 4], [1, 2, 3, 4]);
    expect(r.copying.fromInput).toBeCloseTo(2 / 5);
    expect(r.copying.fromSelf).toBe(0);
    expect(repetitionReport([1, 2, 3, 4, 1, 2, 3, 4]).copying.fromSelf).toBeCloseTo(1 / 5);
  });
});
