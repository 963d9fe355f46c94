// An error in the reader's language, whether it was thrown in the page or in
// the engine's worker (which sends its code and values along, see
// src/engine/errorData.ts): the sentence under common:errors.<kind>.<code>,
// filled with the error's values and, as {{detail}}, its own English sentence.
// An error without a code, or with one this page has no sentence for, shows
// its English message.

import { errorData } from '../engine/errorData.ts';
import { coded } from './codedText.ts';

export function errorText(error: unknown): string {
  const { name, message, code, params } = errorData(error);
  if (code === undefined) return message;
  return coded(`common:errors.${name}.${code}`, { ...params, detail: message }) ?? message;
}
