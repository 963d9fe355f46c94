// What ops.ts and wasmIdentity.ts change about memory and work, not numbers
// (the PyTorch fixture tests hold the numbers): LoRA's backward pass computes no
// gradient for a frozen weight, and on wasm a tensor kept for the backward pass
// shares its data instead of copying it.

import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { GPT } from '../../src/model/gpt.ts';
import { makeConfig } from '../../src/model/config.ts';
import { crossEntropy } from '../../src/model/ops.ts';
import { LoraAdapter } from '../../src/lora/lora.ts';
import { DEFAULT_LORA } from '../../src/lora/config.ts';
import { useBackend } from '../helpers/backend.ts';

for (const backend of ['cpu', 'wasm'] as const) {
  describe(`gradients on ${backend}`, () => {
    it("a LoRA step computes no gradient for the frozen MLP weights or the tied embeddings", async () => {
      await useBackend(backend);
      const config = makeConfig('nano'); // width 16, MLP 64, vocabulary 64
      const model = GPT.create(config, 1);
      const adapter = LoraAdapter.create(model, { ...DEFAULT_LORA }, 1); // attention only
      adapter.enabled = true;
      const [B, T] = [2, 5]; // N = 10 rows, unlike any weight's side
      const ids = tf.tensor2d(Array.from({ length: B * T }, (_, i) => (i * 7) % 64), [B, T], 'int32');
      const targets = tf.tensor1d(Array.from({ length: B * T }, (_, i) => (i * 5) % 64), 'int32');
      const loss = () => crossEntropy(model.forward(ids), targets);
      const shapesOf = async (vars: tf.Variable[]) => {
        const profile = await tf.profile(() => {
          const { value, grads } = tf.variableGrads(loss, vars);
          tf.dispose([value, ...Object.values(grads)]);
        });
        return profile.kernels.filter((k) => k.name === 'BatchMatMul').map((k) => k.outputShapes[0]!.join('x'));
      };
      const weightGrad = `${config.nEmbd}x${config.nInner}`; // dW of mlp.c_fc = xᵀ·dy
      const embeddingGrad = `${config.vocabSize}x${config.nEmbd}`; // dwte of the tied head = dyᵀ·x
      const lora = await shapesOf(adapter.trainableVariables().map(([, v]) => v));
      expect(lora).not.toContain(weightGrad);
      expect(lora).not.toContain(embeddingGrad);
      // Training every weight computes both: the test sees them when they are there.
      const full = await shapesOf(model.namedParameters().map(([, v]) => v));
      expect(full).toContain(weightGrad);
      expect(full).toContain(embeddingGrad);
      tf.dispose([ids, targets]);
      adapter.dispose();
      model.dispose();
    });
  });
}

describe('wasm keeps tensors for the backward pass without copying them', () => {
  it('a clone shares the data, and outlives the original', async () => {
    await useBackend('wasm');
    const x = tf.tensor1d([1, 2, 3, 4]);
    const y = tf.clone(x);
    expect(y.dataId).toBe(x.dataId);
    x.dispose();
    expect(Array.from(await y.data())).toEqual([1, 2, 3, 4]);
    y.dispose();
  });
});
