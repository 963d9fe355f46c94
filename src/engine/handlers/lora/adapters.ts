// The adapters held for the embedded model, of any method: list, attach,
// merge/unmerge (LoRA and AdaLoRA: a prompt has no weight to merge into), delete.

import type { MergeResult } from '../../loraProtocol.ts';
import { type Handler, adaptersIn, engineReady, modelIn } from '../../runtime.ts';
import { LoraError } from '../../../lora/config.ts';
import { AdapterError } from '../../adapterErrors.ts';
import { isMerged } from '../../heldAdapter.ts';
import { maxAbsLogitDiff, probeIds } from './probe.ts';

export const loraStatus: Handler<'loraStatus'> = async () => {
  await engineReady();
  return adaptersIn('active').status(modelIn('active').info);
};

export const loraAttach: Handler<'loraAttach'> = async ({ id }) => {
  await engineReady();
  const store = adaptersIn('active');
  store.notBusy();
  const h = id === null ? null : store.find(id);
  if (h && isMerged(h)) throw new LoraError(`${h.name} is merged into the weights: it is already in effect. Unmerge it to switch it.`);
  store.notMerged(h ? 'switching adapters' : 'switching the adapter off');
  store.attach(h);
  return store.status(modelIn('active').info);
};

/**
 * Merging adds ΔW into W; the logits on the probe must not move (adapter on
 * top vs merged). Unmerging subtracts it; the adapter-off logits must match
 * the base's from before the merge.
 */
export const loraMerge: Handler<'loraMerge'> = async ({ id, merge, probe }): Promise<MergeResult> => {
  await engineReady();
  const loaded = modelIn('active');
  const store = adaptersIn('active');
  store.notBusy();
  const h = store.find(id);
  const { model } = loaded;
  if (h.method !== 'LoRA' && h.method !== 'AdaLoRA') {
    throw new AdapterError(
      'cannot-merge',
      `${h.name} is a ${h.method} adapter: its virtual tokens sit in front of the text, not in a weight matrix, so there is no W to merge them into. Switch it on instead.`,
      { name: h.name, method: h.method },
    );
  }
  if (merge) {
    if (h.adapter.merged) throw new LoraError(`${h.name} is already merged.`);
    store.notMerged('merging another');
    const ids = probeIds(loaded, store, probe);
    const base = store.withAttached(null, () => model.logitsAt(ids));
    store.attach(h);
    const before = model.logitsAt(ids);
    h.adapter.merge(); // detaches it and adds ΔW into W
    const after = model.logitsAt(ids);
    h.mergeCheck = { probe: ids, base };
    return { status: store.status(loaded.info), merged: true, maxAbsLogitDiff: maxAbsLogitDiff(before, after), baseMaxAbsLogitDiff: null, probeTokens: ids.length };
  }
  if (!h.adapter.merged || !h.mergeCheck) throw new LoraError(`${h.name} is not merged.`);
  const { probe: ids, base } = h.mergeCheck;
  const before = model.logitsAt(ids);
  h.adapter.unmerge(); // subtracts ΔW and re-attaches it
  const after = model.logitsAt(ids);
  const baseAfter = store.withAttached(null, () => model.logitsAt(ids));
  h.mergeCheck = null;
  return {
    status: store.status(loaded.info),
    merged: false,
    maxAbsLogitDiff: maxAbsLogitDiff(before, after),
    baseMaxAbsLogitDiff: maxAbsLogitDiff(base, baseAfter),
    probeTokens: ids.length,
  };
};

export const loraDelete: Handler<'loraDelete'> = async ({ id }) => {
  await engineReady();
  const store = adaptersIn('active');
  store.notBusy();
  store.delete(store.find(id)); // unmerges first if merged
  return store.status(modelIn('active').info);
};
