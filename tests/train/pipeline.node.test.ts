import { beforeAll, describe, expect, it } from 'vitest';
import { GPT } from '../../src/model/gpt.ts';
import { makeConfig } from '../../src/model/config.ts';
import { Trainer } from '../../src/train/trainer.ts';
import { validationReport } from '../../src/train/pipeline.ts';
import { CharTokenizer } from '../../src/tokenizer/char.ts';
import { ByteLevelBPE } from '../../src/tokenizer/bpe.ts';
import { useBackend } from '../helpers/backend.ts';

describe('validationReport with an unknown token', () => {
  beforeAll(() => useBackend('cpu'));

  it('adds, per evaluated target, the cost of naming the character behind the unknown token', () => {
    const tokenizer = CharTokenizer.withFrequencyCut('春眠不觉晓，处处闻啼鸟。\n', 1);
    const model = GPT.create(makeConfig('tiny', { vocabSize: tokenizer.vocabSize, blockSize: 16, nEmbd: 32, nHead: 2 }), 7);
    const ids = Int32Array.from({ length: 200 }, (_, i) => (i * 5) % tokenizer.vocabSize);
    const trainer = new Trainer(model, ids, { batchSize: 2, blockSize: 16, steps: 1 });
    const plain = validationReport(trainer, ids, tokenizer);
    expect(plain.unknownNatsAdded).toBe(0);
    expect(validationReport(trainer, ids, tokenizer, Infinity, new Float64Array(ids.length)).lossPerChar).toBeCloseTo(plain.lossPerChar, 10);
    // One nat at every position: each evaluated target pays exactly one more nat, one character each.
    const withCost = validationReport(trainer, ids, tokenizer, Infinity, new Float64Array(ids.length).fill(1));
    expect(withCost.unknownNatsAdded).toBe(withCost.tokensEvaluated);
    expect(withCost.lossPerChar - plain.lossPerChar).toBeCloseTo(1, 10);
    expect(withCost.lossPerToken).toBeCloseTo(plain.lossPerToken, 10);
    // Only targets are charged: a cost on the very first token (never a target) changes nothing.
    const first = new Float64Array(ids.length);
    first[0] = 100;
    expect(validationReport(trainer, ids, tokenizer, Infinity, first).unknownNatsAdded).toBe(0);
    model.dispose();
  });
});

describe('validationReport under a byte-level tokenizer', () => {
  beforeAll(() => useBackend('cpu'));

  it('counts a character split over several byte tokens once, not once per byte', () => {
    // 256 byte tokens and no merges: every 汉字 is three tokens, every ASCII letter one.
    const tokenizer = ByteLevelBPE.train('ab', { vocabSize: 256 });
    const text = '春眠不觉晓ab处处闻啼鸟cd'.repeat(8);
    const ids = Int32Array.from(tokenizer.encode(text));
    expect(ids.length).toBe(8 * (10 * 3 + 4));
    const model = GPT.create(makeConfig('tiny', { vocabSize: tokenizer.vocabSize, blockSize: 16, nEmbd: 32, nHead: 2 }), 7);
    const trainer = new Trainer(model, ids, { batchSize: 2, blockSize: 16, steps: 1 });
    const r = validationReport(trainer, ids, tokenizer);
    // 14 characters in 34 tokens: 0.41 characters per token (counting "�" per byte would give 1).
    expect(r.charsPerToken).toBeGreaterThan(0.3);
    expect(r.charsPerToken).toBeLessThan(0.55);
    model.dispose();
  });
});
