// What one step of a sequence shows, on the page's side: the step's window
// of positions, and small helpers for the views. The weights themselves stay
// in the worker, which sends each view only what it draws (attentionHead,
// attentionLines, attentionGrid); plain arrays in, plain arrays out, no React.

import type { AttentionToken, HeadHabit, PickedToken, StepWindow, VirtualColumns, WeightMatrix } from '../../engine/attentionProtocol.ts';
import { type MaskMode, canAttend } from '../../model/masks.ts';
import { t } from '../../i18n/index.ts';
import { formatFixed } from '../../i18n/format.ts';

export type { HeadHabit, WeightMatrix } from '../../engine/attentionProtocol.ts';
export { headHabit } from '../../engine/handlers/attentionStore.ts';

export interface SequenceData {
  tokens: AttentionToken[];
  promptLength: number;
  /** steps[s]: the window of the model call after s generated tokens. */
  steps: StepWindow[];
  picks: PickedToken[];
  /** Prompt learning's virtual tokens, read by every row before the window's keys (absent or null: none). */
  virtual?: VirtualColumns | null;
}

/** The part of a sequence that step `step` shows. */
export interface StepView {
  step: number;
  /** Sequence positions of the rows (queries) and, equally, of the columns (keys): the window. */
  positions: number[];
  /** Tokens written by this step: the prompt and `step` generated ones. */
  known: number;
}

export function stepView(seq: SequenceData, step: number): StepView {
  const s = Math.max(0, Math.min(step, seq.steps.length - 1));
  const { keyStart, keyCount } = seq.steps[s];
  return { step: s, positions: Array.from({ length: keyCount }, (_, i) => keyStart + i), known: seq.promptLength + s };
}

/** The row of the window showing `position` (a token's place in the sequence); the newest when −1 or out of view. */
export function rowOf(view: StepView, position: number): number {
  const row = view.positions.indexOf(position);
  return row >= 0 ? row : view.positions.length - 1;
}

/** The token that followed `position`, if it was written by this step. */
export function nextTokenAt(seq: SequenceData, view: StepView, position: number): AttentionToken | null {
  return position + 1 < view.known ? seq.tokens[position + 1] : null;
}

/** Where a head's weight mostly goes, in a few words of the locale in force. */
export function describeHabit(h: HeadHabit): string {
  switch (h.kind) {
    case 'previous':
      return t('attention:grid.habit.previous', { weight: formatFixed(h.weight, 2) });
    case 'self':
      return t('attention:grid.habit.self', { weight: formatFixed(h.weight, 2) });
    case 'first':
      return t('attention:grid.habit.first', { weight: formatFixed(h.weight, 2) });
    case 'virtual':
      return t('attention:grid.habit.virtual', { weight: formatFixed(h.weight, 2) });
    case 'spread':
      return t('attention:grid.habit.spread');
  }
}

// ---- prompt learning's virtual columns ------------------------------------------------

/** Labels of the virtual columns: P0, P1, … for a prefix, V0, V1, … for virtual input tokens (前缀 / 虚拟 in Chinese). */
export function virtualLabels(v: VirtualColumns | null | undefined): string[] {
  if (!v) return [];
  const key = v.kind === 'prefix' ? 'attention:virtual.prefixLabel' : 'attention:virtual.inputLabel';
  return Array.from({ length: v.count }, (_, i) => t(key, { i }));
}

/**
 * Ids the charts write as data-k for the virtual columns: −count … −1, just
 * before the first real key (0), so a test or an inspector tells them apart.
 */
export function virtualIds(count: number): number[] {
  return Array.from({ length: count }, (_, i) => i - count);
}

/** rows × cols values with `extra` (rows × count) put in front of each row: rows × (count + cols). */
export function prependColumns(extra: ArrayLike<number>, count: number, values: ArrayLike<number>, rows: number, cols: number): Float32Array {
  const out = new Float32Array(rows * (count + cols));
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < count; c++) out[r * (count + cols) + c] = extra[r * count + c];
    for (let c = 0; c < cols; c++) out[r * (count + cols) + count + c] = values[r * cols + c];
  }
  return out;
}

// ---- the masks lesson ------------------------------------------------------------------

/** One head's n × n weights of a full pass under `mask`, with its forbidden cells. */
export function maskedHead(probs: Float32Array, n: number, mask: MaskMode): WeightMatrix {
  const values = probs.slice(0, n * n);
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
