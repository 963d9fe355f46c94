// What was wrong with what the model, or the engine on the page's behalf, was
// handed: a code and the numbers its sentence needs, beside the English
// sentence. The page says each code in the reader's language
// (src/panels/errorText.ts); 'invalid-input' is the rest (a caller's mistake
// rather than the learner's), whose English sentence is shown as it is.

import { type MessageParams, codesOf } from '../util/codes.ts';

/** Why an input was refused. */
export type InputErrorCode =
  /** The prompt text is empty. */
  | 'empty-prompt'
  /** The input (the prompt, once tokenized) has no tokens. */
  | 'no-tokens'
  /** More tokens than the context window: `tokens`, `blockSize`. */
  | 'too-long'
  /** With a prompt-learning prompt attached, the input and its virtual tokens exceed the window: `tokens`, `virtualTokens`, `blockSize`. */
  | 'virtual-tokens-too-long'
  /** A token id the vocabulary does not have: `id`, `position`, `maxId`. */
  | 'out-of-vocabulary'
  /** Characters a tokenizer without byte fallback cannot write: `count`, `characters`. */
  | 'unknown-characters'
  /** An end-of-sequence text that is not one token: `text`, `tokens`. */
  | 'eos-not-one-token'
  /** A tokenizer with more tokens than the model has embeddings: `tokenizerVocab`, `modelVocab`. */
  | 'tokenizer-mismatch'
  /** A call for a model still loading. */
  | 'model-loading'
  /** A call for the model trained on the learner's text when there is none. */
  | 'no-training-model'
  /** The text to fine-tune on (LoRA) is empty. */
  | 'new-text-empty'
  /** The text to fine-tune on is too short to hold out a validation window: `characters`, `tokens`, `needed`. */
  | 'new-text-too-short'
  /** Anything else (a caller's mistake rather than the learner's): its English sentence is the message. */
  | 'invalid-input';

export const INPUT_ERROR_CODES = codesOf<InputErrorCode>({
  'empty-prompt': 0,
  'no-tokens': 0,
  'too-long': 0,
  'virtual-tokens-too-long': 0,
  'out-of-vocabulary': 0,
  'unknown-characters': 0,
  'eos-not-one-token': 0,
  'tokenizer-mismatch': 0,
  'model-loading': 0,
  'no-training-model': 0,
  'new-text-empty': 0,
  'new-text-too-short': 0,
  'invalid-input': 0,
});

/** A problem with the tokens handed to the model (out of vocabulary, too long, empty), or with a request to the engine. */
export class InputError extends Error {
  override name = 'InputError';
  constructor(message: string, readonly code: InputErrorCode = 'invalid-input', readonly params: MessageParams = {}) {
    super(message);
  }
}
