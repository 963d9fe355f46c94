import { describe, expect, it } from 'vitest';
import { CharTokenizer, TokenizerJSONError, UnknownCharacterError, tokenizerFromJSON } from '../../src/tokenizer/index.ts';
import { UNKNOWN_CHAR } from '../../src/tokenizer/char.ts';

import { corpusExcerpt } from '../helpers/fixtures.ts';

describe('CharTokenizer', () => {
  it('builds nanoGPT shakespeare_char’s 65-character vocabulary (the excerpt holds every character)', () => {
    // nanoGPT's data/shakespeare_char/prepare.py prints these characters, in this order.
    const chars = CharTokenizer.fromText(corpusExcerpt());
    expect(chars.vocabSize).toBe(65);
    expect(chars.chars.join('')).toBe("\n !$&',-.3:;?ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz");
    expect(chars.encode('First Citizen')).toEqual([18, 47, 56, 57, 58, 1, 15, 47, 58, 47, 64, 43, 52]);
  });

  it('counts code points, not UTF-16 units, and sorts by code point', () => {
    const chars = CharTokenizer.fromText('😀！a😀');
    // UTF-16 order would put 😀 (D83D DE00) before ！ (FF01).
    expect(chars.chars).toEqual(['a', '！', '😀']);
    expect(chars.encode('😀a')).toEqual([2, 0]);
    expect(chars.decode([2, 1, 0])).toBe('😀！a');
  });

  it('round-trips any text it was built from, lone surrogates included', () => {
    const text = 'Tabs\tnewlines\n\r\nemoji 👨‍👩‍👧 中文 \x00\x7f e\u0301 \uFEFF lone \uD800 end';
    const chars = CharTokenizer.fromText(text);
    expect(chars.decode(chars.encode(text))).toBe(text);
  });

  it('names unknown characters and where they are instead of dropping them', () => {
    const chars = CharTokenizer.fromText('abc ');
    const attempt = () => chars.encode('a😀b é c é');
    expect(attempt).toThrow(UnknownCharacterError);
    expect(attempt).toThrow('2 characters are not in the vocabulary: "😀" (U+1F600) at 1; "é" (U+00E9) at 4, 8');
    try {
      attempt();
    } catch (error) {
      expect((error as UnknownCharacterError).unknown).toEqual([
        { char: '😀', positions: [1] },
        { char: 'é', positions: [4, 8] },
      ]);
    }
  });

  it('shows whitespace tokens visibly', () => {
    const chars = CharTokenizer.fromText(' \n\tx\x00\x85');
    expect(chars.chars.map((_, id) => chars.tokenString(id))).toEqual(['␀', '⇥', '↵', '␣', 'x', '<U+0085>']);
  });

  it('rejects ids outside the vocabulary', () => {
    expect(() => CharTokenizer.fromText('ab').decode([2])).toThrow(/token id 2 is not in the vocabulary \(ids are 0..1\)/);
  });

  it('saves to JSON and loads back through tokenizerFromJSON', () => {
    const chars = CharTokenizer.fromText('hello, world 😀');
    const json = JSON.parse(JSON.stringify(chars));
    expect(json).toEqual({ type: 'char', version: 1, chars: [' ', ',', 'd', 'e', 'h', 'l', 'o', 'r', 'w', '😀'] });
    const loaded = tokenizerFromJSON(json);
    expect(loaded.kind).toBe('char');
    expect(loaded.encode('world 😀')).toEqual(chars.encode('world 😀'));
  });

  it('explains malformed JSON', () => {
    expect(() => CharTokenizer.fromJSON({ type: 'char', chars: 'abc' })).toThrow(/"chars" should be an array of strings/);
    expect(() => CharTokenizer.fromJSON({ type: 'char', chars: ['a', 'a'] })).toThrow(/"a" appears twice/);
    expect(() => CharTokenizer.fromJSON({ type: 'char', chars: ['ab'] })).toThrow(TokenizerJSONError);
    expect(() => CharTokenizer.fromJSON({ type: 'bpe', chars: [] })).toThrow(/"type" should be "char"/);
  });
});

describe('CharTokenizer with a frequency cut and an unknown token (the Tang model)', () => {
  const text = '床前明月光，疑是地上霜。\n举头望明月，低头思故乡。\n';
  it('keeps characters seen at least minCount times, after U+FFFD at id 0, and maps the rest to it', () => {
    const chars = CharTokenizer.withFrequencyCut(text, 2);
    // Code point order: "。" is U+3002, "，" the full-width U+FF0C.
    expect(chars.chars).toEqual([UNKNOWN_CHAR, '\n', '。', '头', '明', '月', '，']);
    expect(chars.unknownId).toBe(0);
    expect(chars.encode('明月霜')).toEqual([4, 5, 0]);
    expect(chars.decode(chars.encode('明月霜'))).toBe('明月\uFFFD');
    expect(chars.unknownCharacters('明霜月霜')).toEqual([{ char: '霜', positions: [1, 3] }]);
  });

  it('minCount 1 keeps every character, and the vocabulary round-trips through JSON with its unknown token', () => {
    const chars = CharTokenizer.withFrequencyCut(text, 1);
    expect(chars.vocabSize).toBe(new Set(text).size + 1);
    const again = tokenizerFromJSON(JSON.parse(JSON.stringify(chars.toJSON()))) as CharTokenizer;
    expect(again.unknownId).toBe(0);
    expect(again.encode('月亮')).toEqual([chars.encode('月')[0], 0]);
  });

  it('without an unknown token it still refuses unknown characters; a bad unknown entry is a clear error', () => {
    expect(() => CharTokenizer.fromText('ab').encode('abc')).toThrow(UnknownCharacterError);
    expect(() => CharTokenizer.fromJSON({ type: 'char', chars: ['a'], unknown: 'z' })).toThrow(/unknown token "z" is not in "chars"/);
    expect(() => CharTokenizer.fromJSON({ type: 'char', chars: ['a'], unknown: 3 })).toThrow(TokenizerJSONError);
    expect(() => CharTokenizer.withFrequencyCut(text, 0)).toThrow(RangeError);
  });
});
