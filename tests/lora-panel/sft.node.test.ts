// The loraSft engine method, called as the worker calls it, on a nano GPT in
// the active slot: the example it shows (tokens the answers-only loss counts),
// three runs with curves and measures, the model in the page untouched (its
// weights, its vocabulary), Stop, and no tensor left behind.

import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EventOf, ParamsOf, ResultOf } from '../../src/engine/protocol.ts';
import { models } from '../../src/engine/runtime.ts';
import type { GPT } from '../../src/model/gpt.ts';
import { installNano, removeNano, set, tokenizer } from './sftSetup.ts';
import { loraHandlers } from '../../src/engine/handlers/lora.ts';
import { DEFAULT_LORA } from '../../src/lora/config.ts';

type Sft = 'loraSft';

async function call(params: ParamsOf<Sft>, stopAfterSteps = Infinity): Promise<{ result: ResultOf<Sft>; events: EventOf<Sft>[] }> {
  const events: EventOf<Sft>[] = [];
  const job = {
    emit: (e: EventOf<Sft>) => void events.push(e),
    signal: new AbortController().signal,
    get stopped() {
      return events.filter((e) => e.type === 'step').length >= stopAfterSteps;
    },
  };
  return { result: await loraHandlers.loraSft(params, job), events };
}


const params = (over: Partial<ParamsOf<Sft>> = {}): ParamsOf<Sft> => ({
  method: 'LoRA', config: { ...DEFAULT_LORA, r: 4, lora_alpha: 8 }, steps: 6, learningRate: 1e-2, mix: 0, seed: 1, modelBaseUrl: null, ...over,
});

describe('loraSft in the worker', () => {
  let model: GPT;

  beforeAll(async () => {
    model = await installNano();
  });

  afterAll(removeNano);

  it('runs all tokens, answers only and answers with original text from one copy, leaving the model as it was', async () => {
    const before = await model.weights();
    // The generated original-corpus sample is made (and kept) on the first call: count tensors from the second.
    await call(params({ steps: 1 }));
    const tensors = tf.memory().numTensors;
    const { result, events } = await call(params());
    const prepared = events.find((e) => e.type === 'prepared')!;
    expect(prepared).toMatchObject({ addedTokens: 3, vocabSize: tokenizer.vocabSize + 3, language: 'en', arms: ['all', 'answers', 'mixed'] });
    // The example: a two-turn dialogue; the markers are single special tokens; only answers and their <|end|> count.
    const tokens = result.example.tokens;
    expect(tokens[0]).toEqual({ text: '<|user|>', counted: false, special: true });
    expect(tokens.filter((t) => t.special).map((t) => t.text)).toEqual(['<|user|>', '<|end|>', '<|assistant|>', '<|end|>', '<|user|>', '<|end|>', '<|assistant|>', '<|end|>']);
    const counted = tokens.filter((t) => t.counted).map((t) => t.text).join('');
    const dialogue = set.train.find((c) => c.length > 2)!;
    expect(counted).toBe(`${dialogue[1].content}<|end|>${dialogue[3].content}<|end|>`.replace(/ /g, '␣'));
    expect(result.results.map((r) => [r.arm, r.mix])).toEqual([['all', 0], ['answers', 0], ['mixed', 0.25]]);
    for (const r of result.results) {
      expect(r.points.map((p) => p.step)).toEqual([0, 5, 6]);
      expect(r.after.answers).toHaveLength(set.heldOut.length);
      expect(r.stoppedBy).toBeNull();
    }
    expect(result.results[0].points[0]).toEqual(result.results[1].points[0]); // the same start
    expect(events.filter((e) => e.type === 'step')).toHaveLength(18);
    expect(result.stopped).toBe(false);
    const after = await model.weights();
    for (const [name, w] of before) expect(after.get(name)!.data).toEqual(w.data);
    expect(models.get('active')!.tokenizer.vocabSize).toBe(tokenizer.vocabSize);
    expect(tf.memory().numTensors).toBe(tensors);
  });

  it('trains every weight with full fine-tuning, and stops when asked', async () => {
    const tensors = tf.memory().numTensors;
    const { result } = await call(params({ method: 'full fine-tuning', learningRate: 1e-3 }), 3);
    expect(result.stopped).toBe(true);
    expect(result.results).toHaveLength(1);
    expect(result.results[0].trainableParameters).toBe(model.parameterCount + 3 * model.config.nEmbd);
    expect(tf.memory().numTensors).toBe(tensors);
  });
});
