// The vocabulary expansion's figures as chart data: nats per character over
// the steps (held-out Chinese, and English for forgetting) with the base
// model's figure as a guide line, and the 汉字 one window holds before and after.
// Pure functions of plain numbers.

import type { Bar } from '../../charts/barChart.ts';
import type { LineChartData } from '../../charts/lineChart.ts';
import type { VocabMeasure, VocabPoint } from '../../engine/vocabProtocol.ts';
import { t } from '../../i18n/index.ts';

export const VOCAB_COLORS = { zh: '#c0392b', en: '#1f5fa8', base: '#9aa3ae', expanded: '#2e8b57' };

/** One curve of nats per character over the steps, with the base model (byte tokens) as a guide line. */
export function lossCurve(points: readonly VocabPoint[], which: 'zh' | 'en', base: VocabMeasure | null, xMax: number): LineChartData {
  const key = which === 'zh' ? 'zhPerChar' : 'enPerChar';
  return {
    series: [
      {
        id: which,
        label: t(which === 'zh' ? 'vocab:chart.zh' : 'vocab:chart.en'),
        color: VOCAB_COLORS[which],
        dots: true,
        points: points.map((p) => ({ x: p.step, y: p[key] })).filter((p) => Number.isFinite(p.y)),
      },
    ],
    references: base ? [{ y: base[key], label: t('vocab:chart.base') }] : [],
    xMax,
  };
}

/** 汉字 of the held-out text that fit one context window, before and after. */
export function windowBars(base: VocabMeasure, expanded: VocabMeasure): Bar[] {
  return [
    { id: 'base', label: t('vocab:window.base'), value: base.hanPerWindow, color: VOCAB_COLORS.base },
    { id: 'expanded', label: t('vocab:window.expanded'), value: expanded.hanPerWindow, color: VOCAB_COLORS.expanded },
  ];
}
