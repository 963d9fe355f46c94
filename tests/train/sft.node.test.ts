// SFT (train/sft.ts, sftLoss.ts, sftRun.ts): the chat template's exact tokens,
// labels −100 where Hugging Face puts them, the markers as Hugging Face special
// tokens (tokenizer.json, checked against @huggingface/tokenizers) and as new
// embedding rows, the masked loss against a hand computation, and what a few
// steps of training do: the held-out answers' loss falls, and without original
// text mixed in the original corpus's loss rises more than with it.

import * as tf from '@tensorflow/tfjs';
import { Tokenizer as HFTokenizer } from '@huggingface/tokenizers';
import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { makeConfig } from '../../src/model/config.ts';
import { GPT } from '../../src/model/gpt.ts';
import { ByteLevelBPE, CharTokenizer, tokenizerFromJSON } from '../../src/tokenizer/index.ts';
import {
  CHAT_TOKENS, IGNORE_INDEX, applyChatTemplate, exampleLoss, instructionsFor, meanEmbeddingRows, paddedBatch, sftBatches,
  tokenizeConversation, withChatTokens, withEmbeddingRows,
} from '../../src/train/sft.ts';
import { englishInstructions, tangInstructions, type Conversation } from '../../src/train/sftData.ts';
import { maskedCrossEntropy } from '../../src/train/sftLoss.ts';
import { type SftData, measureSft, newRowsOnly, runSft } from '../../src/train/sftRun.ts';
import { Trainer } from '../../src/train/trainer.ts';
import { Rng } from '../../src/util/random.ts';
import { useBackend } from '../helpers/backend.ts';

const X = IGNORE_INDEX;
const hello: Conversation = [{ role: 'user', content: 'Hi?' }, { role: 'assistant', content: 'Yes.' }];
const shakespeareTokenizer = () => ByteLevelBPE.fromJSON(JSON.parse(readFileSync('public/models/shakespeare/tokenizer.json', 'utf8')));

