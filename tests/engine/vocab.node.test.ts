// The vocabulary-expansion job (词表扩增) as the worker runs it, on a nano GPT
// with a small byte-level BPE in the active slot (cpu backend): tokens per 汉字
// fall, the loaded model stays bit-identical, Stop ends the run with its
// measurements, nothing leaks, and the download is a Hugging Face folder that
// Hugging Face's own tokenizers and our checkpoint loader read back.

import { Tokenizer as HFTokenizer } from '@huggingface/tokenizers';
import * as tf from '@tensorflow/tfjs';
import { readFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EventOf, ParamsOf, ResultOf } from '../../src/engine/protocol.ts';
import { adaptersIn, initBackend, installModel, models } from '../../src/engine/runtime.ts';
import { VocabJobError, vocabHandlers } from '../../src/engine/handlers/vocab.ts';
import type { VocabEvent } from '../../src/engine/vocabProtocol.ts';
import { loadGPT } from '../../src/io/checkpoint.ts';
import { makeConfig } from '../../src/model/config.ts';
import { GPT } from '../../src/model/gpt.ts';
import type { NamedArray } from '../../src/model/params.ts';
import { ByteLevelBPE } from '../../src/tokenizer/bpe.ts';
import { CharTokenizer } from '../../src/tokenizer/char.ts';
import type { Tokenizer } from '../../src/tokenizer/tokenizer.ts';
import { VocabExpansionError } from '../../src/tokenizer/vocab-expansion.ts';
import { corpusExcerpt } from '../helpers/fixtures.ts';

type VocabMethod = keyof typeof vocabHandlers;

/** Calls a handler as the worker does; Stop is pressed once `stopAfter` step events have arrived. */
async function call<M extends VocabMethod>(method: M, params: ParamsOf<M>, stopAfter = Infinity): Promise<{ result: ResultOf<M>; events: EventOf<M>[] }> {
  const events: EventOf<M>[] = [];
  const job = {
    emit: (e: EventOf<M>) => events.push(e),
    get stopped() {
      return events.filter((e) => (e as { type?: string }).type === 'step').length >= stopAfter;
    },
    signal: new AbortController().signal,
  };
  const handler = vocabHandlers[method] as unknown as (p: ParamsOf<M>, j: typeof job) => Promise<ResultOf<M>>;
  return { result: await handler(params, job), events };
}

async function refusal(p: Promise<unknown>): Promise<Error & { code?: string }> {
  try {
    await p;
  } catch (e) {
    return e as Error & { code?: string };
  }
  throw new Error('expected the call to be refused');
}

// Traditional characters, as published: 6,000 characters of Tang poems.
const tang = readFileSync('tests/fixtures/tang-excerpt.txt', 'utf8').slice(0, 6000);
const english = corpusExcerpt().slice(-2000);
const bpe = ByteLevelBPE.train(corpusExcerpt().slice(0, 30_000), { vocabSize: 300 });
const config = makeConfig('nano', { vocabSize: bpe.vocabSize, blockSize: 32 });

function install(model: GPT, tokenizer: Tokenizer): void {
  installModel('active', {
    model,
    tokenizer,
    info: {
      slot: 'active', name: 'nano', ref: 'nano', from: 'browser', cacheProblem: null, weightBytes: 0, config: model.config,
      parameterCount: model.parameterCount, tokenizerKind: tokenizer.kind, training: null,
    },
  });
}

const params = (over: Partial<ParamsOf<'vocabExpand'>> = {}): ParamsOf<'vocabExpand'> => ({
  k: 300,
  steps: 12,
  learningRate: 1e-2,
  trainable: 'all',
  seed: 1,
  chinese: { kind: 'text', text: tang },
  english: { kind: 'text', text: english },
  prompt: '春風',
  ...over,
});

const bitwiseEqual = (a: Map<string, NamedArray>, b: Map<string, NamedArray>) =>
  a.size === b.size && [...a].every(([name, w]) => {
    const v = b.get(name);
    return !!v && w.shape.join() === v.shape.join() && Buffer.from(w.data.buffer, w.data.byteOffset, w.data.byteLength).equals(Buffer.from(v.data.buffer, v.data.byteOffset, v.data.byteLength));
  });

