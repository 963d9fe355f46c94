// Cross-entropy that skips positions labelled −100, as PyTorch's
// `CrossEntropyLoss(ignore_index=-100)` does for every Hugging Face causal LM:
// the mean is over the positions that count, not over all of them, so a batch
// with short answers and long questions weighs each answer token as much as a
// batch of answers alone would.

import * as tf from '@tensorflow/tfjs';

/** The label of a position the loss skips (PyTorch's default `ignore_index`). */
export const IGNORE_INDEX = -100;

/** True when some target is IGNORE_INDEX: the batch carries a loss mask. */
export function hasIgnoredLabels(y: ArrayLike<number>): boolean {
  for (let i = 0; i < y.length; i++) if (y[i] === IGNORE_INDEX) return true;
  return false;
}

/**
 * Mean −log p(y_i) over the positions whose label is not −100 (logits
 * [N, vocab], labels [N]). Differentiable; a batch with no counted position
 * gives 0 (PyTorch gives NaN; the trainer would call that a divergence).
 */
export function maskedCrossEntropy(logits: tf.Tensor2D, labels: Int32Array): tf.Scalar {
  const weights = new Float32Array(labels.length);
  const targets = new Int32Array(labels.length);
  let counted = 0;
  labels.forEach((label, i) => {
    if (label === IGNORE_INDEX) return;
    weights[i] = 1;
    targets[i] = label;
    counted++;
  });
  return tf.tidy(() => {
    const logProbs = tf.logSoftmax(logits);
    const picked = tf.sum(tf.mul(tf.oneHot(tf.tensor1d(targets, 'int32'), logits.shape[1]), logProbs), -1); // [N]
    return tf.div(tf.neg(tf.sum(tf.mul(picked, tf.tensor1d(weights)))), Math.max(1, counted)) as tf.Scalar;
  });
}
