// What the vocabulary-expansion job measures on a model and its tokenizer:
// tokens per 汉字 and 汉字 per window on the held-out Chinese, nats per
// character there and on English, a line cut into tokens, a greedy sample.
// Pure functions of a model, a tokenizer and texts (no job, no messages).

import type { StripToken, VocabMeasure, VocabPoint, VocabSample } from '../../vocabProtocol.ts';
import type { GPT } from '../../../model/gpt.ts';
import { generate } from '../../../sampling/generate.ts';
import type { ByteLevelBPE } from '../../../tokenizer/bpe.ts';
import { displayTokenBytes } from '../../../tokenizer/display.ts';
import { chineseTokenStats } from '../../../tokenizer/vocab-expansion.ts';
import { charactersSpelled, textLoss } from '../../../train/vocabExpansion.ts';

/** The texts a run is measured on, and the window its losses are taken over. */
export interface MeasureTexts {
  /** Held-out Chinese (the last tenth). */
  zh: string;
  english: string;
  /** Window of the loss evaluation: the model's context, at most 128 tokens (a GPT-2 window of 1,024 would take minutes). */
  evalBlock: number;
}

/** Evaluation batch: 8 windows, as the core's textLoss and the script evaluate. */
const EVAL_BATCH = 8;

/** Nats per character on both texts: what each point of the curves holds. */
export function lossPoint(model: GPT, tokenizer: ByteLevelBPE, texts: MeasureTexts, step: number): VocabPoint {
  const opts = { blockSize: texts.evalBlock, batchSize: EVAL_BATCH };
  return {
    step,
    zhPerChar: textLoss(model, tokenizer, texts.zh, opts).lossPerChar,
    enPerChar: textLoss(model, tokenizer, texts.english, opts).lossPerChar,
  };
}

/** The full row of the before/after table. */
export function measure(model: GPT, tokenizer: ByteLevelBPE, texts: MeasureTexts): VocabMeasure {
  const stats = chineseTokenStats(tokenizer, texts.zh, model.config.blockSize);
  const opts = { blockSize: texts.evalBlock, batchSize: EVAL_BATCH };
  const zh = textLoss(model, tokenizer, texts.zh, opts);
  const en = textLoss(model, tokenizer, texts.english, opts);
  return {
    tokensPerHan: stats.tokensPerHan,
    hanPerWindow: stats.hanPerWindow,
    charactersPerWindow: stats.charactersPerWindow,
    zhPerChar: zh.lossPerChar,
    zhPerToken: zh.lossPerToken,
    enPerChar: en.lossPerChar,
    enPerToken: en.lossPerToken,
  };
}

/** A line as the tokenizer cuts it; ids from `firstNewId` on are the expansion's. */
export function tokenStrip(tokenizer: ByteLevelBPE, line: string, firstNewId: number): StripToken[] {
  return tokenizer.encode(line).map((id) => ({ id, text: displayTokenBytes(tokenizer.tokenBytes(id)), added: id >= firstNewId }));
}

/**
 * The line the token strip shows: the first line of the held-out text that is a
 * couplet or sentence (has "，" and at least five 汉字), else its first non-empty
 * line; at most 24 characters.
 */
export function stripLine(heldOut: string): string {
  const lines = heldOut.split('\n').map((l) => l.trim()).filter((l) => l.length > 0);
  const han = (l: string) => (l.match(/\p{Script=Han}/gu) ?? []).length;
  const line = lines.find((l) => l.includes('，') && han(l) >= 5) ?? lines[0] ?? '';
  return [...line].slice(0, 24).join('');
}

/** New tokens of every greedy sample: the same budget for each model, so the characters it buys differ. */
export const SAMPLE_TOKENS = 48;

export function greedySample(model: GPT, tokenizer: ByteLevelBPE, prompt: string): VocabSample {
  const ids = tokenizer.encode(prompt);
  const { generated } = generate(model, ids, { maxNewTokens: Math.min(SAMPLE_TOKENS, model.config.blockSize - 1) });
  return { text: tokenizer.decode(generated), tokens: generated.length, characters: charactersSpelled(tokenizer.decodeBytes(generated)) };
}

/** The middle of the step times (the first steps, which compile kernels, do not move it). */
export function median(values: readonly number[]): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** The first `maxChars` characters of a text, cut after a line break when there is one in the second half. */
export function cutAtLine(text: string, maxChars: number): string {
  const chars = [...text];
  if (chars.length <= maxChars) return text;
  const head = chars.slice(0, maxChars).join('');
  const lastBreak = head.lastIndexOf('\n');
  return lastBreak > head.length / 2 ? head.slice(0, lastBreak + 1) : head;
}
