// What one step of a sequence shows, on the page's side: the step's window
// of positions, and small helpers for the views. The weights themselves stay
// in the worker, which sends each view only what it draws (attentionHead,
// attentionLines, attentionGrid); plain arrays in, plain arrays out, no React.

import type { AttentionToken, HeadHabit, PickedToken, StepWindow, WeightMatrix } from '../../engine/attentionProtocol.ts';
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
    case 'spread':
      return t('attention:grid.habit.spread');
  }
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
