// Byte-level BPE as GPT-2 defines it and Hugging Face tokenizers implements it:
// text → UTF-8 bytes → GPT-2 pre-tokenization into words → within each word,
// repeatedly merge the adjacent pair with the lowest merge rank (the leftmost one
// on a tie) until no pair has a rank. Any string round-trips, since every byte
// has its own token.

import { addedTokenSplitter, type TextSection } from './added-tokens.ts';
import { type AddedToken, type ByteLevelBPEModel, type HFTokenizerJSON, bpeModelFromJSON, bpeModelToJSON } from './bpe-json.ts';
import { MAX_TRAINED_VOCAB, countWords, learnMerges } from './bpe-train.ts';
import {
  BYTE_TO_UNICODE, GPT2_BYTE_LEVEL, bytesToVocabString, preTokenize, utf8Bytes, utf8Text, vocabStringToBytes,
} from './byte-level.ts';
import { displayTokenBytes } from './display.ts';
import { PriorityQueue } from './priority-queue.ts';
import { type Tokenizer, TokenizerJSONError, checkTokenId } from './tokenizer.ts';

export type { AddedToken, ByteLevelBPEModel, HFTokenizerJSON } from './bpe-json.ts';

export interface BPETrainOptions {
  /** Total vocabulary: 256 byte tokens + merged tokens + special tokens. */
  vocabSize: number;
  /**
   * Stop merging once the most frequent pair occurs fewer times than this, even if
   * `vocabSize` is not reached. Default 2, as in the `tokenizers` Python trainer:
   * a pair seen once memorises the corpus rather than generalising.
   */
  minFrequency?: number;
  /** Appended after the merged tokens, as GPT-2 puts `<|endoftext|>` last (id 50256). */
  specialTokens?: readonly string[];
  /** Called after each merge with (merges done, merges wanted at most). */
  onProgress?: (mergesDone: number, mergesWanted: number) => void;
}

/** One merge inside one word, for the "watch BPE work" lesson. */
export interface MergeStep {
  /** Position in the merge list: rank 0 was learned first and is applied first. */
  rank: number;
  left: number;
  right: number;
  merged: number;
  /** Index in `before` of the left piece. */
  position: number;
  /** The word's token ids before and after this merge. */
  before: number[];
  after: number[];
}

export interface WordEncoding {
  kind: 'word';
  /** The word as cut by the pre-tokenizer, e.g. " don" or "'t". */
  text: string;
  /** Its UTF-8 bytes, and the byte tokens BPE starts from. */
  bytes: number[];
  initial: number[];
  /** Empty when the word is a single byte or no pair in it has a merge. */
  steps: MergeStep[];
  ids: number[];
}

export interface AddedTokenEncoding {
  kind: 'added';
  text: string;
  ids: [number];
}

export interface EncodeTrace {
  pieces: Array<WordEncoding | AddedTokenEncoding>;
  /** The same ids `encode` returns. */
  ids: number[];
}

interface MergeRule {
  rank: number;
  merged: number;
}

interface MergeCandidate {
  rank: number;
  /** Node of the left piece; nodes are numbered by the byte they started at. */
  position: number;
  rightPosition: number;
  left: number;
  right: number;
}

/** Lowest rank first; on equal ranks the leftmost pair, as in the Rust `Word::merge_all`. */
const beforeInMergeOrder = (a: MergeCandidate, b: MergeCandidate) =>
  a.rank !== b.rank ? a.rank < b.rank : a.position < b.position;

/** Pairs are looked up as one number, `left * PAIR_BASE + right`. */
const PAIR_BASE = MAX_TRAINED_VOCAB;

/** Per-word results are cached; this bounds the cache on huge, varied inputs. */
const WORD_CACHE_LIMIT = 100_000;

function invalid(message: string): never {
  throw new TokenizerJSONError(`byte-level BPE: ${message}`);
}

export class ByteLevelBPE implements Tokenizer {
  readonly kind = 'byte-bpe';
  readonly model: ByteLevelBPEModel;
  private readonly tokenBytesById: Uint8Array[];
  private readonly idOfToken = new Map<string, number>();
  private readonly addedById = new Map<number, AddedToken>();
  private readonly byteToId = new Int32Array(256);
  private readonly mergeRules = new Map<number, MergeRule>();
  private readonly splitSections: (text: string) => TextSection[];
  private readonly wordCache = new Map<string, number[]>();

