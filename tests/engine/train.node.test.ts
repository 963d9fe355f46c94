// "Your own text" in the worker (cpu backend): text of one distinct character is
// refused before a tensor exists; a run that fails part-way leaves the active
// model in place and frees everything it made; a finished run hands back its
// files (a Hugging Face GPT-2 folder) and frees the model, which loads back
// from those files with the same logits it had.

import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { train } from '../../src/engine/handlers/train.ts';
import { loadModel } from '../../src/engine/handlers/load.ts';
import { clearSlot, initBackend, installModel, type JobContext, models } from '../../src/engine/runtime.ts';
import type { ModelInfo, TrainEvent, TrainParams } from '../../src/engine/protocol.ts';
import { smallModel } from '../attention/fixture.ts';
import { syntheticText } from '../e2e/harness.ts';

function job<E>(onEvent: (e: E) => void = () => {}): JobContext<E> & { events: E[] } {
  const events: E[] = [];
  const controller = new AbortController();
  return {
    events,
    emit: (e) => {
      events.push(e);
      onEvent(e);
    },
    get stopped() {
      return controller.signal.aborted;
    },
    signal: controller.signal,
  };
}

const params = (over: Partial<TrainParams> = {}): TrainParams => ({
  source: { kind: 'text', text: syntheticText(4000) },
  tokenizer: 'char',
  vocabSize: 300,
  steps: 3,
  size: 'tiny',
  seed: 7,
  ...over,
});

describe('training on your own text', () => {
  let active: ReturnType<typeof smallModel>;
  beforeAll(async () => {
    await initBackend('cpu');
    active = smallModel(32, 2);
    const info: ModelInfo = {
      slot: 'active', name: 'chosen', ref: 'chosen', from: 'browser', cacheProblem: null, weightBytes: 0,
      config: active.model.config, parameterCount: active.model.parameterCount, tokenizerKind: 'byte-bpe', training: null,
    };
    installModel('active', { ...active, info });
  });
  afterAll(() => clearSlot('active'));

  const activeLogits = () => Array.from(models.get('active')!.model.logitsAt([1, 2, 3]).at(-1)!);

  it('refuses text of one distinct character with the character tokenizer, before any tensor is made', async () => {
    const before = tf.memory().numTensors;
    const logits = activeLogits();
    for (const text of ['a'.repeat(5000), '.'.repeat(3000)]) {
      const err = (await train(params({ source: { kind: 'text', text } }), job()).catch((e: unknown) => e)) as Error;
      expect(err.name).toBe('TrainingInputError');
      expect(err.message).toMatch(/only one distinct character \((?:"a"|".")\), so there is nothing to learn/);
      expect(err.message).not.toMatch(/oneHot/);
    }
    expect(tf.memory().numTensors).toBe(before);
    expect(models.get('active')!.model).toBe(active.model);
    expect(activeLogits()).toEqual(logits);
    expect(models.has('training')).toBe(false);
  });

  it('a run that fails part-way leaves the active model and frees everything it made', async () => {
    const before = tf.memory().numTensors;
    const logits = activeLogits();
    let sawTraining = false;
    const failing = job<TrainEvent>((e) => {
      if (e.type === 'prepared') sawTraining = models.has('training') && models.get('active')!.model === active.model;
      if (e.type === 'step' && e.step === 2) throw new Error('the page went away'); // as a failed postMessage would
    });
    await expect(train(params({ steps: 5 }), failing)).rejects.toThrow('the page went away');
    expect(sawTraining).toBe(true); // it trained in its own slot while the active one stayed
    expect(models.has('training')).toBe(false);
    expect(models.get('active')!.model).toBe(active.model);
    expect(activeLogits()).toEqual(logits);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('a finished run returns the model as files that load back with the same logits, and frees it', async () => {
    const before = tf.memory().numTensors;
    let trainedLogits: number[] = [];
    const watching = job<TrainEvent>((e) => {
      if (e.type === 'eval' && e.step === 2) trainedLogits = Array.from(models.get('training')!.model.logitsAt([1, 2, 3]).at(-1)!);
    });
    const result = await train(params({ steps: 2 }), watching);
    expect(result.steps).toBe(2);
    expect(tf.memory().numTensors).toBe(before);
    expect(models.has('training')).toBe(false);
    expect(JSON.parse(result.files['config.json'])).toMatchObject({ model_type: 'gpt2', n_layer: result.model.config.nLayer });
    expect(JSON.parse(result.files['tokenizer.json'])).toMatchObject({ type: 'char' });
    expect(result.model.weightBytes).toBe(result.files['model.safetensors'].byteLength);

    const previous = models.get('active')!.model;
    const bytes = (x: string | Uint8Array) => (typeof x === 'string' ? new TextEncoder().encode(x) : x);
    const files = Object.fromEntries(Object.entries(result.files).map(([k, v]) => [k, bytes(v)]));
    const info = await loadModel({ source: { kind: 'files', files }, name: 'mine', ref: 'stored:x' }, job());
    expect(info).toMatchObject({ slot: 'active', name: 'mine', ref: 'stored:x', from: 'browser' });
    expect(models.get('active')!.model).not.toBe(previous);
    const reloaded = Array.from(models.get('active')!.model.logitsAt([1, 2, 3]).at(-1)!);
    expect(reloaded.length).toBe(trainedLogits.length);
    reloaded.forEach((x, i) => expect(x).toBeCloseTo(trainedLogits[i], 5));
  });

  it('refuses a second run while one trains, and (asked to keep it) a model already in the training slot, losing nothing', async () => {
    const first = train(params({ steps: 4 }), job());
    await expect(train(params({ steps: 1 }), job())).rejects.toMatchObject({ name: 'TrainingInputError', code: 'training-busy' });
    const result = await first;
    expect(result.steps).toBe(4); // the first run was not disturbed
    // A model the learner trained, loaded into the training slot: a lesson's run (keepSlot) leaves it alone.
    const mine = smallModel(32, 2);
    const info: ModelInfo = {
      slot: 'training', name: 'mine', ref: '', from: 'trained', cacheProblem: null, weightBytes: 0,
      config: mine.model.config, parameterCount: mine.model.parameterCount, tokenizerKind: 'byte-bpe', training: null,
    };
    installModel('training', { ...mine, info });
    const logits = Array.from(models.get('training')!.model.logitsAt([1, 2, 3]).at(-1)!);
    await expect(train(params({ steps: 1, keepSlot: true }), job())).rejects.toMatchObject({ name: 'TrainingInputError', code: 'training-slot-taken' });
    expect(models.get('training')!.info.name).toBe('mine');
    expect(Array.from(models.get('training')!.model.logitsAt([1, 2, 3]).at(-1)!)).toEqual(logits);
    // Without keepSlot (the "Your own text" panel training again) the slot is the run's, and emptied after.
    await train(params({ steps: 1 }), job());
    expect(models.has('training')).toBe(false);
  });
});
