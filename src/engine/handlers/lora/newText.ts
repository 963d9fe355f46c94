// The default new text of a LoRA run, per model. A model folder may hold
// `new-text.txt`, text in the model's own language that it has not learned
// (the Tang poetry model ships Song ci, 宋词); without one the playground's own
// explanations stand in: modern English prose, new to the Shakespeare model.

import type { DefaultNewText } from '../../loraProtocol.ts';
import type { AdapterStore } from '../../adapterStore.ts';
import { type Handler, adaptersIn, engineReady } from '../../runtime.ts';
import { explanationsAsText } from '../../../lessons/explanations.ts';

/** The folder's new-text.txt when it has text, else the explanations. */
export function chooseDefaultNewText(folderText: string | null): DefaultNewText {
  if (folderText !== null && folderText.trim().length > 0) return { source: 'folder', text: folderText };
  return { source: 'explanations', text: explanationsAsText() };
}

/**
 * A text file of the model's folder, or null when it has none. A preview or dev
 * server answers a missing file with the app's index.html: that is none too.
 */
export async function fetchFolderText(baseUrl: string | null, file: string): Promise<string | null> {
  if (!baseUrl) return null;
  try {
    const response = await fetch(new URL(file, baseUrl).href);
    if (!response.ok) return null;
    const text = await response.text();
    if (/^\s*<(!doctype|html)/i.test(text) || text.trim().length === 0) return null;
    return text;
  } catch {
    return null;
  }
}

/** The model's default new text, read once per model and kept with its adapters. */
export async function defaultNewText(store: AdapterStore, baseUrl: string | null): Promise<DefaultNewText> {
  store.defaultNewText ??= chooseDefaultNewText(await fetchFolderText(baseUrl, 'new-text.txt'));
  return store.defaultNewText;
}

export const loraDefaultText: Handler<'loraDefaultText'> = async ({ modelBaseUrl }) => {
  await engineReady();
  return defaultNewText(adaptersIn('active'), modelBaseUrl);
};
