// Fine-tuning methods side by side on the same text, batches, steps and seed,
// each on a fresh start from a copy of the embedded model: full fine-tuning,
// LoRA, AdaLoRA, prompt tuning, P-tuning and prefix tuning — trainable
// parameters, optimizer memory, step time, the new text's loss, how far the
// original corpus's loss rose, and a greedy sample from each.

import { useMemo } from 'react';
import { useTranslation } from 'react-i18next';
import type { EngineClient } from '../../engine/client.ts';
import type { ComparisonEvent, ComparisonResult, ComparisonRun, LoraTextSource } from '../../engine/loraProtocol.ts';
import type { AdaptationPoint } from '../../lora/experiment.ts';
import { ADAPTATION_METHODS, type AdaptationMethod, METHOD_IDS, formatMethods, parseMethods } from '../../peft/methods.ts';
import type { PlaygroundState } from '../../state/schema.ts';
import { createLineChart } from '../../charts/lineChart.ts';
import { ChartView } from '../ChartView.tsx';
import { formatNumber, formatPercent } from '../format.ts';
import { t } from '../../i18n/index.ts';
import { methodLabel, statusText } from './workerText.ts';
import { modelBaseUrl } from '../useEngine.ts';
import { useEngineJob } from '../useEngineJob.ts';
import { comparisonCurves, rankCurves } from './curves.ts';
import { fullFineTuningRate, loraConfigFromState } from './settings.ts';
import { ComparisonTable, ComparisonSamples } from './ComparisonTable.tsx';
import { RunProgress } from './RunProgress.tsx';

interface Comparison {
  message: string;
  plannedSteps: number;
  mix: number;
  methods: AdaptationMethod[];
  method: AdaptationMethod | null;
  step: number;
  points: Partial<Record<AdaptationMethod, AdaptationPoint[]>>;
  runs: ComparisonRun[];
  result: ComparisonResult | null;
}

const chartOptions = (title: string) => ({ xLabel: t('lora:compare.chart.x'), yLabel: t('lora:compare.chart.y'), title, height: 220 });
const rankOptions = () => ({ xLabel: t('lora:compare.chart.x'), yLabel: t('lora:compare.ranks.y'), title: t('lora:compare.ranks.title'), height: 220 });

