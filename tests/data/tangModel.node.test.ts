// The shipped Tang poetry model keeps the promises the README makes: its size
// class, its vocabulary, and its held-out loss below the n-gram baselines the
// training script computed on the same split (recorded in training.json).
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { CharTokenizer, tokenizerFromJSON } from '../../src/tokenizer/index.ts';

const DIR = path.resolve('public/models/tang');
const read = (name: string) => fs.readFileSync(path.join(DIR, name), 'utf8');

describe('the shipped Tang model', () => {
  const training = JSON.parse(read('training.json'));

  it('is in the size class of the Shakespeare model: at most 3 MB of F16 weights', () => {
    expect(fs.statSync(path.join(DIR, 'model.safetensors')).size).toBeLessThanOrEqual(3_000_000);
    expect(training.shipped_weights.dtype).toBe('F16');
  });

  it('reads one 汉字 as one token, with an unknown token for the rest', () => {
    const tokenizer = tokenizerFromJSON(JSON.parse(read('tokenizer.json')));
    expect(tokenizer).toBeInstanceOf(CharTokenizer);
    expect((tokenizer as CharTokenizer).unknownId).toBe(0);
    expect(tokenizer.encode('床前明月光，疑是地上霜。')).toHaveLength(12);
    expect(tokenizer.encode('床前明月光').includes(0)).toBe(false);
    expect(tokenizer.vocabSize).toBe(training.tokenizer.vocab_size);
  });

  it('scores at most 5.0 nats per character on the held-out split, below both baselines, in F16 as shipped', () => {
    const { unigram_add_one: unigram, interpolated_trigram: trigram } = training.baselines_nats_per_char;
    expect(trigram).toBeLessThan(unigram);
    for (const loss of [training.val_loss_per_char, training.shipped_weights.val_loss_per_char]) {
      expect(loss).toBeLessThanOrEqual(5.0);
      expect(loss).toBeLessThan(trigram);
    }
    expect(Math.abs(training.shipped_weights.val_loss_per_char - training.val_loss_per_char)).toBeLessThan(1e-3);
    // Characters behind the unknown token were charged, not given away.
    expect(training.unknown_characters.nats_added).toBeGreaterThan(0);
  });

  it('ships the texts the LoRA panel uses: Song ci to learn, held-out Tang poems to measure forgetting', () => {
    expect((read('new-text.txt').match(/\p{Script=Han}/gu) ?? []).length).toBeGreaterThan(5000);
    expect(read('original-sample.txt').length).toBeGreaterThan(5000);
  });
});
