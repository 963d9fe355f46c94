/**
 * Probabilities from scores: exp(s − max) / Σ exp(s − max), in float32.
 * Subtracting the largest score first keeps exp from overflowing; a score of
 * −∞ (a filtered token) gets exactly 0. Shared by the model's logit lens and
 * the sampling processors, which is why it lives below both.
 */
export function softmax(scores: ArrayLike<number>): Float32Array {
  let max = -Infinity;
  for (let i = 0; i < scores.length; i++) if (scores[i] > max) max = scores[i];
  const out = new Float32Array(scores.length);
  if (max === -Infinity) return out; // nothing allowed: callers treat as an error
  let sum = 0;
  for (let i = 0; i < scores.length; i++) sum += out[i] = Math.exp(scores[i] - max);
  for (let i = 0; i < out.length; i++) out[i] /= sum;
  return out;
}