export function ComparisonSection(props: {
  client: EngineClient;
  state: PlaygroundState;
  set: (key: 'loraCompare', value: string) => void;
  source: LoraTextSource;
  blocked: boolean;
  onRunning: (running: boolean) => void;
}) {
  const { client, state, set, source, blocked, onRunning } = props;
  const { t, i18n } = useTranslation('lora');
  const lang = i18n.language;
  const job = useEngineJob<Comparison>(client);
  const { run, running } = job;
  const config = loraConfigFromState(state);
  const chosen = parseMethods(state.loraCompare).methods;
  const toggle = (m: AdaptationMethod, on: boolean) => set('loraCompare', formatMethods(on ? [...chosen, m] : chosen.filter((x) => x !== m)));

  const start = () => {
    if (running || blocked || chosen.length === 0) return;
    const initial: Comparison = {
      message: t('compare.starting'), plannedSteps: state.loraSteps, mix: state.loraMix, methods: chosen, method: null, step: 0, points: {}, runs: [], result: null,
    };
    onRunning(true);
    job.start(
      'loraCompare',
      {
        config, source, steps: state.loraSteps, learningRate: state.loraLr, fullLearningRate: fullFineTuningRate(state.loraLr),
        mixOriginal: state.loraMix, seed: state.seed, modelBaseUrl: modelBaseUrl(state.model), methods: chosen,
      },
      initial,
      { event: withEvent, result: (r, result) => ({ ...r, result, runs: result.runs }), onSettled: () => onRunning(false) },
    );
  };

  const charts = useMemo(() => {
    if (!run) return null;
    return {
      newText: comparisonCurves(run.points, 'newTextLoss', run.plannedSteps, methodLabel),
      original: comparisonCurves(run.points, 'originalLoss', run.plannedSteps, methodLabel),
    };
  }, [run, lang]);
  const ada = run?.runs.find((r) => r.method === 'AdaLoRA' && r.ranks);
  const ranks = useMemo(() => ada && rankCurves(ada.ranks!, ada.budget ?? [], run!.plannedSteps, t('compare.ranks.budget')), [ada, lang]);
  const total = run ? run.methods.length * run.plannedSteps : 0;
  const done = run ? run.runs.length * run.plannedSteps + (run.method && !run.runs.some((r) => r.method === run.method) ? run.step : 0) : 0;

  return (
    <section className="lora-section" aria-labelledby="lora-compare-title">
      <h3 id="lora-compare-title">{t('compare.title')}</h3>
      <p className="muted small">
        {t('compare.intro', {
          steps: formatNumber(state.loraSteps), r: config.r, rate: state.loraLr, fullRate: fullFineTuningRate(state.loraLr), mix: formatPercent(state.loraMix, 0),
        })}
      </p>
      <fieldset className="lora-compare-methods" data-testid="lora-compare-methods">
        <legend className="field-label">{t('compare.methods')}</legend>
        {ADAPTATION_METHODS.map((m) => (
          <label key={m} className="checkbox">
            <input type="checkbox" data-method={METHOD_IDS[m]} checked={chosen.includes(m)} disabled={running} onChange={(e) => toggle(m, e.target.checked)} />
            {methodLabel(m)}
          </label>
        ))}
      </fieldset>
      <p className="muted small">{t('compare.methodsNote')}</p>
      <div className="controls">
        <div className="buttons">
          <button type="button" data-testid="lora-compare" disabled={running || blocked || config.target_modules.length === 0 || chosen.length === 0} onClick={start}>
            {t('compare.compare')}
          </button>
          <button type="button" data-testid="lora-compare-stop" disabled={!running} onClick={job.stop}>
            {t('compare.stop')}
          </button>
        </div>
      </div>
      {run && (
        <div data-testid="lora-comparison" data-state={run.status}>
          <RunProgress error={run.error} label={t('compare.progressLabel')} done={done} total={total}>
            {running &&
              (run.method
                ? t('compare.progress', { method: methodLabel(run.method), step: formatNumber(run.step), planned: formatNumber(run.plannedSteps) })
                : statusText(run.message))}
            {run.status === 'stopped' && t('compare.stopped')}
          </RunProgress>
          {run.runs.length > 0 && <ComparisonTable runs={run.runs} result={run.result} mix={run.mix} />}
          {charts && (
            <div className="chart-pair">
              <ChartView create={(el) => createLineChart(el, chartOptions(t('compare.chart.newText')))} recreate={[lang]} data={charts.newText} data-testid="lora-comparison-chart" />
              <ChartView create={(el) => createLineChart(el, chartOptions(t('compare.chart.original')))} recreate={[lang]} data={charts.original} data-testid="lora-comparison-forgetting" />
            </div>
          )}
          {ranks && (
            <>
              <ChartView create={(el) => createLineChart(el, rankOptions())} recreate={[lang]} data={ranks} data-testid="lora-adalora-ranks" />
              <p className="muted small">{t('compare.ranks.note', { saved: formatNumber(ada!.savedParameters ?? 0), trained: formatNumber(ada!.trainableParameters) })}</p>
            </>
          )}
          {run.result && <ComparisonSamples result={run.result} />}
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
      return { ...r, methods: event.methods };
    case 'step':
      return { ...r, method: event.method, step: event.step };
    case 'point':
      return { ...r, points: { ...r.points, [event.method]: [...(r.points[event.method] ?? []), event.point] } };
    case 'run':
      return { ...r, runs: [...r.runs, event.run] };
  }
  return r;
}
