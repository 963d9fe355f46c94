/**
 * The fine-tuning methods the LoRA panel's comparison trains side by side on
 * the same text, batches, steps and seed, with the ids a link writes them
 * under and the learning rate each starts from.
 */
export type AdaptationMethod = 'LoRA' | 'full fine-tuning' | 'AdaLoRA' | 'prompt tuning' | 'P-tuning' | 'prefix tuning';

/** In the order the comparison runs them: full fine-tuning last, since it is the one that changes the copy's weights. */
export const ADAPTATION_METHODS: readonly AdaptationMethod[] = ['LoRA', 'AdaLoRA', 'prompt tuning', 'P-tuning', 'prefix tuning', 'full fine-tuning'];

/** Link ids (`lora_compare=lora,full`). */
export const METHOD_IDS: Record<AdaptationMethod, string> = {
  LoRA: 'lora',
  'full fine-tuning': 'full',
  AdaLoRA: 'adalora',
  'prompt tuning': 'prompt',
  'P-tuning': 'ptuning',
  'prefix tuning': 'prefix',
};

/** The comparison's methods from a link's comma-separated ids, in run order; ids it does not know are returned apart. */
export function parseMethods(text: string): { methods: AdaptationMethod[]; unknown: string[] } {
  const ids = text.split(',').map((s) => s.trim().toLowerCase()).filter(Boolean);
  const unknown = ids.filter((id) => !Object.values(METHOD_IDS).includes(id));
  const methods = ADAPTATION_METHODS.filter((m) => ids.includes(METHOD_IDS[m]));
  return { methods, unknown };
}

export function formatMethods(methods: readonly AdaptationMethod[]): string {
  return ADAPTATION_METHODS.filter((m) => methods.includes(m)).map((m) => METHOD_IDS[m]).join(',');
}

/**
 * Learning rates for the prompt-learning methods, the ones PEFT's example
 * notebooks train them with (prompt tuning of a causal LM 3e-2, prefix tuning
 * 1e-2, P-tuning 1e-3). A handful of
 * virtual tokens must move far from a random start, so prompt and prefix
 * tuning use rates far above LoRA's; P-tuning's encoder is a whole MLP.
 * LoRA and AdaLoRA use the panel's rate, full fine-tuning its own smaller one.
 */
export const PROMPT_LEARNING_RATES: Record<'prompt tuning' | 'P-tuning' | 'prefix tuning', number> = {
  'prompt tuning': 3e-2,
  'P-tuning': 1e-3,
  'prefix tuning': 1e-2,
};

/** Virtual tokens of the comparison's prompt-learning runs: a few, beside windows of 64 tokens. */
export const COMPARISON_VIRTUAL_TOKENS = 8;
