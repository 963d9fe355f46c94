// PEFT's two files: adapter_config.json and adapter_model.safetensors, out and in.

import type { ImportResult } from '../../loraProtocol.ts';
import { type Handler, adaptersIn, engineReady, modelIn } from '../../runtime.ts';
import { type HeldAdapter, adapterName } from '../../adapterStore.ts';
import { LoraError } from '../../../lora/config.ts';
import { exportPeft, importPeft } from '../../../lora/peft.ts';
import { maxAbsLogitDiff, probeIds } from './probe.ts';

export const loraExport: Handler<'loraExport'> = async ({ id }) => {
  await engineReady();
  const { info } = modelIn('active');
  const h = adaptersIn('active').find(id);
  const { config, weights } = await exportPeft(h.adapter, info.name);
  return { config, configText: JSON.stringify(config, null, 2) + '\n', weights, name: h.name };
};

/** Reads the files (an adapter for another base throws before anything is held) and looks for a held twin. */
export const loraImport: Handler<'loraImport'> = async ({ configText, weights, name, probe }): Promise<ImportResult> => {
  await engineReady();
  const loaded = modelIn('active');
  const store = adaptersIn('active');
  store.notBusy();
  let json: unknown;
  try {
    json = JSON.parse(configText);
  } catch (e) {
    throw new LoraError(`adapter_config.json is not valid JSON (${(e as Error).message}).`);
  }
  const adapter = importPeft(loaded.model, json, weights); // throws before building anything for another base
  const id = store.newId();
  const h: HeldAdapter = {
    id, name: `${adapterName(id, adapter.config)} (imported${name ? ` from ${name}` : ''})`, adapter, origin: 'imported', steps: 0, qlora: false, history: [], mergeCheck: null,
  };
  store.add(h);
  // Does it match an adapter already held? Compare their logits on the probe.
  let sameAs: ImportResult['sameAs'] = null;
  const ids = probeIds(loaded, store, probe);
  for (const other of store.held) {
    if (other === h || other.adapter.merged || JSON.stringify(other.adapter.config) !== JSON.stringify(adapter.config)) continue;
    const theirs = store.withAttached(other, () => loaded.model.logitsAt(ids));
    const ours = store.withAttached(h, () => loaded.model.logitsAt(ids));
    const diff = maxAbsLogitDiff(theirs, ours);
    if (!sameAs || diff < sameAs.maxAbsLogitDiff) sameAs = { id: other.id, name: other.name, maxAbsLogitDiff: diff };
  }
  if (!store.merged()) store.attach(h);
  return { adapter: store.summary(h), status: store.status(loaded.info), sameAs };
};
