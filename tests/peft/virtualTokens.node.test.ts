// The model's hook for prompt learning, checked by hand: prompt tuning equals
// the model run on inputs_embeds built by hand (virtual rows at positions
// 0…n−1, the tokens at n…), prefix tuning equals attention with n extra key and
// value columns per layer and the tokens at positions n…, as transformers'
// GPT-2 numbers them; detached, the model is exactly itself; cached generation
// equals recomputing; too long an input is refused with its code.

import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadGPT } from '../../src/io/checkpoint.ts';
import type { GPT } from '../../src/model/gpt.ts';
import type { NamedArray } from '../../src/model/params.ts';
import { InputError } from '../../src/model/inputError.ts';
import { createPromptTuning } from '../../src/peft/promptTuning.ts';
import { createPrefixTuning } from '../../src/peft/prefixTuning.ts';
import { createPTuning } from '../../src/peft/pTuning.ts';
import type { PromptLearningAdapter } from '../../src/peft/adapter.ts';
import { PromptLearningError } from '../../src/peft/errors.ts';
import { useBackend } from '../helpers/backend.ts';
import { fixturePath, maxAbsDiff } from '../helpers/fixtures.ts';
import { prefixAsPast, referenceLogits, wteRow } from './reference.ts';

const ids = [3, 17, 5, 40, 22];

