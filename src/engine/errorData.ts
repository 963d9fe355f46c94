// An error as plain data for postMessage: its kind (`name`), its English
// sentence, and — when it has them — its code and the values its sentence
// needs, so that the page says it in the reader's language
// (src/panels/errorText.ts). Errors that carry `code` and `params` fields
// (InputError, SettingsError, StoreError, WeightFileError…) keep them; the
// character tokenizer's UnknownCharacterError gets them here.

import type { EngineErrorData } from './protocol.ts';
import { UnknownCharacterError } from '../tokenizer/char.ts';
import type { MessageParams } from '../util/codes.ts';

/** The characters a tokenizer could not write, for a sentence: how many, and the first five as JSON quotes them. */
export function unknownCharacterParams(e: UnknownCharacterError): { count: number; characters: string } {
  const shown = e.unknown.slice(0, 5).map(({ char }) => JSON.stringify(char));
  return { count: e.unknown.length, characters: shown.join(' ') + (e.unknown.length > 5 ? ' …' : '') };
}

const isParams = (p: unknown): p is MessageParams =>
  typeof p === 'object' && p !== null && !Array.isArray(p) && Object.values(p).every((v) => typeof v === 'string' || typeof v === 'number');

/** Anything thrown, as the data the worker posts and the page reads. */
export function errorData(error: unknown): EngineErrorData {
  const err = error instanceof Error ? error : new Error(String(error));
  const data: EngineErrorData = { name: err.name, message: err.message };
  if (err instanceof UnknownCharacterError) return { ...data, code: 'unknown-characters', params: unknownCharacterParams(err) };
  const { code, params } = err as { code?: unknown; params?: unknown };
  if (typeof code === 'string') data.code = code;
  if (isParams(params)) data.params = { ...params };
  return data;
}
