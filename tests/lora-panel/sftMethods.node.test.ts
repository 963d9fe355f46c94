// The loraSftMethods engine method, called as the worker calls it, on a nano
// GPT in the active slot: one answers-only SFT run per method from the same
// copy, in the comparison's order; the adapter methods leave the base's
// weights exactly as they were once switched off (measured by the handler and
// reported), full fine-tuning does not and has no "off"; the page's model is
// untouched, and no tensor is left behind. Also loraSft with a PEFT method.

import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EventOf, ParamsOf, ResultOf } from '../../src/engine/protocol.ts';
import type { GPT } from '../../src/model/gpt.ts';
import { installNano, removeNano } from './sftSetup.ts';
import { loraHandlers } from '../../src/engine/handlers/lora.ts';
import { DEFAULT_LORA } from '../../src/lora/config.ts';
import { PROMPT_LEARNING_RATES } from '../../src/peft/methods.ts';

type M = 'loraSftMethods' | 'loraSft';

function job<K extends M>(events: EventOf<K>[]) {
  return { emit: (e: EventOf<K>) => void events.push(e), signal: new AbortController().signal, stopped: false };
}

const common = { config: { ...DEFAULT_LORA, r: 4, lora_alpha: 8 }, steps: 2, learningRate: 1e-2, seed: 1, modelBaseUrl: null };

describe('SFT with each method in the worker', () => {
  let model: GPT;

  beforeAll(async () => {
    model = await installNano();
  });

  afterAll(removeNano);

  it('runs each method answers-only from one copy; adapters off leave the base exactly, full fine-tuning does not', async () => {
    const before = await model.weights();
    // The generated original-corpus sample is made (and kept) on the first call: count tensors from the second.
    await loraHandlers.loraSftMethods({ ...common, steps: 1, methods: ['prompt tuning'], fullLearningRate: 1e-3 }, job([]));
    const tensors = tf.memory().numTensors;
    const events: EventOf<'loraSftMethods'>[] = [];
    const result: ResultOf<'loraSftMethods'> = await loraHandlers.loraSftMethods(
      { ...common, methods: ['full fine-tuning', 'prefix tuning', 'LoRA', 'AdaLoRA', 'P-tuning', 'prompt tuning'], fullLearningRate: 1e-3 },
      job(events),
    );
    expect(result.methods).toEqual(['LoRA', 'AdaLoRA', 'prompt tuning', 'P-tuning', 'prefix tuning', 'full fine-tuning']);
    expect(result.arms).toEqual(['answers']);
    expect(result.results.map((r) => [r.method, r.arm, r.learningRate])).toEqual([
      ['LoRA', 'answers', 1e-2], ['AdaLoRA', 'answers', 1e-2], ['prompt tuning', 'answers', PROMPT_LEARNING_RATES['prompt tuning']],
      ['P-tuning', 'answers', PROMPT_LEARNING_RATES['P-tuning']], ['prefix tuning', 'answers', PROMPT_LEARNING_RATES['prefix tuning']], ['full fine-tuning', 'answers', 1e-3],
    ]);
    for (const r of result.results) {
      expect([r.points[0].step, r.points.at(-1)!.step]).toEqual([0, 2]);
      expect(r.stoppedBy).toBeNull();
      if (r.method === 'full fine-tuning') {
        expect(r.originalLossDetached).toBeNull();
        expect(r.baseMaxAbsChange).toBeGreaterThan(0);
        expect(r.trainableParameters).toBe(model.parameterCount + 3 * model.config.nEmbd);
      } else {
        expect(r.baseMaxAbsChange).toBe(0);
        expect(Number.isFinite(r.originalLossDetached)).toBe(true);
        expect(r.trainableParameters).toBeLessThan(model.parameterCount / 4);
      }
    }
    expect(events.filter((e) => e.type === 'step').map((e) => e.type === 'step' && e.method)).toEqual(result.methods.flatMap((m) => Array(2).fill(m)));
    const after = await model.weights();
    for (const [name, w] of before) expect(after.get(name)!.data).toEqual(w.data);
    expect(tf.memory().numTensors).toBe(tensors);
  }, 600_000);

  it('loraSft trains a prompt method in its three runs, at PEFT\'s rate for it', async () => {
    const tensors = tf.memory().numTensors;
    const events: EventOf<'loraSft'>[] = [];
    const result = await loraHandlers.loraSft({ ...common, method: 'prefix tuning', mix: 0 } as ParamsOf<'loraSft'>, job(events));
    expect(result.methods).toEqual(['prefix tuning']);
    expect(result.results.map((r) => [r.method, r.arm, r.learningRate])).toEqual([
      ['prefix tuning', 'all', 1e-2], ['prefix tuning', 'answers', 1e-2], ['prefix tuning', 'mixed', 1e-2],
    ]);
    for (const r of result.results) expect(r.baseMaxAbsChange).toBe(0);
    expect(tf.memory().numTensors).toBe(tensors);
  }, 300_000);

  it('refuses an empty list of methods', async () => {
    await expect(loraHandlers.loraSftMethods({ ...common, methods: [], fullLearningRate: 1e-3 }, job([]))).rejects.toThrow(/Choose at least one/);
  });
});
