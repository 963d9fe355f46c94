import type { GPT } from '../model/gpt.ts';
import { greedyRun } from './headAblation.ts';

/**
 * How much a model repeats itself when nothing random hides it: greedy
 * continuations of fixed prompts, with the measures the sampling panel uses —
 * seq-rep-4 of each continuation (Welleck et al. 2019) and P(repeat), the
 * model's own probability on tokens that would repeat a 3-gram — averaged
 * over the prompts. Greedy, so two models compared on the same prompts differ
 * only by their weights.
 */
export interface GreedyRepetition {
  /** Mean seq-rep-4 of the continuations. */
  seqRep4: number;
  /** Mean over prompts of the mean P(repeat) over steps. */
  pRepeat: number;
  /** Mean rep/16. */
  repWindow16: number;
  /** Each prompt's continuation (token ids). */
  continuations: number[][];
}

export function greedyRepetition(model: GPT, prompts: readonly (readonly number[])[], opts: { maxNewTokens: number; shouldStop?: () => boolean }): GreedyRepetition {
  const runs = prompts.map((p) => greedyRun(model, p, { maxNewTokens: opts.maxNewTokens, shouldStop: opts.shouldStop }));
  const mean = (f: (r: (typeof runs)[number]) => number) => (runs.length ? runs.reduce((s, r) => s + f(r), 0) / runs.length : 0);
  return {
    seqRep4: mean((r) => r.report.seqRep[4]),
    pRepeat: mean((r) => r.meanRepeatMass),
    repWindow16: mean((r) => r.report.repWindow16),
    continuations: runs.map((r) => r.generated),
  };
}
