// Instruction tuning (SFT) in the LoRA panel: a conversation written with the
// chat template, its tokens coloured by whether the loss counts them (labels
// −100 greyed), and three runs from the same copy of the model — loss on all
// tokens, on the answers only, and on the answers with original text mixed in
// — with their curves, a table of the measures and what the model writes.
// The method is any of the comparison's (full fine-tuning, LoRA, AdaLoRA,
// prompt tuning, P-tuning, prefix tuning); SftMethods.tsx runs them all.

import { useMemo } from 'react';
import { useTranslation } from 'react-i18next';
import type { EngineClient } from '../../engine/client.ts';
import type { SftArmId, SftArmResult, SftEvent, SftPrepared, SftResult } from '../../engine/loraProtocol.ts';
import type { SftPoint } from '../../train/sftRun.ts';
import type { PlaygroundState } from '../../state/schema.ts';
import type { LineChartData } from '../../charts/lineChart.ts';
import { createLineChart } from '../../charts/lineChart.ts';
import { ADAPTATION_METHODS, type AdaptationMethod, COMPARISON_VIRTUAL_TOKENS, METHOD_IDS, PROMPT_LEARNING_RATES } from '../../peft/methods.ts';
import { ChartView } from '../ChartView.tsx';
import { formatNumber, formatPercent } from '../format.ts';
import { modelBaseUrl } from '../useEngine.ts';
import { useEngineJob } from '../useEngineJob.ts';
import { statusText } from './workerText.ts';
import { fullFineTuningRate, loraConfigFromState } from './settings.ts';
import { MARKERS, SftSamples, SftTable, armLabel } from './SftResults.tsx';
import { SftMethods } from './SftMethods.tsx';
import { RunProgress } from './RunProgress.tsx';

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
  // In the link (sft_method, the ids lora_compare uses), as every other setting.
  const method = ADAPTATION_METHODS.find((m) => METHOD_IDS[m] === state.sftMethod) ?? 'LoRA';
  const setMethod = (m: AdaptationMethod) => set('sftMethod', METHOD_IDS[m] as PlaygroundState['sftMethod']);
  const config = loraConfigFromState(state);
  const mix = state.loraMix > 0 ? state.loraMix : DEFAULT_MIX;
  const rateOf = (m: AdaptationMethod) =>
    m === 'full fine-tuning' ? fullFineTuningRate(state.loraLr) : m === 'LoRA' || m === 'AdaLoRA' ? state.loraLr : PROMPT_LEARNING_RATES[m];
  const rate = rateOf(method);
  const needsTargets = method === 'LoRA' || method === 'AdaLoRA';

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
        {ADAPTATION_METHODS.map((m) => (
          <label className="checkbox" key={m}>
            <input
              type="radio" name="sft-method" data-testid={`lora-sft-${METHOD_IDS[m]}`} checked={method === m} disabled={running}
              onChange={() => setMethod(m)}
            />
            {t(`methods.${METHOD_IDS[m] as 'lora'}`, { r: config.r, rate: rateOf(m), n: COMPARISON_VIRTUAL_TOKENS })}
          </label>
        ))}
      </fieldset>
      <p className="muted small">{t('methodNote', { ...MARKERS, added: Object.keys(MARKERS).length })}</p>
      <div className="controls">
        <div className="buttons">
          <button type="button" data-testid="lora-sft-run" disabled={running || blocked || (needsTargets && config.target_modules.length === 0)} onClick={start}>
            {t('run')}
          </button>
          <button type="button" data-testid="lora-sft-stop" disabled={!running} onClick={job.stop}>
            {t('stop')}
          </button>
        </div>
      </div>
      {run && (
        <div data-testid="lora-sft-result" data-state={run.status}>
          <RunProgress error={run.error} label={t('progressLabel')} done={done} total={total}>
            {running && (run.arm ? t('progress', { arm: armLabel(run.arm, run.mix), step: formatNumber(run.step), planned: formatNumber(run.plannedSteps) }) : statusText(run.message))}
            {run.status === 'stopped' && t('stopped')}
          </RunProgress>
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
      <SftMethods client={client} state={state} blocked={blocked || running} onRunning={onRunning} />
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
