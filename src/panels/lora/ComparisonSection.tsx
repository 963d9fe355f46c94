// Full fine-tuning vs LoRA on the same text, batches and steps, both on copies
// of the embedded model: trainable parameters, optimizer memory, step time,
// the new text's loss, and how far the original corpus's loss rose.

import { useMemo } from 'react';
import { useTranslation } from 'react-i18next';
import type { EngineClient } from '../../engine/client.ts';
import type { ComparisonEvent, ComparisonResult, ComparisonRun, LoraTextSource } from '../../engine/loraProtocol.ts';
import type { AdaptationPoint } from '../../lora/experiment.ts';
import type { PlaygroundState } from '../../state/schema.ts';
import { formatValue } from '../../charts/lora/heatmap.ts';
import { createLineChart } from '../../charts/lineChart.ts';
import { ChartView } from '../ChartView.tsx';
import { formatBytes, formatFixed, formatNumber, formatPercent } from '../format.ts';
import { t } from '../../i18n/index.ts';
import { methodLabel, originalText, statusText, stoppedText } from './workerText.ts';
import { modelBaseUrl } from '../useEngine.ts';
import { useEngineJob } from '../useEngineJob.ts';
import { comparisonCurves, lossChange } from './curves.ts';
import { fullFineTuningRate, loraConfigFromState } from './settings.ts';

type Method = ComparisonRun['method'];

interface Comparison {
  message: string;
  plannedSteps: number;
  mix: number;
  method: Method | null;
  step: number;
  points: Record<Method, AdaptationPoint[]>;
  result: ComparisonResult | null;
}

const chartOptions = () => ({ xLabel: t('lora:compare.chart.x'), yLabel: t('lora:compare.chart.y'), title: t('lora:compare.chart.title'), height: 240 });

export function ComparisonSection(props: {
  client: EngineClient;
  state: PlaygroundState;
  source: LoraTextSource;
  blocked: boolean;
  onRunning: (running: boolean) => void;
}) {
  const { client, state, source, blocked, onRunning } = props;
  const { t, i18n } = useTranslation('lora');
  const lang = i18n.language;
  const job = useEngineJob<Comparison>(client);
  const { run, running } = job;
  const config = loraConfigFromState(state);

  const start = () => {
    if (running || blocked) return;
    const initial: Comparison = {
      message: t('compare.starting'), plannedSteps: state.loraSteps, mix: state.loraMix, method: null, step: 0,
      points: { LoRA: [], 'full fine-tuning': [] }, result: null,
    };
    onRunning(true);
    job.start(
      'loraCompare',
      {
        config, source, steps: state.loraSteps, learningRate: state.loraLr, fullLearningRate: fullFineTuningRate(state.loraLr),
        mixOriginal: state.loraMix, seed: state.seed, modelBaseUrl: modelBaseUrl(state.model),
      },
      initial,
      { event: withEvent, result: (r, result) => ({ ...r, result }), onSettled: () => onRunning(false) },
    );
  };

  const chart = useMemo(() => run && comparisonCurves(run.points.LoRA, run.points['full fine-tuning'], run.plannedSteps), [run, lang]);
  const done = run ? (run.method === 'full fine-tuning' ? run.plannedSteps : 0) + (run.method ? run.step : 0) : 0;

  return (
    <section className="lora-section" aria-labelledby="lora-compare-title">
      <h3 id="lora-compare-title">{t('compare.title')}</h3>
      <div className="controls">
        <p className="muted small grow">
          {t('compare.intro', {
            steps: formatNumber(state.loraSteps), r: config.r, rate: state.loraLr, fullRate: fullFineTuningRate(state.loraLr), mix: formatPercent(state.loraMix, 0),
          })}
        </p>
        <div className="buttons">
          <button type="button" data-testid="lora-compare" disabled={running || blocked || config.target_modules.length === 0} onClick={start}>
            {t('compare.compare')}
          </button>
          <button type="button" data-testid="lora-compare-stop" disabled={!running} onClick={job.stop}>
            {t('compare.stop')}
          </button>
        </div>
      </div>
      {run && (
        <div data-testid="lora-comparison" data-state={run.status}>
          {run.error && (
            <p className="alert error" role="alert">
              {run.error}
            </p>
          )}
          <div className="progress-track" role="progressbar" aria-label={t('compare.progressLabel')} aria-valuemin={0} aria-valuemax={2 * run.plannedSteps} aria-valuenow={done}>
            <div className="progress-fill" style={{ width: `${(100 * done) / (2 * run.plannedSteps)}%` }} />
          </div>
          <p className="train-progress">
            {running &&
              (run.method
                ? t('compare.progress', { method: methodLabel(run.method), step: formatNumber(run.step), planned: formatNumber(run.plannedSteps) })
                : statusText(run.message))}
            {run.status === 'stopped' && t('compare.stopped')}
          </p>
          {run.result && <ComparisonTable result={run.result} mix={run.mix} />}
          {chart && <ChartView create={(el) => createLineChart(el, chartOptions())} recreate={[lang]} data={chart} data-testid="lora-comparison-chart" />}
        </div>
      )}
    </section>
  );
}

