// P(passage again): the mean probability of a passage's tokens read right
// after the passage itself, checked against the same probabilities read off
// the model's logits one position at a time, on a small random model.

import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GPT } from '../../src/model/gpt.ts';
import { makeConfig } from '../../src/model/config.ts';
import { passageRepeatProbability } from '../../src/sampling/passageRepeat.ts';
import { useBackend } from '../helpers/backend.ts';

describe('P(passage again)', () => {
  let model: GPT;
  beforeAll(async () => {
    await useBackend('cpu');
    model = GPT.create(makeConfig('playground', { vocabSize: 11, blockSize: 8, nLayer: 1, nHead: 2, nEmbd: 8 }), 3);
  });
  afterAll(() => model?.dispose());

  /** p(next token) at each position from a separate run on the growing prefix: no shared indexing with the code under test. */
  const probOfNext = (prefix: number[], next: number) => {
    const logits = model.run(prefix).lastLogits;
    const max = Math.max(...logits);
    const z = logits.reduce((s, v) => s + Math.exp(v - max), 0);
    return Math.exp(logits[next] - max) / z;
  };

  it('is the mean probability of the second copy’s tokens, averaged over passages', () => {
    const a = [1, 2, 3];
    const b = [4, 5];
    const byHand = (p: number[]) => {
      const ids = [...p, ...p];
      let s = 0;
      for (let i = p.length; i < ids.length; i++) s += probOfNext(ids.slice(0, i), ids[i]);
      return s / p.length;
    };
    const before = tf.memory().numTensors;
    expect(passageRepeatProbability(model, [a])).toBeCloseTo(byHand(a), 6);
    expect(passageRepeatProbability(model, [a, b])).toBeCloseTo((byHand(a) + byHand(b)) / 2, 6);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('leaves out passages whose two copies do not fit the window, and says null when none fits', () => {
    const short = [1, 2, 3, 4]; // 8 tokens twice: fits exactly
    const long = [1, 2, 3, 4, 5]; // 10 tokens: does not
    expect(passageRepeatProbability(model, [short, long])).toBeCloseTo(passageRepeatProbability(model, [short])!, 7);
    expect(passageRepeatProbability(model, [long])).toBeNull();
    expect(passageRepeatProbability(model, [])).toBeNull();
  });
});
