// Instruction tuning (SFT) in the LoRA panel: a conversation written with the
// chat template, its tokens coloured by whether the loss counts them (labels
// −100 greyed), and three runs from the same copy of the model — loss on all
// tokens, on the answers only, and on the answers with original text mixed in
// — with their curves, a table of the measures and what the model writes.

import { useMemo } from 'react';
import { useTranslation } from 'react-i18next';
import type { EngineClient } from '../../engine/client.ts';
import type { SftArmId, SftArmResult, SftEvent, SftPrepared, SftResult } from '../../engine/loraProtocol.ts';
import type { SftMeasures, SftPoint } from '../../train/sftRun.ts';
import type { PlaygroundState } from '../../state/schema.ts';
import type { LineChartData } from '../../charts/lineChart.ts';
import { createLineChart } from '../../charts/lineChart.ts';
import { ChartView } from '../ChartView.tsx';
import { formatFixed, formatNumber, formatPercent } from '../format.ts';
import { t } from '../../i18n/index.ts';
import { modelBaseUrl } from '../useEngine.ts';
import { useEngineJob } from '../useEngineJob.ts';
import { statusText } from './workerText.ts';
import { fullFineTuningRate, loraConfigFromState } from './settings.ts';

const MARKERS = { user: '<|user|>', assistant: '<|assistant|>', end: '<|end|>' };
const ARM_COLORS: Record<SftArmId, string> = { all: '#c0392b', answers: '#1f5fa8', mixed: '#2e8b57' };
const DEFAULT_MIX = 0.25;

interface SftRun {
  message: string;
  plannedSteps: number;
  mix: number;
  prepared: SftPrepared | null;
  arm: SftArmId | null;
  step: number;
  points: Partial<Record<SftArmId, SftPoint[]>>;
  results: SftArmResult[];
  result: SftResult | null;
}

const armLabel = (arm: SftArmId | 'base', mix: number) => t(`sft:arms.${arm}`, { mix: formatPercent(mix, 0) });

function curves(points: SftRun['points'], key: 'answerLoss' | 'originalLoss', xMax: number, mix: number): LineChartData {
  const arms = (['all', 'answers', 'mixed'] as const).filter((a) => points[a]?.length);
  return {
    xMax,
    series: arms.map((a) => ({ id: `sft-${a}-${key}`, label: armLabel(a, mix), color: ARM_COLORS[a], dots: true, points: points[a]!.map((p) => ({ x: p.step, y: p[key] })).filter((p) => Number.isFinite(p.y)) })),
  };
}

