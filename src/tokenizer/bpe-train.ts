// Learning byte-level BPE merges from text (Sennrich et al. 2016, as GPT-2 and
// Hugging Face's `BpeTrainer` do it): count the pre-tokenized words once, then
// repeatedly merge the most frequent adjacent pair, updating only the pair counts
// of the words that contain it.

import { addedTokenSplitter } from './added-tokens.ts';
import { GPT2_BYTE_LEVEL, GPT2_BYTE_ORDER, bytesToVocabString, preTokenize, utf8Bytes } from './byte-level.ts';
import { PriorityQueue } from './priority-queue.ts';

/** Pairs are kept as one number, `left * PAIR_BASE + right`, to key Maps cheaply. */
const PAIR_BASE = 2 ** 21;
export const MAX_TRAINED_VOCAB = PAIR_BASE;

export interface LearnedMerges {
  /** Token bytes by id: the 256 byte tokens in GPT-2 order, then one per new token. */
  vocab: Uint8Array[];
  /** Merges in rank order (rank = index) as [left id, right id]. */
  merges: Array<[number, number]>;
}

export interface LearnMergesOptions {
  /** Stop once the vocabulary (byte tokens + merged tokens) has this many entries. */
  targetSize: number;
  /** Stop early when the best pair occurs fewer times than this. */
  minFrequency: number;
  /** Called after each merge with (merges done, merges wanted at most). */
  onProgress?: (mergesDone: number, mergesWanted: number) => void;
}

/**
 * How often each pre-tokenized word occurs. Added tokens are cut out first, so a
 * corpus full of `<|endoftext|>` does not teach merges like "<|" + "end".
 */
export function countWords(text: string, addedTokens: readonly string[] = []): Map<string, number> {
  const counts = new Map<string, number>();
  for (const section of addedTokenSplitter(addedTokens)(text)) {
    if (section.added) continue;
    for (const word of preTokenize(section.text, GPT2_BYTE_LEVEL)) {
      counts.set(word, (counts.get(word) ?? 0) + 1);
    }
  }
  return counts;
}

interface PairCount {
  pair: number;
  count: number;
}

/**
 * The most frequent pair comes out first; ties go to the smaller (left, right) ids,
 * the same deterministic order as the Rust trainer's `Merge` ordering.
 */
const beforeInMergeOrder = (x: PairCount, y: PairCount) =>
  x.count !== y.count ? x.count > y.count : x.pair < y.pair;

/** `word` with every leftmost, non-overlapping (left, right) replaced by `merged`; null if none. */
function mergeInWord(word: Int32Array, left: number, right: number, merged: number): Int32Array | null {
  let occurrences = 0;
  for (let i = 0; i < word.length - 1; i++) {
    if (word[i] === left && word[i + 1] === right) { occurrences++; i++; }
  }
  if (occurrences === 0) return null;
  const out = new Int32Array(word.length - occurrences);
  let j = 0;
  for (let i = 0; i < word.length; i++) {
    if (i < word.length - 1 && word[i] === left && word[i + 1] === right) { out[j++] = merged; i++; }
    else out[j++] = word[i];
  }
  return out;
}

export function learnMerges(wordCounts: ReadonlyMap<string, number>, options: LearnMergesOptions): LearnedMerges {
  const { targetSize, minFrequency, onProgress } = options;
  if (targetSize > MAX_TRAINED_VOCAB) throw new RangeError(`vocabulary of ${targetSize} is larger than ${MAX_TRAINED_VOCAB}`);

  const vocab: Uint8Array[] = GPT2_BYTE_ORDER.map((byte) => Uint8Array.of(byte));
  const idOfVocabString = new Map(vocab.map((bytes, id) => [bytesToVocabString(bytes), id] as const));
  const byteToId = new Int32Array(256);
  GPT2_BYTE_ORDER.forEach((byte, id) => { byteToId[byte] = id; });

  // Each distinct word once, as a sequence of token ids, with how often it occurs.
  const words: Int32Array[] = [];
  const frequencies: number[] = [];
  for (const [word, count] of wordCounts) {
    const bytes = utf8Bytes(word);
    words.push(Int32Array.from(bytes, (byte) => byteToId[byte]));
    frequencies.push(count);
  }

  // Pair counts over the corpus, and which words hold each pair (a superset:
  // entries are not removed when a merge takes the pair out of a word).
  const pairCounts = new Map<number, number>();
  const wordsWithPair = new Map<number, Set<number>>();
  const notePair = (pair: number, wordIndex: number) => {
    let set = wordsWithPair.get(pair);
    if (set === undefined) wordsWithPair.set(pair, (set = new Set()));
    set.add(wordIndex);
  };
  words.forEach((word, w) => {
    for (let i = 0; i < word.length - 1; i++) {
      const pair = word[i] * PAIR_BASE + word[i + 1];
      pairCounts.set(pair, (pairCounts.get(pair) ?? 0) + frequencies[w]);
      notePair(pair, w);
    }
  });

  // Lazy max-heap: every pair whose count rises is pushed again with its new
  // count, and falling counts leave over-estimates behind, so a popped entry whose
  // count is not the current one is refreshed instead of merged.
  const queue = new PriorityQueue<PairCount>(beforeInMergeOrder);
  for (const [pair, count] of pairCounts) queue.push({ pair, count });

  const merges: Array<[number, number]> = [];
  const mergesWanted = Math.max(0, targetSize - vocab.length);
  const delta = new Map<number, number>();
  while (vocab.length < targetSize) {
    const top = queue.pop();
    if (top === undefined) break;
    const count = pairCounts.get(top.pair) ?? 0;
    if (count !== top.count) {
      if (count > 0) queue.push({ pair: top.pair, count });
      continue;
    }
    if (count < minFrequency) break;

    const left = Math.floor(top.pair / PAIR_BASE);
    const right = top.pair % PAIR_BASE;
    const bytes = new Uint8Array(vocab[left].length + vocab[right].length);
    bytes.set(vocab[left]);
    bytes.set(vocab[right], vocab[left].length);
    // Two different merges can spell the same bytes; like the Rust trainer, the
    // second reuses the first's id rather than adding a duplicate token.
    const key = bytesToVocabString(bytes);
    let merged = idOfVocabString.get(key);
    if (merged === undefined) {
      merged = vocab.length;
      vocab.push(bytes);
      idOfVocabString.set(key, merged);
    }
    merges.push([left, right]);

    const grown = new Set<number>();
    for (const w of wordsWithPair.get(top.pair) ?? []) {
      const before = words[w];
      const after = mergeInWord(before, left, right, merged);
      if (after === null) continue;
      delta.clear();
      for (let i = 0; i < before.length - 1; i++) {
        const pair = before[i] * PAIR_BASE + before[i + 1];
        delta.set(pair, (delta.get(pair) ?? 0) - 1);
      }
      for (let i = 0; i < after.length - 1; i++) {
        const pair = after[i] * PAIR_BASE + after[i + 1];
        delta.set(pair, (delta.get(pair) ?? 0) + 1);
      }
      for (const [pair, change] of delta) {
        if (change === 0) continue;
        pairCounts.set(pair, (pairCounts.get(pair) ?? 0) + change * frequencies[w]);
        if (change > 0) { notePair(pair, w); grown.add(pair); }
      }
      words[w] = after;
    }
    pairCounts.delete(top.pair);
    wordsWithPair.delete(top.pair);
    for (const pair of grown) {
      const grownCount = pairCounts.get(pair) ?? 0;
      if (grownCount > 0) queue.push({ pair, count: grownCount });
    }
    onProgress?.(merges.length, mergesWanted);
  }
  return { vocab, merges };
}
