// The hand-written gradients of grads.ts and gradsAttention.ts (LayerNorm,
// gelu_new, bias, attention), on by default on wasm and cpu, against TF.js
// autodiff of the same model: the PyTorch fixture model's loss and every
// parameter's gradient agree, its logits still match PyTorch's, and the
// training pass no longer runs the kernels they replace.

import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadGPT } from '../../src/io/checkpoint.ts';
import type { GPT } from '../../src/model/gpt.ts';
import { crossEntropy, useHandWrittenGradients } from '../../src/model/ops.ts';
import { useBackend } from '../helpers/backend.ts';
import { fixtureCases, fixturePath, maxAbsDiff } from '../helpers/fixtures.ts';

const { tolerance, cases } = fixtureCases();

/** Max |a − b| over max |b|: the error relative to the gradient's own scale. */
function maxRelErr(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let scale = 0;
  for (let i = 0; i < b.length; i++) scale = Math.max(scale, Math.abs(b[i]));
  return maxAbsDiff(a, b) / scale;
}

for (const backend of ['cpu', 'wasm'] as const) {
  describe(`hand-written gradients on ${backend}`, () => {
    let model: GPT;
    let ids: tf.Tensor2D;
    let targets: tf.Tensor1D;
    beforeAll(async () => {
      await useBackend(backend);
      model = await loadGPT({ config: fixturePath('config.json'), weights: fixturePath('model.safetensors') });
      // Eight rotations of a 16-token case: 8 × 15 = 120 rows, enough that weight gradients take the
      // (bᵀ·a)ᵀ form of ops.ts's transposedProduct for mlp.c_proj and the tied head.
      const seq = cases[0].input_ids;
      const rotations = Array.from({ length: 8 }, (_, r) => [...seq.slice(r), ...seq.slice(0, r)]);
      ids = tf.tensor2d(rotations.flatMap((s) => s.slice(0, 15)), [8, 15], 'int32');
      targets = tf.tensor1d(rotations.flatMap((s) => s.slice(1, 16)), 'int32');
    });
    afterAll(() => {
      useHandWrittenGradients(true);
      tf.dispose([ids, targets]);
      model.dispose();
    });

    const lossAndGrads = (handWritten: boolean) => {
      useHandWrittenGradients(handWritten);
      const vars = model.namedParameters();
      const { value, grads } = tf.variableGrads(() => crossEntropy(model.forward(ids), targets), vars.map(([, v]) => v));
      const out = { loss: value.dataSync()[0], grads: vars.map(([name, v]) => [name, grads[v.name].dataSync() as Float32Array] as const) };
      tf.dispose([value, ...Object.values(grads)]);
      useHandWrittenGradients(true);
      return out;
    };

    it('gives the loss and every parameter gradient of TF.js autodiff (max rel err < 1e-4), leaking nothing', () => {
      lossAndGrads(true); // warm-up: kernels and the output head's copy of wteᵀ
      const before = tf.memory().numTensors;
      const ours = lossAndGrads(true);
      expect(tf.memory().numTensors).toBe(before);
      const autodiff = lossAndGrads(false);
      expect(Math.abs(ours.loss - autodiff.loss)).toBeLessThan(1e-5 * Math.abs(autodiff.loss));
      expect(ours.grads.length).toBe(autodiff.grads.length);
      for (let i = 0; i < ours.grads.length; i++) {
        const [name, g] = ours.grads[i];
        expect([name, maxRelErr(g, autodiff.grads[i][1]) < 1e-4]).toEqual([name, true]);
      }
    });

    it("the training pass's logits match PyTorch's", () => {
      for (const c of cases) {
        const logits = tf.tidy(() => model.forward(tf.tensor2d(c.input_ids, [1, c.input_ids.length], 'int32')).dataSync());
        const V = model.config.vocabSize;
        c.logits.forEach((ref, i) => expect(maxAbsDiff(logits.subarray(i * V, (i + 1) * V), ref)).toBeLessThan(tolerance));
      }
    });

    it('runs no Tanh, no batched product and no row sums for biases or LayerNorm in the training pass', async () => {
      const kernels = async (handWritten: boolean) => {
        useHandWrittenGradients(handWritten);
        const profile = await tf.profile(() => {
          const { value, grads } = tf.variableGrads(() => crossEntropy(model.forward(ids), targets));
          tf.dispose([value, ...Object.values(grads)]);
        });
        useHandWrittenGradients(true);
        return profile.kernels.map((k) => `${k.name}:${k.inputShapes.map((s) => s.length).join(',')}`);
      };
      const ours = await kernels(true);
      const autodiff = await kernels(false);
      for (const k of ['Tanh:2', 'BatchMatMul:3,3']) {
        expect(autodiff).toContain(k); // the test sees them where they run
        expect(ours).not.toContain(k);
      }
      // 2D sums: autodiff's row sums for every bias and LayerNorm parameter; what is left is the loss's two over the vocabulary.
      const sums = (ks: string[]) => ks.filter((k) => k === 'Sum:2').length;
      expect(sums(autodiff)).toBeGreaterThan(6 * model.config.nLayer);
      expect(sums(ours)).toBe(2);
    });
  });
}
