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
  };
}

const open = (steps: number, prompt = 'the cat sat', seed = 4) =>
  attentionHandlers.attentionOpen({ slot: 'embedded', prompt, settings: { ...DEFAULT_SAMPLING, top_k: 10 }, seed, steps, lensTopK: 3 }, job());

describe('the attention handlers in the worker', () => {
  let baseline = 0;
  beforeAll(async () => {
    await initBackend('cpu');
    baseline = tf.memory().numTensors;
    const { model, tokenizer } = smallModel(32, 2);
    const info: ModelInfo = { slot: 'embedded', name: 'test', config: model.config, parameterCount: countParameters(model.config), tokenizerKind: 'byte-bpe', training: null };
    installModel('embedded', { model, tokenizer, info });
  });
  afterAll(() => {
    models.get('embedded')?.model.dispose();
    models.delete('embedded');
  });

  it('opening with step=5 gives the same tokens and frames as opening at 0 and stepping five times', async () => {
    const all = await open(5);
    const first = await open(0);
    expect(first.frames).toHaveLength(1);
    const stepped = [];
    for (let i = 0; i < 5; i++) {
      const have = 1 + stepped.length;
      const r = await attentionHandlers.attentionStep({ sequence: first.sequence, have, count: 1 }, job());
      expect(r.frames).toHaveLength(1);
      expect(r.picks).toHaveLength(1);
      stepped.push(r);
    }
    expect(stepped.map((r) => r.picks[0].id)).toEqual(all.picks.map((p) => p.id));
    expect([...first.tokens, ...stepped.flatMap((r) => r.tokens)]).toEqual(all.tokens);
    expect(Array.from(stepped[4].frames[0].layers[1].probs)).toEqual(Array.from(all.frames[5].layers[1].probs));
  });

  it('replacing or closing a sequence frees its cache; 100 steps leak nothing', async () => {
    const withModel = () => tf.memory().numTensors;
    const a = await open(3);
    const held = withModel();
    const b = await open(2, 'the moon'); // replaces a
    expect(withModel()).toBe(held);
    await expect(attentionHandlers.attentionStep({ sequence: a.sequence, have: 4, count: 1 }, job())).rejects.toMatchObject({ name: 'SequenceGone' });
    const r = await attentionHandlers.attentionStep({ sequence: b.sequence, have: 3, count: 100 }, job());
    expect(r.frames).toHaveLength(100);
    expect(r.notices.some((n) => n.code === 'window-slid')).toBe(true);
    expect(withModel()).toBe(held);
    expect(await attentionHandlers.attentionClose({ sequence: b.sequence }, job())).toEqual({ closed: true });
    expect(withModel()).toBe(baseline + models.get('embedded')!.model.namedParameters().length);
  });

  it('refuses a page that lost count, and stops a long replay when asked', async () => {
    const s = await open(1);
    await expect(attentionHandlers.attentionStep({ sequence: s.sequence, have: 5, count: 1 }, job())).rejects.toMatchObject({ name: 'SequenceGone' });
    const j = job<{ type: 'progress'; done: number; total: number }>();
    const pending = attentionHandlers.attentionOpen({ slot: 'embedded', prompt: 'the sun', settings: DEFAULT_SAMPLING, seed: 1, steps: 400, lensTopK: 2 }, j);
    setTimeout(() => j.stop(), 0);
    const result = await pending;
    expect(result.stopped).toBe(true);
    expect(result.picks.length).toBeLessThan(400);
    expect(result.frames).toHaveLength(result.picks.length + 1);
  });

  it('runs the masks lesson and teacher forcing on ids, and rejects ids that do not fit', async () => {
    const ids = [5, 9, 30, 31, 7];
    const lesson = await attentionHandlers.attentionMasks({ slot: 'embedded', ids, prefixLength: 2 }, job());
    expect(lesson.runs).toHaveLength(3);
    const tf1 = await attentionHandlers.teacherForcing({ slot: 'embedded', ids }, job());
    expect(tf1.maxAbsDiff).toBeLessThan(1e-4);
    await expect(attentionHandlers.teacherForcing({ slot: 'embedded', ids: new Array(40).fill(1) }, job())).rejects.toThrow(/context window/);
    await expect(attentionHandlers.attentionMasks({ slot: 'embedded', ids: [], prefixLength: 0 }, job())).rejects.toThrow(/no tokens/);
  });
});
