import * as tf from '@tensorflow/tfjs';
import './wasmIdentity.ts';
import './wasmSlice.ts';
import { addBias as addBiasGrad, geluNewSigmoid, layerNormGrad } from './grads.ts';
import { geluNewFused, trainKernelsAvailable } from './webgl/trainKernels.ts';

/**
 * Matrix products written so that every backend runs them at its fastest.
 *
 * On the wasm and cpu backends only the plain 2D product [M,K]·[K,N] is fast:
 * transposed (`transposeA/B`) and batched products run 5–20× slower (measured
 * in bench/). Autodiff of a plain product asks for exactly those slow forms
 * (dA = dY·Bᵀ, dB = Aᵀ·dY), so here the transposes are materialised (a cheap
 * copy) and every product, forward and backward, is a plain 2D one. WebGL has no
 * such cliff, so there the native kernels are used as they are.
 */
type GradResult = { value: tf.Tensor; gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => tf.Tensor[] };

/** tf.customGrad for a two-input function, typed for how it is used here. */
function customGrad2<A extends tf.Tensor, B extends tf.Tensor, R extends tf.Tensor>(
  f: (a: A, b: B, save: tf.GradSaveFunc) => GradResult,
): (a: A, b: B) => R {
  return tf.customGrad(f as unknown as Parameters<typeof tf.customGrad>[0]) as unknown as (a: A, b: B) => R;
}

export function usePlainProducts(): boolean {
  return tf.getBackend() !== 'webgl';
}

let handWritten = true;

/**
 * The pieces whose hand-written gradient (grads.ts) WebGL can use on its own —
 * attention's per-head products (gradsAttention.ts) are wasm's alone — and the
 * WebGL programs of webgl/trainKernels.ts (gelu_new, and AdamW's update with the
 * clip scale as a uniform) and webgl/trainNorm.ts (the global gradient norm) in few draws.
 */
export type WebGLTrainPiece = 'layerNorm' | 'gelu' | 'bias' | 'crossEntropy' | 'geluKernel' | 'adamWKernel' | 'gradNormKernel';

/**
 * The pieces WebGL runs hand-written. WebGL's costs differ from wasm's: every
 * kernel is a draw with a fixed price on SwiftShader, so what counts is the
 * number of kernels. A playground step 8 × 128 runs 1,754 kernels (2,297
 * draws) with autodiff of every piece, 775 (1,148) with these (840 and 1,360
 * with the gradient norm op by op); wasm's sigmoid
 * GELU is replaced by one fused program each way, and AdamW by three draws per
 * parameter. Measured by bench/browser/trainProfile.ts (1.75–2.3× faster steps).
 */
let webglPieces = new Set<WebGLTrainPiece>(['layerNorm', 'bias', 'crossEntropy', 'geluKernel', 'adamWKernel', 'gradNormKernel']);

/**
 * Whether the training pass uses the hand-written gradients of grads.ts and
 * gradsAttention.ts (LayerNorm, GELU, bias, attention): on by default where
 * plain products are used. Off, every piece is differentiated by TF.js as
 * before; the bench and the tests switch it to compare the two.
 */
export function handWrittenGradients(): boolean {
  return handWritten && usePlainProducts();
}

/** Whether `piece` uses its hand-written gradient: wherever handWrittenGradients() is on, and on WebGL the pieces chosen for it. */
export function handWrittenPiece(piece: WebGLTrainPiece): boolean {
  return handWritten && (usePlainProducts() || webglPieces.has(piece));
}

/** Whether the WebGL program `piece` of webgl/trainKernels.ts runs: on the webgl backend, where chosen. */
export function webglKernel(piece: 'geluKernel' | 'adamWKernel' | 'gradNormKernel'): boolean {
  return handWritten && webglPieces.has(piece) && trainKernelsAvailable();
}

export function useHandWrittenGradients(on: boolean): void {
  handWritten = on;
}

