import type { GPT } from '../model/gpt.ts';
import type { Rng } from '../util/random.ts';
import { type ProcessorStep, softmax, sortedIds } from './processors.ts';
import type { SamplingSettings } from './settings.ts';
import { DecodeSession } from './session.ts';

/** Where the draw fell: the chosen id and the distribution it was drawn from. */
export interface Draw {
  id: number;
  /** The uniform draw in [0, 1); null for greedy. */
  u: number | null;
  /** Probabilities after every processor (what the draw used). */
  probs: Float32Array;
  /** Ids by probability, highest first, and their cumulative probability: the bar the draw lands on. */
  order: number[];
  cumulative: Float32Array;
}

/**
 * Picks the next id from processed scores: the argmax when greedy, else the
 * first id (in order of decreasing probability) whose cumulative probability
 * exceeds a seeded uniform draw — so the panel can draw exactly where it fell.
 */
export function drawToken(scores: Float32Array, greedy: boolean, rng: Rng): Draw {
  const probs = softmax(scores);
  const order = sortedIds(scores);
  const cumulative = new Float32Array(order.length);
  let c = 0;
  order.forEach((id, r) => (cumulative[r] = c += probs[id]));
  if (greedy) return { id: order[0], u: null, probs, order, cumulative };
  const u = rng.next() * c; // c ≈ 1; scaling guards against float round-off at the top
  let r = 0;
  while (r < order.length - 1 && cumulative[r] <= u) r++;
  return { id: order[r], u, probs, order, cumulative };
}

/** Everything about one generated token that the panel shows or measures. */
export interface DecodeStep {
  id: number;
  /** Probability of the chosen id under the processed distribution. */
  prob: number;
  /** The model's own (raw softmax) probability of the chosen id. */
  rawProb: number;
  /** Probability mass on tokens that would complete an n-gram already in the text
   *  (n = `loopNgram`): the model's pull towards repeating itself. Raw and processed. */
  rawRepeatMass: number;
  repeatMass: number;
  u: number | null;
  /** Top tokens of the processed distribution at this step. */
  top: { id: number; prob: number }[];
  steps: ProcessorStep[];
}

export interface DecodeOptions {
  maxNewTokens: number;
  seed: number;
  /** n for the repeat-mass measure; 3 by default (a repeated trigram is a loop under way). */
  loopNgram?: number;
  eosTokenId?: number;
  onToken?: (step: DecodeStep, index: number) => void;
  shouldStop?: () => boolean;
  /** Keep the full processor trace per step (large); off by default. */
  keepProcessorSteps?: boolean;
}

export interface DecodeResult {
  tokens: number[];
  generated: number[];
  steps: DecodeStep[];
  notices: string[];
}

/**
 * Sampling or greedy decoding with every processor, seeded: the same prompt,
 * settings and seed always give the same text.
 */
export function decode(model: GPT, prompt: readonly number[], settings: SamplingSettings, opts: DecodeOptions): DecodeResult {
  const session = new DecodeSession(model, prompt, settings, {
    seed: opts.seed,
    loopNgram: opts.loopNgram,
    keepProcessorSteps: opts.keepProcessorSteps,
  });
  try {
    for (let i = 0; i < opts.maxNewTokens && !opts.shouldStop?.(); i++) {
      const step = session.step();
      opts.onToken?.(step, i);
      if (step.id === opts.eosTokenId) break;
    }
    return { tokens: session.tokens, generated: session.generated, steps: session.steps, notices: session.notices };
  } finally {
    session.dispose();
  }
}