export function SftSection(props: {
  client: EngineClient;
  state: PlaygroundState;
  set: (key: 'sftMethod', value: PlaygroundState['sftMethod']) => void;
  blocked: boolean;
  onRunning: (running: boolean) => void;
}) {
  const { client, state, set, blocked, onRunning } = props;
  const { t, i18n } = useTranslation('sft');
  const lang = i18n.language;
  const job = useEngineJob<SftRun>(client);
  const { run, running } = job;
  // In the link (sft_method), as every other setting.
  const method = state.sftMethod === 'full' ? 'full fine-tuning' : 'LoRA';
  const setMethod = (m: 'LoRA' | 'full fine-tuning') => set('sftMethod', m === 'LoRA' ? 'lora' : 'full');
  const config = loraConfigFromState(state);
  const mix = state.loraMix > 0 ? state.loraMix : DEFAULT_MIX;
  const rate = method === 'LoRA' ? state.loraLr : fullFineTuningRate(state.loraLr);

  const start = () => {
    if (running || blocked) return;
    onRunning(true);
    const initial: SftRun = { message: t('starting'), plannedSteps: state.loraSteps, mix, prepared: null, arm: null, step: 0, points: {}, results: [], result: null };
    job.start(
      'loraSft',
      { method, config, steps: state.loraSteps, learningRate: rate, mix, seed: state.seed, modelBaseUrl: modelBaseUrl(state.model) },
      initial,
      { event: withEvent, result: (r, result) => ({ ...r, result, results: result.results, prepared: result }), onSettled: () => onRunning(false) },
    );
  };

  const charts = useMemo(
    () => run && { answers: curves(run.points, 'answerLoss', run.plannedSteps, run.mix), original: curves(run.points, 'originalLoss', run.plannedSteps, run.mix) },
    [run, lang],
  );
  const total = run ? 3 * run.plannedSteps : 0;
  const done = run ? run.results.length * run.plannedSteps + (run.arm && !run.results.some((r) => r.arm === run.arm) ? run.step : 0) : 0;
  const chartOptions = (title: string) => ({ xLabel: t('chart.x'), yLabel: t('chart.y'), title, height: 200 });

  return (
    <section className="lora-section" aria-labelledby="lora-sft-title" data-testid="lora-sft">
      <h3 id="lora-sft-title">{t('title')}</h3>
      <p className="muted small">{t('intro', { ...MARKERS, steps: formatNumber(state.loraSteps), seed: state.seed, mix: formatPercent(mix, 0) })}</p>
      <fieldset className="lora-compare-methods">
        <legend className="field-label">{t('method')}</legend>
        <label className="checkbox">
          <input type="radio" name="sft-method" checked={method === 'LoRA'} disabled={running} onChange={() => setMethod('LoRA')} />
          {t('lora', { r: config.r, rate: state.loraLr })}
        </label>
        <label className="checkbox">
          <input type="radio" name="sft-method" data-testid="lora-sft-full" checked={method === 'full fine-tuning'} disabled={running} onChange={() => setMethod('full fine-tuning')} />
          {t('full', { rate: fullFineTuningRate(state.loraLr) })}
        </label>
      </fieldset>
      <div className="controls">
        <div className="buttons">
          <button type="button" data-testid="lora-sft-run" disabled={running || blocked || (method === 'LoRA' && config.target_modules.length === 0)} onClick={start}>
            {t('run')}
          </button>
          <button type="button" data-testid="lora-sft-stop" disabled={!running} onClick={job.stop}>
            {t('stop')}
          </button>
        </div>
      </div>
      {run && (
        <div data-testid="lora-sft-result" data-state={run.status}>
          {run.error && (
            <p className="alert error" role="alert">
              {run.error}
            </p>
          )}
          <div className="progress-track" role="progressbar" aria-label={t('progressLabel')} aria-valuemin={0} aria-valuemax={total} aria-valuenow={done}>
            <div className="progress-fill" style={{ width: `${(100 * done) / Math.max(1, total)}%` }} />
          </div>
          <p className="train-progress">
            {running && (run.arm ? t('progress', { arm: armLabel(run.arm, run.mix), step: formatNumber(run.step), planned: formatNumber(run.plannedSteps) }) : statusText(run.message))}
            {run.status === 'stopped' && t('stopped')}
          </p>
          {run.prepared && <ExampleView prepared={run.prepared} />}
          {charts && run.results.length + (run.arm ? 1 : 0) > 0 && (
            <div className="chart-pair">
              <ChartView create={(el) => createLineChart(el, chartOptions(t('chart.answers')))} recreate={[lang]} data={charts.answers} data-testid="lora-sft-answers-chart" />
              <ChartView create={(el) => createLineChart(el, chartOptions(t('chart.original')))} recreate={[lang]} data={charts.original} data-testid="lora-sft-original-chart" />
            </div>
          )}
          {run.prepared && run.results.length > 0 && <SftTable before={run.prepared.before} results={run.results} mix={run.mix} />}
          {run.prepared && run.results.length > 0 && <SftSamples before={run.prepared.before} results={run.results} mix={run.mix} />}
        </div>
      )}
    </section>
  );
}

function ExampleView({ prepared }: { prepared: SftPrepared }) {
  const { t } = useTranslation('sft');
  return (
    <div className="sft-example">
      <p className="small">
        {t('data', {
          language: t(`languages.${prepared.language}`), train: formatNumber(prepared.trainConversations), heldOut: formatNumber(prepared.heldOut),
          added: formatNumber(prepared.addedTokens), vocab: formatNumber(prepared.vocabSize),
        })}
      </p>
      <h4>{t('example.title')}</h4>
      <p className="sft-tokens" data-testid="lora-sft-example">
        {prepared.example.tokens.map((tok, i) => (
          <span key={i} className={`tok ${tok.counted ? 'sft-counted' : 'sft-ignored'}${tok.special ? ' sft-special' : ''}`} data-counted={tok.counted} title={tok.counted ? t('example.legendCounted') : t('example.legendIgnored')}>
            {tok.text}
          </span>
        ))}
      </p>
      <p className="muted small sft-legend">
        <span className="tok sft-counted">{t('example.legendCounted')}</span> <span className="tok sft-ignored">{t('example.legendIgnored')}</span> — {t('example.note', MARKERS)}
      </p>
    </div>
  );
}