/** Which pieces WebGL runs hand-written (the bench and the tests compare choices); returns the previous choice. */
export function useWebGLTrainPieces(pieces: Iterable<WebGLTrainPiece>): WebGLTrainPiece[] {
  const before = [...webglPieces];
  webglPieces = new Set(pieces);
  return before;
}

/** A linear layer's bias added to its [N, out] output. */
export function addBias(y: tf.Tensor2D, bias: tf.Tensor1D): tf.Tensor2D {
  return handWrittenPiece('bias') ? addBiasGrad(y, bias) : tf.add(y, bias);
}

/** A new tensor over the same data (a reshape shares memory on every backend, whatever Identity does). */
function sameData(x: tf.Tensor): tf.Tensor {
  return tf.reshape(x, x.shape);
}

/**
 * a·b as a plain 2D product, with its gradient split over two nodes so that
 * each half is computed only when wanted. TF.js skips a node none of whose
 * inputs lead from a trained variable, but a custom gradient computes all of
 * its inputs' gradients at once: with one node, LoRA would compute (and hold)
 * the gradient of every frozen weight. `fromB` has b as its only input
 * (db = aᵀ·dy); `passA` carries the value and a (da = dy·bᵀ).
 */
function plainMatMul(a: tf.Tensor2D, b: tf.Tensor2D): tf.Tensor2D {
  const fromB = tf.customGrad(((bb: tf.Tensor, save: tf.GradSaveFunc) => {
    save([a]); // a is not an input of this node: saving keeps it for the backward pass
    return {
      value: tf.matMul(a, bb as tf.Tensor2D),
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => [transposedProduct(saved[0] as tf.Tensor2D, dy as tf.Tensor2D)],
    };
  }) as unknown as Parameters<typeof tf.customGrad>[0]) as unknown as (b: tf.Tensor2D) => tf.Tensor2D;
  // A weight is a variable, alive through the backward pass, so it is used as it is rather than
  // saved (saving clones; with wasm's stock Identity kernel a clone is a copy: 340 MB for GPT-2's
  // linear layers). A transposed operand made in this forward pass must be saved.
  const bIsVariable = b instanceof tf.Variable;
  const passA = customGrad2((value: tf.Tensor, aa: tf.Tensor, save: tf.GradSaveFunc) => {
    if (!bIsVariable) save([b]);
    return {
      value: sameData(value),
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => [dy, tf.matMul(dy as tf.Tensor2D, tf.transpose((bIsVariable ? b : saved[0]) as tf.Tensor2D))],
    };
  }) as (value: tf.Tensor2D, a: tf.Tensor2D) => tf.Tensor2D;
  return passA(fromB(b), a);
}

/**
 * aᵀ·b for a [M, K] and b [M, N] (a weight's gradient, xᵀ·dY), as plain
 * products. wasm's Transpose slows down with size (a [1024, 512] activation
 * took ~4.5 ms, a [1024, 128] one ~1 ms), so with hand-written gradients on it
 * transposes the smaller side: aᵀ·b, or (bᵀ·a)ᵀ when M·N + N·K < M·K.
 */
function transposedProduct(a: tf.Tensor2D, b: tf.Tensor2D): tf.Tensor2D {
  const [m, k] = a.shape;
  const n = b.shape[1];
  if (handWrittenGradients() && m * n + n * k < m * k) return tf.transpose(tf.matMul(tf.transpose(b), a)) as tf.Tensor2D;
  return tf.matMul(tf.transpose(a), b);
}

/** a·b for 2D tensors, with optional transposes, fast on every backend. */
export function matMul2d(a: tf.Tensor2D, b: tf.Tensor2D, transposeA = false, transposeB = false): tf.Tensor2D {
  if (!usePlainProducts()) return tf.matMul(a, b, transposeA, transposeB);
  return plainMatMul(transposeA ? tf.transpose(a) : a, transposeB ? tf.transpose(b) : b);
}