describe('virtual tokens in the forward pass', () => {
  let model: GPT;
  let weights: Map<string, NamedArray>;
  let baseline: number;
  beforeAll(async () => {
    await useBackend('cpu');
    model = await loadGPT({ config: fixturePath('config.json'), weights: fixturePath('model.safetensors') });
    weights = await model.weights();
    baseline = tf.memory().numTensors;
  });
  afterAll(() => model.dispose());

  const runAll = (tokens: number[]) => {
    const { logits } = model.run(tokens, { allLogits: true });
    return Array.from({ length: tokens.length }, (_, i) => logits!.data.subarray(i * logits!.cols, (i + 1) * logits!.cols));
  };
  const forwardRows = (batch: number[][]) =>
    tf.tidy(() => {
      const out = model.forward(tf.tensor2d(batch, [batch.length, batch[0].length], 'int32'));
      const V = out.shape[1];
      const data = out.dataSync();
      return Array.from({ length: out.shape[0] }, (_, i) => data.slice(i * V, (i + 1) * V));
    });
  const expectClose = (got: ArrayLike<number>[], want: number[][], tol = 1e-4) => {
    expect(got.length).toBe(want.length);
    got.forEach((r, i) => expect(maxAbsDiff(r, want[i]), `row ${i}`).toBeLessThan(tol));
  };

  it('the hand-written reference is the model itself when nothing is attached', () => {
    expectClose(runAll(ids), referenceLogits(weights, model.config, ids.map((t) => wteRow(weights, t)), ids.map((_, i) => i)));
  });

  it('prompt tuning (n = 2): the model run on cat(prompt, wte[ids]) at positions 0…n+T−1, logits of the real tokens only', async () => {
    const pt = createPromptTuning(model, { num_virtual_tokens: 2 }, { seed: 3 });
    const prompt = (await pt.promptEmbeddings()).data;
    const C = model.config.nEmbd;
    const embeds = [Array.from(prompt.subarray(0, C)), Array.from(prompt.subarray(C, 2 * C)), ...ids.map((t) => wteRow(weights, t))];
    const want = referenceLogits(weights, model.config, embeds, embeds.map((_, i) => i)).slice(2);
    pt.enabled = true;
    expectClose(runAll(ids), want);
    expectClose(forwardRows([ids, ids]).slice(0, ids.length), want); // the training pass, batch 2
    expectClose(forwardRows([ids, ids]).slice(ids.length), want);
    pt.dispose();
  });

  it('prefix tuning (n = 3): every layer attends to 3 extra key/value columns, the tokens at positions 3…', async () => {
    const pre = createPrefixTuning(model, { num_virtual_tokens: 3 }, { seed: 4 });
    const rows = (await pre.promptEmbeddings()).data;
    const want = referenceLogits(weights, model.config, ids.map((t) => wteRow(weights, t)), ids.map((_, i) => 3 + i), prefixAsPast(rows, 3, model.config));
    pre.enabled = true;
    expectClose(runAll(ids), want);
    expectClose(forwardRows([ids, ids.slice().reverse()]).slice(0, ids.length), want);
    // The second sequence of the batch reads the same prefix.
    const reversed = ids.slice().reverse();
    const want2 = referenceLogits(weights, model.config, reversed.map((t) => wteRow(weights, t)), reversed.map((_, i) => 3 + i), prefixAsPast(rows, 3, model.config));
    expectClose(forwardRows([ids, reversed]).slice(ids.length), want2);
    pre.dispose();
  });

  it('detached, the model is exactly itself (run and forward, bitwise)', () => {
    const before = runAll(ids).map((r) => Array.from(r));
    const fBefore = forwardRows([ids]).map((r) => Array.from(r));
    for (const make of [
      () => createPromptTuning(model, { num_virtual_tokens: 2 }),
      () => createPTuning(model, { num_virtual_tokens: 2, encoder_reparameterization_type: 'LSTM', encoder_hidden_size: 8 }),
      () => createPrefixTuning(model, { num_virtual_tokens: 2, prefix_projection: true }),
    ]) {
      const a = make();
      a.enabled = true;
      expect(maxAbsDiff(runAll(ids)[0], before[0])).toBeGreaterThan(1e-4); // attached, it does change the output
      a.enabled = false;
      runAll(ids).forEach((r, i) => expect(maxAbsDiff(r, before[i])).toBe(0));
      forwardRows([ids]).forEach((r, i) => expect(maxAbsDiff(r, fBefore[i])).toBe(0));
      a.dispose();
    }
  });

  it('KV-cached generation equals recomputing the whole sequence, for each kind of virtual token', () => {
    const greedy = (row: ArrayLike<number>) => Array.from(row).reduce((best, v, i, a) => (v > a[best] ? i : best), 0);
    const adapters: PromptLearningAdapter[] = [
      createPromptTuning(model, { num_virtual_tokens: 3 }, { seed: 1 }),
      createPTuning(model, { num_virtual_tokens: 2, encoder_hidden_size: 12 }, { seed: 2 }),
      createPrefixTuning(model, { num_virtual_tokens: 4, prefix_projection: true, encoder_hidden_size: 8 }, { seed: 5 }),
    ];
    for (const a of adapters) {
      a.enabled = true;
      const cache = model.createCache();
      const seq = ids.slice(0, 3);
      let step = model.run(seq, { cache }).lastLogits;
      for (let i = 0; i < 5; i++) {
        const full = model.run(seq).lastLogits;
        expect(maxAbsDiff(step, full), `${a.peftType} step ${i}`).toBeLessThan(1e-4);
        seq.push(greedy(step));
        step = model.run([seq.at(-1)!], { cache }).lastLogits;
      }
      expect(cache.length).toBe(a.numVirtualTokens + seq.length); // the virtual positions are in the cache, once
      cache.dispose();
      a.dispose();
    }
    expect(tf.memory().numTensors).toBe(baseline);
  });

  it('a cache filled without the prompt cannot be continued with it', () => {
    const cache = model.createCache();
    model.run(ids.slice(0, 2), { cache });
    const pt = createPromptTuning(model, { num_virtual_tokens: 2 });
    pt.enabled = true;
    expect(() => model.run([1], { cache })).toThrow(/filled with other virtual tokens/);
    pt.dispose();
    cache.dispose();
  });

  it('the window shrinks by n: too long an input says so, with its code and numbers', () => {
    const pt = createPromptTuning(model, { num_virtual_tokens: 4 });
    pt.enabled = true;
    expect(model.contextWindow).toBe(12);
    const tooLong = Array.from({ length: 13 }, (_, i) => i % 40);
    expect(() => model.run(tooLong.slice(0, 12))).not.toThrow();
    for (const attempt of [() => model.run(tooLong), () => tf.tidy(() => model.forward(tf.tensor2d([tooLong], [1, 13], 'int32')))]) {
      try {
        attempt();
        expect.unreachable();
      } catch (e) {
        expect(e).toBeInstanceOf(InputError);
        expect((e as InputError).code).toBe('virtual-tokens-too-long');
        expect((e as InputError).params).toEqual({ tokens: 13, virtualTokens: 4, blockSize: 16 });
      }
    }
    pt.dispose();
    expect(model.contextWindow).toBe(16);
  });

  it('one prompt at a time; a disposed adapter refuses to attach; nothing leaks', () => {
    const a = createPromptTuning(model, { num_virtual_tokens: 2 });
    const b = createPrefixTuning(model, { num_virtual_tokens: 2 });
    a.enabled = true;
    expect(() => (b.enabled = true)).toThrow(PromptLearningError);
    a.dispose();
    expect(model.virtualTokens).toBeNull();
    expect(() => (a.enabled = true)).toThrow(expect.objectContaining({ code: 'disposed' }));
    b.dispose();
    expect(tf.memory().numTensors).toBe(baseline);
  });
});
