// The two texts of the data-bias experiment: a biased one (a few passages
// copied many times) and a deduplicated one. Passages are paragraphs, lines or
// sentences, in English and in Chinese; copies are whole; deduplication keeps
// every first occurrence and the rest of the text byte for byte, so the biased
// text deduplicated is the original again.
import { describe, expect, it } from 'vitest';
import { LAB_DUPLICATION, biasAndCure, deduplicate, injectDuplicates, passagesOf } from '../../src/lora/dataBias.ts';
import { explanationsAsText } from '../../src/lessons/explanations.ts';
import { corpusExcerpt } from '../helpers/fixtures.ts';
import { readFileSync } from 'node:fs';

const text = 'Title\n\nThe first sentence is here. A second one follows! "Is it quoted?" Then.\nA new line.\n\n床前明月光，疑是地上霜。举头望明月，低头思故乡。\n';

const count = (hay: string, needle: string) => hay.split(needle).length - 1;

describe('passages', () => {
  it('split at blank lines, at line ends, or at sentence ends in both languages', () => {
    expect(passagesOf(text, 'paragraph')).toEqual([
      'Title',
      'The first sentence is here. A second one follows! "Is it quoted?" Then.\nA new line.',
      '床前明月光，疑是地上霜。举头望明月，低头思故乡。',
    ]);
    expect(passagesOf(text, 'line')).toHaveLength(4);
    expect(passagesOf(text, 'sentence')).toEqual([
      'Title', 'The first sentence is here.', 'A second one follows!', '"Is it quoted?"', 'Then.', 'A new line.', '床前明月光，疑是地上霜。', '举头望明月，低头思故乡。',
    ]);
  });
});

describe('deduplication', () => {
  it('keeps the first occurrence of each passage, counts the copies it drops, and ignores differences in spacing', () => {
    const doubled = 'One line.\nTwo line.\nOne  line.\nThree.\nTwo line.\n';
    expect(deduplicate(doubled, 'line')).toEqual({ text: 'One line.\nTwo line.\nThree.\n', passages: 3, removed: 2 });
  });

  it('leaves a text without repeats exactly as it was', () => {
    expect(deduplicate(text, 'sentence').text).toBe(text);
    expect(deduplicate(text, 'paragraph')).toEqual({ text, passages: 3, removed: 0 });
  });
});

describe('injecting duplicates', () => {
  it('as runs: each picked passage is followed by its copies, and deduplication gives the original back', () => {
    const b = injectDuplicates(text, { passages: 2, copies: 3, seed: 7, unit: 'sentence', placement: 'run', minLength: 10 });
    expect(b.duplicated).toHaveLength(2);
    for (const d of b.duplicated) {
      expect(count(b.text, d)).toBe(count(text, d) + 3);
      expect(b.text).toContain(Array.from({ length: 4 }, () => d).join(/[。！？]$/.test(d) ? '' : ' '));
    }
    expect(deduplicate(b.text, 'sentence')).toEqual({ text, passages: 8, removed: 6 });
    const injected = b.duplicated.reduce((n, d) => n + 3 * (d.length + (/[。]$/.test(d) ? 0 : 1)), 0);
    expect(b.injectedShare).toBeCloseTo(injected / b.text.length, 10);
  });

  it('scattered: the same number of copies at seeded places; the same seed gives the same text, another seed another', () => {
    const plan = { passages: 1, copies: 5, seed: 3, unit: 'line', placement: 'scattered', minLength: 5 } as const;
    const a = injectDuplicates(text, plan);
    expect(count(a.text, a.duplicated[0])).toBe(count(text, a.duplicated[0]) + 5);
    expect(injectDuplicates(text, plan).text).toBe(a.text);
    const others = [4, 5, 6, 8].map((seed) => injectDuplicates(text, { ...plan, seed }).text);
    expect(others.some((t) => t !== a.text)).toBe(true);
    expect(deduplicate(a.text, 'line').removed).toBe(5);
  });

  it('picks only passages within the length limits, and refuses more passages than the text has', () => {
    const b = injectDuplicates(text, { passages: 2, copies: 1, seed: 1, unit: 'sentence', placement: 'run', minLength: 12, maxLength: 30 });
    for (const d of b.duplicated) expect(d.length >= 12 && d.length <= 30).toBe(true);
    expect(() => injectDuplicates('One. Two.', { passages: 3, copies: 1, seed: 1, unit: 'sentence', placement: 'run' })).toThrow(/2 passages/);
    expect(injectDuplicates(text, { passages: 0, copies: 4, seed: 1, unit: 'sentence', placement: 'run' }).text).toBe(text);
  });

  it("makes the panel's biased text from the default new texts of both models, and the cure removes exactly the copies", () => {
    const tang = readFileSync('public/models/tang/new-text.txt', 'utf8');
    for (const source of [explanationsAsText(), tang, corpusExcerpt().slice(0, 20_000)]) {
      const { biased, deduplicated } = biasAndCure(source, 1337);
      expect(biased.duplicated).toHaveLength(LAB_DUPLICATION.passages);
      for (const d of biased.duplicated) expect(d.length).toBeLessThanOrEqual(LAB_DUPLICATION.maxLength!);
      expect(biased.injectedShare).toBeGreaterThan(0.05);
      expect(deduplicated.removed).toBeGreaterThanOrEqual(LAB_DUPLICATION.passages * LAB_DUPLICATION.copies);
      expect(deduplicated.text.length).toBeLessThanOrEqual(source.length);
    }
  });
});
