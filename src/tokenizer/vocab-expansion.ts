// Vocabulary expansion (词表扩增) for a trained byte-level BPE: new tokens for
// characters the tokenizer spells byte by byte, e.g. 汉字 for the Shakespeare
// model, which spends three byte tokens on each.
//
// Two ways exist in Hugging Face's terms, and this file takes the second:
//  - `tokenizer.add_tokens([...])` puts the characters in `added_tokens`: they are
//    cut out of the raw text before pre-tokenization and are never part of a BPE
//    word. Simple, but the tokens sit outside the model's vocabulary proper (the
//    tokenizer matches them with a separate pattern, `decode` treats them as
//    inserted text, and the "watch BPE work" lesson cannot show how they arise).
//  - New vocabulary entries *and merges*, which is what a BPE trained on Chinese
//    text would have learned, and what Chinese-LLaMA did when it merged a Chinese
//    SentencePiece vocabulary into LLaMA's (Cui, Yang & Yao 2023,
//    "Efficient and effective text encoding for Chinese LLaMA and Alpaca"). In byte-level
//    BPE a three-byte character can only become one token through merges: byte
//    pair → intermediate piece, intermediate + byte → character. We append those
//    merges after every existing one, so all old merges still apply first, and
//    text in which no new merge's pair occurs (any text without 汉字, for one)
//    tokenizes exactly as before. The intermediate pieces are real tokens too
//    (shared between characters with the same first two bytes), so a character
//    that was not added but starts like one that was costs two tokens, not three.
// The result is a plain BPE `tokenizer.json` that `tokenizers` loads unchanged.

import type { MessageParams } from '../util/codes.ts';
import { codesOf } from '../util/codes.ts';
import { ByteLevelBPE } from './bpe.ts';
import { MAX_TRAINED_VOCAB } from './bpe-train.ts';
import { bytesToVocabString, utf8Bytes } from './byte-level.ts';
import { displayTokenBytes } from './display.ts';
import type { Tokenizer } from './tokenizer.ts';

/** Why a vocabulary expansion was refused. */
export type VocabExpansionErrorCode =
  /** Nothing to add: `requested` (the count asked for, or of characters given). */
  | 'no-new-tokens'
  /** A new token must be one character: `token`. */
  | 'not-one-character'
  /** The character is one token already: `token`, `id`. */
  | 'already-in-vocabulary'
  /** The same character asked for twice: `token`. */
  | 'duplicate-token'
  /** The vocabulary would grow past the limit: `vocabSize` (what it would be), `limit`. */
  | 'vocab-limit'
  /** The model's embedding table does not match the tokenizer it is expanded with: `modelVocab`, `tokenizerVocab`. */
  | 'model-mismatch';

export const VOCAB_EXPANSION_ERROR_CODES = codesOf<VocabExpansionErrorCode>({
  'no-new-tokens': 0,
  'not-one-character': 0,
  'already-in-vocabulary': 0,
  'duplicate-token': 0,
  'vocab-limit': 0,
  'model-mismatch': 0,
});

/** A refused expansion, with a code and values so the page can say it in either language. */
export class VocabExpansionError extends Error {
  override readonly name = 'VocabExpansionError';
  constructor(message: string, readonly code: VocabExpansionErrorCode, readonly params: MessageParams = {}) {
    super(message);
  }
}

/** One token the expansion adds. */
export interface NewToken {
  id: number;
  /** Spelled as vocab.json spells it ("ä¸Ģ" for 一). */
  token: string;
  /** Display form: the character, or the bytes of an intermediate piece ("<0xE4><0xB8>"). */
  text: string;
  /** The base tokenizer's tokens for the same bytes: what this token stands in for, and what its embedding starts from. */
  replaces: number[];
  /** The merge that makes it, as ids of the expanded vocabulary: [left, right]. */
  merge: [number, number];
  /** True for a character asked for; false for an intermediate piece made on the way. */
  requested: boolean;
}

export interface VocabExpansion {
  base: ByteLevelBPE;
  tokenizer: ByteLevelBPE;
  /** In id order: every new id from base.vocabSize up to tokenizer.vocabSize − 1. */
  newTokens: NewToken[];
}

export interface ExpandOptions {
  /** Refuse to grow past this many tokens (an embedding table's budget). Default: the most the BPE code supports. */
  maxVocabSize?: number;
}

/** The characters asked for, checked, with the base tokenizer's pieces for each. */
function checkedCharacters(base: ByteLevelBPE, characters: readonly string[]): Array<{ char: string; pieces: number[] }> {
  if (characters.length === 0) {
    throw new VocabExpansionError('No new tokens were asked for: give at least one character.', 'no-new-tokens', { requested: 0 });
  }
  const seen = new Set<string>();
  return characters.map((char) => {
    if ([...char].length !== 1) {
      throw new VocabExpansionError(`${JSON.stringify(char)} is not one character; each new token is one character.`, 'not-one-character', { token: char });
    }
    if (seen.has(char)) throw new VocabExpansionError(`${JSON.stringify(char)} is asked for twice.`, 'duplicate-token', { token: char });
    seen.add(char);
    const whole = base.tokenToId(bytesToVocabString(utf8Bytes(char)));
    const pieces = base.encode(char);
    if (whole !== undefined || pieces.length === 1) {
      const id = whole ?? pieces[0];
      throw new VocabExpansionError(`${JSON.stringify(char)} is already in the vocabulary (id ${id}).`, 'already-in-vocabulary', { token: char, id });
    }
    return { char, pieces };
  });
}

