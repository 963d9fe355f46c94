// Loss curves of adapter training as line-chart data: the new text's and the
// original corpus's validation loss (forgetting), and the noisy per-step
// training loss behind them. Pure functions of plain numbers.

import type { AdaptationPoint } from '../../lora/experiment.ts';
import type { LineChartData, LineSeries } from '../../charts/lineChart.ts';
import { t } from '../../i18n/index.ts';
import { ADAPTATION_METHODS, type AdaptationMethod, METHOD_IDS } from '../../peft/methods.ts';

export const COLORS = {
  train: '#9bb4d3',
  newText: '#d9822b',
  original: '#7b4ea3',
};

export interface StepLoss {
  step: number;
  loss: number;
}

const finite = (p: { y: number }) => Number.isFinite(p.y);

export function trainingCurves(points: readonly AdaptationPoint[], steps: readonly StepLoss[], xMax: number): LineChartData {
  const series: LineSeries[] = [];
  if (steps.length) {
    series.push({ id: 'train', label: t('lora:curves.train'), color: COLORS.train, faint: true, points: steps.map((s) => ({ x: s.step, y: s.loss })) });
  }
  series.push(
    { id: 'new', label: t('lora:curves.newText'), color: COLORS.newText, dots: true, points: points.map((p) => ({ x: p.step, y: p.newTextLoss })).filter(finite) },
    { id: 'original', label: t('lora:curves.original'), color: COLORS.original, dots: true, points: points.map((p) => ({ x: p.step, y: p.originalLoss })).filter(finite) },
  );
  return { series, xMax };
}

/** A colour per method, the same in every chart of the comparison. */
export const METHOD_COLORS: Record<AdaptationMethod, string> = {
  LoRA: '#1f5fa8',
  'full fine-tuning': '#c0392b',
  AdaLoRA: '#2e8b57',
  'prompt tuning': '#d9822b',
  'P-tuning': '#7b4ea3',
  'prefix tuning': '#8a6d3b',
};

/** One line per method of one validation loss (new text, or the original corpus: forgetting). */
export function comparisonCurves(
  points: Partial<Record<AdaptationMethod, readonly AdaptationPoint[]>>,
  key: 'newTextLoss' | 'originalLoss',
  xMax: number,
  label: (m: AdaptationMethod) => string,
): LineChartData {
  const series: LineSeries[] = ADAPTATION_METHODS.filter((m) => points[m]?.length).map((m) => ({
    id: `${METHOD_IDS[m]}-${key === 'newTextLoss' ? 'new' : 'original'}`,
    label: label(m),
    color: METHOD_COLORS[m],
    dots: true,
    points: points[m]!.map((p) => ({ x: p.step, y: p[key] })).filter(finite),
  }));
  return { series, xMax };
}

/** AdaLoRA's ranks: one line per adapted matrix, and the average rank the budget allows (budget ÷ matrices), dashed. */
export function rankCurves(
  ranks: readonly { name: string; points: readonly { step: number; rank: number }[] }[],
  budget: readonly { step: number; budget: number }[],
  xMax: number,
  budgetLabel: string,
): LineChartData {
  const palette = ['#1f5fa8', '#c0392b', '#2e8b57', '#d9822b', '#7b4ea3', '#8a6d3b', '#17becf', '#bcbd22'];
  const series: LineSeries[] = ranks.map((r, i) => ({
    id: `rank-${r.name}`,
    label: r.name.replace(/^transformer\./, ''),
    color: palette[i % palette.length],
    points: r.points.map((p) => ({ x: p.step, y: p.rank })),
  }));
  if (ranks.length) {
    series.push({ id: 'budget', label: budgetLabel, color: '#555', faint: true, points: budget.map((b) => ({ x: b.step, y: b.budget / ranks.length })) });
  }
  return { series, xMax };
}

/** First and last value of a loss over a run, and how far it moved. */
export function lossChange(points: readonly AdaptationPoint[], key: 'newTextLoss' | 'originalLoss'): { first: number; last: number; change: number } | null {
  const values = points.map((p) => p[key]).filter(Number.isFinite);
  if (values.length === 0) return null;
  const first = values[0];
  const last = values[values.length - 1];
  return { first, last, change: last - first };
}
