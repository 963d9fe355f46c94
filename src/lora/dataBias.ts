import { Rng } from '../util/random.ts';

/**
 * Two versions of one training text, for showing that what a model repeats
 * can come from its data: a *biased* one, in which a few passages occur many
 * times (boilerplate, a line a scraped page repeats), and a *deduplicated*
 * one, in which every passage occurs once. Deduplicating training data is the
 * standard cure (Lee et al. 2022, "Deduplicating Training Data Makes Language
 * Models Better"); Li et al. 2023 ("Repetition In Repetition Out") trace a
 * model's loops to the repetitions in what it learned from. Pure text
 * functions: everything outside the passages moved keeps its exact bytes.
 */
export type PassageUnit = 'paragraph' | 'line' | 'sentence';

/** A passage of a text: [start, end) of its words, and `next`, where the following one begins (its trailing spacing included). */
export interface PassageSpan {
  start: number;
  end: number;
  next: number;
}

const ENDS: Record<PassageUnit, RegExp> = {
  paragraph: /\n[ \t]*\n\s*/g,
  line: /\n\s*/g,
  // A sentence ends at . ! ? (English) or 。！？ (Chinese), with any closing quote, before spacing, or at a line's end.
  sentence: /(?<=[.!?]["'”’)\]]*)\s+|(?<=[。！？]["'”’」』）]*)(?!["'”’」』）])\s*|\n\s*/g,
};

/** The passages of `text` in order; the text is its leading spacing plus every span from `start` to `next`. */
export function passageSpans(text: string, unit: PassageUnit = 'paragraph'): PassageSpan[] {
  const spans: PassageSpan[] = [];
  let start = text.length - text.trimStart().length;
  for (const m of text.matchAll(ENDS[unit])) {
    const end = m.index;
    const next = m.index + m[0].length;
    if (end > start) spans.push({ start, end, next });
    start = Math.max(start, next);
  }
  if (start < text.length && text.slice(start).trim()) spans.push({ start, end: start + text.slice(start).trimEnd().length, next: text.length });
  return spans;
}

/** The passages' texts. */
export function passagesOf(text: string, unit: PassageUnit = 'paragraph'): string[] {
  return passageSpans(text, unit).map((s) => text.slice(s.start, s.end));
}

/** Two passages are the same when they differ only in spacing. */
const normalised = (p: string) => p.trim().replace(/\s+/g, ' ');

export interface Deduplicated {
  text: string;
  passages: number;
  /** Copies dropped (every later occurrence of a passage already seen). */
  removed: number;
}

/** Keeps the first occurrence of every passage, in order (exact deduplication at the passage level, as in Lee et al.). */
export function deduplicate(text: string, unit: PassageUnit = 'paragraph'): Deduplicated {
  const spans = passageSpans(text, unit);
  const seen = new Set<string>();
  let out = spans.length ? text.slice(0, spans[0].start) : text;
  let kept = 0;
  for (const s of spans) {
    const key = normalised(text.slice(s.start, s.end));
    if (seen.has(key)) continue;
    seen.add(key);
    kept++;
    out += text.slice(s.start, s.next);
  }
  return { text: out, passages: kept, removed: spans.length - kept };
}

export interface DuplicationPlan {
  /** How many different passages are duplicated. */
  passages: number;
  /** Extra copies of each (so each occurs copies + 1 times). */
  copies: number;
  /** Picks the passages and where scattered copies go. */
  seed: number;
  unit: PassageUnit;
  /** 'run': the copies follow the passage back to back, as a page that repeats a line; 'scattered': at random passage boundaries. */
  placement: 'run' | 'scattered';
  /** Passages shorter than this many characters (titles, "Yes.") are not picked. */
  minLength?: number;
  /** Nor longer than this: a copy should fit in a training window beside the next one. */
  maxLength?: number;
}

export interface Biased {
  text: string;
  /** The passages that were duplicated, in the order they were picked. */
  duplicated: string[];
  /** Share of the biased text's characters that are injected copies. */
  injectedShare: number;
}

/** The text with `copies` extra copies of `passages` of its passages (picked with the seed), each copy whole. */
export function injectDuplicates(text: string, plan: DuplicationPlan): Biased {
  const { passages: n, copies: k } = plan;
  if (!Number.isInteger(n) || n < 0 || !Number.isInteger(k) || k < 0) throw new RangeError('passages and copies must be whole numbers ≥ 0.');
  const spans = passageSpans(text, plan.unit);
  const len = (s: PassageSpan) => s.end - s.start;
  const fits = spans.map((_, i) => i).filter((i) => len(spans[i]) >= (plan.minLength ?? 20) && len(spans[i]) <= (plan.maxLength ?? Infinity));
  const pool = fits.length >= n ? fits : spans.map((_, i) => i);
  if (pool.length < n) throw new RangeError(`The text has ${spans.length} passages; ${n} cannot be duplicated.`);
  const rng = new Rng(plan.seed);
  // A seeded partial Fisher–Yates shuffle picks n distinct passages.
  for (let i = 0; i < n; i++) {
    const j = i + rng.int(pool.length - i);
    [pool[i], pool[j]] = [pool[j], pool[i]];
  }
  const picked = pool.slice(0, n).sort((a, b) => a - b);
  // A copy is the passage with its own trailing spacing; one that has none (it ends the text, or is a
  // Chinese sentence, which needs none) gets its unit's separator, or nothing after Chinese punctuation.
  const gap = { paragraph: '\n\n', line: '\n', sentence: ' ' }[plan.unit];
  const copyOf = (s: PassageSpan) => (s.next > s.end ? text.slice(s.start, s.next) : text.slice(s.start, s.end) + (/[。！？」』）]$/.test(text.slice(s.start, s.end)) ? '' : gap));
  const pieces = spans.map((s) => text.slice(s.start, s.next));
  const extra: string[][] = spans.map(() => []);
  for (const i of picked) {
    for (let c = 0; c < k; c++) extra[plan.placement === 'run' ? i : rng.int(spans.length)].push(copyOf(spans[i]));
  }
  // Copies go after the passage they follow (a run), or after a random one.
  let out = spans.length ? text.slice(0, spans[0].start) : text;
  spans.forEach((s, i) => {
    const piece = extra[i].length && s.next === s.end ? copyOf(s) : pieces[i];
    out += piece + extra[i].join('');
  });
  const injected = extra.reduce((sum, e) => sum + e.reduce((a, c) => a + c.length, 0), 0);
  return { text: out, duplicated: picked.map((i) => text.slice(spans[i].start, spans[i].end)), injectedShare: out.length ? injected / out.length : 0 };
}

/**
 * The LoRA panel's plan: 4 sentences (of 40–200 characters, so a copy and the
 * next fit in a training window) each followed by 16 copies of itself: the
 * training text shows the model what a loop looks like.
 */
export const LAB_DUPLICATION: Omit<DuplicationPlan, 'seed'> = { passages: 4, copies: 16, unit: 'sentence', placement: 'run', minLength: 40, maxLength: 200 };

/** The biased text, and the same text deduplicated: the cure is the second run. */
export function biasAndCure(text: string, seed: number, plan: Omit<DuplicationPlan, 'seed'> = LAB_DUPLICATION): { biased: Biased; deduplicated: Deduplicated } {
  const biased = injectDuplicates(text, { ...plan, seed });
  return { biased, deduplicated: deduplicate(biased.text, plan.unit) };
}
