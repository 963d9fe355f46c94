import { describe, expect, it, beforeAll } from 'vitest';
import { runSweep, temperatureSweep, SWEEP_STRATEGIES } from '../../src/sampling/sweep.ts';
import { GPT } from '../../src/model/gpt.ts';
import { makeConfig } from '../../src/model/config.ts';
import { Trainer } from '../../src/train/trainer.ts';
import { Rng } from '../../src/util/random.ts';
import { useBackend } from '../helpers/backend.ts';

/** A model of a noisy cycle: after token t comes (t+1) mod 8 half the time, anything else otherwise —
 *  the most likely path is a loop, the distribution is not. */
function loopyModel(): GPT {
  const rng = new Rng(5);
  const text: number[] = [0];
  for (let i = 0; i < 3000; i++) text.push(rng.next() < 0.5 ? (text[i] + 1) % 8 : rng.int(16));
  const model = GPT.create(makeConfig('nano', { blockSize: 32, vocabSize: 16 }), 3);
  const trainer = new Trainer(model, Int32Array.from(text), { batchSize: 8, blockSize: 32, steps: 80, learningRate: 1e-2, warmupSteps: 5 });
  for (let i = 0; i < 80; i++) trainer.trainStep();
  trainer.dispose();
  return model;
}

describe('repetition sweep', () => {
  beforeAll(() => useBackend('cpu'));

  it('measures every strategy on every prompt; greedy repeats more than pure sampling', () => {
    const model = loopyModel();
    const prompts = [[1, 2, 3], [4, 5], [6, 7, 9, 12]];
    let calls = 0;
    const rows = runSweep(model, prompts, { maxNewTokens: 24, seed: 1, onProgress: () => calls++ });
    expect(rows.map((r) => r.label)).toEqual(SWEEP_STRATEGIES.map((s) => s.label));
    expect(calls).toBe(SWEEP_STRATEGIES.length * prompts.length);
    for (const r of rows) {
      expect(r.perPrompt).toHaveLength(3);
      expect(r.seqRep4).toBeGreaterThanOrEqual(0);
      expect(r.seqRep4).toBeLessThanOrEqual(1);
      // A 4-gram copied from the continuation itself (and not in the prompt) is one seq-rep-4 counts as repeated.
      expect(r.copying.fromSelf).toBeLessThanOrEqual(r.seqRep4 + 1e-12);
      expect(r.copying.fromInput).toBeGreaterThanOrEqual(0);
    }
    const by = Object.fromEntries(rows.map((r) => [r.label, r]));
    expect(by.greedy.seqRep4).toBeGreaterThan(by['pure sampling'].seqRep4);
    const temps = temperatureSweep(model, prompts, [0.2, 3], { maxNewTokens: 24, seed: 1 });
    expect(temps[0].seqRep4).toBeGreaterThan(temps[1].seqRep4); // cold sampling loops, hot sampling wanders
    model.dispose();
  });
});
