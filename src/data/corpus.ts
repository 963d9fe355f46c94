import { readText, type ProgressCallback } from '../io/source.ts';

/** Tiny Shakespeare (40,000 lines, public domain), as published with char-rnn. */
export const TINY_SHAKESPEARE_URL = 'https://raw.githubusercontent.com/karpathy/char-rnn/master/data/tinyshakespeare/input.txt';

/**
 * Reads a training text from a local path (Node) or a URL. With no source it
 * downloads Tiny Shakespeare from its public address.
 */
export async function loadCorpus(source: string = TINY_SHAKESPEARE_URL, onProgress?: ProgressCallback): Promise<string> {
  const text = await readText(source, onProgress);
  if (text.length === 0) throw new RangeError(`The corpus at ${source} is empty.`);
  return text;
}

/**
 * A train/validation split by position (the first `trainFraction` of the text
 * trains, the rest validates), as nanoGPT's prepare.py does: validation text
 * is then later text the model has never seen, not shuffled neighbours of it.
 */
export function splitCorpus(text: string, trainFraction = 0.9): { train: string; val: string } {
  if (!(trainFraction > 0 && trainFraction < 1)) throw new RangeError(`trainFraction must be in (0, 1), got ${trainFraction}.`);
  const cut = Math.floor(text.length * trainFraction);
  return { train: text.slice(0, cut), val: text.slice(cut) };
}

/** SHA-256 of the text's UTF-8 bytes, hex: names exactly which corpus a model saw. */
export async function corpusHash(text: string): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(text));
  return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, '0')).join('');
}

/**
 * A few KB of held-out text, one continuous piece cut at line breaks, shipped
 * next to a model (original-sample.txt) so the page can measure how much
 * adapting the model to new text costs on its original corpus (forgetting)
 * without the whole corpus. Taken from the validation split, never from training text.
 */
export function heldOutSample(text: string, characters = 6000, trainFraction = 0.9): string {
  const { val } = splitCorpus(text, trainFraction);
  const start = val.indexOf('\n\n') >= 0 ? val.indexOf('\n\n') + 2 : 0;
  const piece = val.slice(start, start + characters);
  const end = piece.lastIndexOf('\n');
  return end > 0 ? piece.slice(0, end + 1) : piece;
}
