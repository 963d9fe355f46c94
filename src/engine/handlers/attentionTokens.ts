// Tokens as the Attention panel shows them, the prompt's encoding with the
// panel's wording, and the logit lens read out of a trace.

import type { AttentionToken, ByteFallback, Guess } from '../attentionProtocol.ts';
import { type GPT, InputError } from '../../model/gpt.ts';
import type { ForwardTrace } from '../../model/trace.ts';
import { readOut } from '../../model/lens.ts';
import { softmax } from '../../util/softmax.ts';
import type { Tokenizer } from '../../tokenizer/index.ts';
import { UnknownCharacterError } from '../../tokenizer/char.ts';
import { unknownCharacterParams } from '../errorData.ts';

// ---- tokens as the charts show them -------------------------------------------------

const BYTE_PIECE = /<0x[0-9A-F]{2}>/;

export function tokenView(tokenizer: Tokenizer, id: number): AttentionToken {
  const text = tokenizer.tokenString(id);
  return { id, text, byte: BYTE_PIECE.test(text) };
}

/** Tokenizers that can say which bytes a token holds (the byte-level BPE). */
interface ByteTokenizer extends Tokenizer {
  tokenBytes(id: number): Uint8Array;
}

const hasBytes = (t: Tokenizer): t is ByteTokenizer => typeof (t as Partial<ByteTokenizer>).tokenBytes === 'function';

/**
 * Characters of `text` that no token of `ids` holds whole. A byte-level BPE
 * never fails on unseen characters: it falls back to their UTF-8 bytes, one
 * token each when it learned no merge for them (GPT-2's design: every string
 * has an encoding). Those characters are what the panel points out.
 */
export function byteFallback(tokenizer: Tokenizer, text: string, ids: readonly number[]): ByteFallback[] {
  if (!hasBytes(tokenizer)) return [];
  // Byte offset where each token ends.
  const ends: number[] = [];
  let offset = 0;
  for (const id of ids) ends.push((offset += tokenizer.tokenBytes(id).length));
  const encoder = new TextEncoder();
  const found = new Map<string, ByteFallback>();
  let start = 0;
  for (const char of text) {
    const length = encoder.encode(char).length;
    const end = start + length;
    if (length > 1) {
      const first = ends.findIndex((e) => e > start);
      const last = ends.findIndex((e) => e >= end);
      if (first >= 0 && last > first && !found.has(char)) {
        found.set(char, { char, tokens: ids.slice(first, last + 1).map((id) => tokenizer.tokenString(id)) });
      }
    }
    start = end;
  }
  return [...found.values()];
}

/** Text → ids, with the panel's wording for what cannot be encoded. */
export function encodePrompt(tokenizer: Tokenizer, prompt: string): number[] {
  if (prompt.length === 0) throw new InputError('The prompt is empty: type a prompt above to see where its tokens look.', 'empty-prompt');
  let ids: number[];
  try {
    ids = tokenizer.encode(prompt);
  } catch (e) {
    // The character tokenizer has no byte fallback: a character it never saw cannot be written at all.
    const message = `${(e as Error).message.replace(/\.?$/, '.')} This model's tokenizer has no byte fallback, so the prompt cannot be read.`;
    if (e instanceof UnknownCharacterError) throw new InputError(message, 'unknown-characters', unknownCharacterParams(e));
    throw new InputError(message);
  }
  if (ids.length === 0) throw new InputError('The prompt gave no tokens.', 'no-tokens');
  return ids;
}

// ---- frames: one model call as plain arrays -------------------------------------------

export function topGuesses(tokenizer: Tokenizer, probs: Float32Array, k: number): Guess[] {
  const best: number[] = []; // ids, most probable first
  for (let id = 0; id < probs.length; id++) {
    const p = probs[id];
    if (best.length === k && p <= probs[best[k - 1]]) continue;
    let i = Math.min(best.length, k - 1);
    while (i > 0 && probs[best[i - 1]] < p) {
      best[i] = best[i - 1];
      i--;
    }
    best[i] = id;
  }
  // The model's vocabulary can be larger than the tokenizer's (padding rows).
  return best.map((id) => ({ id, text: id < tokenizer.vocabSize ? tokenizer.tokenString(id) : `#${id}`, prob: probs[id] }));
}

/**
 * Reading one row out through the tied head at every stage costs
 * 2 × (layers + 1) × vocabulary × width FLOP: 1.3 MFLOP on the playground model,
 * 1 GFLOP on GPT-2 (13 stages × 50,257 × 768). A prefill reads out at most this
 * much: every row of the playground model's window, the last few of GPT-2's
 * (a 1,024-token prompt would take a teraflop and 2.7 GB of logits).
 */
export const LENS_FLOP_BUDGET = 4e9;

/** How many of a prefill's last rows get a logit lens. */
export function lensRowLimit(config: { nLayer: number; vocabSize: number; nEmbd: number }): number {
  return Math.max(1, Math.floor(LENS_FLOP_BUDGET / (2 * (config.nLayer + 1) * config.vocabSize * config.nEmbd)));
}

/**
 * The logit lens (nostalgebraist 2020) for the query rows of a trace:
 * [row][stage][rank]. Each stage's residual stream goes through the final
 * LayerNorm and the tied head in one batched read-out. Rows before the last
 * `lensRowLimit` get none (an empty list): the panel says so.
 */
export function lensRows(model: GPT, tokenizer: Tokenizer, trace: ForwardTrace, k: number): Guess[][][] {
  const stages = [trace.embeddings, ...trace.layers.map((l) => l.hidden)];
  const V = model.config.vocabSize;
  const rows = trace.embeddings.rows;
  const first = Math.max(0, rows - lensRowLimit(model.config));
  const logits = stages.map((m) => readOut(model, first === 0 ? m : { rows: rows - first, cols: m.cols, data: m.data.subarray(first * m.cols) }).data);
  return Array.from({ length: rows }, (_, row) =>
    row < first ? [] : logits.map((data) => topGuesses(tokenizer, softmax(data.subarray((row - first) * V, (row - first + 1) * V)), k)),
  );
}

