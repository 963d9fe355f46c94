// What can be wrong with a prompt-learning setting or a PEFT prompt-learning
// file: a code and the values its sentence needs, beside the English sentence
// (the page says each code in the reader's language, common:errors.PromptLearningError).

import { type MessageParams, codesOf } from '../util/codes.ts';

export type PromptLearningErrorCode =
  /** A setting or an adapter_config.json field has a value it cannot have: `field`, `value`, `expected`. */
  | 'bad-config'
  /** adapter_config.json is for a method other than the three prompt-learning ones: `peftType`. */
  | 'unsupported-peft-type'
  /** The file was made for a model of another width: `file`, `model`. */
  | 'token-dim-mismatch'
  /** A prefix made for another depth: `file`, `model`. */
  | 'layers-mismatch'
  /** A prefix made for another number of heads: `file`, `model`. */
  | 'heads-mismatch'
  /** The virtual tokens would leave no room for the input: `virtualTokens`, `blockSize`. */
  | 'too-many-virtual-tokens'
  /** adapter_model.safetensors lacks a tensor: `key`. */
  | 'missing-tensor'
  /** adapter_model.safetensors holds a tensor a prompt-learning adapter has no place for: `key`. */
  | 'unexpected-tensor'
  /** A tensor of the wrong shape: `key`, `got`, `expected`. */
  | 'shape-mismatch'
  /** The model already has other virtual tokens attached. */
  | 'already-attached'
  /** The adapter was disposed. */
  | 'disposed';

export const PROMPT_LEARNING_ERROR_CODES = codesOf<PromptLearningErrorCode>({
  'bad-config': 0,
  'unsupported-peft-type': 0,
  'token-dim-mismatch': 0,
  'layers-mismatch': 0,
  'heads-mismatch': 0,
  'too-many-virtual-tokens': 0,
  'missing-tensor': 0,
  'unexpected-tensor': 0,
  'shape-mismatch': 0,
  'already-attached': 0,
  disposed: 0,
});

export class PromptLearningError extends Error {
  override name = 'PromptLearningError';
  constructor(message: string, readonly code: PromptLearningErrorCode, readonly params: MessageParams = {}) {
    super(message);
  }
}
