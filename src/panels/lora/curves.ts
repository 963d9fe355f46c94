// Loss curves of adapter training as line-chart data: the new text's and the
// original corpus's validation loss (forgetting), and the noisy per-step
// training loss behind them. Pure functions of plain numbers.

import type { AdaptationPoint } from '../../lora/experiment.ts';
import type { LineChartData, LineSeries } from '../../charts/lineChart.ts';
import { t } from '../../i18n/index.ts';

export const COLORS = {
  train: '#9bb4d3',
  newText: '#d9822b',
  original: '#7b4ea3',
  loraNew: '#1f5fa8',
  loraOriginal: '#7aa6d8',
  fullNew: '#c0392b',
  fullOriginal: '#e8a09a',
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

export function comparisonCurves(lora: readonly AdaptationPoint[], full: readonly AdaptationPoint[], xMax: number): LineChartData {
  const line = (id: string, label: string, color: string, pts: readonly AdaptationPoint[], key: 'newTextLoss' | 'originalLoss'): LineSeries => ({
    id, label, color, dots: true, points: pts.map((p) => ({ x: p.step, y: p[key] })).filter(finite),
  });
  return {
    series: [
      line('lora-new', t('lora:curves.loraNew'), COLORS.loraNew, lora, 'newTextLoss'),
      line('lora-original', t('lora:curves.loraOriginal'), COLORS.loraOriginal, lora, 'originalLoss'),
      line('full-new', t('lora:curves.fullNew'), COLORS.fullNew, full, 'newTextLoss'),
      line('full-original', t('lora:curves.fullOriginal'), COLORS.fullOriginal, full, 'originalLoss'),
    ],
    xMax,
  };
}

/** First and last value of a loss over a run, and how far it moved. */
export function lossChange(points: readonly AdaptationPoint[], key: 'newTextLoss' | 'originalLoss'): { first: number; last: number; change: number } | null {
  const values = points.map((p) => p[key]).filter(Number.isFinite);
  if (values.length === 0) return null;
  const first = values[0];
  const last = values[values.length - 1];
  return { first, last, change: last - first };
}
