// From the frames the engine sent to what one step shows: plain arrays in,
// plain arrays out, no React and no tensors. A step's matrix is assembled
// from the prefill that began the current window plus one query row per
// generated token, so stepping back or switching head only re-reads them.

import type { AttentionFrame, AttentionToken, Guess, PickedToken } from '../../engine/attentionProtocol.ts';
import { type MaskMode, CAUSAL, canAttend } from '../../model/masks.ts';

export interface SequenceData {
  tokens: AttentionToken[];
  promptLength: number;
  /** frames[s]: the model call after s generated tokens. */
  frames: AttentionFrame[];
  picks: PickedToken[];
}

/** The part of a sequence that step `step` shows. */
export interface StepView {
  step: number;
  /** The frames whose rows make the matrix: the window's prefill, then one per generated token. */
  frames: AttentionFrame[];
  /** Sequence positions of the rows (queries) and, equally, of the columns (keys): the window. */
  positions: number[];
  /** Tokens written by this step: the prompt and `step` generated ones. */
  known: number;
}

/** A prefill's first query is the first token of its window; a cached step's is the newest token. */
export const isPrefill = (f: AttentionFrame) => f.queryStart === f.keyStart;

export function stepView(seq: SequenceData, step: number): StepView {
  const s = Math.max(0, Math.min(step, seq.frames.length - 1));
  let p = s;
  while (p > 0 && !isPrefill(seq.frames[p])) p--;
  const frames = seq.frames.slice(p, s + 1);
  const last = seq.frames[s];
  const rows = frames.reduce((n, f) => n + f.queryCount, 0);
  if (rows !== last.keyCount || frames[0].keyStart !== last.keyStart) {
    throw new Error(`Frames ${p}…${s} do not tile the window: ${rows} rows for ${last.keyCount} keys.`);
  }
  return {
    step: s,
    frames,
    positions: Array.from({ length: last.keyCount }, (_, i) => last.keyStart + i),
    known: seq.promptLength + s,
  };
}

/** A square weight matrix over the window, with the cells the mask forbids. */
export interface WeightMatrix {
  size: number;
  /** size × size, row-major; 0 where masked. */
  values: Float32Array;
  /** 1 where the query may not read the key (later tokens, or keys not yet generated). */
  masked: Uint8Array;
}

/** One head of one layer at this step: attention weights (`probs`) or scaled scores (`scores`, NaN where no key existed yet). */
export function headWeights(view: StepView, layer: number, head: number, which: 'probs' | 'scores' = 'probs'): WeightMatrix {
  const n = view.positions.length;
  const values = new Float32Array(n * n);
  const masked = new Uint8Array(n * n);
  const keyStart = view.positions[0] ?? 0;
  for (const f of view.frames) {
    const data = f.layers[layer][which];
    const base = head * f.queryCount * f.keyCount;
    for (let r = 0; r < f.queryCount; r++) {
      const row = f.queryStart - keyStart + r;
      for (let k = 0; k < n; k++) {
        const i = row * n + k;
        const exists = k < f.keyCount;
        if (!exists || !canAttend(CAUSAL, row, k)) masked[i] = 1;
        values[i] = !exists ? (which === 'scores' ? NaN : 0) : which === 'probs' && masked[i] ? 0 : data[base + r * f.keyCount + k];
      }
    }
  }
  return { size: n, values, masked };
}

/** The row of the window showing `position` (a token's place in the sequence); the newest when −1 or out of view. */
export function rowOf(view: StepView, position: number): number {
  const row = view.positions.indexOf(position);
  return row >= 0 ? row : view.positions.length - 1;
}

function frameRow(view: StepView, row: number): { frame: AttentionFrame; r: number } {
  const position = view.positions[row];
  const frame = view.frames.find((f) => position >= f.queryStart && position < f.queryStart + f.queryCount)!;
  return { frame, r: position - frame.queryStart };
}

