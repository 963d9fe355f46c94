/**
 * Heads that copy: induction heads and previous-token heads (Olsson et al.
 * 2022, "In-context Learning and Induction Heads"), measured the way
 * TransformerLens's tutorials measure them.
 *
 * The probe is a random token sequence of length L repeated once: r₀ … r_{L−1}
 * r₀ … r_{L−1}. Nothing in the first copy can be predicted; everything in the
 * second can, by looking back to where the current token last occurred and
 * copying the token that followed it. A head that does exactly this attends,
 * from position i in the second copy, to position i − L + 1.
 *
 * - induction score: that attention, averaged over the second copy's queries;
 * - previous-token score: attention from i to i − 1, averaged over all i ≥ 1
 *   (the first half of an induction circuit: a head in an earlier layer that
 *   writes "the token before me was x" into each position);
 * - copying, by ablation: how much of the model's advantage on the second copy
 *   goes when that one head is switched off (zero-ablation, ablation.ts): the
 *   fall in the repeated tokens' mean log-probability, less the fall in the
 *   first copy's. A head every prediction leans on (a late layer's) makes both
 *   fall alike and scores near 0; a head that helps only where there is
 *   something to copy scores its share of the in-context gain (Olsson et al.'s
 *   in-context learning score is the same kind of difference: late tokens'
 *   loss against early ones'). The paper also reads copying off the OV
 *   circuit's eigenvalues; ablation is chosen here because it measures what a
 *   learner then sees in generated text, with the forward pass as it is (no
 *   LayerNorm to fold, no eigensolver).
 *
 * Attention comes from the model's own trace (GPT.run with `trace`), not from a
 * second implementation.
 */

import type { GPT } from './gpt.ts';
import type { HeadRef } from './ablation.ts';
import { headMatrix } from './trace.ts';
import { Rng } from '../util/random.ts';

/** One copy's length when none is given: TransformerLens's 50, or half the context window if that is shorter. */
export function defaultRepeatLength(blockSize: number): number {
  return Math.max(2, Math.min(50, Math.floor(blockSize / 2)));
}

/**
 * `length` tokens drawn uniformly from the vocabulary (ids in `exclude` left
 * out: special and unknown tokens), then the same tokens again.
 */
export function repeatedRandomTokens(rng: Rng, length: number, vocabSize: number, exclude: readonly number[] = []): number[] {
  const skip = new Set(exclude);
  const allowed: number[] = [];
  for (let id = 0; id < vocabSize; id++) if (!skip.has(id)) allowed.push(id);
  if (allowed.length === 0) throw new RangeError('Every token id is excluded: there is nothing to draw from.');
  const first = Array.from({ length }, () => allowed[rng.int(allowed.length)]);
  return first.concat(first);
}

/**
 * Mean attention from each query i of the second copy (L ≤ i < 2L) to key
 * i − L + 1, the token after the earlier occurrence of token i.
 * `probs`: one head's weights, row-major [query][key], keys from position 0
 * (`keyCount` columns, 2L without a cache).
 */
export function inductionScore(probs: ArrayLike<number>, length: number, keyCount = 2 * length): number {
  let sum = 0;
  for (let i = length; i < 2 * length; i++) sum += probs[i * keyCount + (i - length + 1)];
  return sum / length;
}

/** Mean attention from each query i ≥ 1 to key i − 1, over `queryCount` rows of [query][key] weights. */
export function previousTokenScore(probs: ArrayLike<number>, queryCount: number, keyCount = queryCount): number {
  if (queryCount < 2) return 0;
  let sum = 0;
  for (let i = 1; i < queryCount; i++) sum += probs[i * keyCount + i - 1];
  return sum / (queryCount - 1);
}

/** log softmax(row)[id], computed stably (log-sum-exp with the maximum taken out). */
export function logProbOf(row: ArrayLike<number>, id: number): number {
  let max = -Infinity;
  for (let i = 0; i < row.length; i++) if (row[i] > max) max = row[i];
  let sum = 0;
  for (let i = 0; i < row.length; i++) sum += Math.exp(row[i] - max);
  return row[id] - max - Math.log(sum);
}

/**
 * Mean log-probability (nats) the model gives the tokens ids[from …], each
 * given the tokens before it, in one teacher-forced pass; with `ablate`, with
 * those heads switched off.
 */
export function meanLogProb(model: GPT, ids: readonly number[], from: number, ablate?: readonly HeadRef[]): number {
  if (!(from >= 1 && from < ids.length)) throw new RangeError(`Tokens from ${from} of ${ids.length} cannot be scored: each needs one before it.`);
  const { logits } = model.run(ids, { allLogits: true, ablate });
  const V = logits!.cols;
  let sum = 0;
  for (let t = from; t < ids.length; t++) sum += logProbOf(logits!.data.subarray((t - 1) * V, t * V), ids[t]);
  return sum / (ids.length - from);
}

