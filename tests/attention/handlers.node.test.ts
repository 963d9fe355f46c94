import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { attentionHandlers } from '../../src/engine/handlers/attention.ts';
import { initBackend, installModel, models } from '../../src/engine/runtime.ts';
import type { JobContext } from '../../src/engine/runtime.ts';
import type { ModelInfo } from '../../src/engine/protocol.ts';
import { countParameters } from '../../src/model/config.ts';
import { DEFAULT_SAMPLING } from '../../src/sampling/settings.ts';
import { smallModel } from './fixture.ts';

/** A job as the worker makes one: events collected, stop on request. */
function job<E>(): JobContext<E> & { events: E[]; stop(): void } {
  let stopped = false;
  const events: E[] = [];
  return {
    events,
    emit: (e) => events.push(e),
    get stopped() {
      return stopped;
    },
    stop: () => (stopped = true),
    signal: new AbortController().signal,
  };
}

const open = (steps: number, prompt = 'the cat sat', seed = 4) =>
  attentionHandlers.attentionOpen({ slot: 'active', prompt, settings: { ...DEFAULT_SAMPLING, top_k: 10 }, seed, steps, lensTopK: 3 }, job());

describe('the attention handlers in the worker', () => {
  let baseline = 0;
  beforeAll(async () => {
    await initBackend('cpu');
    baseline = tf.memory().numTensors;
    const { model, tokenizer } = smallModel(32, 2);
    const info: ModelInfo = { slot: 'active', name: 'test', ref: 'test', from: 'browser', cacheProblem: null, weightBytes: 0, config: model.config, parameterCount: countParameters(model.config), tokenizerKind: 'byte-bpe', training: null };
    installModel('active', { model, tokenizer, info });
  });
  afterAll(() => {
    models.get('active')?.model.dispose();
    models.delete('active');
  });

  it('opening with step=5 gives the same tokens and frames as opening at 0 and stepping five times', async () => {
    const all = await open(5);
    const head = (sequence: number, step: number) =>
      attentionHandlers.attentionHead({ sequence, step, layer: 1, head: 1, row: -1, window: { start: 0, size: all.steps[step].keyCount }, overview: 0 }, job());
    const allHeads = [await head(all.sequence, 5), await head(all.sequence, 2)];
    const first = await open(0);
    expect(first.steps).toHaveLength(1);
    const stepped = [];
    for (let i = 0; i < 5; i++) {
      const have = 1 + stepped.length;
      const r = await attentionHandlers.attentionStep({ sequence: first.sequence, have, count: 1 }, job());
      expect(r.steps).toHaveLength(1);
      expect(r.picks).toHaveLength(1);
      stepped.push(r);
    }
    expect(stepped.map((r) => r.picks[0].id)).toEqual(all.picks.map((p) => p.id));
    expect([...first.tokens, ...stepped.flatMap((r) => r.tokens)]).toEqual(all.tokens);
    expect([...first.steps, ...stepped.flatMap((r) => r.steps)]).toEqual(all.steps);
    // Stepping back reads the kept rows: steps 5 and 2 of either sequence draw the same weights.
    for (const [i, step] of [5, 2].entries()) {
      const h = await head(first.sequence, step);
      expect(h.step).toBe(step);
      expect(h.size).toBe(all.steps[step].keyCount);
      expect(Array.from(h.window.values)).toEqual(Array.from(allHeads[i].window.values));
      expect(Array.from(h.rowWeights)).toEqual(Array.from(allHeads[i].rowWeights));
      expect(h.lens).toEqual(allHeads[i].lens);
    }
  });

  it('replacing or closing a sequence frees its cache; 100 steps leak nothing', async () => {
    const withModel = () => tf.memory().numTensors;
    const a = await open(3);
    const held = withModel();
    const b = await open(2, 'the moon'); // replaces a
    expect(withModel()).toBe(held);
    await expect(attentionHandlers.attentionStep({ sequence: a.sequence, have: 4, count: 1 }, job())).rejects.toMatchObject({ name: 'SequenceGone' });
    const r = await attentionHandlers.attentionStep({ sequence: b.sequence, have: 3, count: 100 }, job());
    expect(r.steps).toHaveLength(100);
    // Reading every view of the kept rows makes no tensor.
    const at = { sequence: b.sequence, step: 102, layer: 1, head: 0 };
    const n = r.steps[99].keyCount;
    await attentionHandlers.attentionHead({ ...at, row: 3, window: { start: 0, size: n }, overview: 8 }, job());
    await attentionHandlers.attentionLines({ ...at, heads: [0, 1], start: 1, size: n - 1 }, job());
    await attentionHandlers.attentionGrid({ sequence: b.sequence, step: 50, side: 4 }, job());
    expect(withModel()).toBe(held);
    await expect(attentionHandlers.attentionHead({ ...at, row: 3, window: { start: 1, size: n }, overview: 0 }, job())).rejects.toThrow(/not inside this step/);
    await expect(attentionHandlers.attentionLines({ ...at, heads: [5], start: 0, size: 2 }, job())).rejects.toThrow(/no layer 1, head 5/);
    await expect(attentionHandlers.attentionGrid({ sequence: a.sequence, step: 0, side: 4 }, job())).rejects.toMatchObject({ name: 'SequenceGone' });
    expect(r.notices.some((n) => n.code === 'window-slid')).toBe(true);
    expect(withModel()).toBe(held);
    expect(await attentionHandlers.attentionClose({ sequence: b.sequence }, job())).toEqual({ closed: true });
    expect(withModel()).toBe(baseline + models.get('active')!.model.tensorCount);
  });

  it('refuses a page that lost count, and stops a long replay when asked', async () => {
    const s = await open(1);
    await expect(attentionHandlers.attentionStep({ sequence: s.sequence, have: 5, count: 1 }, job())).rejects.toMatchObject({ name: 'SequenceGone' });
    const j = job<{ type: 'progress'; done: number; total: number }>();
    const pending = attentionHandlers.attentionOpen({ slot: 'active', prompt: 'the sun', settings: DEFAULT_SAMPLING, seed: 1, steps: 400, lensTopK: 2 }, j);
    setTimeout(() => j.stop(), 0);
    const result = await pending;
    expect(result.stopped).toBe(true);
    expect(result.picks.length).toBeLessThan(400);
    expect(result.steps).toHaveLength(result.picks.length + 1);
  });

  it('runs the masks lesson and teacher forcing on ids, and rejects ids that do not fit', async () => {
    const ids = [5, 9, 30, 31, 7];
    const lesson = await attentionHandlers.attentionMasks({ slot: 'active', ids, prefixLength: 2, layer: 1, head: 1 }, job());
    expect(lesson.runs).toHaveLength(3);
    expect(lesson.runs.map((r) => r.probs.length)).toEqual([25, 25, 25]);
    await expect(attentionHandlers.attentionMasks({ slot: 'active', ids, prefixLength: 2, layer: 0, head: 9 }, job())).rejects.toThrow(/no layer 0, head 9/);
    const tf1 = await attentionHandlers.teacherForcing({ slot: 'active', ids }, job());
    expect(tf1.maxAbsDiff).toBeLessThan(1e-4);
    await expect(attentionHandlers.teacherForcing({ slot: 'active', ids: new Array(40).fill(1) }, job())).rejects.toThrow(/context window/);
    await expect(attentionHandlers.attentionMasks({ slot: 'active', ids: [], prefixLength: 0, layer: 0, head: 0 }, job())).rejects.toThrow(/no tokens/);
  });
});