describe('the vocabulary-expansion job', () => {
  let model: GPT;
  let before: Map<string, NamedArray>;
  let baseline = 0;

  beforeAll(async () => {
    await initBackend('cpu');
    model = GPT.create(config, 5);
    install(model, bpe);
    before = await model.weights();
    baseline = tf.memory().numTensors;
  });

  afterAll(() => {
    models.get('active')?.model.dispose();
    models.clear();
  });

  it('adds K 汉字 as tokens, so each costs fewer tokens and more fit the window; trains a copy and leaves the loaded model as it was', async () => {
    const { result, events } = await call('vocabExpand', params());
    const { prepared } = result;
    expect(prepared.added).toBe(300);
    expect(prepared.vocabBefore).toBe(300);
    expect(prepared.vocabAfter).toBe(300 + 300 + prepared.pieces);
    expect(prepared.parametersAfter - prepared.parametersBefore).toBe((prepared.vocabAfter - 300) * config.nEmbd);
    // The base spells every 汉字 with its three UTF-8 bytes; after, the frequent ones are one token.
    expect(prepared.base.tokensPerHan).toBe(3);
    expect(prepared.expanded.tokensPerHan).toBeLessThan(2);
    expect(prepared.expanded.hanPerWindow).toBeGreaterThan(1.5 * prepared.base.hanPerWindow);
    // The expansion alone lowers the Chinese loss per character (fewer predictions per character) …
    expect(prepared.expanded.zhPerChar).toBeLessThan(prepared.base.zhPerChar);
    // … and training on the text lowers it further.
    expect(result.after.zhPerChar).toBeLessThan(prepared.expanded.zhPerChar);
    expect(result.steps).toBe(12);
    expect(result.stopped).toBe(false);

    // The strip: byte tokens before, new tokens (marked) after, for the same line.
    const { line } = prepared;
    expect([...line.text].some((c) => /\p{Script=Han}/u.test(c))).toBe(true);
    expect(line.before.some((t) => t.added)).toBe(false);
    expect(line.before.some((t) => /^<0x[0-9A-F]{2}>$/.test(t.text))).toBe(true);
    expect(line.after.some((t) => t.added && /^\p{Script=Han}$/u.test(t.text))).toBe(true);
    expect(line.after.length).toBeLessThan(line.before.length);

    // Events: stages in order, one step event per step, points from step 0 to the last step.
    const stages = events.filter((e): e is Extract<VocabEvent, { type: 'stage' }> => e.type === 'stage').map((e) => e.stage);
    expect(stages).toEqual(['reading', 'measuring', 'training', 'measuring-after', 'writing']);
    expect(events.filter((e) => e.type === 'step')).toHaveLength(12);
    expect(result.points[0]).toEqual({ step: 0, zhPerChar: prepared.expanded.zhPerChar, enPerChar: prepared.expanded.enPerChar });
    expect(result.points.at(-1)).toEqual({ step: 12, zhPerChar: result.after.zhPerChar, enPerChar: result.after.enPerChar });
    expect(result.points.length).toBeGreaterThanOrEqual(3);
    // Every model gets the same token budget (the window less one, here); what it buys is measured.
    for (const s of Object.values(result.samples).filter((s) => typeof s !== 'string')) expect(s).toMatchObject({ tokens: 31 });

    expect(bitwiseEqual(await model.weights(), before)).toBe(true);
    expect(models.get('active')!.tokenizer).toBe(bpe);
    expect(tf.memory().numTensors).toBe(baseline);
    expect(adaptersIn('active').busy).toBe(false);
  });

  it('gives the expanded model as a Hugging Face folder that tokenizers and the checkpoint loader read back', async () => {
    const { result } = await call('vocabExpand', params({ trainable: 'embeddings', steps: 4 }));
    const { result: files } = await call('vocabExport', {});
    const hf = new HFTokenizer(JSON.parse(files['tokenizer.json']), { clean_up_tokenization_spaces: false });
    const ours = ByteLevelBPE.fromJSON(JSON.parse(files['tokenizer.json']));
    expect(ours.vocabSize).toBe(result.prepared.vocabAfter);
    const line = result.prepared.line.text;
    expect(hf.encode(line).ids).toEqual(result.prepared.line.after.map((t) => t.id));
    expect(hf.encode(tang.slice(0, 500)).ids).toEqual(ours.encode(tang.slice(0, 500)));
    expect(hf.encode(english).ids).toEqual(bpe.encode(english)); // English tokenizes exactly as before

    const loaded = await loadGPT({ config: JSON.parse(files['config.json']), weights: files['model.safetensors'] });
    try {
      expect(loaded.config).toEqual({ ...config, vocabSize: result.prepared.vocabAfter });
      const weights = await loaded.weights();
      // Only the embeddings trained: every other weight is the base's, bit for bit; the old rows moved.
      for (const [name, w] of before) {
        if (name === 'transformer.wte.weight') continue;
        expect(bitwiseEqual(new Map([[name, weights.get(name)!]]), new Map([[name, w]])), name).toBe(true);
      }
      const wte = weights.get('transformer.wte.weight')!;
      expect(wte.shape).toEqual([result.prepared.vocabAfter, config.nEmbd]);
      expect(wte.data.subarray(0, 300 * config.nEmbd)).not.toEqual(before.get('transformer.wte.weight')!.data);
    } finally {
      loaded.dispose();
    }
    expect(tf.memory().numTensors).toBe(baseline);
  });

  it('stops when asked, measures where it stopped, and keeps that checkpoint', async () => {
    const { result, events } = await call('vocabExpand', params({ steps: 200 }), 3);
    expect(result.stopped).toBe(true);
    expect(result.steps).toBe(3);
    expect(events.filter((e) => e.type === 'step')).toHaveLength(3);
    expect(result.points.at(-1)!.step).toBe(3);
    expect(Number.isFinite(result.after.zhPerChar)).toBe(true);
    expect((await call('vocabExport', {})).result['model.safetensors'].byteLength).toBe(result.checkpointBytes);
    expect(bitwiseEqual(await model.weights(), before)).toBe(true);
    expect(tf.memory().numTensors).toBe(baseline);
  });

  it('refuses, with codes, what it cannot do, and holds nothing afterwards', async () => {
    expect((await refusal(call('vocabExpand', params({ k: 0 })))).code).toBe('bad-setting');
    expect((await refusal(call('vocabExpand', params({ learningRate: 1 })))).code).toBe('bad-setting');
    const noHan = await refusal(call('vocabExpand', params({ chinese: { kind: 'text', text: english } })));
    expect(noHan).toBeInstanceOf(VocabExpansionError);
    expect(noHan.code).toBe('no-new-tokens');
    const short = await refusal(call('vocabExpand', params({ chinese: { kind: 'text', text: tang.slice(0, 60) } })));
    expect(short).toBeInstanceOf(VocabJobError);
    expect(short.code).toBe('text-too-short');
    expect(tf.memory().numTensors).toBe(baseline);
    expect(adaptersIn('active').busy).toBe(false);

    // A model with a character tokenizer has every 汉字 it knows as one token: nothing to merge.
    const chars = CharTokenizer.fromText(tang + english);
    const charModel = GPT.create(makeConfig('nano', { vocabSize: chars.vocabSize, blockSize: 32 }), 2);
    install(charModel, chars);
    try {
      expect((await refusal(call('vocabExpand', params()))).code).toBe('not-byte-bpe');
    } finally {
      // Installing frees the model it replaces: the character model now, the nano model before it.
      model = GPT.fromWeights(config, before);
      install(model, bpe);
    }
    expect(tf.memory().numTensors).toBe(baseline);
  });

  it('reads the Tang poems from a model folder, and says which file it could not read', async () => {
    const server = http.createServer((req, res) => {
      if (req.url === '/tang/original-sample.txt') res.end(tang);
      else res.end('<!doctype html><html><body>the app</body></html>');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    try {
      const { result } = await call('vocabExpand', params({ steps: 1, chinese: { kind: 'folder', baseUrl: `${url}/tang/`, file: 'original-sample.txt' } }));
      expect(result.prepared.added).toBe(300);
      const missing = await refusal(call('vocabExpand', params({ chinese: { kind: 'folder', baseUrl: `${url}/none/`, file: 'original-sample.txt' } })));
      expect(missing.code).toBe('text-unavailable');
      expect((missing as VocabJobError).params).toMatchObject({ file: 'original-sample.txt', url: `${url}/none/original-sample.txt` });
    } finally {
      server.close();
    }
    expect(tf.memory().numTensors).toBe(baseline);
  });
});
