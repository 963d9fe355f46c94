// attentionCore (src/model/gradsAttention.ts) is the batched attention of the
// inference path, softmax(q·kᵀ·scale + mask)·v, run as per-head plain products
// with a hand-written gradient: its value and its gradients must equal the
// batched path's under TF.js autodiff, and it must leak nothing.

import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { attentionCore } from '../../src/model/gradsAttention.ts';
import { maskBias, CAUSAL } from '../../src/model/masks.ts';
import { useBackend } from '../helpers/backend.ts';

/** The inference path's arithmetic (gpt.ts, batched products), differentiated by TF.js. */
function reference(q: tf.Tensor3D, k: tf.Tensor3D, v: tf.Tensor3D, maskAdd: tf.Tensor2D, scale: number): tf.Tensor3D {
  const probs = tf.softmax(tf.add(tf.mul(tf.matMul(q, k, false, true), scale), maskAdd)) as tf.Tensor3D;
  return tf.matMul(probs, v);
}

function maxRelErr(a: Float32Array, b: Float32Array): number {
  let scale = 0;
  for (const x of b) scale = Math.max(scale, Math.abs(x));
  let err = 0;
  for (let i = 0; i < a.length; i++) err = Math.max(err, Math.abs(a[i] - b[i]));
  return err / scale;
}

for (const backend of ['cpu', 'wasm'] as const) {
  describe(`attentionCore on ${backend}`, () => {
    it('gives the batched path’s output and its gradients for q, k and v', async () => {
      await useBackend(backend);
      const [n, T, hs] = [6, 9, 4]; // 2 sequences × 3 heads, unequal sides so a wrong transpose shows
      const q = tf.randomNormal([n, T, hs], 0, 1, 'float32', 1) as tf.Tensor3D;
      const k = tf.randomNormal([n, T, hs], 0, 1, 'float32', 2) as tf.Tensor3D;
      const v = tf.randomNormal([n, T, hs], 0, 1, 'float32', 3) as tf.Tensor3D;
      const w = tf.randomNormal([n, T, hs], 0, 1, 'float32', 4) as tf.Tensor3D; // a loss that weighs every output
      const maskAdd = tf.tensor2d(maskBias(CAUSAL, 0, T, T), [T, T]);
      const scale = 1 / Math.sqrt(hs);
      const loss = (f: typeof reference) => (a: tf.Tensor, b: tf.Tensor, c: tf.Tensor) =>
        tf.sum(tf.mul(f(a as tf.Tensor3D, b as tf.Tensor3D, c as tf.Tensor3D, maskAdd, scale), w));
      const before = tf.memory().numTensors;
      const ours = tf.tidy(() => [attentionCore(q, k, v, maskAdd, scale), ...tf.grads(loss(attentionCore))([q, k, v])]);
      const theirs = tf.tidy(() => [reference(q, k, v, maskAdd, scale), ...tf.grads(loss(reference))([q, k, v])]);
      expect(tf.memory().numTensors).toBe(before + 8);
      for (let i = 0; i < 4; i++) {
        expect(ours[i].shape).toEqual(theirs[i].shape);
        expect(maxRelErr(ours[i].dataSync() as Float32Array, theirs[i].dataSync() as Float32Array)).toBeLessThan(1e-5);
      }
      tf.dispose([...ours, ...theirs, q, k, v, w, maskAdd]);
    });
  });
}

describe('wasm slices (wasmSlice.ts copies contiguous runs straight from the heap)', () => {
  it('gives the same values as the reference for contiguous and strided slices, float and int', async () => {
    await useBackend('wasm');
    const values = Array.from({ length: 4 * 5 * 3 }, (_, i) => i * 1.5 - 7);
    const x = tf.tensor3d(values, [4, 5, 3]);
    const at = (i: number, j: number, k: number) => values[(i * 5 + j) * 3 + k];
    const rows = tf.slice(x, [1, 0, 0], [2, 5, 3]); // contiguous: whole rows of the first axis
    expect(Array.from(rows.dataSync())).toEqual(values.slice(15, 45));
    const inner = tf.slice(x, [2, 1, 0], [1, 3, 3]); // contiguous inside one row
    expect(Array.from(inner.dataSync())).toEqual(values.slice(33, 42));
    const strided = tf.slice(x, [0, 1, 1], [2, 2, 2]);
    expect(Array.from(strided.dataSync())).toEqual([at(0, 1, 1), at(0, 1, 2), at(0, 2, 1), at(0, 2, 2), at(1, 1, 1), at(1, 1, 2), at(1, 2, 1), at(1, 2, 2)]);
    const ints = tf.slice(tf.tensor1d([5, 6, 7, 8], 'int32'), [1], [2]);
    expect([ints.dtype, Array.from(ints.dataSync())]).toEqual(['int32', [6, 7]]);
    tf.dispose([x, rows, inner, strided, ints]);
  });
});
