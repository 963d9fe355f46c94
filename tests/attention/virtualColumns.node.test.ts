// The attention handlers with prompt learning's virtual tokens attached (a
// prefix, or virtual input tokens), attached as src/peft/ attaches them: the
// sequence says how many virtual columns every row reads and of which kind;
// the head view sends the window's weights on them, the selected row's, and
// the head's share — the same share one full pass of the model measures; the
// grid sends them per head; taking the prompt off ends the sequence.

import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { attentionHandlers } from '../../src/engine/handlers/attention.ts';
import { initBackend, installModel, models } from '../../src/engine/runtime.ts';
import type { JobContext } from '../../src/engine/runtime.ts';
import type { ModelInfo } from '../../src/engine/protocol.ts';
import { countParameters } from '../../src/model/config.ts';
import type { GPT } from '../../src/model/gpt.ts';
import { DEFAULT_SAMPLING } from '../../src/sampling/settings.ts';
import { createPrefixTuning } from '../../src/peft/prefixTuning.ts';
import { createPromptTuning } from '../../src/peft/promptTuning.ts';
import type { PromptLearningAdapter } from '../../src/peft/adapter.ts';
import { habitOf } from '../../src/engine/handlers/attentionStore.ts';
import { describeHabit } from '../../src/panels/attention/frames.ts';
import { smallModel } from './fixture.ts';

function job<E>(): JobContext<E> {
  return { emit: () => undefined, stopped: false, signal: new AbortController().signal };
}

const open = (steps: number, prompt = 'the cat sat on the mat') =>
  attentionHandlers.attentionOpen({ slot: 'active', prompt, settings: { ...DEFAULT_SAMPLING, top_k: 10 }, seed: 4, steps, lensTopK: 3 }, job());

/** Head `head` of layer `layer` in one full pass over `ids`: mean over rows of the weight on the first `n` columns. */
function measuredShare(model: GPT, ids: number[], n: number, layer: number, head: number): number {
  const a = model.run(ids, { trace: true }).trace!.layers[layer].attention;
  let sum = 0;
  for (let r = 0; r < a.queryCount; r++) {
    const from = (head * a.queryCount + r) * a.keyCount;
    for (let k = 0; k < n; k++) sum += a.probs[from + k];
  }
  return sum / a.queryCount;
}