  constructor(model: ByteLevelBPEModel) {
    this.model = model;
    const { vocab } = model;
    if (vocab.length > PAIR_BASE) invalid(`a vocabulary of ${vocab.length} tokens is more than the ${PAIR_BASE} supported`);
    for (const token of model.addedTokens) this.addedById.set(token.id, token);
    this.tokenBytesById = vocab.map((token, id) => {
      const known = this.idOfToken.get(token);
      if (known !== undefined) invalid(`token ${JSON.stringify(token)} has two ids, ${known} and ${id}`);
      this.idOfToken.set(token, id);
      const added = this.addedById.get(id);
      if (added !== undefined) return utf8Bytes(added.content);
      const bytes = vocabStringToBytes(token);
      if (bytes === null || bytes.length === 0) {
        invalid(`token ${JSON.stringify(token)} (id ${id}) is not spelled in GPT-2's byte-level alphabet; is this a byte-level BPE?`);
      }
      return bytes;
    });
    BYTE_TO_UNICODE.forEach((char, byte) => {
      const id = this.idOfToken.get(char);
      if (id === undefined || this.addedById.has(id)) {
        invalid(`the vocabulary has no token for byte 0x${byte.toString(16).padStart(2, '0')} (${JSON.stringify(char)}), so some text could not be encoded`);
      }
      this.byteToId[byte] = id;
    });
    model.merges.forEach(([a, b], rank) => {
      const left = this.idOfToken.get(a);
      const right = this.idOfToken.get(b);
      const merged = this.idOfToken.get(a + b);
      if (left === undefined || right === undefined || merged === undefined) {
        const missing = left === undefined ? a : right === undefined ? b : a + b;
        invalid(`merge ${rank} (${JSON.stringify(a)} + ${JSON.stringify(b)}) uses ${JSON.stringify(missing)}, which is not in the vocabulary`);
      }
      // A pair listed twice keeps its last rank, as both the Rust and JS libraries do.
      this.mergeRules.set(left * PAIR_BASE + right, { rank, merged });
    });
    this.splitSections = addedTokenSplitter(model.addedTokens.map((t) => t.content));
  }

  /** Learns merges from `text` until the vocabulary has `vocabSize` tokens (or pairs get rarer than `minFrequency`). */
  static train(text: string, options: BPETrainOptions): ByteLevelBPE {
    const specialTokens = [...new Set(options.specialTokens ?? [])];
    const { vocabSize, minFrequency = 2 } = options;
    const minimum = 256 + specialTokens.length;
    if (!Number.isInteger(vocabSize) || vocabSize < minimum) {
      throw new RangeError(`vocabSize ${vocabSize} is too small: it must be at least 256 byte tokens + ${specialTokens.length} special tokens = ${minimum}`);
    }
    const { vocab, merges } = learnMerges(countWords(text, specialTokens), {
      targetSize: vocabSize - specialTokens.length,
      minFrequency,
      onProgress: options.onProgress,
    });
    const vocabStrings = vocab.map(bytesToVocabString);
    for (const content of specialTokens) {
      if (vocabStrings.includes(content)) throw new RangeError(`special token ${JSON.stringify(content)} is spelled like a learned token`);
    }
    return new ByteLevelBPE({
      vocab: [...vocabStrings, ...specialTokens],
      merges: merges.map(([left, right]) => [vocabStrings[left], vocabStrings[right]] as const),
      addedTokens: specialTokens.map((content, i) => ({ id: vocab.length + i, content, special: true })),
      byteLevel: GPT2_BYTE_LEVEL,
      ignoreMerges: false,
    });
  }

  /** Reads a Hugging Face tokenizer.json object: ours, GPT-2's (string merges) or a newer one (pair merges). */
  static fromJSON(obj: unknown): ByteLevelBPE {
    return new ByteLevelBPE(bpeModelFromJSON(obj));
  }

  toJSON(): HFTokenizerJSON {
    return bpeModelToJSON(this.model);
  }

  get vocabSize(): number {
    return this.tokenBytesById.length;
  }

  get mergeCount(): number {
    return this.model.merges.length;
  }

  get addedTokens(): readonly AddedToken[] {
    return this.model.addedTokens;
  }

  encode(text: string): number[] {
    const ids: number[] = [];
    for (const section of this.splitSections(text)) {
      if (section.added) { ids.push(this.idOfToken.get(section.text) as number); continue; }
      for (const word of preTokenize(section.text, this.model.byteLevel)) {
        for (const id of this.encodeWord(word)) ids.push(id);
      }
    }
    return ids;
  }

  /** `encode`, keeping every pre-tokenized word and each merge applied inside it. */
  encodeWithSteps(text: string): EncodeTrace {
    const pieces: EncodeTrace['pieces'] = [];
    for (const section of this.splitSections(text)) {
      if (section.added) {
        pieces.push({ kind: 'added', text: section.text, ids: [this.idOfToken.get(section.text) as number] });
        continue;
      }
      for (const word of preTokenize(section.text, this.model.byteLevel)) {
        const bytes = Array.from(utf8Bytes(word));
        const initial = bytes.map((byte) => this.byteToId[byte]);
        const steps: MergeStep[] = [];
        const ids = this.mergeWord(word, initial, (step) => steps.push(step));
        pieces.push({ kind: 'word', text: word, bytes, initial, steps, ids });
      }
    }
    return { pieces, ids: pieces.flatMap((piece) => piece.ids) };
  }