/**
 * Adds each character as a vocabulary entry made by merges (see the top of the
 * file): for a character the base spells as pieces p1 p2 … pn, the merges
 * p1+p2 → q2, q2+p3 → q3, …, q(n−1)+pn → the character, appended after the
 * existing merges in the order the characters are given. Ids continue from the
 * base's last id; nothing already in the file changes.
 */
export function expandByteLevelBPE(base: ByteLevelBPE, characters: readonly string[], options: ExpandOptions = {}): VocabExpansion {
  const limit = options.maxVocabSize ?? MAX_TRAINED_VOCAB;
  const checked = checkedCharacters(base, characters);
  const vocab = [...base.model.vocab];
  const merges = [...base.model.merges];
  const idOf = new Map<string, number>(vocab.map((token, id) => [token, id]));
  const newTokens: NewToken[] = [];
  const mergeListed = new Set<string>(merges.map(([a, b]) => `${a} ${b}`));

  for (const { char, pieces } of checked) {
    let left = base.idToToken(pieces[0]);
    for (let j = 1; j < pieces.length; j++) {
      const right = base.idToToken(pieces[j]);
      const merged = left + right;
      const last = j === pieces.length - 1;
      if (!idOf.has(merged)) {
        const id = vocab.length;
        vocab.push(merged);
        idOf.set(merged, id);
        newTokens.push({
          id,
          token: merged,
          text: last ? char : displayTokenBytes(base.decodeBytes(pieces.slice(0, j + 1))),
          replaces: pieces.slice(0, j + 1),
          merge: [idOf.get(left) as number, idOf.get(right) as number],
          requested: last,
        });
      } else if (last) {
        // An intermediate piece made for an earlier character cannot be a whole character.
        throw new Error(`internal: ${JSON.stringify(char)} was made as a piece of another character`);
      }
      // Listed once: a pair given twice would take the later rank in every library.
      if (!mergeListed.has(`${left} ${right}`)) {
        merges.push([left, right]);
        mergeListed.add(`${left} ${right}`);
      }
      left = merged;
    }
  }

  if (vocab.length > limit) {
    throw new VocabExpansionError(
      `Adding ${checked.length} characters (${newTokens.length} tokens with the pieces they are merged from) makes ${vocab.length} tokens, more than the limit of ${limit}.`,
      'vocab-limit', { vocabSize: vocab.length, limit },
    );
  }
  const tokenizer = new ByteLevelBPE({ ...base.model, vocab, merges });
  // The base's merges never join bytes of these characters (it spells each as
  // `pieces`), so ours apply and each character is one token; check rather than trust.
  for (const t of newTokens) {
    if (t.requested && (tokenizer.encode(t.text).length !== 1 || tokenizer.encode(t.text)[0] !== t.id)) {
      throw new Error(`internal: ${JSON.stringify(t.text)} does not encode to its new token ${t.id}`);
    }
  }
  return { base, tokenizer, newTokens };
}

/** Han ideographs (汉字), as Unicode's Script=Han: CJK ideographs and their extensions, not punctuation. */
const HAN = /\p{Script=Han}/u;
const HAN_RUNS = /\p{Script=Han}+/gu;

export function isHan(char: string): boolean {
  return HAN.test(char);
}

/**
 * The `k` most frequent 汉字 of a text, most frequent first; equal counts in
 * code-point order, so the choice does not depend on where a character first appears.
 */
export function mostFrequentHan(text: string, k: number): string[] {
  if (!Number.isInteger(k) || k <= 0) {
    throw new VocabExpansionError(`Ask for a positive whole number of characters, not ${k}.`, 'no-new-tokens', { requested: k });
  }
  const counts = new Map<string, number>();
  for (const run of text.match(HAN_RUNS) ?? []) for (const char of run) counts.set(char, (counts.get(char) ?? 0) + 1);
  return [...counts]
    .sort((a, b) => b[1] - a[1] || (a[0].codePointAt(0) as number) - (b[0].codePointAt(0) as number))
    .slice(0, k)
    .map(([char]) => char);
}

/** How a tokenizer spends tokens on Chinese text, and what that means for a context window. */
export interface ChineseTokenStats {
  /** Characters (code points) of the whole text, punctuation and newlines included. */
  characters: number;
  tokens: number;
  hanCharacters: number;
  /** Tokens spent on the runs of 汉字, each run encoded on its own. */
  hanTokens: number;
  tokensPerHan: number;
  /** On average, characters of this text in `blockSize` tokens. */
  charactersPerWindow: number;
  hanPerWindow: number;
}

export function chineseTokenStats(tokenizer: Tokenizer, text: string, blockSize: number): ChineseTokenStats {
  const characters = [...text].length;
  const tokens = tokenizer.encode(text).length;
  let hanCharacters = 0;
  let hanTokens = 0;
  for (const run of text.match(HAN_RUNS) ?? []) {
    hanCharacters += [...run].length;
    hanTokens += tokenizer.encode(run).length;
  }
  return {
    characters, tokens, hanCharacters, hanTokens,
    tokensPerHan: hanTokens / hanCharacters,
    charactersPerWindow: (blockSize * characters) / tokens,
    hanPerWindow: (blockSize * hanCharacters) / tokens,
  };
}