function withEvent(r: Comparison, event: ComparisonEvent): Comparison {
  switch (event.type) {
    case 'status':
      return { ...r, message: event.message };
    case 'prepared':
      return r;
    case 'step':
      return { ...r, method: event.method, step: event.step };
    case 'point':
      return { ...r, points: { ...r.points, [event.method]: [...r.points[event.method], event.point] } };
  }
}

function ComparisonTable({ result, mix }: { result: ComparisonResult; mix: number }) {
  const { t } = useTranslation('lora');
  const runs = [result.lora, result.full].filter((r): r is ComparisonRun => r !== null);
  const change = (r: ComparisonRun, key: 'newTextLoss' | 'originalLoss') => lossChange(r.points, key);
  const rows: [string, (r: ComparisonRun) => string][] = [
    [t('compare.rows.trainable'), (r) => formatNumber(r.trainableParameters)],
    [t('compare.rows.optimizer'), (r) => formatBytes(r.optimizerBytes)],
    [t('compare.rows.stepTime'), (r) => t('compare.ms', { ms: formatNumber(Math.round(r.medianStepMs)) })],
    [t('compare.rows.learningRate'), (r) => String(r.learningRate)],
    [t('compare.rows.newText'), (r) => fmtChange(change(r, 'newTextLoss'))],
    [t('compare.rows.original'), (r) => fmtChange(change(r, 'originalLoss'), true)],
    [
      t('compare.rows.logitDiff'),
      (r) =>
        r.method === 'LoRA'
          ? t('compare.adapterOff', { diff: formatValue(r.maxAbsLogitDiffAfter) })
          : t('compare.weightsMoved', { diff: formatValue(r.maxAbsLogitDiffAfter) }),
    ],
  ];
  return (
    <>
      <table className="lora-table lora-comparison-table" data-testid="lora-comparison-table">
        <thead>
          <tr>
            <td />
            {runs.map((r) => (
              <th key={r.method}>{methodLabel(r.method)}</th>
            ))}
          </tr>
        </thead>
        <tbody>
          {rows.map(([label, cell]) => (
            <tr key={label}>
              <th scope="row">{label}</th>
              {runs.map((r) => (
                <td key={r.method} data-method={r.method}>
                  {cell(r)}
                </td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
      {runs.map((r) => r.stoppedBy && <p key={r.method} className="alert warning">{methodLabel(r.method)}: {stoppedText(r.stoppedBy)}</p>)}
      <p className="muted small" data-testid="lora-step-time-note">
        {t('compare.stepTimeNote')}
      </p>
      <p className="muted small">
        {mix > 0 ? t('compare.mixed', { percent: formatPercent(mix, 0) }) : t('compare.noMix')}
        {t('compare.original', { original: originalText(result.data) })}
      </p>
    </>
  );
}

function fmtChange(c: { first: number; last: number; change: number } | null, rise = false): string {
  if (!c) return '—';
  const sign = c.change >= 0 ? '+' : '';
  const f = (v: number) => formatFixed(v, 3);
  return `${f(c.first)} → ${f(c.last)} (${sign}${f(c.change)}${rise && c.change > 0 ? t('lora:compare.rise') : ''})`;
}