/** The four stages of one head for one query, over the keys that existed when its row was computed. */
export interface HeadStages {
  /** Sequence positions of the keys. */
  keys: number[];
  /** Q·Kᵀ: the trace holds Q·Kᵀ/√d, so this is scores × √d_head. */
  qk: Float32Array;
  /** Q·Kᵀ/√d_head. */
  scaled: Float32Array;
  /** The scaled scores with −∞ where the mask forbids the key. */
  masked: Float32Array;
  /** softmax of the masked scores: the attention weights. */
  weights: Float32Array;
}

export function headStages(view: StepView, layer: number, head: number, row: number, headSize: number): HeadStages {
  const { frame, r } = frameRow(view, row);
  const K = frame.keyCount;
  const offset = head * frame.queryCount * K + r * K;
  const scaled = frame.layers[layer].scores.slice(offset, offset + K);
  const weights = frame.layers[layer].probs.slice(offset, offset + K);
  const rowInWindow = frame.queryStart - frame.keyStart + r;
  const masked = scaled.map((v, k) => (canAttend(CAUSAL, rowInWindow, k) ? v : -Infinity));
  const scale = Math.sqrt(headSize);
  return {
    keys: Array.from({ length: K }, (_, k) => frame.keyStart + k),
    qk: scaled.map((v) => v * scale),
    scaled,
    masked,
    weights,
  };
}

/** Logit-lens guesses at one row: [stage][rank]. */
export function lensAt(view: StepView, row: number): Guess[][] {
  const { frame, r } = frameRow(view, row);
  return frame.lens[r];
}

/** The token that followed `position`, if it was written by this step. */
export function nextTokenAt(seq: SequenceData, view: StepView, position: number): AttentionToken | null {
  return position + 1 < view.known ? seq.tokens[position + 1] : null;
}

// ---- what a head mostly does ---------------------------------------------------------

export interface HeadHabit {
  kind: 'previous' | 'self' | 'first' | 'spread';
  /** Mean weight on that key over the rows that have a choice (row 0 can only read itself). */
  weight: number;
}

/**
 * A first guess at a head's habit, from its mean weight on the previous token,
 * on itself and on the first token. Only a description of where weight goes:
 * not an explanation of what the head contributes.
 */
export function headHabit(m: WeightMatrix): HeadHabit {
  const n = m.size;
  if (n < 2) return { kind: 'self', weight: 1 };
  const sums = { previous: 0, self: 0, first: 0 };
  for (let q = 1; q < n; q++) {
    sums.previous += m.values[q * n + q - 1];
    sums.self += m.values[q * n + q];
    sums.first += m.values[q * n];
  }
  const best = (Object.keys(sums) as (keyof typeof sums)[]).reduce((a, b) => (sums[b] > sums[a] ? b : a));
  const weight = sums[best] / (n - 1);
  return weight >= 0.35 ? { kind: best, weight } : { kind: 'spread', weight: 1 - weight };
}

export function describeHabit(h: HeadHabit): string {
  switch (h.kind) {
    case 'previous':
      return `previous token ${h.weight.toFixed(2)}`;
    case 'self':
      return `itself ${h.weight.toFixed(2)}`;
    case 'first':
      return `first token ${h.weight.toFixed(2)}`;
    case 'spread':
      return 'spread out';
  }
}

// ---- the masks lesson ------------------------------------------------------------------

/** One head of a full pass under `mask`: [query][key] with its forbidden cells. */
export function maskedHead(probs: Float32Array, n: number, head: number, mask: MaskMode): WeightMatrix {
  const values = probs.slice(head * n * n, (head + 1) * n * n);
  const masked = new Uint8Array(n * n);
  for (let q = 0; q < n; q++) for (let k = 0; k < n; k++) if (!canAttend(mask, q, k)) masked[q * n + k] = 1;
  return { size: n, values, masked };
}

/** Query–key pairs a mask lets through, out of n². */
export function visiblePairs(mask: MaskMode, n: number): number {
  let count = 0;
  for (let q = 0; q < n; q++) for (let k = 0; k < n; k++) if (canAttend(mask, q, k)) count++;
  return count;
}
