import * as tf from '@tensorflow/tfjs';
import type { GPT } from '../model/gpt.ts';
import { crossEntropy } from '../model/ops.ts';
import { evaluationBatches } from './data.ts';

/**
 * Token-level unlikelihood training (Welleck et al. 2019, "Neural Text
 * Degeneration with Unlikelihood Training", §5.1). At each target position t
 * the negative candidates are the context's earlier tokens,
 *
 *   C_t = {x_1, …, x_{t−1}} \ {x_t},
 *
 * each counted once however often it occurs, and the objective adds to
 * maximum likelihood the cost of giving them probability:
 *
 *   L = −log p(x_t | x_<t) + α · Σ_{c ∈ C_t} −log(1 − p(c | x_<t)).
 *
 * Likelihood alone gives a token already in the text no reason to be less
 * likely; this term does, which is why the paper's greedy continuations repeat
 * far less. As in the authors' code (custom/candidate_penalty_ce_loss.py,
 * candidate_type 'prev_context'): candidates are a set (scatter of ones), the
 * target itself is removed, 1 − p is clamped at 1e-5, and both terms are
 * summed over positions and divided by the token count.
 */
export type TrainObjective = { kind: 'mle' } | { kind: 'unlikelihood'; alpha: number };

export const MLE: TrainObjective = { kind: 'mle' };

/** α of the paper's token-level runs (UL-token, α = 1). */
export const DEFAULT_UL_ALPHA = 1;

/** 1 − p is clamped here before the log, as the reference code does: a sure candidate costs at most −ln 1e-5 ≈ 11.5 nats. */
export const ONE_MINUS_P_FLOOR = 1e-5;

/**
 * For each target of a batch (windows of `blockSize`, y[t] the token after
 * x[t]), the distinct tokens the model has read so far in its window
 * (x[0..t]), without the target: the paper's C_t, in order of first sight.
 * The reference code, which flattens a fairseq batch into one stream, takes
 * the earlier *targets*; within a window that is the same set except x[0].
 */
export function unlikelihoodCandidates(x: ArrayLike<number>, y: ArrayLike<number>, batchSize: number, blockSize: number): number[][] {
  if (x.length !== batchSize * blockSize || y.length !== x.length) throw new RangeError(`x and y must hold ${batchSize}×${blockSize} tokens.`);
  const out: number[][] = [];
  for (let b = 0; b < batchSize; b++) {
    const seen: number[] = [];
    const has = new Set<number>();
    for (let t = 0; t < blockSize; t++) {
      const i = b * blockSize + t;
      if (!has.has(x[i])) {
        has.add(x[i]);
        seen.push(x[i]);
      }
      out.push(seen.filter((c) => c !== y[i]));
    }
  }
  return out;
}

/** The candidates as a 0/1 mask [positions, vocab] (the reference's `negative_targets`). */
export function candidateMask(candidates: readonly (readonly number[])[], vocabSize: number): Float32Array {
  const mask = new Float32Array(candidates.length * vocabSize);
  candidates.forEach((cs, i) => {
    for (const c of cs) mask[i * vocabSize + c] = 1;
  });
  return mask;
}

/** Σ over positions and candidates of −log(1 − p), divided by the positions: the unlikelihood term per token. */
export function unlikelihoodTerm(logits: tf.Tensor2D, mask: tf.Tensor2D): tf.Scalar {
  return tf.tidy(() => {
    const oneMinus = tf.maximum(tf.sub(1, tf.softmax(logits)), ONE_MINUS_P_FLOOR);
    return tf.div(tf.neg(tf.sum(tf.mul(mask, tf.log(oneMinus)))), logits.shape[0]) as tf.Scalar;
  });
}

/**
 * The training loss of one batch under `objective`: cross-entropy, plus
 * α × the unlikelihood term. Differentiable: gradients reach whatever
 * produced the logits (the LoRA matrices, in adapter training).
 */
export function objectiveLoss(
  logits: tf.Tensor2D,
  batch: { x: ArrayLike<number>; y: Int32Array; batchSize: number; blockSize: number },
  objective: TrainObjective,
): tf.Scalar {
  return tf.tidy(() => {
    const y = tf.tensor1d(batch.y, 'int32');
    const mle = crossEntropy(logits, y);
    if (objective.kind === 'mle' || objective.alpha === 0) return mle;
    const vocab = logits.shape[1];
    const mask = tf.tensor2d(candidateMask(unlikelihoodCandidates(batch.x, batch.y, batch.batchSize, batch.blockSize), vocab), [batch.y.length, vocab]);
    return tf.add(mle, tf.mul(unlikelihoodTerm(logits, mask), objective.alpha)) as tf.Scalar;
  });
}

/**
 * What the unlikelihood term pushes down, as a probability: the mean over
 * positions of Σ_{c ∈ C_t} p(c | x_<t), the mass a model puts on earlier
 * tokens of its context other than the right next one. Measured on a held-out
 * stream's fixed evaluation windows (the trainer's), with no gradients.
 */
export function contextMassOn(model: GPT, tokens: ArrayLike<number>, shape: { batchSize: number; blockSize: number }, maxBatches: number): number {
  let total = 0;
  let count = 0;
  for (const b of evaluationBatches(tokens, shape.batchSize, shape.blockSize, maxBatches)) {
    const vocab = model.config.vocabSize;
    const mask = candidateMask(unlikelihoodCandidates(b.x, b.y, b.batchSize, b.blockSize), vocab);
    total += tf.tidy(() => {
      const probs = tf.softmax(model.forward(tf.tensor2d(b.x, [b.batchSize, b.blockSize], 'int32')));
      return tf.sum(tf.mul(tf.tensor2d(mask, [b.y.length, vocab]), probs)).dataSync()[0];
    });
    count += b.y.length;
  }
  return count ? total / count : NaN;
}

/** A message naming what is wrong with an objective, or null. */
export function objectiveProblem(o: TrainObjective): string | null {
  if (o.kind === 'mle') return null;
  if (o.kind !== 'unlikelihood') return `Unknown training objective ${JSON.stringify((o as { kind: unknown }).kind)}.`;
  return typeof o.alpha === 'number' && Number.isFinite(o.alpha) && o.alpha >= 0 ? null : `The unlikelihood weight α must be a number ≥ 0; got ${o.alpha}.`;
}
