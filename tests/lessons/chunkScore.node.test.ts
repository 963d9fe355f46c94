// A long text scored through the window, side by side and overlapping
// (lessons/chunking.ts scoreChunked): by hand on made-up losses, and on a tiny
// model through the engine's own requests (promptLogits, teacherForcing, as the
// attention panel and the inputLength lesson call them) against a hand
// computation that runs the model once per token on exactly the context the
// token should have had.

import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { scoreChunked } from '../../src/lessons/chunking.ts';
import { initBackend, installModel, models } from '../../src/engine/runtime.ts';
import { samplingHandlers } from '../../src/engine/handlers/sampling.ts';
import { attentionHandlers } from '../../src/engine/handlers/attention.ts';
import { GPT } from '../../src/model/gpt.ts';
import { makeConfig } from '../../src/model/config.ts';
import { CharTokenizer } from '../../src/tokenizer/index.ts';
import { type ScoreCall, scoreLongText } from '../../src/panels/attention/longInputCosts.ts';

const job = { emit: () => {}, stopped: false, signal: new AbortController().signal };

describe('scoring a text longer than the window', () => {
  it('scores the tokens both ways share, each with the context its window gives it (by hand)', async () => {
    // A made-up model whose loss on a token is 1 / (1 + the tokens before it in its window).
    const calls: string[] = [];
    const score = await scoreChunked(10, 4, 2, async (start, end) => {
      calls.push(`${start}-${end}`);
      return Array.from({ length: end - start }, (_, i) => (i === 0 ? NaN : 1 / (1 + i)));
    });
    // Side by side: [0,4) [4,8) [8,10); tokens 4 and 8 start a window and are not scored.
    // Overlapping by 2: [0,4) [2,6) [4,8) [6,10) score 0–3, 4–5, 6–7, 8–9.
    // Shared tokens 1 2 3 5 6 7 9 — context side by side 1 2 3 1 2 3 1, overlapping 1 2 3 3 2 3 3.
    const side = [1 / 2, 1 / 3, 1 / 4, 1 / 2, 1 / 3, 1 / 4, 1 / 2];
    const overlapping = [1 / 2, 1 / 3, 1 / 4, 1 / 4, 1 / 3, 1 / 4, 1 / 4];
    const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
    expect(score.tokens).toBe(7);
    expect(score.noOverlap).toBeCloseTo(mean(side), 12);
    expect(score.overlap).toBeCloseTo(mean(overlapping), 12);
    expect([score.windowsNoOverlap, score.windowsOverlap]).toEqual([3, 4]);
    // The first window is the same both ways: read once.
    expect(calls.sort()).toEqual(['0-4', '2-6', '4-8', '6-10', '8-10']);
  });

  it('refuses losses that do not match their window', async () => {
    await expect(scoreChunked(10, 4, 1, async () => [NaN, 1])).rejects.toThrow(/window of 4 tokens/);
  });

  describe('on a tiny model, through the engine', () => {
    const tokenizer = CharTokenizer.fromText('abcdefgh ');
    let model: GPT;
    beforeAll(async () => {
      await initBackend('cpu');
      model = GPT.create(makeConfig('nano', { vocabSize: tokenizer.vocabSize, blockSize: 8 }), 7);
      installModel('active', {
        model, tokenizer,
        info: { slot: 'active', name: 'tiny', ref: 'tiny', from: 'browser', cacheProblem: null, weightBytes: 0, config: model.config, parameterCount: model.parameterCount, tokenizerKind: 'char', training: null },
      });
    });
    afterAll(() => {
      models.get('active')?.model.dispose();
      models.clear();
    });

    it('gives each token the loss of the model run on exactly the context its window holds', async () => {
      const text = 'abc defg hab cdeh gfa bcd';
      const ids = tokenizer.encode(text);
      const handlers = { ...samplingHandlers, ...attentionHandlers };
      const call: ScoreCall = (method, params) => (handlers[method] as unknown as (p: typeof params, j: typeof job) => Promise<never>)(params, job);
      const tensors = tf.memory().numTensors;
      const score = await scoreLongText(text, 8, call);
      expect(tf.memory().numTensors).toBe(tensors);

      // By hand: windows of 8 side by side start at 0, 8, 16, 24; overlapping by 2 (a quarter), at 0, 6, 12, 18,
      // and a window starting at s scores tokens s+2 … s+7. One model run per token on its own context.
      const loss = (from: number, p: number) => {
        const logits = model.run(ids.slice(from, p)).lastLogits;
        const max = Math.max(...logits);
        const logSum = Math.log(logits.reduce((s, x) => s + Math.exp(x - max), 0)) + max;
        return logSum - logits[ids[p]];
      };
      let [side, overlapping, tokens] = [0, 0, 0];
      for (let p = 1; p < ids.length; p++) {
        if (p % 8 === 0) continue; // starts a side-by-side window: nothing before it there
        side += loss(8 * Math.floor(p / 8), p);
        overlapping += loss(p < 8 ? 0 : 6 * Math.floor((p - 2) / 6), p);
        tokens++;
      }
      expect(score).toMatchObject({ length: ids.length, windowSize: 8, overlapTokens: 2, tokens, windowsNoOverlap: 4, windowsOverlap: 4 });
      expect(score.noOverlap).toBeCloseTo(side / tokens, 4);
      expect(score.overlap).toBeCloseTo(overlapping / tokens, 4);
      expect(score.noOverlap).not.toBeCloseTo(score.overlap, 4);
    });
  });
});
