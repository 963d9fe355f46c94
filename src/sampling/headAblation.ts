import type { GPT } from '../model/gpt.ts';
import type { HeadRef } from '../model/ablation.ts';
import { softmax } from '../util/softmax.ts';
import { argmax, generate } from './generate.ts';
import type { Notice } from './notices.ts';
import { bannedNgramTokens } from './processors.ts';
import { repetitionReport, type RepetitionReport } from './repetition.ts';

/**
 * Greedy text with some attention heads switched off, beside the same text
 * with every head on: what a head contributes to repeating, seen in the words.
 * Greedy, so the two runs differ only by the ablation (no random draws to
 * drift apart).
 */
export interface GreedyRun {
  /** The heads switched off (empty: the model as trained). */
  ablate: HeadRef[];
  /** The prompt as the model read it (cut from the left to the window, as generate() does). */
  prompt: number[];
  generated: number[];
  /**
   * P(repeat) at each step: the model's own probability on tokens that would
   * complete a `loopNgram`-gram already in the text, as the sampling panel's
   * chart draws it.
   */
  repeatMass: number[];
  /** Mean of repeatMass over the steps (0 when nothing was generated). */
  meanRepeatMass: number;
  report: RepetitionReport;
  notices: Notice[];
}

export interface GreedyRunOptions {
  maxNewTokens: number;
  ablate?: readonly HeadRef[];
  /** n of the P(repeat) measure: 3, as the sampling panel. */
  loopNgram?: number;
  shouldStop?: () => boolean;
}

export function greedyRun(model: GPT, prompt: readonly number[], opts: GreedyRunOptions): GreedyRun {
  const n = opts.loopNgram ?? 3;
  const repeatMass: number[] = [];
  const r = generate(model, prompt, {
    maxNewTokens: opts.maxNewTokens,
    ablate: opts.ablate,
    shouldStop: opts.shouldStop,
    pickNext: (logits, sequence) => {
      const probs = softmax(logits);
      repeatMass.push(bannedNgramTokens(sequence, n).reduce((m, id) => m + probs[id], 0));
      return argmax(logits);
    },
  });
  const read = r.tokens.slice(0, r.tokens.length - r.generated.length);
  return {
    ablate: (opts.ablate ?? []).map((h) => ({ layer: h.layer, head: h.head })),
    prompt: read,
    generated: r.generated,
    repeatMass,
    meanRepeatMass: repeatMass.length ? repeatMass.reduce((a, b) => a + b, 0) / repeatMass.length : 0,
    report: repetitionReport(r.generated, read),
    notices: r.notices,
  };
}
