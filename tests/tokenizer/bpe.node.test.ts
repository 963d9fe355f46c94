import { Tokenizer as HFTokenizer } from '@huggingface/tokenizers';
import { describe, expect, it } from 'vitest';
import {
  BYTE_TO_UNICODE, ByteLevelBPE, GPT2_BYTE_ORDER, TokenizerJSONError, tokenizerFromJSON,
} from '../../src/tokenizer/index.ts';

/** mulberry32: a tiny seeded generator so random inputs are the same on every run. */
function seededRandom(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

// The start of GPT-2's real merges.txt, in rank order; in GPT-2's vocab.json the
// merged tokens get ids 256, 257, … in the same order ("Ġthe" is 262).
const GPT2_FIRST_MERGES = ['Ġ t', 'Ġ a', 'h e', 'i n', 'r e', 'o n', 'Ġt he', 'e r', 'Ġ s', 'a t'];

/** A tokenizer.json shaped like GPT-2's (no model "type", string merges), truncated to ten merges. */
function gpt2StyleJSON() {
  const vocab: Record<string, number> = {};
  GPT2_BYTE_ORDER.forEach((byte, id) => { vocab[BYTE_TO_UNICODE[byte]] = id; });
  GPT2_FIRST_MERGES.forEach((merge, i) => { vocab[merge.replace(' ', '')] = 256 + i; });
  const eos = 256 + GPT2_FIRST_MERGES.length;
  vocab['<|endoftext|>'] = eos;
  return {
    version: '1.0',
    truncation: null,
    padding: null,
    added_tokens: [{ id: eos, special: true, content: '<|endoftext|>', single_word: false, lstrip: false, rstrip: false, normalized: true }],
    normalizer: null,
    pre_tokenizer: { type: 'ByteLevel', add_prefix_space: false, trim_offsets: true },
    post_processor: { type: 'ByteLevel', add_prefix_space: true, trim_offsets: false },
    decoder: { type: 'ByteLevel', add_prefix_space: true, trim_offsets: true },
    model: {
      dropout: null, unk_token: null, continuing_subword_prefix: '', end_of_word_suffix: '', fuse_unk: false,
      vocab,
      merges: GPT2_FIRST_MERGES,
    },
  };
}

describe('a GPT-2-style tokenizer.json', () => {
  const gpt2 = ByteLevelBPE.fromJSON(gpt2StyleJSON());

  it('puts byte tokens where GPT-2 has them', () => {
    // GPT-2's vocab: "!" is 0, "a" is 64, "\n" is 198, " " is 220.
    expect(gpt2.encode('!')).toEqual([0]);
    expect(gpt2.encode('a')).toEqual([64]);
    expect(gpt2.encode('\n')).toEqual([198]);
    expect(gpt2.encode(' ')).toEqual([220]);
  });

  it('applies merges by rank', () => {
    expect(gpt2.encode(' the')).toEqual([262]);
    expect(gpt2.encode('the')).toEqual([83, 258]); // "t" + "he": "Ġt he" needs the leading space
    expect(gpt2.encode(' there')).toEqual([262, 260]); // "Ġthe" + "re"
    expect(gpt2.encode('<|endoftext|>')).toEqual([266]);
    expect(gpt2.tokenString(262)).toBe('␣the');
    expect(gpt2.idToToken(262)).toBe('Ġthe');
  });

  it('encodes as Hugging Face does on the same file', () => {
    const hf = new HFTokenizer(gpt2StyleJSON(), { clean_up_tokenization_spaces: false });
    const text = "On the other hand, there's the theatre at 8.<|endoftext|>Then: the end.";
    expect(gpt2.encode(text)).toEqual(hf.encode(text).ids);
  });

  it('shows its work: the merges inside " there", in rank order', () => {
    const trace = gpt2.encodeWithSteps(' there');
    expect(trace.pieces).toHaveLength(1);
    const word = trace.pieces[0];
    if (word.kind !== 'word') throw new Error('expected a word');
    expect(word.bytes).toEqual([32, 116, 104, 101, 114, 101]);
    expect(word.steps.map((s) => [s.rank, gpt2.idToToken(s.left), gpt2.idToToken(s.right), s.position])).toEqual([
      [0, 'Ġ', 't', 0],
      [2, 'h', 'e', 1],
      [4, 'r', 'e', 2],
      [6, 'Ġt', 'he', 0],
    ]);
    expect(word.steps[3].before.map((id) => gpt2.idToToken(id))).toEqual(['Ġt', 'he', 're']);
    expect(word.steps[3].after).toEqual([262, 260]);
    expect(trace.ids).toEqual([262, 260]);
  });

  it('writes itself back in the newer pair format with the same behaviour', () => {
    const json = gpt2.toJSON();
    expect(json.model.type).toBe('BPE');
    expect(json.model.merges[6]).toEqual(['Ġt', 'he']);
    const again = tokenizerFromJSON(JSON.parse(JSON.stringify(json)));
    expect(again).toBeInstanceOf(ByteLevelBPE);
    expect(again.encode(' there the<|endoftext|>')).toEqual(gpt2.encode(' there the<|endoftext|>'));
  });
});

describe('training', () => {
  it('finds the merges of the textbook example "aaabdaaabac"', () => {
    // Gage's byte-pair encoding as told on Wikipedia: aa → Z, ab → Y, ZY → X, then
    // every remaining pair occurs once. Ties ("ab" and "Za", two each) go to the smaller ids.
    const bpe = ByteLevelBPE.train('aaabdaaabac', { vocabSize: 300, minFrequency: 2 });
    expect(bpe.toJSON().model.merges).toEqual([['a', 'a'], ['a', 'b'], ['aa', 'ab']]);
    expect(bpe.vocabSize).toBe(259);
    expect(bpe.encode('aaabdaaabac').map((id) => bpe.idToToken(id))).toEqual(['aaab', 'd', 'aaab', 'a', 'c']);
  });

  it('reaches the requested vocabulary size, special tokens last', () => {
    const text = 'the cat sat on the mat; the dog sat on the log. '.repeat(50) + 'What a day it was! '.repeat(30);
    const bpe = ByteLevelBPE.train(text, { vocabSize: 280, minFrequency: 1, specialTokens: ['<|endoftext|>', '<|pad|>'] });
    expect(bpe.vocabSize).toBe(280);
    expect(bpe.mergeCount).toBe(280 - 256 - 2);
    expect(bpe.encode('<|pad|><|endoftext|>')).toEqual([279, 278]);
    expect(bpe.tokenString(278)).toBe('<|endoftext|>');
  });

  it('stops early when every pair is rarer than minFrequency', () => {
    const bpe = ByteLevelBPE.train('abab cdcd', { vocabSize: 1000, minFrequency: 2 });
    expect(bpe.toJSON().model.merges).toEqual([['a', 'b'], ['c', 'd']]);
    expect(bpe.vocabSize).toBe(258);
  });

  it('never learns merges across a special token', () => {
    const text = Array.from({ length: 100 }, (_, i) => `story ${i % 7} ends<|endoftext|>`).join('');
    const bpe = ByteLevelBPE.train(text, { vocabSize: 400, specialTokens: ['<|endoftext|>'] });
    for (const [a, b] of bpe.toJSON().model.merges) expect(a + b).not.toMatch(/[<|>]/);
  });

  it('is deterministic', () => {
    const text = 'ab ba ab ba cd dc cd dc ef fe '.repeat(20);
    const a = ByteLevelBPE.train(text, { vocabSize: 270 });
    const b = ByteLevelBPE.train(text, { vocabSize: 270 });
    expect(JSON.stringify(a)).toBe(JSON.stringify(b));
  });

  it('rejects a vocabulary too small for the byte tokens and special tokens', () => {
    expect(() => ByteLevelBPE.train('abc', { vocabSize: 256, specialTokens: ['<|endoftext|>'] })).toThrow(/at least .* = 257/);
  });

  it('reports progress once per merge', () => {
    const seen: number[] = [];
    ByteLevelBPE.train('hello hello help helm '.repeat(10), { vocabSize: 262, onProgress: (done) => seen.push(done) });
    expect(seen).toEqual([1, 2, 3, 4, 5, 6]);
  });
});

describe('encode and decode', () => {
  const corpus = "Hello world! It's a test of the tokenizer, 2024. 你好，世界 😀 ".repeat(20);
  const bpe = ByteLevelBPE.train(corpus, { vocabSize: 400, specialTokens: ['<|endoftext|>'] });

  const varied = [
    '',
    'plain ascii text',
    "  leading spaces, trailing spaces   \n\n\n",
    '中文分词没有空格也能编码',
    '👨‍👩‍👧‍👦👍🏽🇯🇵 ❤️ emoji sequences',
    'e\u0301 combining accents, Ångström, ﬁ ligature',
    '\uFEFFstarts with a byte order mark',
    'controls \x00\x01\x02\x1b\x7f\x85 and \r\n line ends \u2028\u2029',
    'Arabic العربية and Hebrew עברית, math 𝔸𝔹ℂ 𝟘𝟙',
    '<|endoftext|> special <|endoftext|>in text<|endo',
  ];

  it('round-trips varied strings', () => {
    for (const text of varied) expect(bpe.decode(bpe.encode(text))).toBe(text);
  });

  it('round-trips random bytes read as Latin-1 text and random code points', () => {
    const random = seededRandom(7);
    for (let trial = 0; trial < 200; trial++) {
      const latin1 = String.fromCharCode(...Array.from({ length: 1 + Math.floor(random() * 60) }, () => Math.floor(random() * 256)));
      expect(bpe.decode(bpe.encode(latin1))).toBe(latin1);
      let text = '';
      for (let i = 0; i < 30; i++) {
        let code = Math.floor(random() * 0x110000);
        if (code >= 0xd800 && code <= 0xdfff) code -= 0x800; // lone surrogates have no UTF-8 form
        text += String.fromCodePoint(code);
      }
      expect(bpe.decode(bpe.encode(text))).toBe(text);
    }
  });

  it('turns a lone surrogate into U+FFFD, as every UTF-8 tokenizer must', () => {
    expect(bpe.decode(bpe.encode('a\uD800b'))).toBe('a\uFFFDb');
  });

  it('gives the exact bytes of a sequence that ends mid-character', () => {
    const ids = bpe.encode('é😀');
    const bytes = bpe.decodeBytes(ids.slice(0, -1));
    expect(Array.from(bytes)).toEqual(Array.from(new TextEncoder().encode('é😀')).slice(0, bytes.length));
  });

  it('encodeWithSteps ends at the same ids as encode, one merge per step', () => {
    for (const text of [...varied, corpus.slice(0, 300)]) {
      const trace = bpe.encodeWithSteps(text);
      expect(trace.ids).toEqual(bpe.encode(text));
      for (const piece of trace.pieces) {
        if (piece.kind !== 'word') continue;
        expect(piece.initial).toHaveLength(piece.bytes.length);
        let current = piece.initial;
        let lastRank = -1;
        for (const step of piece.steps) {
          expect(step.before).toEqual(current);
          expect(step.after).toEqual([...current.slice(0, step.position), step.merged, ...current.slice(step.position + 2)]);
          expect([current[step.position], current[step.position + 1]]).toEqual([step.left, step.right]);
          // Merges made from trained rules come out in rank order.
          expect(step.rank).toBeGreaterThanOrEqual(lastRank);
          lastRank = step.rank;
          current = step.after;
        }
        expect(current).toEqual(piece.ids);
      }
    }
  });

  it('encodes a long word without spaces quickly', () => {
    const page = '自然语言处理'.repeat(20_000); // one pre-tokenized word of 360 KB
    const start = performance.now();
    const ids = bpe.encode(page);
    expect(bpe.decode(ids)).toBe(page);
    expect(performance.now() - start).toBeLessThan(10_000); // quadratic merging would take minutes
  });

  it('shows tokens with visible whitespace and partial characters', () => {
    const id = (text: string) => { const ids = bpe.encode(text); expect(ids).toHaveLength(1); return ids[0]; };
    expect(bpe.tokenString(id(' '))).toBe('␣');
    expect(bpe.tokenString(id('\n'))).toBe('↵');
    expect(bpe.tokenString(id('\t'))).toBe('⇥');
    expect(bpe.tokenString(bpe.encode('😀')[0])).toMatch(/^(😀|<0xF0>.*)$/);
    expect(bpe.tokenString(GPT2_BYTE_ORDER.indexOf(0xe4))).toBe('<0xE4>');
    expect(() => bpe.tokenString(bpe.vocabSize)).toThrow(RangeError);
    expect(() => bpe.decode([-1])).toThrow(/not in the vocabulary/);
  });
});

describe('tokenizer.json errors', () => {
  const valid = () => JSON.parse(JSON.stringify(ByteLevelBPE.train('abc abd abe', { vocabSize: 260 }).toJSON()));
  const cases: Array<[string, (json: any) => unknown, RegExp]> = [
    ['not an object', () => [1, 2], /expected a JSON object, got an array/],
    ['a WordPiece model', (j) => { j.model.type = 'WordPiece'; return j; }, /model type "WordPiece" is not supported/],
    ['a Metaspace pre-tokenizer', (j) => { j.pre_tokenizer = { type: 'Metaspace' }; return j; }, /pre_tokenizer of type "Metaspace"/],
    ['a normalizer', (j) => { j.normalizer = { type: 'NFC' }; return j; }, /normalizers are not supported \(found "NFC"\)/],
    ['no vocab', (j) => { delete j.model.vocab; return j; }, /model.vocab should map/],
    ['a three-part merge', (j) => { j.model.merges = ['a b c']; return j; }, /merges\[0\] = "a b c" should be two tokens/],
    ['a merge of unknown tokens', (j) => { j.model.merges = [['a', 'zz']]; return j; }, /uses "zz", which is not in the vocabulary/],
    ['a gap in the ids', (j) => { j.model.vocab.a = 5000; return j; }, /without gaps/],
    ['a missing byte token', (j) => { delete j.model.vocab['Ā']; return j; }, /without gaps|no token for byte 0x00/],
    ['a SentencePiece-style token', (j) => { j.model.vocab['▁the'] = Object.keys(j.model.vocab).length; return j; }, /not spelled in GPT-2's byte-level alphabet/],
  ];
  for (const [name, corrupt, message] of cases) {
    it(`explains ${name}`, () => {
      const attempt = () => ByteLevelBPE.fromJSON(corrupt(valid()));
      expect(attempt).toThrow(TokenizerJSONError);
      expect(attempt).toThrow(message);
    });
  }

  it('tokenizerFromJSON rejects objects of neither kind', () => {
    expect(() => tokenizerFromJSON({ hello: 'world' })).toThrow(/not a tokenizer file/);
  });
});