describe('the attention view of a model with virtual tokens', () => {
  let model: GPT;
  let baseline = 0;
  beforeAll(async () => {
    await initBackend('cpu');
    baseline = tf.memory().numTensors;
    const made = smallModel(32, 2);
    model = made.model;
    const info: ModelInfo = { slot: 'active', name: 'test', ref: 'test', from: 'browser', cacheProblem: null, weightBytes: 0, config: model.config, parameterCount: countParameters(model.config), tokenizerKind: 'byte-bpe', training: null };
    installModel('active', { model, tokenizer: made.tokenizer, info });
  });
  afterAll(() => {
    models.get('active')?.model.dispose();
    models.delete('active');
  });

  for (const [kind, make] of [
    ['prefix', () => createPrefixTuning(model, { num_virtual_tokens: 5 }, { seed: 3 })],
    ['input', () => createPromptTuning(model, { num_virtual_tokens: 4 }, { seed: 6 })],
  ] as const) {
    it(`${kind}: the sequence reports its virtual columns; the head's share is the model's own, every row with them sums to 1`, async () => {
      const adapter: PromptLearningAdapter = make();
      adapter.enabled = true;
      const n = adapter.numVirtualTokens;
      const s = await open(3);
      expect(s.virtual).toEqual({ kind, count: n });
      const size = s.steps[3].keyCount;
      const ids = s.tokens.slice(s.steps[3].keyStart, s.steps[3].keyStart + size).map((t) => t.id);
      for (const [layer, head] of [[0, 1], [1, 0]]) {
        const h = await attentionHandlers.attentionHead({ sequence: s.sequence, step: 3, layer, head, row: 2, window: { start: 0, size }, overview: 0 }, job());
        const v = h.virtual!;
        expect(v.count).toBe(n);
        expect(v.window).toHaveLength(size * n);
        expect(v.share).toBeGreaterThan(0);
        expect(v.share).toBeCloseTo(measuredShare(model, ids, n, layer, head), 5);
        // The selected row: its virtual weights and its keys' weights sum to 1; so does every row of the window.
        expect(v.row.reduce((a, b) => a + b, 0) + h.rowWeights.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 5);
        for (let r = 0; r < size; r++) {
          const onVirtual = v.window.subarray(r * n, (r + 1) * n).reduce((a, b) => a + b, 0);
          const onKeys = h.window.values.subarray(r * size, (r + 1) * size).reduce((a, b) => a + b, 0);
          expect(onVirtual + onKeys, `row ${r}`).toBeCloseTo(1, 5);
        }
        expect(Array.from(v.row)).toEqual(Array.from(v.window.subarray(2 * n, 3 * n)));
        // The stages: the virtual columns first, never masked.
        expect(h.stages.virtual).toBe(n);
        expect(h.stages.weights.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 5);
        expect(h.stages.masked.slice(0, n).every(Number.isFinite)).toBe(true);
      }
      const grid = await attentionHandlers.attentionGrid({ sequence: s.sequence, step: 3, side: 4 }, job());
      for (const g of grid.heads) {
        expect(g.virtual!.count).toBe(n);
        expect(g.virtual!.values).toHaveLength(grid.thumbSize * n);
        expect(g.virtual!.share).toBeCloseTo(measuredShare(model, ids, n, g.layer, g.head), 5);
      }
      // Taking the prompt off ends the sequence: its cache holds the virtual positions.
      adapter.enabled = false;
      await expect(attentionHandlers.attentionHead({ sequence: s.sequence, step: 3, layer: 0, head: 0, row: 0, window: { start: 0, size }, overview: 0 }, job())).rejects.toMatchObject({ name: 'SequenceGone' });
      adapter.dispose();
    });
  }

  it('a head that mostly reads the virtual tokens has that as its habit, in words', () => {
    const habit = habitOf(4, () => [0.1, 0.1, 0.1, 0.7]);
    expect(habit).toEqual({ kind: 'virtual', weight: expect.closeTo(0.7, 6) });
    expect(describeHabit(habit)).toBe('virtual tokens 0.70');
    expect(habitOf(4, () => [0.6, 0.1, 0.1, 0.2]).kind).toBe('previous');
  });

  it('without virtual tokens nothing is added; a long run with a prefix slides the window and leaks nothing', async () => {
    const plain = await open(1);
    expect(plain.virtual).toBeNull();
    const h = await attentionHandlers.attentionHead({ sequence: plain.sequence, step: 1, layer: 0, head: 0, row: -1, window: { start: 0, size: plain.steps[1].keyCount }, overview: 0 }, job());
    expect(h.virtual).toBeNull();
    expect(h.stages.virtual).toBe(0);
    await attentionHandlers.attentionClose({ sequence: plain.sequence }, job());
    const adapter = createPrefixTuning(model, { num_virtual_tokens: 6 }, { seed: 9 });
    adapter.enabled = true;
    const held = tf.memory().numTensors;
    const s = await open(0);
    const r = await attentionHandlers.attentionStep({ sequence: s.sequence, have: 1, count: 60 }, job());
    expect(r.notices.some((x) => x.code === 'window-slid')).toBe(true);
    // 32 positions less 6 for the prefix: a window never holds more than 26 of the text's tokens.
    expect(Math.max(...r.steps.map((w) => w.keyCount))).toBe(26);
    const last = r.steps.at(-1)!;
    const end = await attentionHandlers.attentionHead({ sequence: s.sequence, step: 60, layer: 1, head: 1, row: -1, window: { start: 0, size: last.keyCount }, overview: 0 }, job());
    expect(end.virtual!.row.reduce((a, b) => a + b, 0) + end.rowWeights.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 5);
    await attentionHandlers.attentionClose({ sequence: s.sequence }, job());
    expect(tf.memory().numTensors).toBe(held);
    adapter.dispose();
    expect(tf.memory().numTensors).toBe(baseline + model.tensorCount);
  });
});
