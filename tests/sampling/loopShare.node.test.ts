import { describe, expect, it } from 'vitest';
import { endingLoop, endsInLoop, loopShare, repetitionReport } from '../../src/sampling/repetition.ts';

// Holtzman et al.'s "Repetition %" (metrics/repetition.py in github.com/ari-holtzman/degen): the
// ending phrase repeated back to back the most times, kept when it is ≥ 3 tokens and repeats, or
// repeats more than 50 times. Each case below is counted by hand.
describe("Holtzman et al.'s ending loop", () => {
  it('finds a three-token phrase said twice at the end', () => {
    // n=1: 3 after 2 → 1 copy; n=2: [2,3] after [3,1] → 1; n=3: [1,2,3] after [1,2,3] → 2.
    expect(endingLoop([1, 2, 3, 1, 2, 3])).toEqual({ phraseLength: 3, times: 2 });
    expect(endsInLoop([1, 2, 3, 1, 2, 3])).toBe(true);
    expect(endsInLoop([7, 7, 1, 2, 3, 4, 1, 2, 3, 4])).toBe(true);
  });

  it('needs the loop at the very end: a loop the text has left does not count', () => {
    expect(endingLoop([1, 2, 3, 1, 2, 3, 7])).toEqual({ phraseLength: 1, times: 1 });
    expect(endsInLoop([1, 2, 3, 1, 2, 3, 7])).toBe(false);
    expect(endsInLoop([1, 2, 3, 4, 5])).toBe(false);
    expect(endsInLoop([])).toBe(false);
  });

  it('keeps the phrase length with the most copies, so a two-token loop does not count (the code, not the caption)', () => {
    // [9, 1,2, 1,2, 1,2]: n=2 gives 3 copies; n=3 ([2,1,2] after [1,2,1]) and n=4 give 1. The paper's
    // Figure 9 caption ("minimum length 2 … at least three times") would count it; its code does not.
    expect(endingLoop([9, 1, 2, 1, 2, 1, 2])).toEqual({ phraseLength: 2, times: 3 });
    expect(endsInLoop([9, 1, 2, 1, 2, 1, 2])).toBe(false);
    // [1,2]×4: n=2 has 4 copies, n=4 ([1,2,1,2]) only 2, so the loop is the two-token one.
    expect(endingLoop([1, 2, 1, 2, 1, 2, 1, 2])).toEqual({ phraseLength: 2, times: 4 });
    expect(endsInLoop([1, 2, 1, 2, 1, 2, 1, 2])).toBe(false);
  });

  it('counts a one-token run only past 50 copies', () => {
    const run = (n: number) => [3, ...Array.from({ length: n }, () => 5)];
    expect(endingLoop(run(50))).toEqual({ phraseLength: 1, times: 50 });
    expect(endsInLoop(run(50))).toBe(false);
    expect(endsInLoop(run(51))).toBe(true);
  });

  it('looks at phrases of up to 90 tokens', () => {
    const phrase = (n: number) => Array.from({ length: n }, (_, i) => 100 + i);
    expect(endsInLoop([...phrase(90), ...phrase(90)])).toBe(true);
    expect(endsInLoop([...phrase(91), ...phrase(91)])).toBe(false);
  });

  it('gives the share of generations that end in a loop, and marks it in the report', () => {
    expect(loopShare([[1, 2, 3, 1, 2, 3], [1, 2, 3], [4, 5, 6, 4, 5, 6, 4, 5, 6], [1, 2, 1, 2]])).toBe(0.5);
    expect(loopShare([])).toBe(0);
    expect(repetitionReport([5, 6, 7, 8, 5, 6, 7, 8]).endsInLoop).toBe(true);
    // The prompt is not part of the generation: a continuation that merely repeats the prompt once does not loop.
    expect(repetitionReport([1, 2, 3], [1, 2, 3]).endsInLoop).toBe(false);
  });
});
