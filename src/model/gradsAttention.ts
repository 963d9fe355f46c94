import * as tf from '@tensorflow/tfjs';

/**
 * Causal self-attention's core, softmax(q·kᵀ·scale + mask)·v, written for the
 * wasm and cpu backends' training pass, with its gradient written by hand.
 *
 * On wasm only a batch-1 product reaches XNNPACK; a batched [32, 128, 32]
 * product runs a plain loop at ~1.4 GFLOP/s, and autodiff asks for four of them
 * per layer, transposed. A continuous row slice is one memcpy (~0.07 ms), so
 * here each (sequence, head) runs as a plain 2D product on its rows — 32 of them
 * cost ~2–7 ms where one batched product took ~25–30 ms (bench/trainProfile.ts).
 * The transposed operands (kᵀ, vᵀ, Pᵀ, dSᵀ) are made once for all heads.
 *
 * The gradient is the textbook one (as FlashAttention's backward writes it):
 * dV = Pᵀ·dY, dP = dY·Vᵀ, dS = P ⊙ (dP − rowsum(dP ⊙ P))·scale,
 * dQ = dS·K, dK = dSᵀ·Q.
 */

/** Rows [i·rows, (i+1)·rows) of a 2D tensor: one contiguous copy. */
function rowBlock(x: tf.Tensor2D, i: number, rows: number): tf.Tensor2D {
  return tf.slice(x, [i * rows, 0], [rows, x.shape[1]]);
}

/** a_i·b_i for every i, where a is n blocks of aRows rows and b n blocks of bRows rows: [n·aRows, b cols]. */
function blockProducts(a: tf.Tensor2D, aRows: number, b: tf.Tensor2D, bRows: number, n: number): tf.Tensor2D {
  const out: tf.Tensor2D[] = [];
  for (let i = 0; i < n; i++) out.push(tf.matMul(rowBlock(a, i, aRows), rowBlock(b, i, bRows)));
  return n === 1 ? out[0] : tf.concat(out, 0);
}

/** x [n, r, c] → xᵀ per block, flattened: [n·c, r]. */
function blockTranspose(x: tf.Tensor3D): tf.Tensor2D {
  const [n, r, c] = x.shape;
  return tf.reshape(tf.transpose(x, [0, 2, 1]), [n * c, r]);
}

/**
 * q [n, T, hs], k and v [n, S, hs], maskAdd [T, S] (0 or −∞-like) → [n, T, hs].
 * Numbers equal the batched path's to float rounding (tests/model/gradsAttention.node.test.ts).
 */
export function attentionCore(q: tf.Tensor3D, k: tf.Tensor3D, v: tf.Tensor3D, maskAdd: tf.Tensor2D, scale: number): tf.Tensor3D {
  const [n, T, hs] = q.shape;
  const S = k.shape[1];
  const f = tf.customGrad(((qq: tf.Tensor3D, kk: tf.Tensor3D, vv: tf.Tensor3D, save: tf.GradSaveFunc) => {
    const scores = tf.reshape(blockProducts(tf.reshape(qq, [n * T, hs]), T, blockTranspose(kk), hs, n), [n, T, S]); // [n, T, S]
    const probs = tf.softmax(tf.add(tf.mul(scores, scale), maskAdd)) as tf.Tensor3D; // masked cells → exactly 0
    const y = blockProducts(tf.reshape(probs, [n * T, S]), T, tf.reshape(vv, [n * S, hs]), S, n); // [n·T, hs]
    save([qq, kk, vv, probs]);
    return {
      value: tf.reshape(y, [n, T, hs]),
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
        const [sq, sk, sv, p] = saved as [tf.Tensor3D, tf.Tensor3D, tf.Tensor3D, tf.Tensor3D];
        const dy2 = tf.reshape(dy, [n * T, hs]) as tf.Tensor2D;
        const dv = blockProducts(blockTranspose(p), S, dy2, T, n); // Pᵀ·dY [n·S, hs]
        const dp = tf.reshape(blockProducts(dy2, T, blockTranspose(sv), hs, n), [n, T, S]); // dY·Vᵀ
        const ds: tf.Tensor3D = tf.mul(tf.mul(p, tf.sub(dp, tf.sum(tf.mul(dp, p), -1, true))), scale); // [n, T, S]
        const dq = blockProducts(tf.reshape(ds, [n * T, S]), T, tf.reshape(sk, [n * S, hs]), S, n); // dS·K [n·T, hs]
        const dk = blockProducts(blockTranspose(ds), S, tf.reshape(sq, [n * T, hs]), T, n); // dSᵀ·Q [n·S, hs]
        return [tf.reshape(dq, [n, T, hs]), tf.reshape(dk, [n, S, hs]), tf.reshape(dv, [n, S, hs])];
      },
    };
  }) as unknown as Parameters<typeof tf.customGrad>[0]) as unknown as (a: tf.Tensor3D, b: tf.Tensor3D, c: tf.Tensor3D) => tf.Tensor3D;
  return f(q, k, v);
}
