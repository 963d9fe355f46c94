import { describe, expect, it } from 'vitest';
import { chunkWithOverlap } from '../../src/lessons/chunking.ts';

describe('chunking with overlap', () => {
  it('covers every position exactly once for scoring, each window within the size', () => {
    for (const [len, size, overlap] of [[10, 4, 1], [300, 128, 32], [128, 128, 64], [5, 8, 2], [1000, 64, 0]]) {
      const chunks = chunkWithOverlap(len, size, overlap);
      const scored = new Array(len).fill(0);
      for (const c of chunks) {
        expect(c.end - c.start).toBeLessThanOrEqual(size);
        for (let p = c.scoreFrom; p < c.end; p++) scored[p]++;
        if (c.start > 0) expect(c.scoreFrom - c.start).toBe(overlap); // scored tokens have `overlap` tokens of context
      }
      expect(scored.every((n) => n === 1)).toBe(true);
      expect(chunks[chunks.length - 1].end).toBe(len);
    }
  });

  it('is exact for a hand case and refuses an overlap as large as the window', () => {
    expect(chunkWithOverlap(10, 4, 1)).toEqual([
      { start: 0, end: 4, scoreFrom: 0 }, { start: 3, end: 7, scoreFrom: 4 }, { start: 6, end: 10, scoreFrom: 7 },
    ]);
    expect(() => chunkWithOverlap(10, 4, 4)).toThrow(/overlap/);
    expect(chunkWithOverlap(0, 4, 1)).toEqual([]);
  });
});