const fixed = (x: number) => (Number.isFinite(x) ? formatFixed(x, 3) : '—');

function SftTable({ before, results, mix }: { before: SftMeasures; results: SftArmResult[]; mix: number }) {
  const { t } = useTranslation('sft');
  const rows: [string, SftMeasures][] = [[armLabel('base', mix), before], ...results.map((r) => [armLabel(r.arm, r.mix), r.after] as [string, SftMeasures])];
  const answers = results.find((r) => r.arm === 'answers');
  const mixed = results.find((r) => r.arm === 'mixed');
  const all = results.find((r) => r.arm === 'all');
  return (
    <>
      <div>
        <table className="lora-table" data-testid="lora-sft-table">
          <thead>
            <tr>
              <th scope="col">{t('columns.run')}</th>
              <th scope="col">{t('columns.answerLoss')}</th>
              <th scope="col">{t('columns.questionLoss')}</th>
              <th scope="col">{t('columns.ends', MARKERS)}</th>
              <th scope="col">{t('columns.original')}</th>
              <th scope="col">{t('columns.markers')}</th>
            </tr>
          </thead>
          <tbody>
            {rows.map(([label, m]) => (
              <tr key={label}>
                <th scope="row">{label}</th>
                <td>{fixed(m.answerLoss)}</td>
                <td>{fixed(m.questionLoss)}</td>
                <td>{formatPercent(m.endShare, 0)}</td>
                <td>{fixed(m.originalLoss)}</td>
                <td>{formatNumber(m.sampleMarkers)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <p className="muted small">{t('columnNote', { ...MARKERS, tokens: 32 })}</p>
      {answers && mixed && all && (
        <>
          <h4>{t('findings.title')}</h4>
          <p className="small" data-testid="lora-sft-findings">
            {t('findings.text', {
              before: fixed(before.originalLoss), answers: fixed(answers.after.originalLoss), mixed: fixed(mixed.after.originalLoss),
              qAll: fixed(all.after.questionLoss), qAnswers: fixed(answers.after.questionLoss),
            })}
          </p>
        </>
      )}
    </>
  );
}

function SftSamples({ before, results, mix }: { before: SftMeasures; results: SftArmResult[]; mix: number }) {
  const { t } = useTranslation('sft');
  const rows: [string, SftMeasures][] = [[armLabel('base', mix), before], ...results.map((r) => [armLabel(r.arm, r.mix), r.after] as [string, SftMeasures])];
  return (
    <div className="sft-samples">
      <h4>{t('samples.title')}</h4>
      <p className="field-label">{t('samples.free')}</p>
      {rows.map(([label, m]) => (
        <div key={label}>
          <span className="small muted">{label}</span>
          <pre className="continuation" tabIndex={0}>{m.sample}</pre>
        </div>
      ))}
      <p className="field-label">{t('samples.answers')}</p>
      {rows.map(([label, m]) => (
        <div key={label}>
          <span className="small muted">{label}</span>
          <ul className="small">
            {m.answers.slice(0, 3).map((a) => (
              <li key={a.question}>
                <strong>{a.question}</strong> → {a.answer.trim() || '∅'} {a.ended ? MARKERS.end : t('samples.noEnd', MARKERS)}
              </li>
            ))}
          </ul>
        </div>
      ))}
    </div>
  );
}

function withEvent(r: SftRun, event: SftEvent): SftRun {
  switch (event.type) {
    case 'status':
      return { ...r, message: event.message };
    case 'prepared':
      return { ...r, prepared: event };
    case 'step':
      return { ...r, arm: event.arm, step: event.step };
    case 'point':
      return { ...r, arm: event.arm, points: { ...r.points, [event.arm]: [...(r.points[event.arm] ?? []), event.point] } };
    case 'arm':
      return { ...r, results: [...r.results, event.result] };
  }
  return r;
}