describe('the chat template and its labels', () => {
  // Characters sorted by code point: \n 0, . 1, ? 2, H 3, Y 4, e 5, i 6, s 7; the markers follow: 8, 9, 10.
  const { tokenizer, ids } = withChatTokens(CharTokenizer.fromText('Hi?Yes.\n'));

  it('writes Phi-3\'s layout, and each marker is one token', () => {
    expect(applyChatTemplate(hello)).toBe('<|user|>\nHi?<|end|>\n<|assistant|>\nYes.<|end|>\n');
    expect(applyChatTemplate(hello.slice(0, 1), true)).toBe('<|user|>\nHi?<|end|>\n<|assistant|>\n');
    expect(ids).toEqual({ user: 8, assistant: 9, end: 10 });
    const ex = tokenizeConversation(hello, tokenizer, 'answers');
    expect(ex.ids).toEqual([8, 0, 3, 6, 2, 10, 0, 9, 0, 4, 5, 7, 1, 10, 0]);
    expect(ex.ids).toEqual(tokenizer.encode(applyChatTemplate(hello)));
  });

  it('labels −100 everywhere but the answer and its <|end|>; all tokens count in the other mode', () => {
    expect(tokenizeConversation(hello, tokenizer, 'answers').labels).toEqual([X, X, X, X, X, X, X, X, X, 4, 5, 7, 1, 10, X]);
    expect(tokenizeConversation(hello, tokenizer, 'all').labels).toEqual([8, 0, 3, 6, 2, 10, 0, 9, 0, 4, 5, 7, 1, 10, 0]);
    const twoTurns: Conversation = [...hello, { role: 'user', content: 'Hi?' }, { role: 'assistant', content: 'Yes.' }];
    const labels = tokenizeConversation(twoTurns, tokenizer, 'answers').labels;
    expect(labels.map((l, i) => (l === X ? null : i)).filter((i) => i !== null)).toEqual([9, 10, 11, 12, 13, 24, 25, 26, 27, 28]);
  });

  it('shifts and pads a batch: padding is <|end|> in the input and −100 in the labels', () => {
    const a = tokenizeConversation(hello, tokenizer, 'answers');
    const b = { ids: [8, 0, 3], labels: [X, 0, 3], pieceOf: [0, 1, 2] };
    const batch = paddedBatch([a, b], ids.end);
    expect([batch.batchSize, batch.blockSize]).toEqual([2, 14]);
    expect(Array.from(batch.x.slice(0, 14))).toEqual(a.ids.slice(0, 14));
    expect(Array.from(batch.y.slice(0, 14))).toEqual(a.labels.slice(1));
    expect(Array.from(batch.x.slice(14))).toEqual([8, 0, ...Array(12).fill(10)]);
    expect(Array.from(batch.y.slice(14))).toEqual([0, 3, ...Array(12).fill(X)]);
  });

  it('mixes original text in as whole rows, every token counted', () => {
    const a = tokenizeConversation(hello, tokenizer, 'answers');
    const original = Array.from({ length: 100 }, (_, i) => i % 8);
    const batch = sftBatches([a], { batchSize: 4, padId: ids.end, mix: 0.25, originalIds: original })(new Rng(1));
    const rows = Array.from({ length: 4 }, (_, r) => Array.from(batch.y.slice(r * 14, (r + 1) * 14)));
    expect(rows.slice(0, 3)).toEqual([a.labels.slice(1), a.labels.slice(1), a.labels.slice(1)]);
    expect(rows[3].every((l) => l >= 0 && l < 8)).toBe(true);
  });

  it('cuts the English set where the byte-level BPE cuts the whole text', () => {
    const { tokenizer: bpe } = withChatTokens(shakespeareTokenizer());
    const set = englishInstructions();
    expect(set.train.length + set.heldOut.length).toBeGreaterThanOrEqual(40);
    expect(set.train.filter((c) => c.length > 2).length).toBeGreaterThanOrEqual(3);
    for (const c of [...set.train, ...set.heldOut]) {
      const ex = tokenizeConversation(c, bpe, 'answers');
      expect(ex.ids).toEqual(bpe.encode(applyChatTemplate(c)));
      expect(ex.ids.length).toBeLessThanOrEqual(129); // fits the model's window + the shifted target
    }
    const heldOutQuestions = new Set(set.heldOut.map((c) => c[0].content));
    expect(set.train.some((c) => c.some((m) => heldOutQuestions.has(m.content)))).toBe(false);
  });

  it('picks the Tang task for a character vocabulary of Chinese', () => {
    const tang = tangInstructions();
    const chars = CharTokenizer.fromText(tang.train.concat(tang.heldOut).flatMap((c) => c.map((m) => m.content)).join(''));
    expect(instructionsFor(chars).language).toBe('zh');
    expect(instructionsFor(shakespeareTokenizer()).language).toBe('en');
  });
});

describe('the markers as special tokens and embedding rows', () => {
  beforeAll(() => useBackend('cpu'));

  it('adds Hugging Face special tokens: tokenizer.json round trip, and @huggingface/tokenizers agrees', () => {
    const base = shakespeareTokenizer();
    const { tokenizer, ids, added } = withChatTokens(base);
    expect(added).toBe(3);
    expect(ids).toEqual({ user: 1024, assistant: 1025, end: 1026 });
    const json = JSON.parse(JSON.stringify(tokenizer));
    expect(json.added_tokens).toEqual([CHAT_TOKENS.user, CHAT_TOKENS.assistant, CHAT_TOKENS.end].map((content, i) => (
      { id: 1024 + i, content, single_word: false, lstrip: false, rstrip: false, normalized: false, special: true }
    )));
    const text = applyChatTemplate(englishInstructions().train.find((c) => c.length > 2)!);
    const back = tokenizerFromJSON(json);
    expect(back.encode(text)).toEqual(tokenizer.encode(text));
    expect(new HFTokenizer(json, { clean_up_tokenization_spaces: false }).encode(text).ids).toEqual(tokenizer.encode(text));
    // Text without markers keeps its ids; adding again adds nothing.
    const plain = readFileSync('public/models/shakespeare/original-sample.txt', 'utf8').slice(0, 2000);
    expect(tokenizer.encode(plain)).toEqual(base.encode(plain));
    expect(withChatTokens(tokenizer).added).toBe(0);
    const chars = withChatTokens(CharTokenizer.fromText('ab')).tokenizer;
    expect(tokenizerFromJSON(JSON.parse(JSON.stringify(chars))).encode('a<|end|>b')).toEqual([0, 4, 1]);
  });

  it('grows wte by rows at the mean of the old ones, every old row and other weight unchanged', async () => {
    const model = GPT.create(makeConfig('nano', { vocabSize: 20 }), 3);
    const grown = await withEmbeddingRows(model, 23);
    const [before, after] = [await model.weights(), await grown.weights()];
    const wte = before.get('transformer.wte.weight')!;
    const wide = after.get('transformer.wte.weight')!;
    const C = wte.shape[1];
    expect(wide.shape).toEqual([23, C]);
    expect(Array.from(wide.data.slice(0, 20 * C))).toEqual(Array.from(wte.data));
    for (let c = 0; c < C; c++) {
      let mean = 0;
      for (let r = 0; r < 20; r++) mean += wte.data[r * C + c] / 20;
      for (let r = 20; r < 23; r++) expect(wide.data[r * C + c]).toBeCloseTo(mean, 6);
    }
    for (const [name, w] of before) if (name !== 'transformer.wte.weight') expect(after.get(name)!.data).toEqual(w.data);
    expect(meanEmbeddingRows({ shape: [2, 1], data: new Float32Array([1, 3]) }, 1).data).toEqual(new Float32Array([1, 3, 2]));
    model.dispose();
    grown.dispose();
  });
});