  /** Decodes to text; bytes that do not form whole UTF-8 characters become U+FFFD. */
  decode(ids: readonly number[]): string {
    // As Hugging Face's ByteLevel decoder: bytes between added tokens are decoded
    // together, and added tokens are inserted as written.
    let text = '';
    let pending: number[] = [];
    const flush = () => { if (pending.length > 0) text += utf8Text(this.decodeBytes(pending)); pending = []; };
    for (const id of ids) {
      checkTokenId(id, this.vocabSize);
      const added = this.addedById.get(id);
      if (added === undefined) { pending.push(id); continue; }
      flush();
      text += added.content;
    }
    flush();
    return text;
  }

  /** The exact bytes of a token sequence, for streaming output that may end mid-character. */
  decodeBytes(ids: readonly number[]): Uint8Array {
    let length = 0;
    for (const id of ids) { checkTokenId(id, this.vocabSize); length += this.tokenBytesById[id].length; }
    const out = new Uint8Array(length);
    let offset = 0;
    for (const id of ids) { out.set(this.tokenBytesById[id], offset); offset += this.tokenBytesById[id].length; }
    return out;
  }

  /** The token's bytes (an added token's UTF-8 content). */
  tokenBytes(id: number): Uint8Array {
    checkTokenId(id, this.vocabSize);
    return this.tokenBytesById[id].slice();
  }

  /** Display form: " the" → "␣the", "\n" → "↵", part of a character → "<0xE4>". */
  tokenString(id: number): string {
    checkTokenId(id, this.vocabSize);
    const added = this.addedById.get(id);
    return added !== undefined ? added.content : displayTokenBytes(this.tokenBytesById[id]);
  }

  /** The token as spelled in vocab.json ("Ġthe"), like Hugging Face's `id_to_token`. */
  idToToken(id: number): string {
    checkTokenId(id, this.vocabSize);
    return this.model.vocab[id];
  }

  /** Inverse of `idToToken`; undefined for strings that are not a token. */
  tokenToId(token: string): number | undefined {
    return this.idOfToken.get(token);
  }

  isAddedToken(id: number): boolean {
    return this.addedById.has(id);
  }

  private encodeWord(word: string): number[] {
    const cached = this.wordCache.get(word);
    if (cached !== undefined) return cached;
    const initial = Array.from(utf8Bytes(word), (byte) => this.byteToId[byte]);
    const ids = this.mergeWord(word, initial);
    if (this.wordCache.size >= WORD_CACHE_LIMIT) this.wordCache.clear();
    this.wordCache.set(word, ids);
    return ids;
  }

  /**
   * Applies merges by rank inside one word. Pieces form a linked list over the
   * starting byte positions and candidate pairs wait in a heap, so a long word
   * (a page of Chinese has no spaces) costs O(n log n), not O(n²).
   */
  private mergeWord(word: string, initial: readonly number[], onStep?: (step: MergeStep) => void): number[] {
    if (this.model.ignoreMerges) {
      const whole = this.idOfToken.get(bytesToVocabString(utf8Bytes(word)));
      if (whole !== undefined && !this.addedById.has(whole)) return [whole];
    }
    const n = initial.length;
    if (n < 2) return initial.slice();
    const ids = Int32Array.from(initial);
    const next = Int32Array.from({ length: n }, (_, i) => (i + 1 < n ? i + 1 : -1));
    const prev = Int32Array.from({ length: n }, (_, i) => i - 1);
    const queue = new PriorityQueue<MergeCandidate>(beforeInMergeOrder);
    const consider = (position: number) => {
      const rightPosition = next[position];
      if (rightPosition < 0) return;
      const rule = this.mergeRules.get(ids[position] * PAIR_BASE + ids[rightPosition]);
      if (rule !== undefined) {
        queue.push({ rank: rule.rank, position, rightPosition, left: ids[position], right: ids[rightPosition] });
      }
    };
    const pieces = () => { const out: number[] = []; for (let i = 0; i >= 0; i = next[i]) out.push(ids[i]); return out; };
    for (let i = 0; i < n - 1; i++) consider(i);

    for (let candidate = queue.pop(); candidate !== undefined; candidate = queue.pop()) {
      const { position, rightPosition, left, right, rank } = candidate;
      // Skip candidates made stale by an earlier merge of either piece. Node 0 is
      // never removed (a merge keeps its left node), so it stays the list's head.
      if (next[position] !== rightPosition || ids[position] !== left || ids[rightPosition] !== right) continue;
      const merged = (this.mergeRules.get(left * PAIR_BASE + right) as MergeRule).merged;
      const before = onStep ? pieces() : [];
      ids[position] = merged;
      next[position] = next[rightPosition];
      if (next[position] >= 0) prev[next[position]] = position;
      next[rightPosition] = -2; // removed: no candidate can name it as its left node's neighbour again
      if (onStep) {
        let index = 0;
        for (let i = 0; i !== position; i = next[i]) index++;
        onStep({ rank, left, right, merged, position: index, before, after: pieces() });
      }
      if (prev[position] >= 0) consider(prev[position]);
      consider(position);
    }
    return pieces();
  }
}
