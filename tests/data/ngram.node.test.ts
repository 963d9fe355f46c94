import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  AddOneUnigram, CharIds, TrigramCounts, fitTrigramWeights, ngramBaselines, trigramNats, unigramNats, unknownCharacterNats,
} from '../../src/data/ngram.ts';
import { splitTang } from '../../src/data/tang.ts';

describe('the add-one unigram baseline', () => {
  it('gives (count + 1) / (N + V) with V = training characters + one unknown', () => {
    // train "aab": N = 3, V = 3 (a, b, unknown); p(a) = 3/6, p(b) = 2/6, p(unknown) = 1/6.
    const vocab = new CharIds('aab');
    expect(vocab.size).toBe(3);
    const unigram = new AddOneUnigram(vocab.encode('aab'), vocab.size);
    const val = vocab.encode('abc'); // "c" was never seen: it is the unknown
    expect(Array.from(val)).toEqual([0, 1, vocab.unknownId]);
    expect(unigramNats(unigram, val)).toBeCloseTo((Math.log(2) + Math.log(3) + Math.log(6)) / 3, 12);
  });
});

describe('the interpolated trigram baseline', () => {
  const vocab = new CharIds('aab');
  const counts = new TrigramCounts(vocab.encode('aab'), vocab.size);

  it('mixes add-one unigram, ML bigram and ML trigram with the given weights', () => {
    // Weights [uni, bi, tri] = [1/2, 1/4, 1/4] on "aab" after training on "aab":
    //   a: no context                          → 1/2·1/2                     = 1/4
    //   a: after a (aa/a· = 1/2)                → 1/2·1/2 + 1/4·1/2           = 3/8
    //   b: after a (ab/a· = 1/2), aa (aab/aa· = 1) → 1/2·1/3 + 1/4·1/2 + 1/4·1 = 13/24
    const expected = -(Math.log(1 / 4) + Math.log(3 / 8) + Math.log(13 / 24)) / 3;
    expect(trigramNats(counts, [0.5, 0.25, 0.25], vocab.encode('aab'))).toBeCloseTo(expected, 12);
  });

  it('with all the weight on the unigram is the unigram', () => {
    const val = vocab.encode('baba');
    expect(trigramNats(counts, [1, 0, 0], val)).toBeCloseTo(unigramNats(counts.unigram, val), 12);
  });

  it('fits weights by EM that sum to 1 and do no worse on the held-out text than equal weights', () => {
    const text = '白日依山盡，黃河入海流。\n欲窮千里目，更上一層樓。\n'.repeat(3);
    const v = new CharIds(text);
    const c = new TrigramCounts(v.encode(text.slice(0, 50)), v.size);
    const heldOut = v.encode(text.slice(50));
    const weights = fitTrigramWeights(c, heldOut);
    expect(weights[0] + weights[1] + weights[2]).toBeCloseTo(1, 12);
    expect(trigramNats(c, weights, heldOut)).toBeLessThanOrEqual(trigramNats(c, [1 / 3, 1 / 3, 1 / 3], heldOut));
  });
});

describe('the baselines on the shipped Tang excerpt', () => {
  it('the trigram predicts regular verse better than the unigram', () => {
    const { train, val } = splitTang(fs.readFileSync('tests/fixtures/tang-excerpt.txt', 'utf8'));
    const b = ngramBaselines(train, val);
    expect(b.vocabSize).toBe(new Set(train).size + 1);
    expect(b.trigramNats).toBeLessThan(b.unigramNats);
  });
});

describe('the cost of naming a character behind the unknown token', () => {
  it('is −log q(c), q = add-one over the training counts under the cut plus one never-seen symbol', () => {
    // Under the cut: x (3 times), y (1 time); total = (3+1) + (1+1) + 1 = 7.
    const known = (c: string) => c === 'a';
    const nats = unknownCharacterNats('aaaaxxxy', 'axyz', known);
    expect(nats[0]).toBe(0);
    expect(nats[1]).toBeCloseTo(Math.log(7 / 4), 12);
    expect(nats[2]).toBeCloseTo(Math.log(7 / 2), 12);
    expect(nats[3]).toBeCloseTo(Math.log(7), 12);
    // q sums to one over the characters under the cut and the never-seen symbol.
    expect(4 / 7 + 2 / 7 + 1 / 7).toBeCloseTo(1, 12);
  });

  it('counts code points, so a character outside the BMP is one position', () => {
    expect(unknownCharacterNats('a', '𠀀a', (c) => c === 'a').length).toBe(2);
  });
});
