import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { GPT, InputError } from '../../src/model/gpt.ts';
import { makeConfig } from '../../src/model/config.ts';
import { generate } from '../../src/sampling/generate.ts';
import { Trainer } from '../../src/train/trainer.ts';
import { useBackend } from '../helpers/backend.ts';

// tfjs-core's optimizer tests check numTensors the same way: memory held by
// the model must not grow with use.
for (const backend of ['cpu', 'wasm'] as const) {
  describe(`tensor discipline on ${backend}`, () => {
    it('forward, 50 cached tokens and 10 training steps leave no tensors behind', async () => {
      await useBackend(backend);
      const baseline = tf.memory().numTensors;
      const model = GPT.create(makeConfig('nano', { blockSize: 64 }), 1);
      const withModel = tf.memory().numTensors;

      model.run([1, 2, 3, 4], { trace: true });
      expect(tf.memory().numTensors).toBe(withModel);

      const out = generate(model, [1, 2, 3], { maxNewTokens: 50 });
      expect(out.generated).toHaveLength(50);
      expect(tf.memory().numTensors).toBe(withModel);

      const trainer = new Trainer(model, Int32Array.from({ length: 400 }, (_, i) => (i * 7) % 50), { batchSize: 2, blockSize: 16, steps: 10 });
      const withTrainer = tf.memory().numTensors;
      for (let i = 0; i < 10; i++) trainer.trainStep();
      expect(tf.memory().numTensors).toBe(withTrainer);

      trainer.dispose();
      model.dispose();
      expect(tf.memory().numTensors).toBe(baseline);
    });

    it('a rejected input leaves nothing behind and a cache intact', async () => {
      await useBackend(backend);
      const model = GPT.create(makeConfig('nano'), 1);
      const cache = model.createCache();
      model.run([1, 2], { cache });
      const before = tf.memory().numTensors;
      expect(() => model.run([], { cache })).toThrow(InputError);
      expect(() => model.run([999], { cache })).toThrow(/outside the vocabulary/);
      expect(() => model.run(new Array(20).fill(1), { cache })).toThrow(/context window/);
      expect(tf.memory().numTensors).toBe(before);
      expect(cache.length).toBe(2);
      cache.dispose();
      model.dispose();
    });
  });
}
