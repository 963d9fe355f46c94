// The comparison's figures, one column per method, and each method's greedy
// sample beside the base model's.

import { useTranslation } from 'react-i18next';
import type { ComparisonResult, ComparisonRun } from '../../engine/loraProtocol.ts';
import { formatValue } from '../../charts/lora/heatmap.ts';
import { formatBytes, formatFixed, formatNumber, formatPercent } from '../format.ts';
import { t } from '../../i18n/index.ts';
import { methodLabel, originalText, stoppedText } from './workerText.ts';
import { lossChange } from './curves.ts';
import { WithNewlineMarks } from '../TokenText.tsx';

export function ComparisonTable({ runs, result, mix }: { runs: readonly ComparisonRun[]; result: ComparisonResult | null; mix: number }) {
  const { t } = useTranslation('lora');
  const change = (r: ComparisonRun, key: 'newTextLoss' | 'originalLoss') => lossChange(r.points, key);
  const rows: [string, (r: ComparisonRun) => string][] = [
    [t('compare.rows.trainable'), (r) => formatNumber(r.trainableParameters)],
    [t('compare.rows.saved'), (r) => (r.savedParameters === null ? formatNumber(r.trainableParameters) : formatNumber(r.savedParameters))],
    [t('compare.rows.optimizer'), (r) => formatBytes(r.optimizerBytes)],
    [t('compare.rows.stepTime'), (r) => t('compare.ms', { ms: formatNumber(Math.round(r.medianStepMs)) })],
    [t('compare.rows.learningRate'), (r) => String(r.learningRate)],
    [t('compare.rows.newText'), (r) => fmtChange(change(r, 'newTextLoss'))],
    [t('compare.rows.original'), (r) => fmtChange(change(r, 'originalLoss'), true)],
    [
      t('compare.rows.logitDiff'),
      (r) =>
        r.method === 'full fine-tuning'
          ? t('compare.weightsMoved', { diff: formatValue(r.maxAbsLogitDiffAfter) })
          : t('compare.adapterOff', { diff: formatValue(r.maxAbsLogitDiffAfter) }),
    ],
  ];
  return (
    <>
      <div className="table-scroll">
        <table className="lora-table lora-comparison-table" data-testid="lora-comparison-table">
          <thead>
            <tr>
              <td />
              {runs.map((r) => (
                <th key={r.method} scope="col">
                  {methodLabel(r.method)}
                </th>
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
      </div>
      {runs.map((r) => r.stoppedBy && <p key={r.method} className="alert warning">{methodLabel(r.method)}: {stoppedText(r.stoppedBy)}</p>)}
      <p className="muted small" data-testid="lora-step-time-note">
        {t('compare.stepTimeNote')}
      </p>
      <p className="muted small">{t('compare.promptNote')}</p>
      {result && (
        <p className="muted small">
          {mix > 0 ? t('compare.mixed', { percent: formatPercent(mix, 0) }) : t('compare.noMix')}
          {t('compare.original', { original: originalText(result.data) })}
        </p>
      )}
    </>
  );
}

export function ComparisonSamples({ result }: { result: ComparisonResult }) {
  const { t } = useTranslation('lora');
  const rows: [string, string][] = [[t('compare.baseModel'), result.baseSample], ...result.runs.map((r) => [methodLabel(r.method), r.sample] as [string, string])];
  return (
    <details className="lora-lab-continuations" data-testid="lora-comparison-samples">
      <summary>{t('compare.samples')}</summary>
      {rows.map(([label, text]) => (
        <div key={label}>
          <span className="field-label lora-lab-arm">{label}</span>
          <pre className="continuation" tabIndex={0}>
            <span className="prompt-text">
              <WithNewlineMarks text={result.prompt} />
            </span>
            <WithNewlineMarks text={text} />
          </pre>
        </div>
      ))}
    </details>
  );
}

function fmtChange(c: { first: number; last: number; change: number } | null, rise = false): string {
  if (!c) return '—';
  const sign = c.change >= 0 ? '+' : '';
  const f = (v: number) => formatFixed(v, 3);
  return `${f(c.first)} → ${f(c.last)} (${sign}${f(c.change)}${rise && c.change > 0 ? t('lora:compare.rise') : ''})`;
}
