// PEFT's two files, adapter_config.json and adapter_model.safetensors, out and
// in, for every method the store holds: LoRA (lora/peft.ts), AdaLoRA
// (lora/adaloraPeft.ts), prompt tuning, P-tuning and prefix tuning
// (peft/promptFiles.ts). An import finds its method from peft_type.

import type { ImportResult } from '../../loraProtocol.ts';
import { type Handler, adaptersIn, engineReady, modelIn } from '../../runtime.ts';
import type { HeldAdapter } from '../../adapterStore.ts';
import { exportFiles, heldName, importFiles, isMerged, settingsKey } from '../../heldAdapter.ts';
import { maxAbsLogitDiff, probeIds } from './probe.ts';

export const loraExport: Handler<'loraExport'> = async ({ id }) => {
  await engineReady();
  const { info } = modelIn('active');
  const h = adaptersIn('active').find(id);
  const { config, configText, weights } = await exportFiles(h, info.name);
  return { config, configText, weights, name: h.name, method: h.method };
};

/**
 * Reads the files (one for another base, or of a method it cannot read, throws
 * before anything is built or held) and looks for a held twin: an adapter of
 * the same method and settings whose logits it matches. Switched on unless an
 * adapter is merged.
 */
export const loraImport: Handler<'loraImport'> = async ({ configText, weights, name, probe }): Promise<ImportResult> => {
  await engineReady();
  const loaded = modelIn('active');
  const store = adaptersIn('active');
  store.notBusy();
  const kind = importFiles(loaded.model, configText, weights);
  const id = store.newId();
  const h = { ...kind, id, name: `${heldName(id, kind)} (imported${name ? ` from ${name}` : ''})`, origin: 'imported', steps: 0, qlora: false, history: [], mergeCheck: null } as HeldAdapter;
  store.add(h);
  let sameAs: ImportResult['sameAs'] = null;
  const key = settingsKey(h);
  const others = store.held.filter((o) => o !== h && !isMerged(o) && settingsKey(o) === key);
  if (others.length) {
    // With virtual tokens in front the window is shorter: the probe keeps its last tokens that fit.
    const ids = store.withAttached(h, () => probeIds(loaded, store, probe));
    const ours = store.withAttached(h, () => loaded.model.logitsAt(ids));
    for (const other of others) {
      const diff = maxAbsLogitDiff(store.withAttached(other, () => loaded.model.logitsAt(ids)), ours);
      if (!sameAs || diff < sameAs.maxAbsLogitDiff) sameAs = { id: other.id, name: other.name, maxAbsLogitDiff: diff };
    }
  }
  if (!store.merged()) store.attach(h);
  return { adapter: store.summary(h), status: store.status(loaded.info), sameAs };
};
