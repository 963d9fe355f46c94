// Vocabulary expansion on the model side: new embedding rows start as the mean
// of the byte tokens they replace, nothing else moves, text without the new
// characters keeps its loss (up to the probability the tied head now gives the
// new tokens, measured), and a few steps on Chinese text lower the loss per character.

import * as tf from '@tensorflow/tfjs';
import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { splitTang } from '../../src/data/tang.ts';
import { loadGPT } from '../../src/io/checkpoint.ts';
import { makeConfig } from '../../src/model/config.ts';
import { GPT } from '../../src/model/gpt.ts';
import { ByteLevelBPE } from '../../src/tokenizer/bpe.ts';
import { VocabExpansionError, expandByteLevelBPE, mostFrequentHan } from '../../src/tokenizer/vocab-expansion.ts';
import { Trainer } from '../../src/train/trainer.ts';
import {
  charactersSpelled, expandModel, expandedEmbeddingTable, nextTokenMassOnNewTokens, textLoss,
} from '../../src/train/vocabExpansion.ts';
import { useBackend } from '../helpers/backend.ts';
import { corpusExcerpt } from '../helpers/fixtures.ts';

const WTE = 'transformer.wte.weight';
const MODEL = 'public/models/shakespeare/';
const tang = splitTang(readFileSync('tests/fixtures/tang-excerpt.txt', 'utf8'));
// About 1,300 tokens of held-out Shakespeare (cut from the validation split).
const english = readFileSync(MODEL + 'original-sample.txt', 'utf8').slice(0, 3000);

async function shakespeare() {
  const model = await loadGPT({ config: MODEL + 'config.json', weights: MODEL + 'model.safetensors' });
  const tokenizer = ByteLevelBPE.fromJSON(JSON.parse(readFileSync(MODEL + 'tokenizer.json', 'utf8')));
  return { model, tokenizer };
}

describe('the expanded embedding table (a small model)', () => {
  beforeAll(() => useBackend('cpu'));
  const tokenizer = ByteLevelBPE.train(corpusExcerpt().slice(0, 30_000), { vocabSize: 300 });
  const expansion = expandByteLevelBPE(tokenizer, mostFrequentHan(tang.train, 40));

  it('keeps every old row and weight, and starts each new row at the mean of the rows it replaces', async () => {
    const model = GPT.create(makeConfig('nano', { vocabSize: tokenizer.vocabSize }), 7);
    const baseline = tf.memory().numTensors;
    const before = await model.weights();
    const expanded = await expandModel(model, expansion);
    const after = await expanded.weights();
    const C = model.config.nEmbd;
    const V = tokenizer.vocabSize;

    expect(expanded.config).toEqual({ ...model.config, vocabSize: expansion.tokenizer.vocabSize });
    const wte = after.get(WTE)!;
    expect(wte.shape).toEqual([V + expansion.newTokens.length, C]);
    expect(wte.data.subarray(0, V * C)).toEqual(before.get(WTE)!.data);
    for (const [name, w] of before) if (name !== WTE) expect(after.get(name)).toEqual(w);
    // The base model is untouched.
    for (const [name, w] of await model.weights()) expect(w).toEqual(before.get(name));

    const old = before.get(WTE)!.data;
    const row = (data: Float32Array, id: number) => Array.from(data.subarray(id * C, (id + 1) * C));
    for (const t of expansion.newTokens) {
      const mean = row(old, t.replaces[0]).map((_, c) => t.replaces.reduce((s, id) => s + old[id * C + c], 0) / t.replaces.length);
      const got = row(wte.data, t.id);
      for (let c = 0; c < C; c++) expect(got[c]).toBeCloseTo(mean[c], 7);
    }
    // By hand for one character: three byte rows, so (e₁ + e₂ + e₃) / 3.
    const moon = expansion.newTokens.find((t) => t.requested)!;
    const [b1, b2, b3] = tokenizer.encode(moon.text);
    expect(row(wte.data, moon.id)[5]).toBeCloseTo((old[b1 * C + 5] + old[b2 * C + 5] + old[b3 * C + 5]) / 3, 7);

    expanded.dispose();
    expect(tf.memory().numTensors).toBe(baseline);
    model.dispose();
  });

  it('refuses a model whose embedding table is not its tokenizer\'s', async () => {
    const model = GPT.create(makeConfig('nano'), 7); // 64 rows, the tokenizer has 300
    const baseline = tf.memory().numTensors;
    const e = await expandModel(model, expansion).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(VocabExpansionError);
    expect([(e as VocabExpansionError).code, (e as VocabExpansionError).params]).toEqual(['model-mismatch', { modelVocab: 64, tokenizerVocab: 300 }]);
    expect(tf.memory().numTensors).toBe(baseline);
    model.dispose();
  });

  it('checks new tokens are numbered after the old rows', () => {
    const wte = { shape: [tokenizer.vocabSize, 2], data: new Float32Array(tokenizer.vocabSize * 2) };
    expect(() => expandedEmbeddingTable(wte, expansion.newTokens.slice(1))).toThrow(/should have id/);
  });
});

