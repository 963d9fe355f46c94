// Token-level unlikelihood training (Welleck et al. 2019) as the authors' code
// computes it (facebookresearch/unlikelihood_training,
// custom/candidate_penalty_ce_loss.py): candidates are the context's earlier
// tokens as a set, minus the target; the loss is the mean of
// −log p(target) + α Σ −log(max(1 − p(c), 1e-5)). Checked by hand on a tiny
// distribution, then for what it does to a model: the probability on earlier
// context tokens falls, further than maximum likelihood alone takes it.
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { GPT } from '../../src/model/gpt.ts';
import { makeConfig } from '../../src/model/config.ts';
import { Trainer } from '../../src/train/trainer.ts';
import {
  ONE_MINUS_P_FLOOR, candidateMask, contextMassOn, objectiveLoss, objectiveProblem, unlikelihoodCandidates, unlikelihoodTerm,
} from '../../src/train/unlikelihood.ts';
import { useBackend } from '../helpers/backend.ts';

const softmax = (row: number[]) => {
  const m = Math.max(...row);
  const e = row.map((v) => Math.exp(v - m));
  const z = e.reduce((a, b) => a + b, 0);
  return e.map((v) => v / z);
};

describe('unlikelihood candidates', () => {
  it('are the distinct earlier context tokens, each once, without the target', () => {
    // Window x = 5 3 5 7, targets y = 3 5 7 5.
    const c = unlikelihoodCandidates([5, 3, 5, 7], Int32Array.from([3, 5, 7, 5]), 1, 4);
    expect(c).toEqual([
      [5], // read 5; the target 3 is not in the context
      [3], // read 5 3; the target 5 is left out although it is in the context
      [5, 3], // read 5 3 5: 5 counts once
      [3, 7], // read 5 3 5 7; the target 5 is left out
    ]);
  });

  it('never reach across windows of a batch', () => {
    const c = unlikelihoodCandidates([1, 2, 8, 9], Int32Array.from([2, 3, 9, 4]), 2, 2);
    expect(c).toEqual([[1], [1, 2], [8], [8, 9]]);
  });

  it('become a 0/1 mask over the vocabulary', () => {
    expect(Array.from(candidateMask([[2], [0, 3]], 4))).toEqual([0, 0, 1, 0, 1, 0, 0, 1]);
  });
});

describe('the unlikelihood loss', () => {
  beforeAll(() => useBackend('cpu'));

  // Three positions over a vocabulary of 4. Window x = 1 1 2, targets y = 1 2 3.
  const logits = [
    [0.5, 1.0, -0.3, 0.2],
    [1.2, 0.1, 0.4, -1.0],
    [-0.2, 0.3, 2.0, 0.0],
  ];
  const batch = { x: [1, 1, 2], y: Int32Array.from([1, 2, 3]), batchSize: 1, blockSize: 3 };

  it('equals the hand computation: the target excluded, a repeated context token counted once', () => {
    const p = logits.map(softmax);
    // C_0 = {1} \ {1} = {}; C_1 = {1} (x has 1 twice: once); C_2 = {1, 2} \ {3} = {1, 2}.
    const mle = -(Math.log(p[0][1]) + Math.log(p[1][2]) + Math.log(p[2][3])) / 3;
    const ul = -(Math.log(1 - p[1][1]) + Math.log(1 - p[2][1]) + Math.log(1 - p[2][2])) / 3;
    for (const alpha of [1, 0.5]) {
      const got = tf.tidy(() => objectiveLoss(tf.tensor2d(logits), batch, { kind: 'unlikelihood', alpha }).dataSync()[0]);
      expect(got).toBeCloseTo(mle + alpha * ul, 5);
    }
    expect(tf.tidy(() => objectiveLoss(tf.tensor2d(logits), batch, { kind: 'mle' }).dataSync()[0])).toBeCloseTo(mle, 5);
  });

  it('clamps 1 − p at 1e-5, as the reference code does, so a certain candidate costs ln 1e5 and not infinity', () => {
    const sure = tf.tensor2d([[50, 0, 0]]);
    const v = tf.tidy(() => unlikelihoodTerm(sure, tf.tensor2d([[1, 0, 0]])).dataSync()[0]);
    expect(v).toBeCloseTo(-Math.log(ONE_MINUS_P_FLOOR), 4);
    sure.dispose();
  });

  it('has a gradient that lowers a candidate and raises the others', () => {
    const x = tf.tensor2d([[0.3, 0.1, -0.2, 0.4]]);
    const g = tf.grad((l: tf.Tensor) => unlikelihoodTerm(l as tf.Tensor2D, tf.tensor2d([[0, 1, 0, 0]])))(x);
    const d = Array.from(g.dataSync());
    expect(d[1]).toBeGreaterThan(0); // descent lowers the candidate's logit
    for (const i of [0, 2, 3]) expect(d[i]).toBeLessThan(0);
    tf.dispose([x, g]);
  });

  it('refuses a negative or missing α', () => {
    expect(objectiveProblem({ kind: 'unlikelihood', alpha: -1 })).toMatch(/α/);
    expect(objectiveProblem({ kind: 'unlikelihood', alpha: NaN })).toMatch(/α/);
    expect(objectiveProblem({ kind: 'unlikelihood', alpha: 1 })).toBeNull();
    expect(() => new Trainer(GPT.create(makeConfig('nano', { vocabSize: 8, blockSize: 8 }), 1), [1, 2, 3, 4, 5, 6, 7, 1, 2, 3], {
      blockSize: 8, objective: { kind: 'unlikelihood', alpha: -1 },
    })).toThrow(/α/);
  });
});

describe('unlikelihood training on a toy model', () => {
  beforeAll(() => useBackend('cpu'));

  // Text whose next token is often one already in the window, so maximum likelihood learns to copy.
  const text = Int32Array.from({ length: 800 }, (_, i) => [1, 2, 3, 1, 2, 4, 5, 1, 6, 2][i % 10] + (i % 37 === 0 ? 6 : 0));

  async function trained(objective: Parameters<typeof objectiveLoss>[2]): Promise<{ mass: number; loss: number }> {
    const model = GPT.create(makeConfig('nano', { vocabSize: 16, blockSize: 16 }), 5);
    const t = new Trainer(model, text, { batchSize: 4, blockSize: 16, steps: 40, learningRate: 1e-2, warmupSteps: 4, seed: 9, objective });
    for (let i = 0; i < 40; i++) t.trainStep();
    const result = { mass: contextMassOn(model, text, { batchSize: 4, blockSize: 16 }, 2), loss: t.evaluate(text, 2) };
    t.dispose();
    model.dispose();
    return result;
  }

  it('puts less probability on earlier context tokens than maximum likelihood from the same start and batches, and frees its tensors', async () => {
    const before = tf.memory().numTensors;
    const mle = await trained({ kind: 'mle' });
    const ul = await trained({ kind: 'unlikelihood', alpha: 1 });
    expect(tf.memory().numTensors).toBe(before);
    console.log('toy model, 40 steps: context mass MLE', mle.mass.toFixed(4), 'UL', ul.mass.toFixed(4), '· loss', mle.loss.toFixed(3), ul.loss.toFixed(3));
    expect(ul.mass).toBeLessThan(mle.mass);
    expect(Number.isFinite(ul.loss)).toBe(true);
  });
});
