// The tokenizer package: byte-level BPE (GPT-2) and character-level tokenizers
// behind one interface, and one loader for either's JSON.

import { ByteLevelBPE } from './bpe.ts';
import { CharTokenizer } from './char.ts';
import { type Tokenizer, TokenizerJSONError } from './tokenizer.ts';

export { type Tokenizer, type TokenizerKind, TokenizerJSONError } from './tokenizer.ts';
export {
  ByteLevelBPE,
  type AddedToken, type AddedTokenEncoding, type BPETrainOptions, type ByteLevelBPEModel, type EncodeTrace,
  type HFTokenizerJSON, type MergeStep, type WordEncoding,
} from './bpe.ts';
export { CharTokenizer, type CharTokenizerJSON, type UnknownCharacter, UnknownCharacterError } from './char.ts';
export {
  BYTE_TO_UNICODE, GPT2_BYTE_ORDER, GPT2_PRETOKENIZE_PATTERN, UNICODE_TO_BYTE, preTokenize, type ByteLevelOptions,
} from './byte-level.ts';
export { displayTokenBytes, visibleWhitespace } from './display.ts';

/**
 * Rebuilds a tokenizer from `toJSON()` output, or from a Hugging Face tokenizer.json
 * (recognised by its "model" object).
 */
export function tokenizerFromJSON(obj: unknown): Tokenizer {
  if (typeof obj === 'object' && obj !== null && !Array.isArray(obj)) {
    const record = obj as Record<string, unknown>;
    if (record.type === 'char') return CharTokenizer.fromJSON(obj);
    if ('model' in record) return ByteLevelBPE.fromJSON(obj);
  }
  throw new TokenizerJSONError(
    'not a tokenizer file: expected a Hugging Face tokenizer.json (with a "model") or a char tokenizer ({"type": "char"})',
  );
}
export { GPT2_END_OF_TEXT, type GPT2RepoTokenizerJSON, gpt2TokenizerJSON } from './openai-gpt2.ts';
