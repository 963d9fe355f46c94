// An error thrown by a handler in the engine's worker reaches the page with its
// kind, its code and its values, so the page can say it in the reader's
// language. The worker's own path is followed: the handler throws, errorData
// makes it plain data (as worker.ts does), the message is structured-cloned
// (what postMessage does to it), and the EngineClient rejects the call with an
// EngineError.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EngineClient, EngineError } from '../../src/engine/client.ts';
import { errorData } from '../../src/engine/errorData.ts';
import type { FromWorker, ToWorker } from '../../src/engine/protocol.ts';
import { generateHandler } from '../../src/engine/handlers/generate.ts';
import { countTokensHandler } from '../../src/engine/handlers/tokens.ts';
import { prepareData } from '../../src/engine/handlers/lora/runData.ts';
import type { AdapterStore } from '../../src/engine/adapterStore.ts';
import { type LoadedModel, clearSlot, initBackend, installModel, modelIn } from '../../src/engine/runtime.ts';
import type { ModelInfo } from '../../src/engine/protocol.ts';
import { GPT } from '../../src/model/gpt.ts';
import { countParameters, makeConfig } from '../../src/model/config.ts';
import { CharTokenizer } from '../../src/tokenizer/char.ts';
import { DivergenceError } from '../../src/train/trainer.ts';
import { i18n } from '../../src/i18n/index.ts';
import { errorText } from '../../src/panels/errorText.ts';

/** A stand-in for the worker: runs the handlers in this process and answers as worker.ts does, through structuredClone. */
function fakeWorker(handlers: Record<string, (params: never) => Promise<unknown>>): Worker {
  const listeners: ((e: MessageEvent<FromWorker>) => void)[] = [];
  const post = (message: FromWorker) => {
    const cloned = structuredClone(message);
    setTimeout(() => listeners.forEach((l) => l({ data: cloned } as MessageEvent<FromWorker>)));
  };
  return {
    addEventListener: (type: string, listener: (e: MessageEvent<FromWorker>) => void) => type === 'message' && listeners.push(listener),
    postMessage: (message: ToWorker) => {
      if (message.kind !== 'call') return;
      const { id, method, params } = message;
      Promise.resolve()
        .then(() => handlers[method](params as never))
        .then((result) => post({ kind: 'result', id, result }))
        .catch((error: unknown) => post({ kind: 'error', id, error: errorData(error) }));
    },
    terminate: () => {},
  } as unknown as Worker;
}

const job = { emit: () => {}, stopped: false, signal: new AbortController().signal };
const client = new EngineClient(
  fakeWorker({
    generate: (p) => generateHandler(p, job),
    countTokens: (p) => countTokensHandler(p),
  }),
);

/** The error a call ends with. */
async function failure(call: Promise<unknown>): Promise<EngineError> {
  const e = await call.then(() => null, (err: unknown) => err);
  expect(e).toBeInstanceOf(EngineError);
  return e as EngineError;
}

describe('an error thrown in the worker', () => {
  beforeAll(async () => {
    await initBackend('cpu');
    const tokenizer = CharTokenizer.fromText('the cat sat on the mat.');
    const config = makeConfig('nano', { vocabSize: tokenizer.vocabSize, blockSize: 16 });
    const info: ModelInfo = {
      slot: 'active', name: 'test', ref: 'test', from: 'browser', cacheProblem: null, weightBytes: 0, config,
      parameterCount: countParameters(config), tokenizerKind: tokenizer.kind, training: null,
    };
    installModel('active', { model: GPT.create(config, 1), tokenizer, info });
  });
  afterAll(async () => {
    clearSlot('active');
    await i18n.changeLanguage('en');
  });

  it('arrives with its kind and code: an empty prompt', async () => {
    const e = await failure(client.call('generate', { slot: 'active', prompt: '', maxNewTokens: 3 }).result);
    expect({ name: e.name, code: e.code, params: e.params }).toEqual({ name: 'InputError', code: 'empty-prompt', params: {} });
    expect(e.message).toMatch(/^The prompt is empty/);
  });

  it('arrives with its values: characters the tokenizer cannot write', async () => {
    const e = await failure(client.call('generate', { slot: 'active', prompt: 'the dog 🐕', maxNewTokens: 3 }).result);
    expect({ name: e.name, code: e.code, params: e.params }).toEqual({
      name: 'UnknownCharacterError', code: 'unknown-characters', params: { count: 3, characters: '"d" "g" "🐕"' },
    });
    await i18n.changeLanguage('zh');
    expect(errorText(e)).toBe('有 3 个字符不在这个模型的词表里："d" "g" "🐕"。它的字符级分词器没有字节回退（byte fallback），写不出这些字符；请删掉或换掉它们。');
    await i18n.changeLanguage('en');
  });

  it('a slot without a model says which', async () => {
    const e = await failure(client.call('countTokens', { slot: 'training', text: 'x' }).result);
    expect(e.code).toBe('no-training-model');
    await i18n.changeLanguage('zh');
    expect(errorText(e)).toBe('现在没有正在用你的文本训练的模型。');
    await i18n.changeLanguage('en');
  });

  it('new LoRA text that is empty or too short names what it needs', async () => {
    const loaded: LoadedModel = modelIn('active');
    const store = {} as AdapterStore; // not reached: the text is refused first
    const empty = errorData(await prepareData(loaded, store, { kind: 'text', text: '   ' }, null).catch((e: unknown) => e));
    expect(empty).toMatchObject({ name: 'InputError', code: 'new-text-empty' });
    const short = errorData(await prepareData(loaded, store, { kind: 'text', text: 'the cat sat.' }, null).catch((e: unknown) => e));
    expect(short).toMatchObject({ name: 'InputError', code: 'new-text-too-short', params: { characters: 12, needed: 17 } });
    await i18n.changeLanguage('zh');
    expect(errorText(new EngineError(structuredClone(short)))).toMatch(/^新文本太短：12 个字符只得到 \d+ 个词元，而留作验证集的最后十分之一至少需要 17 个。/);
    await i18n.changeLanguage('en');
  });

  it('a divergence keeps its step and its non-finite loss', () => {
    const data = structuredClone(errorData(new DivergenceError(7, NaN, Infinity)));
    expect(data).toMatchObject({ name: 'DivergenceError', code: 'diverged', params: { step: 7, loss: 'NaN', gradNorm: 'Infinity' } });
  });
});
