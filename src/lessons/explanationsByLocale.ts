// The explanation beside a panel in the reader's language. The English texts
// (explanations.ts) are also the LoRA panel's default new text; the Chinese
// ones (zh/*.ts) are written for Chinese readers, not translated word for word,
// and make the same claims (tests/lessons/explanations.node.test.ts guards both).

import { ATTENTION, LORA, REPETITION, type Explanation } from './explanations.ts';
import { ATTENTION_ZH } from './zh/attention.ts';
import { LORA_ZH } from './zh/lora.ts';
import { REPETITION_ZH } from './zh/repetition.ts';

export type ExplanationId = 'repetition' | 'attention' | 'lora';

const BY_LOCALE: Record<'en' | 'zh', Record<ExplanationId, Explanation>> = {
  en: { repetition: REPETITION, attention: ATTENTION, lora: LORA },
  zh: { repetition: REPETITION_ZH, attention: ATTENTION_ZH, lora: LORA_ZH },
};

export function explanationFor(id: ExplanationId, locale: 'en' | 'zh'): Explanation {
  return BY_LOCALE[locale][id];
}
