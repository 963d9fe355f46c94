/**
 * Cures applied after generation: the text is already written, and a filter
 * removes or avoids the repetition in it — as production systems do when a
 * decoder still loops. Each returns what it did, so a panel can show the
 * measures before and after.
 *
 * - `cutAtLoop`: stop the continuation where a loop starts (the first token that
 *   completes an n-gram already seen `maxRepeats` times) — a repetition detector.
 * - `dropRepeatedSegments`: drop a sentence or line that has already appeared
 *   (in the prompt or earlier in the output) — deduplication of the output.
 * - `rerankByRepetition`: draw several samples and keep the one that repeats
 *   least (seq-rep-n), ties broken by mean log-probability — sample-and-rerank.
 *
 * Pure functions of tokens and text.
 */
import { seqRepN } from './repetition.ts';

export interface LoopCut {
  tokens: number[];
  /** Index in the continuation where it was cut, or null when no n-gram reached the limit. */
  cutAt: number | null;
}

/**
 * The continuation up to (not including) the first token that completes an
 * n-gram already seen `maxRepeats` times in `context` + the continuation
 * before it. maxRepeats 1 cuts at the first repeated n-gram.
 */
export function cutAtLoop(continuation: readonly number[], n: number, maxRepeats = 1, context: readonly number[] = []): LoopCut {
  if (!(Number.isInteger(n) && n >= 1)) throw new RangeError(`n must be a whole number ≥ 1, got ${n}`);
  if (!(Number.isInteger(maxRepeats) && maxRepeats >= 1)) throw new RangeError(`maxRepeats must be a whole number ≥ 1, got ${maxRepeats}`);
  const all = [...context, ...continuation];
  const seen = new Map<string, number>();
  for (let end = n; end <= all.length; end++) {
    const key = all.slice(end - n, end).join(',');
    const count = seen.get(key) ?? 0;
    const index = end - 1 - context.length;
    if (index >= 0 && count >= maxRepeats) return { tokens: continuation.slice(0, index), cutAt: index };
    seen.set(key, count + 1);
  }
  return { tokens: [...continuation], cutAt: null };
}

/** Sentence ends in English and Chinese text, and line breaks. */
const SEGMENT = /[^.!?。！？；;\n]*(?:[.!?。！？；;]+|\n|$)/gu;

export interface SegmentFilter {
  text: string;
  /** The segments removed, in order. */
  dropped: string[];
  kept: number;
}

const normalise = (s: string) => s.replace(/\s+/gu, ' ').trim().toLowerCase();

/**
 * Splits `text` into sentences and lines and drops every segment whose
 * normalised text (whitespace collapsed, case folded) appeared before, in
 * `context` or earlier in `text`. Segments with no letters or characters (blank
 * lines, lone punctuation) are kept: they carry layout, not content.
 */
export function dropRepeatedSegments(text: string, context = ''): SegmentFilter {
  const seen = new Set<string>();
  for (const s of context.match(SEGMENT) ?? []) {
    const key = normalise(s);
    if (/[\p{L}\p{N}]/u.test(key)) seen.add(key);
  }
  const dropped: string[] = [];
  let out = '';
  let kept = 0;
  for (const s of text.match(SEGMENT) ?? []) {
    if (s === '') continue;
    const key = normalise(s);
    if (!/[\p{L}\p{N}]/u.test(key)) {
      out += s;
      continue;
    }
    if (seen.has(key)) {
      dropped.push(s);
      continue;
    }
    seen.add(key);
    out += s;
    kept++;
  }
  return { text: out, dropped, kept };
}

export interface Candidate {
  tokens: readonly number[];
  /** Mean log-probability per token under the model, when known. */
  meanLogProb?: number;
}

export interface Reranked<T extends Candidate> {
  best: T;
  index: number;
  /** seq-rep-n of each candidate, in input order. */
  scores: number[];
}

/** The candidate with the lowest seq-rep-n; among equals, the highest mean log-probability, then the first. */
export function rerankByRepetition<T extends Candidate>(candidates: readonly T[], n = 4): Reranked<T> {
  if (candidates.length === 0) throw new RangeError('rerankByRepetition needs at least one candidate');
  const scores = candidates.map((c) => seqRepN(c.tokens, n));
  let index = 0;
  for (let i = 1; i < candidates.length; i++) {
    const better = scores[i] < scores[index] ||
      (scores[i] === scores[index] && (candidates[i].meanLogProb ?? -Infinity) > (candidates[index].meanLogProb ?? -Infinity));
    if (better) index = i;
  }
  return { best: candidates[index], index, scores };
}
