import * as tf from '@tensorflow/tfjs';
import { describe, expect, it, beforeAll } from 'vitest';
import { GPT } from '../../src/model/gpt.ts';
import { makeConfig } from '../../src/model/config.ts';
import { Trainer, DivergenceError } from '../../src/train/trainer.ts';
import { learningRateAt } from '../../src/train/schedule.ts';
import { AdamW } from '../../src/train/adamw.ts';
import { saveTrainingCheckpoint, resumeTraining } from '../../src/train/checkpoint.ts';
import { sampleBatch } from '../../src/train/data.ts';
import { Rng } from '../../src/util/random.ts';
import { useBackend } from '../helpers/backend.ts';
import { maxAbsDiff } from '../helpers/fixtures.ts';

const text = Int32Array.from({ length: 600 }, (_, i) => [3, 14, 15, 9, 26, 5, 35][i % 7]);

async function allWeights(model: GPT): Promise<Float32Array> {
  const parts = [...(await model.weights()).values()].map((w) => w.data);
  const out = new Float32Array(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) { out.set(p, o); o += p.length; }
  return out;
}

describe('training', () => {
  beforeAll(() => useBackend('cpu'));

  it('schedule: linear warm-up, cosine to the floor, floor after', () => {
    const s = { learningRate: 1e-3, minLearningRate: 1e-4, warmupSteps: 10, decaySteps: 110 };
    expect(learningRateAt(s, 0)).toBeCloseTo(1e-4, 10);
    expect(learningRateAt(s, 9)).toBeCloseTo(1e-3, 10);
    expect(learningRateAt(s, 60)).toBeCloseTo(5.5e-4, 10); // halfway down the cosine
    expect(learningRateAt(s, 110)).toBe(1e-4);
    expect(learningRateAt(s, 500)).toBe(1e-4);
  });

  it('AdamW matches a hand computation of two steps, with decay on matrices only', () => {
    const w = tf.variable(tf.tensor2d([[1, -2]]));
    const b = tf.variable(tf.tensor1d([0.5]));
    const opt = new AdamW([['w', w], ['b', b]], { beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 0.1 });
    const lr = 0.01;
    const g1 = [0.2, -0.4];
    const gb = [1];
    // PyTorch AdamW, step 1: m = 0.1 g, v = 0.001 g², m̂ = g, v̂ = g², update = g/|g| = sign(g)
    opt.apply(new Map<string, tf.Tensor>([['w', tf.tensor2d([g1])], ['b', tf.tensor1d(gb)]]), lr);
    const w1 = [1 * (1 - lr * 0.1) - lr * 1, -2 * (1 - lr * 0.1) + lr * 1];
    expect(maxAbsDiff(w.dataSync(), w1)).toBeLessThan(1e-6);
    expect(b.dataSync()[0]).toBeCloseTo(0.5 - lr, 6); // no decay on a bias
    // step 2 with gradient g2: m = 0.9·0.1·g1 + 0.1·g2, v = 0.999·0.001·g1² + 0.001·g2²
    const g2 = [0.1, 0.3];
    opt.apply(new Map<string, tf.Tensor>([['w', tf.tensor2d([g2])], ['b', tf.tensor1d(gb)]]), lr);
    const w2 = w1.map((p, i) => {
      const m = 0.9 * 0.1 * g1[i] + 0.1 * g2[i];
      const v = 0.999 * 0.001 * g1[i] ** 2 + 0.001 * g2[i] ** 2;
      const mh = m / (1 - 0.9 ** 2);
      const vh = v / (1 - 0.999 ** 2);
      return p * (1 - lr * 0.1) - (lr * mh) / (Math.sqrt(vh) + 1e-8);
    });
    expect(maxAbsDiff(w.dataSync(), w2)).toBeLessThan(1e-6);
    opt.dispose();
    w.dispose();
    b.dispose();
  });

  it('batches are shifted windows: y is x moved by one token', () => {
    const b = sampleBatch(text, 3, 10, new Rng(1));
    for (let r = 0; r < 3; r++) {
      for (let t = 0; t < 9; t++) expect(b.y[r * 10 + t]).toBe(b.x[r * 10 + t + 1]);
    }
  });

  it('a nano model fits a short repeated text', () => {
    const model = GPT.create(makeConfig('nano'), 2);
    const trainer = new Trainer(model, text, { batchSize: 4, blockSize: 16, steps: 150, learningRate: 1e-2, warmupSteps: 10, minLearningRate: 1e-3 });
    const first = trainer.trainStep().loss;
    expect(first).toBeGreaterThan(Math.log(64) - 0.5); // ≈ uniform over 64 ids at the start
    let last = first;
    for (let i = 0; i < 149; i++) last = trainer.trainStep().loss;
    expect(last).toBeLessThan(0.1 * first);
    expect(trainer.evaluate(text)).toBeLessThan(0.2 * first);
    trainer.dispose();
    model.dispose();
  });

  it('trains only the variables it is given', async () => {
    const model = GPT.create(makeConfig('nano'), 2);
    const before = await model.weights();
    const ln = model.namedParameters().filter(([n]) => n.startsWith('transformer.ln_f'));
    const trainer = new Trainer(model, text, { batchSize: 2, blockSize: 8 }, ln);
    expect(trainer.trainableCount).toBe(2 * model.config.nEmbd);
    for (let i = 0; i < 3; i++) trainer.trainStep();
    const after = await model.weights();
    for (const [name, w] of after) {
      const same = maxAbsDiff(w.data, before.get(name)!.data) === 0;
      expect(same).toBe(!name.startsWith('transformer.ln_f'));
    }
    trainer.dispose();
    model.dispose();
  });

  it('a divergent step throws and leaves the weights as they were', async () => {
    const model = GPT.create(makeConfig('nano'), 2);
    const trainer = new Trainer(model, text, { batchSize: 2, blockSize: 8 });
    trainer.trainStep();
    const good = await allWeights(model);
    // Poison a weight so that the next loss is NaN.
    const ln = model.params.h[0].ln_1.weight;
    const saved = ln.clone();
    ln.assign(tf.fill(ln.shape, NaN));
    expect(() => trainer.trainStep()).toThrow(DivergenceError);
    ln.assign(saved);
    saved.dispose();
    expect(maxAbsDiff(await allWeights(model), good)).toBe(0);
    expect(trainer.step).toBe(1);
    trainer.dispose();
    model.dispose();
  });

  it('resuming from a checkpoint continues exactly as an uninterrupted run', async () => {
    const settings = { batchSize: 2, blockSize: 16, steps: 10, warmupSteps: 2, seed: 9 };
    const straight = new Trainer(GPT.create(makeConfig('nano'), 4), text, settings);
    for (let i = 0; i < 10; i++) straight.trainStep();

    const first = new Trainer(GPT.create(makeConfig('nano'), 4), text, settings);
    for (let i = 0; i < 5; i++) first.trainStep();
    const bytes = await saveTrainingCheckpoint(first);
    first.model.dispose();
    first.dispose();

    const resumed = resumeTraining(bytes, text);
    expect(resumed.step).toBe(5);
    expect(resumed.history).toHaveLength(5);
    for (let i = 0; i < 5; i++) resumed.trainStep();
    expect(maxAbsDiff(await allWeights(resumed.model), await allWeights(straight.model))).toBe(0);
    expect(resumed.history.map((h) => h.loss)).toEqual(straight.history.map((h) => h.loss));
    for (const t of [straight, resumed]) { t.model.dispose(); t.dispose(); }
  });

  it('rejects settings that cannot work, with a message', () => {
    const model = GPT.create(makeConfig('nano'), 2);
    expect(() => new Trainer(model, text, { blockSize: 999 })).toThrow(/context window/);
    expect(() => new Trainer(model, text, { batchSize: 0 })).toThrow(/batchSize/);
    expect(() => new Trainer(model, Int32Array.from([1, 2, 500]), {})).toThrow(/vocabulary/);
    expect(() => new Trainer(model, Int32Array.from([1, 2, 3]), { blockSize: 8 }).trainStep()).toThrow(/at least 9/);
    model.dispose();
  });
});
