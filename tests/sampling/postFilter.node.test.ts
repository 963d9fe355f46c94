import { describe, expect, it } from 'vitest';
import { cutAtLoop, dropRepeatedSegments, rerankByRepetition } from '../../src/sampling/postFilter.ts';
import { seqRepN } from '../../src/sampling/repetition.ts';

describe('cutAtLoop', () => {
  it('stops where an n-gram repeats, and measures fall to zero after the cut', () => {
    const loop = [1, 2, 3, 4, 5, 1, 2, 3, 4, 5, 1, 2, 3];
    const cut = cutAtLoop(loop, 4);
    // 1,2,3,4 completes again at index 8 (tokens 5..8).
    expect(cut).toEqual({ tokens: [1, 2, 3, 4, 5, 1, 2, 3], cutAt: 8 });
    expect(seqRepN(loop, 4)).toBeGreaterThan(0.3);
    expect(seqRepN(cut.tokens, 4)).toBe(0);
  });

  it('allows maxRepeats occurrences before cutting, and counts n-grams the prompt already holds', () => {
    expect(cutAtLoop([7, 7, 7, 7], 1, 2).cutAt).toBe(2);
    expect(cutAtLoop([3, 4], 2, 1, [1, 3, 4]).cutAt).toBe(1);
    expect(cutAtLoop([1, 2, 3], 2)).toEqual({ tokens: [1, 2, 3], cutAt: null });
    expect(() => cutAtLoop([1], 0)).toThrow(RangeError);
  });
});

describe('dropRepeatedSegments', () => {
  it('drops a sentence or line that already appeared, in English and in Chinese', () => {
    const en = dropRepeatedSegments('I am here. I am  here. You are there.\nI am here.\n');
    expect(en.text).toBe('I am here. You are there.\n\n');
    expect(en.dropped).toEqual([' I am  here.', 'I am here.']);
    const zh = dropRepeatedSegments('春风吹又生。春风吹又生。明月照高楼。');
    expect(zh).toEqual({ text: '春风吹又生。明月照高楼。', dropped: ['春风吹又生。'], kept: 2 });
  });

  it("counts the prompt's sentences as seen, and keeps blank lines", () => {
    const r = dropRepeatedSegments('ROMEO:\nGood night.\n\nROMEO:\n', 'ROMEO:\n');
    expect(r.text).toBe('Good night.\n\n');
    expect(r.dropped).toEqual(['ROMEO:\n', 'ROMEO:\n']);
  });
});

describe('rerankByRepetition', () => {
  it('keeps the sample that repeats least, then the likelier one', () => {
    const r = rerankByRepetition([
      { tokens: [1, 2, 1, 2, 1, 2], meanLogProb: -0.5 },
      { tokens: [1, 2, 3, 4, 5, 6], meanLogProb: -2 },
      { tokens: [6, 5, 4, 3, 2, 1], meanLogProb: -1 },
    ], 2);
    expect(r.index).toBe(2);
    expect(r.scores[0]).toBeCloseTo(1 - 2 / 5, 12);
    expect(() => rerankByRepetition([])).toThrow(RangeError);
  });
});
