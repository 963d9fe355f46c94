// Our byte-level BPE against Hugging Face's own JavaScript implementation
// (@huggingface/tokenizers, the tokenizer of transformers.js): the tokenizer.json
// we write must load there and give the same ids and the same decoded text.

import { Tokenizer as HFTokenizer } from '@huggingface/tokenizers';
import { describe, expect, it } from 'vitest';
import { ByteLevelBPE } from '../../src/tokenizer/index.ts';

import { corpusExcerpt } from '../helpers/fixtures.ts';

// transformers' `clean_up_tokenization_spaces` (on by default in transformers.js)
// rewrites " ." to "." after decoding; the Rust tokenizers library, like ours,
// decodes losslessly, so the reference is asked not to.
const HF_CONFIG = { clean_up_tokenization_spaces: false };

function loadInHF(bpe: ByteLevelBPE): HFTokenizer {
  // Through a JSON string, as a file on disk would go.
  return new HFTokenizer(JSON.parse(JSON.stringify(bpe)), HF_CONFIG);
}

/** A small corpus mixing what the tokenizer must handle; repeated so that pairs recur. */
function mixedCorpus(): string {
  const lines = [
    "It's the 3rd time I've said we'll meet at 10:30 -- don't be late!",
    'She said, "The price is $1,299.99 (plus 8% tax)."  Really?!',
    'Numbers: 0 1 12 123 1234 3.14159 2e10 and  two   spaces.',
    'Tabs\tand\ttabs; newlines\n\nand blank lines\n   indented line',
    '我们今天去公园散步，天气很好。中文没有空格，整句就是一个词。',
    '机器学习和深度学习是人工智能的分支。',
    'Emoji: 😀😂 🎉🎉 👍🏽 👨‍👩‍👧 ❤️ and flags 🇫🇷🇯🇵',
    'Café naïve résumé — “quotes” and ‘apostrophes’… ½ ² Ω',
    'THE QUICK BROWN FOX jumps over the lazy dog; the dog sleeps.',
    '<|endoftext|>',
  ];
  const out: string[] = [];
  for (let i = 0; i < 30; i++) out.push(lines[i % lines.length], lines[(i * 7) % lines.length]);
  return out.join('\n');
}

const PARITY_TEXTS: Record<string, string> = {
  english: "I'm sure they'd've known. You're right: it's 42, not 41.5 -- isn't it?\nWe'll see...",
  contractions: "'s 't 're 've 'm 'll 'd don't DON'T I'M y'all rock'n'roll",
  numbers: 'In 1984, 3,141,592 people paid $12.50 each; 007 and ٣ and ½.',
  whitespace: 'a  b   c    d\n\n\ne \t\tf\r\n  \n   trailing   ',
  onlySpaces: '     ',
  leadingSpace: '  leading and\nnew\n\n',
  punctuation: '!!! ??? ... --- ((()))  {"json": [1, 2]} <tag/> @user #hash',
  chinese: '我们今天去公园散步，天气很好。自然语言处理很有趣！没见过的字：鑫龘。',
  emoji: 'Emoji 😀 family 👨‍👩‍👧‍👦 skin 👍🏿 flag 🇺🇳 heart ❤️‍🔥 🎉🎉🎉',
  mixed: 'GPT-2 说 "hello" 😀 at 3pm,\n然后 we said\tgoodbye 👋.',
  unseen: 'Zyxwvut qqq jjj Ελληνικά кириллица עברית العربية हिन्दी',
  controls: 'bell\x07 null\x00 esc\x1b[0m del\x7f nbsp\u00a0here',
  special: 'first doc<|endoftext|>second doc <|endoftext|><|endoftext|> third',
};

describe('byte-level BPE matches @huggingface/tokenizers', () => {
  const bpe = ByteLevelBPE.train(mixedCorpus(), { vocabSize: 600, specialTokens: ['<|endoftext|>'] });
  const hf = loadInHF(bpe);

  it('trains a vocabulary with merges to compare', () => {
    expect(bpe.mergeCount).toBeGreaterThan(100);
  });

  for (const [name, text] of Object.entries(PARITY_TEXTS)) {
    it(`gives the same ids and decoding: ${name}`, () => {
      const ours = bpe.encode(text);
      expect(ours).toEqual(hf.encode(text).ids);
      expect(bpe.decode(ours)).toBe(hf.decode(ours));
      expect(bpe.decode(ours)).toBe(text);
    });
  }

  it('agrees on the vocabulary spelling, token by token', () => {
    for (let id = 0; id < bpe.vocabSize; id++) expect(hf.id_to_token(id)).toBe(bpe.idToToken(id));
  });

  it('loads the older "a b" string merges the same way in both libraries', () => {
    const json = JSON.parse(JSON.stringify(bpe));
    json.model.merges = json.model.merges.map(([a, b]: [string, string]) => `${a} ${b}`);
    const ours = ByteLevelBPE.fromJSON(json);
    const theirs = new HFTokenizer(json, HF_CONFIG);
    for (const text of Object.values(PARITY_TEXTS)) {
      expect(ours.encode(text)).toEqual(bpe.encode(text));
      expect(theirs.encode(text).ids).toEqual(bpe.encode(text));
    }
  });

  it('decodes a sequence that splits a character the same way (U+FFFD)', () => {
    const ids = bpe.encode('中文 😀').slice(0, -1);
    expect(bpe.decode(ids)).toBe(hf.decode(ids));
    expect(bpe.decode(ids)).toContain('\uFFFD');
  });
});

describe('on the Tiny Shakespeare excerpt', () => {
  it('a 1024-token vocabulary trained on the first 90% encodes the last 10% as Hugging Face does', () => {
    const text = corpusExcerpt();
    const split = Math.floor(text.length * 0.9);
    const bpe = ByteLevelBPE.train(text.slice(0, split), { vocabSize: 1024, specialTokens: ['<|endoftext|>'] });
    expect(bpe.vocabSize).toBe(1024);
    const val = text.slice(split);
    const ids = bpe.encode(val);
    expect(ids).toEqual(loadInHF(bpe).encode(val).ids);
    expect(bpe.decode(ids)).toBe(val);
  });
});