/**
 * The output head tied to the token embeddings: logits = x·wteᵀ [N, vocab].
 *
 * On wasm and cpu, `x·wteᵀ` either transposes the vocab × width table on every
 * call (~95 ms at GPT-2 size) or runs the slow transposed kernel (~37 ms per
 * token); a plain product with a copy `wteT` kept beside the table takes ~5 ms.
 * The caller keeps that copy in sync with `wte` (see GPT.headWeights).
 *
 * The gradient is split over two nodes so that each is computed only when it is
 * wanted: TF.js prunes a node whose inputs lead from no trained variable, but a
 * custom gradient computes all of its inputs' gradients at once. `headValue`
 * has `wte` as its only input (dwte = dyᵀ·x), `passInput` has x (dx = dy·wte);
 * LoRA, which does not train wte, so skips the vocab × N × width product.
 */
export function tiedOutputHead(x: tf.Tensor2D, wte: tf.Tensor2D, wteT: tf.Tensor2D | null): tf.Tensor2D {
  if (!usePlainProducts() || !wteT) return matMul2d(x, wte, false, true);
  const headValue = tf.customGrad(((w: tf.Tensor, save: tf.GradSaveFunc) => {
    save([x]); // x is not an input here: saving keeps it alive until the backward pass
    return {
      value: tf.matMul(x, wteT), // [N, vocab]
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => [transposedProduct(dy as tf.Tensor2D, saved[0] as tf.Tensor2D)], // dyᵀ·x [vocab, C]
    };
  }) as unknown as Parameters<typeof tf.customGrad>[0]) as unknown as (w: tf.Tensor2D) => tf.Tensor2D;
  const passInput = customGrad2((logits: tf.Tensor, input: tf.Tensor) => ({
    value: sameData(logits),
    gradFunc: (dy: tf.Tensor) => [dy, tf.matMul(dy as tf.Tensor2D, wte)], // d logits, dx [N, C]
  })) as (logits: tf.Tensor2D, input: tf.Tensor2D) => tf.Tensor2D;
  return passInput(headValue(wte), x);
}

/**
 * a·b over a leading batch axis: [n, M, K]·[n, K, N] → [n, M, N]. Here every
 * backend uses its native batched kernel: on wasm it runs at ~2 GFLOP/s, but
 * splitting the batch into plain 2D products costs more than it saves, because
 * wasm's Slice/Split/Unpack kernels copy element by element in JavaScript
 * (~40 ms to split a [32, 128, 128] tensor, measured in bench/).
 */
export function batchMatMul(a: tf.Tensor3D, b: tf.Tensor3D, transposeA = false, transposeB = false): tf.Tensor3D {
  return tf.matMul(a, b, transposeA, transposeB);
}

/**
 * Rows of `table` picked by `ids` (an embedding lookup). The gradient is written
 * as oneHot(ids)ᵀ·dY, because the wasm backend has no kernel for gather's own
 * gradient (UnsortedSegmentSum), and a plain product is fast everywhere.
 */
export const embeddingLookup = customGrad2((table: tf.Tensor, ids: tf.Tensor, save: tf.GradSaveFunc) => {
  save([ids]);
  const vocab = table.shape[0];
  return {
    value: tf.gather(table, ids as tf.Tensor1D),
    gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
      const [sids] = saved as [tf.Tensor1D];
      // [V, N]. (Building it transposed with a broadcast Equal is slower: wasm's Equal broadcasts in JavaScript, ~150 ms here.)
      const oneHotT = tf.transpose(tf.oneHot(sids, vocab)) as tf.Tensor2D;
      return [tf.matMul(oneHotT, dy as tf.Tensor2D), tf.zerosLike(sids)];
    },
  };
}) as (table: tf.Tensor2D, ids: tf.Tensor1D) => tf.Tensor2D;

