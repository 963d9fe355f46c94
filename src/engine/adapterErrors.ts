// What can go wrong with a held adapter of any PEFT method, beyond what each
// method's own reader reports (PromptLearningError, AdaLoraError, LoraError):
// a file that is not JSON, a peft_type the playground has no method for, a
// LoRA file made for another base, and what a method cannot do (merge a
// prompt, continue training a kept prompt). A code and the values its sentence
// needs, beside the English (common:errors.AdapterError).

import { type MessageParams, codesOf } from '../util/codes.ts';

export type AdapterErrorCode =
  /** adapter_config.json does not parse: `reason`. */
  | 'bad-json'
  /** A peft_type none of the five methods reads: `peftType`. */
  | 'unknown-peft-type'
  /** A LoRA tensor for a layer this model does not have: `key`, `layer`, `layers`. */
  | 'layer-missing'
  /** A LoRA tensor of the wrong shape: `key`, `got`, `expected`. */
  | 'shape-mismatch'
  /** A LoRA tensor the config's target modules call for is absent: `key`. */
  | 'missing-tensor'
  /** A tensor the config has no place for: `key`. */
  | 'unexpected-tensor'
  /** Merging a prompt method: there is no weight to add it to: `name`, `method`. */
  | 'cannot-merge'
  /** Continuing training (or restoring a best point) of an adapter that is not LoRA: `name`, `method`. */
  | 'lora-only';

export const ADAPTER_ERROR_CODES = codesOf<AdapterErrorCode>({
  'bad-json': 0,
  'unknown-peft-type': 0,
  'layer-missing': 0,
  'shape-mismatch': 0,
  'missing-tensor': 0,
  'unexpected-tensor': 0,
  'cannot-merge': 0,
  'lora-only': 0,
});

export class AdapterError extends Error {
  override name = 'AdapterError';
  constructor(readonly code: AdapterErrorCode, message: string, readonly params: MessageParams = {}) {
    super(message);
  }
}
