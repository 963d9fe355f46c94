// Every namespace of every locale, in one table for i18next.

import commonEn from './locales/en/common.ts';
import commonZh from './locales/zh/common.ts';
import modelsEn from './locales/en/models.ts';
import modelsZh from './locales/zh/models.ts';
import ownTextEn from './locales/en/ownText.ts';
import ownTextZh from './locales/zh/ownText.ts';
import samplingEn from './locales/en/sampling.ts';
import samplingZh from './locales/zh/sampling.ts';
import attentionEn from './locales/en/attention.ts';
import attentionZh from './locales/zh/attention.ts';
import loraEn from './locales/en/lora.ts';
import loraZh from './locales/zh/lora.ts';
import loraLabEn from './locales/en/loraLab.ts';
import loraLabZh from './locales/zh/loraLab.ts';
import chartsEn from './locales/en/charts.ts';
import chartsZh from './locales/zh/charts.ts';
import lessonsEn from './locales/en/lessons.ts';
import lessonsZh from './locales/zh/lessons.ts';
import sftEn from './locales/en/sft.ts';
import sftZh from './locales/zh/sft.ts';
import vocabEn from './locales/en/vocab.ts';
import vocabZh from './locales/zh/vocab.ts';

export const resources = {
  en: { common: commonEn, models: modelsEn, ownText: ownTextEn, sampling: samplingEn, attention: attentionEn, lora: loraEn, loraLab: loraLabEn, charts: chartsEn, lessons: lessonsEn, vocab: vocabEn, sft: sftEn },
  zh: { common: commonZh, models: modelsZh, ownText: ownTextZh, sampling: samplingZh, attention: attentionZh, lora: loraZh, loraLab: loraLabZh, charts: chartsZh, lessons: lessonsZh, vocab: vocabZh, sft: sftZh },
} as const;

export type Namespace = keyof (typeof resources)['en'];
export const NAMESPACES = Object.keys(resources.en) as Namespace[];