/** GPT-2's LayerNorm over the last axis: (x − mean)/√(var + eps)·γ + β. */
export function layerNorm(x: tf.Tensor2D, weight: tf.Tensor1D, bias: tf.Tensor1D, eps: number): tf.Tensor2D {
  if (handWrittenPiece('layerNorm')) return layerNormGrad(x, weight, bias, eps); // the same forward arithmetic
  const mean = tf.mean(x, -1, true);
  const centered = tf.sub(x, mean);
  const variance = tf.mean(tf.square(centered), -1, true);
  return tf.add(tf.mul(tf.mul(centered, tf.rsqrt(tf.add(variance, eps))), weight), bias);
}

const GELU_C = Math.sqrt(2 / Math.PI);

/** GPT-2's `gelu_new`: the tanh approximation 0.5·x·(1 + tanh(√(2/π)·(x + 0.044715·x³))). */
export function geluNew(x: tf.Tensor): tf.Tensor {
  if (webglKernel('geluKernel')) return geluNewFused(x); // x·σ(2u) in one draw, its gradient in one more
  if (handWrittenPiece('gelu')) return geluNewSigmoid(x); // x·σ(2u): the same function, ~10× faster on wasm
  // x·x·x rather than pow(x, 3): two cheap products, and a cheaper gradient than Pow's.
  const inner = tf.mul(tf.add(x, tf.mul(tf.mul(tf.mul(x, x), x), 0.044715)), GELU_C);
  return tf.mul(tf.mul(x, 0.5), tf.add(tf.tanh(inner), 1));
}

/**
 * Mean next-token cross-entropy, −mean log softmax(logits)[target], with the
 * gradient written directly as (softmax − oneHot)/N: cheaper than autodiff
 * through logSoftmax and free of gather's missing wasm gradient.
 */
export const crossEntropy = customGrad2((logits: tf.Tensor, targets: tf.Tensor, save: tf.GradSaveFunc) => {
  const [n, vocab] = logits.shape as [number, number];
  const oneHot = tf.oneHot(targets as tf.Tensor1D, vocab);
  // With hand-written gradients, one exp serves the loss and the gradient: log softmax = z − log Σe^z and
  // softmax = e^z/Σe^z with z = logits − max. Otherwise logSoftmax, and exp again in the backward pass.
  const shared = handWrittenPiece('crossEntropy');
  let loss: tf.Tensor;
  if (shared) {
    const shifted = tf.sub(logits, tf.max(logits, -1, true));
    const expShifted = tf.exp(shifted);
    const sumExp = tf.sum(expShifted, -1, true); // [n, 1]
    loss = tf.mean(tf.sub(tf.reshape(tf.log(sumExp), [n]), tf.sum(tf.mul(oneHot, shifted), -1)));
    save([tf.div(expShifted, sumExp), oneHot]);
  } else {
    const logProbs = tf.logSoftmax(logits as tf.Tensor2D);
    loss = tf.neg(tf.mean(tf.sum(tf.mul(oneHot, logProbs), -1)));
    save([logProbs, oneHot]);
  }
  return {
    value: loss,
    gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
      const [probsOrLogProbs, oh] = saved as [tf.Tensor2D, tf.Tensor2D];
      const probs = shared ? probsOrLogProbs : tf.exp(probsOrLogProbs);
      const g = tf.mul(tf.sub(probs, oh), tf.div(dy, n));
      return [g, tf.zeros(targets.shape, 'int32')];
    },
  };
}) as (logits: tf.Tensor2D, targets: tf.Tensor1D) => tf.Scalar;

/**
 * Runs `f` inside tf.tidy and returns its plain result (numbers, typed
 * arrays). tf.tidy walks whatever its function returns looking for tensors —
 * key by key for a Float32Array, which costs ~1 µs per element — so plain data
 * is handed out through a closure instead.
 */
export function tidyRead<T extends number | string | boolean | ArrayLike<number> | readonly ArrayLike<number>[] | object>(f: () => T): T {
  let out!: T;
  tf.tidy(() => {
    out = f();
  });
  return out;
}