describe('counting characters for a per-character loss', () => {
  it('counts a character at its first byte, wherever the tokens cut it', () => {
    const bytes = new TextEncoder().encode('a汉'); // 61 E6 B1 89
    expect(charactersSpelled(bytes)).toBe(2);
    expect(charactersSpelled(bytes.subarray(1, 2))).toBe(1);
    expect(charactersSpelled(bytes.subarray(2))).toBe(0);
    expect(charactersSpelled(new TextEncoder().encode('😀 ok'))).toBe(4);
  });
});

describe('the expanded Shakespeare model', () => {
  beforeAll(() => useBackend('wasm'));

  it('gives old tokens the same logits, so text without 汉字 loses only the mass the new tokens take', async () => {
    const { model, tokenizer } = await shakespeare();
    const expansion = expandByteLevelBPE(tokenizer, mostFrequentHan(tang.train, 300));
    const expanded = await expandModel(model, expansion);
    const baseline = tf.memory().numTensors;
    const V = tokenizer.vocabSize;
    const ids = tokenizer.encode(english);
    expect(expansion.tokenizer.encode(english)).toEqual(ids);

    const window = ids.slice(0, 129);
    const [oldLogits, newOldPart] = tf.tidy(() => {
      const x = tf.tensor2d([window.slice(0, 128)], [1, 128], 'int32');
      return [model.forward(x).arraySync(), tf.slice(expanded.forward(x), [0, 0], [-1, V]).arraySync()];
    });
    let maxDiff = 0;
    oldLogits.forEach((r, t) => r.forEach((z, j) => { maxDiff = Math.max(maxDiff, Math.abs(z - newOldPart[t][j])); }));
    expect(maxDiff).toBeLessThan(1e-5);

    const before = textLoss(model, tokenizer, english);
    const after = textLoss(expanded, expansion.tokenizer, english);
    expect(after.tokens).toBe(before.tokens);
    expect(after.characters).toBe(before.characters);
    const mass = nextTokenMassOnNewTokens(expanded, V, ids);
    // A trained English model gives the bytes of 汉字, hence their means, almost nothing.
    expect(mass).toBeGreaterThan(0);
    expect(mass).toBeLessThan(1e-3);
    // Loss rises by E[−log(1 − share)] ≈ the mean share, for shares this small.
    expect(after.lossPerToken - before.lossPerToken).toBeGreaterThanOrEqual(-1e-6);
    expect(Math.abs(after.lossPerToken - before.lossPerToken - mass)).toBeLessThan(2e-5);
    expect(tf.memory().numTensors).toBe(baseline);
    expanded.dispose();
    model.dispose();
  });

  it('a few steps of continued pre-training on Chinese lower the loss per character, leaking no tensors', async () => {
    const baseline = tf.memory().numTensors;
    const { model, tokenizer } = await shakespeare();
    const expansion = expandByteLevelBPE(tokenizer, mostFrequentHan(tang.train, 200));
    const expanded = await expandModel(model, expansion);
    const held = tang.val.slice(0, 1500);
    const base = textLoss(model, tokenizer, held, { blockSize: 64 });
    model.dispose();
    const before = textLoss(expanded, expansion.tokenizer, held, { blockSize: 64 });

    const trainer = new Trainer(expanded, Int32Array.from(expansion.tokenizer.encode(tang.train)), {
      batchSize: 4, blockSize: 64, steps: 6, learningRate: 1e-3, minLearningRate: 1e-3, warmupSteps: 1, seed: 3,
    });
    await trainer.run();
    const after = textLoss(expanded, expansion.tokenizer, held, { blockSize: 64 });
    // The same held-out characters are scored (near enough: windows end at other places).
    expect(Math.abs(after.characters - base.characters) / base.characters).toBeLessThan(0.1);
    expect(after.characters).toBe(before.characters);
    expect(after.lossPerChar).toBeLessThan(before.lossPerChar - 1);
    expect(after.lossPerChar).toBeLessThan(base.lossPerChar);
    trainer.dispose();
    expanded.dispose();
    expect(tf.memory().numTensors).toBe(baseline);
  });
});