describe('the masked loss and training', () => {
  beforeAll(async () => {
    await useBackend('wasm');
    shared = await pretrained();
  });

  it('averages −log p over the counted positions only, as CrossEntropyLoss(ignore_index=-100)', () => {
    const logits = [[1, 2, 0.5, -1], [3, 0, 0, 0], [0.2, 0.1, 2, 1]];
    const logSoftmax = (row: number[]) => row.map((v) => v - Math.log(row.reduce((s, u) => s + Math.exp(u), 0)));
    const hand = -(logSoftmax(logits[0])[1] + logSoftmax(logits[2])[2]) / 2;
    const got = tf.tidy(() => maskedCrossEntropy(tf.tensor2d(logits), Int32Array.from([1, X, 2])).dataSync()[0]);
    expect(got).toBeCloseTo(hand, 5);
  });

  it('gives a model\'s answer loss as the hand-computed mean over answer tokens', () => {
    const { tokenizer, ids } = withChatTokens(CharTokenizer.fromText('Hi?Yes.\n'));
    const model = GPT.create(makeConfig('nano', { vocabSize: tokenizer.vocabSize, blockSize: 32 }), 5);
    const ex = tokenizeConversation(hello, tokenizer, 'answers');
    const rows = model.logitsAt(ex.ids);
    let total = 0;
    let n = 0;
    for (let t = 0; t + 1 < ex.ids.length; t++) {
      const label = ex.labels[t + 1];
      if (label === X) continue;
      const row = Array.from(rows[t]);
      const max = Math.max(...row);
      total += -(row[label] - max - Math.log(row.reduce((s, v) => s + Math.exp(v - max), 0)));
      n++;
    }
    const got = exampleLoss(model, [ex, tokenizeConversation([{ role: 'user', content: 'Hi?' }], tokenizer, 'answers')], ids.end);
    expect(n).toBe(5);
    expect(got.tokens).toBe(5);
    expect(got.loss).toBeCloseTo(total / n, 4);
    model.dispose();
  });

  /** A nano model that has read the "original corpus" a little, with the markers added; English instructions. */
  const original = Array.from({ length: 300 }, (_, i) => ['the cat sat on a mat', 'a dog ran to the sun', 'the moon and a red hat'][i % 3]).join('.\n');
  const set = englishInstructions();
  const baseTokenizer = CharTokenizer.fromText(original + set.train.concat(set.heldOut).flatMap((c) => c.map((m) => m.content)).join(''));
  type Pretrained = { weights: Awaited<ReturnType<GPT['weights']>>; data: SftData; config: GPT['config'] };
  let shared: Pretrained;
  async function pretrained(): Promise<Pretrained> {
    // A 64-character window: the longer conversations are cut (from the right) to fit, as truncation does.
    const base = GPT.create(makeConfig('nano', { vocabSize: baseTokenizer.vocabSize, blockSize: 64 }), 3);
    const t = new Trainer(base, baseTokenizer.encode(original), { batchSize: 8, blockSize: 32, steps: 60, learningRate: 1e-2, warmupSteps: 5, seed: 3 });
    for (let i = 0; i < 60; i++) t.trainStep();
    t.dispose();
    const { tokenizer, ids } = withChatTokens(baseTokenizer);
    const grown = await withEmbeddingRows(base, tokenizer.vocabSize);
    const weights = await grown.weights();
    const config = grown.config;
    base.dispose();
    grown.dispose();
    const ids0 = tokenizer.encode(original);
    const data: SftData = {
      tokenizer, chat: ids, train: set.train, heldOut: set.heldOut,
      originalTrainIds: ids0.slice(0, 3000), originalValIds: ids0.slice(3000, 5000), samplePromptIds: ids0.slice(3000, 3008),
    };
    return { weights, data, config };
  }
  const options = (mode: 'answers' | 'all', mix: number, seed: number) => ({
    mode, mix, steps: 20, learningRate: 1e-2, batchSize: 4, seed, evalEvery: 20, evalShape: { batchSize: 4, blockSize: 32 }, evalBatches: 2, maxAnswerTokens: 8, sampleTokens: 8,
  });

  it('lowers the held-out answer loss in a few answer-only steps (LoRA-style new rows only, and full), and frees its tensors', async () => {
    const { weights, data, config } = shared;
    const baseline = tf.memory().numTensors;
    const model = GPT.fromWeights(config, weights);
    const r = await runSft(model, data, { trainable: model.namedParameters() }, options('answers', 0, 1));
    expect(r.points.at(-1)!.answerLoss).toBeLessThan(r.points[0].answerLoss - 0.3);
    expect(r.after.answers).toHaveLength(data.heldOut.length);
    // Only the new rows of wte train: every old row is back after each step.
    const rows = newRowsOnly(model, baseTokenizer.vocabSize);
    const before = (await model.weights()).get('transformer.wte.weight')!;
    const r2 = await runSft(model, data, { trainable: [rows.variable], afterStep: rows.afterStep, trainableValues: rows.trainableValues }, { ...options('answers', 0, 2), steps: 5 });
    const after = (await model.weights()).get('transformer.wte.weight')!;
    const C = config.nEmbd;
    expect(after.data.slice(0, baseTokenizer.vocabSize * C)).toEqual(before.data.slice(0, baseTokenizer.vocabSize * C));
    expect(after.data.slice(baseTokenizer.vocabSize * C)).not.toEqual(before.data.slice(baseTokenizer.vocabSize * C));
    expect(r2.trainableParameters).toBe(3 * C);
    rows.dispose();
    model.dispose();
    expect(tf.memory().numTensors).toBe(baseline);
  });

  it('getting dumber: the original corpus\'s loss rises after answer-only SFT, and less with original text mixed in', async () => {
    const { weights, data, config } = shared;
    for (const seed of [1, 2]) {
      const run = async (mix: number) => {
        const model = GPT.fromWeights(config, weights);
        const r = await runSft(model, data, { trainable: model.namedParameters() }, options('answers', mix, seed));
        model.dispose();
        return r.points;
      };
      const plain = await run(0);
      const mixed = await run(0.25);
      const rise = (p: typeof plain) => p.at(-1)!.originalLoss - p[0].originalLoss;
      console.log(`seed ${seed}: original-corpus loss ${plain[0].originalLoss.toFixed(3)} → ${plain.at(-1)!.originalLoss.toFixed(3)} without mixing, → ${mixed.at(-1)!.originalLoss.toFixed(3)} with 25% mixed in`);
      expect(rise(plain)).toBeGreaterThan(0);
      expect(rise(mixed)).toBeLessThan(rise(plain));
    }
  });

  it('measures template following: the base model never stops at <|end|>', async () => {
    const { weights, data, config } = shared;
    const model = GPT.fromWeights(config, weights);
    const m = measureSft(model, data, options('answers', 0, 1));
    expect(m.endShare).toBe(0);
    expect(m.answers.every((a) => !a.ended)).toBe(true);
    model.dispose();
  });
});