/** Mean log-probabilities (nats) of a probe's first copy and of its repeat. */
export interface CopyLogProbs {
  /** Positions 1 … L − 1: predicted with nothing to copy from. */
  first: number;
  /**
   * Positions L + 1 … 2L − 1: each token followed its predecessor once before.
   * The second copy's first token (r₀ after r_{L−1}) is left out: that pair
   * never occurred, so nothing can be copied for it.
   */
  repeat: number;
}

/** Both halves' mean log-probabilities from one teacher-forced pass per sequence, with `ablate` switched off. */
export function probeLogProbs(model: GPT, probe: HeadProbe, ablate?: readonly HeadRef[]): CopyLogProbs {
  const L = probe.length;
  let first = 0;
  let repeat = 0;
  for (const ids of probe.sequences) {
    const { logits } = model.run(ids, { allLogits: true, ablate });
    const V = logits!.cols;
    const logProb = (t: number) => logProbOf(logits!.data.subarray((t - 1) * V, t * V), ids[t]);
    for (let t = 1; t < L; t++) first += logProb(t) / (L - 1);
    for (let t = L + 1; t < 2 * L; t++) repeat += logProb(t) / (L - 1);
  }
  return { first: first / probe.sequences.length, repeat: repeat / probe.sequences.length };
}

/** The head's share of the repeat's advantage (nats): the repeat's fall when it is off, less the first copy's fall. */
export function copyingScore(base: CopyLogProbs, ablated: CopyLogProbs): number {
  return base.repeat - ablated.repeat - (base.first - ablated.first);
}

export interface HeadScore extends HeadRef {
  induction: number;
  previousToken: number;
  /** copyingScore with this head switched off (nats); null where not measured. */
  copying: number | null;
}

export interface HeadProbe {
  /** Length L of one copy. */
  length: number;
  /** Each sequence: L random tokens, then the same L again. */
  sequences: number[][];
}

export interface ProbeOptions {
  seed: number;
  /** One copy's length; defaultRepeatLength(blockSize) when left out. */
  length?: number;
  /** Random sequences averaged over (TransformerLens's detector uses a batch of 10). */
  samples?: number;
  /** Ids never drawn: special and unknown tokens. */
  exclude?: readonly number[];
}

export function headProbe(config: { vocabSize: number; blockSize: number }, opts: ProbeOptions): HeadProbe {
  const length = opts.length ?? defaultRepeatLength(config.blockSize);
  if (!(Number.isInteger(length) && length >= 2 && 2 * length <= config.blockSize)) {
    throw new RangeError(`Two copies of ${length} tokens do not fit the context window of ${config.blockSize}.`);
  }
  const rng = new Rng(opts.seed);
  const samples = Math.max(1, Math.round(opts.samples ?? 4));
  return { length, sequences: Array.from({ length: samples }, () => repeatedRandomTokens(rng, length, config.vocabSize, opts.exclude)) };
}

/** Induction and previous-token scores of every head (copying left null), one traced pass per sequence. */
export function attentionScores(model: GPT, probe: HeadProbe): HeadScore[] {
  const { nLayer, nHead } = model.config;
  const L = probe.length;
  const scores: HeadScore[] = [];
  for (let layer = 0; layer < nLayer; layer++) {
    for (let head = 0; head < nHead; head++) scores.push({ layer, head, induction: 0, previousToken: 0, copying: null });
  }
  for (const ids of probe.sequences) {
    const { trace } = model.run(ids, { trace: true });
    for (const s of scores) {
      const a = trace!.layers[s.layer].attention;
      const probs = headMatrix(a, s.head).data;
      s.induction += inductionScore(probs, L, a.keyCount) / probe.sequences.length;
      s.previousToken += previousTokenScore(probs, a.queryCount, a.keyCount) / probe.sequences.length;
    }
  }
  return scores;
}

export interface HeadScan extends HeadProbe {
  /** Both halves' mean log-probabilities with every head running (nats; 0 would be certainty). */
  logProbs: CopyLogProbs;
  heads: HeadScore[];
}

/**
 * Every head's scores on a seeded probe. `copyingFor` limits the (costly,
 * one pass per head and sequence) ablation to the heads with the highest
 * induction scores; by default every head is measured.
 */
export function scanHeads(model: GPT, opts: ProbeOptions & { copyingFor?: number }): HeadScan {
  const probe = headProbe(model.config, opts);
  const heads = attentionScores(model, probe);
  const logProbs = probeLogProbs(model, probe);
  for (const h of copyingCandidates(heads, opts.copyingFor ?? heads.length)) {
    h.copying = copyingScore(logProbs, probeLogProbs(model, probe, [h]));
  }
  return { ...probe, logProbs, heads };
}

/** The `count` heads with the highest induction scores: where ablation is worth its cost. */
export function copyingCandidates<H extends HeadScore>(heads: readonly H[], count: number): H[] {
  return heads
    .slice()
    .sort((a, b) => b.induction - a.induction)
    .slice(0, Math.max(0, count));
}
