import * as tf from '@tensorflow/tfjs';

/**
 * Training-side versions of small pieces of the model whose TF.js autodiff is
 * slow on the wasm backend, each with its gradient written by hand. ops.ts
 * picks them on wasm and cpu (see handWrittenGradients there). Measured in
 * bench/trainProfile.ts on a training step of the playground model:
 *
 * - Autodiff of a broadcast add or multiply reduces over the rows (a bias's or
 *   a LayerNorm gain's gradient), and wasm's Sum over axis 0 transposes first:
 *   7.5 ms for [1024, 384]. A row of ones times dY is a plain product: 0.12 ms.
 * - wasm's Tanh runs ~11× slower than its Sigmoid (20.5 vs 1.8 ms on
 *   [1024, 512]), and 0.5·(1 + tanh(u)) = σ(2u) exactly, so gelu_new is written
 *   with σ: the same function, equal to float rounding.
 */

type Grad = (dy: tf.Tensor, saved: tf.Tensor[]) => tf.Tensor[];
type CustomFn = (...args: never[]) => { value: tf.Tensor; gradFunc: Grad };

function custom<F>(f: CustomFn): F {
  return tf.customGrad(f as unknown as Parameters<typeof tf.customGrad>[0]) as unknown as F;
}

/** Σ over rows of a [N, C] tensor as a plain product, ones[1, N]·x → [C]. */
function columnSums(x: tf.Tensor2D): tf.Tensor1D {
  const [n, c] = x.shape;
  return tf.reshape(tf.matMul(tf.ones([1, n]), x), [c]);
}

/** y + b for y [N, out] and a bias b [out]; db = Σ_rows dY. */
export const addBias = custom<(y: tf.Tensor2D, b: tf.Tensor1D) => tf.Tensor2D>(((y: tf.Tensor2D, b: tf.Tensor1D) => ({
  value: tf.add(y, b),
  gradFunc: (dy: tf.Tensor) => [dy, columnSums(dy as tf.Tensor2D)],
})) as CustomFn);

/**
 * GPT-2's LayerNorm, (x − μ)/√(σ² + ε)·γ + β over the last axis, with the same
 * forward arithmetic as ops.ts's and the standard backward: with x̂ the
 * normalised input and r = 1/√(σ² + ε),
 * dx = r·(dx̂ − mean(dx̂) − x̂·mean(dx̂ ⊙ x̂)), dx̂ = dY·γ, dγ = Σ dY ⊙ x̂, dβ = Σ dY.
 */
export const layerNormGrad = (x: tf.Tensor2D, weight: tf.Tensor1D, bias: tf.Tensor1D, eps: number): tf.Tensor2D =>
  custom<(x: tf.Tensor2D, w: tf.Tensor1D, b: tf.Tensor1D) => tf.Tensor2D>(((xx: tf.Tensor2D, w: tf.Tensor1D, b: tf.Tensor1D, save: tf.GradSaveFunc) => {
    const mean = tf.mean(xx, -1, true);
    const centered = tf.sub(xx, mean);
    const variance = tf.mean(tf.square(centered), -1, true);
    const r = tf.rsqrt(tf.add(variance, eps)); // [N, 1]
    const normed = tf.mul(centered, r); // x̂ [N, C]
    save([normed, r, w]);
    return {
      value: tf.add(tf.mul(normed, w), b),
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
        const [xh, rr, ww] = saved as [tf.Tensor2D, tf.Tensor2D, tf.Tensor1D];
        const dxh = tf.mul(dy, ww);
        const centeredGrad = tf.sub(tf.sub(dxh, tf.mean(dxh, -1, true)), tf.mul(xh, tf.mean(tf.mul(dxh, xh), -1, true)));
        return [tf.mul(centeredGrad, rr), columnSums(tf.mul(dy, xh) as tf.Tensor2D), columnSums(dy as tf.Tensor2D)];
      },
    };
  }) as CustomFn)(x, weight, bias);

const GELU_C = Math.sqrt(2 / Math.PI);
const GELU_A = 0.044715;

/**
 * gelu_new(x) = 0.5·x·(1 + tanh(u)) = x·σ(2u), u = √(2/π)·(x + 0.044715·x³);
 * d/dx = s + x·s·(1 − s)·2√(2/π)·(1 + 3·0.044715·x²), s = σ(2u).
 */
export const geluNewSigmoid = custom<(x: tf.Tensor) => tf.Tensor>(((x: tf.Tensor, save: tf.GradSaveFunc) => {
  const x2 = tf.mul(x, x);
  const s = tf.sigmoid(tf.mul(tf.mul(x, tf.add(tf.mul(x2, GELU_A), 1)), 2 * GELU_C)); // σ(2u)
  save([x, s]);
  return {
    value: tf.mul(x, s),
    gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
      const [xx, ss] = saved;
      const du = tf.mul(tf.add(tf.mul(tf.mul(xx, xx), 3 * GELU_A), 1), 2 * GELU_C); // d(2u)/dx
      const ds = tf.mul(tf.mul(ss, tf.sub(1, ss)), du); // dσ(2u)/dx
      return [tf.mul(dy, tf.add(ss, tf.mul(xx, ds)))];
    },
  };
}) as CustomFn);
