// The probe: a short text whose logits are compared before and after a change
// to the model (merge, unmerge, an import, a training run on a copy).

import type { LoadedModel } from '../../runtime.ts';
import type { AdapterStore } from '../../adapterStore.ts';
import { explanationsAsText } from '../../../lessons/explanations.ts';

/**
 * The prompt's tokens (the last of them that fit the window beside any virtual tokens), or, when it gives
 * none, the start of the model's default new text (the explanations until the
 * panel has asked for the model's own).
 */
export function probeIds(loaded: LoadedModel, store: AdapterStore, probe: string): number[] {
  let ids = probe ? loaded.tokenizer.encode(probe) : [];
  if (ids.length === 0) ids = loaded.tokenizer.encode((store.defaultNewText?.text ?? explanationsAsText()).slice(0, 200));
  // With a prompt attached its virtual tokens take the window's first positions: fewer are left for the text.
  return ids.slice(-loaded.model.contextWindow);
}

/** Largest |a − b| over every position's logits. */
export function maxAbsLogitDiff(a: Float32Array[], b: Float32Array[]): number {
  let m = 0;
  a.forEach((row, i) => {
    for (let j = 0; j < row.length; j++) m = Math.max(m, Math.abs(row[j] - b[i][j]));
  });
  return m;
}
