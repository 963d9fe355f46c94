// Full fine-tuning vs LoRA on the same text, batches and steps, both on copies
// of the embedded model: trainable parameters, optimizer memory, step time,
// the new text's loss, and how far the original corpus's loss rose.

import { useMemo } from 'react';
import type { EngineClient } from '../../engine/client.ts';
import type { ComparisonEvent, ComparisonResult, ComparisonRun, LoraTextSource } from '../../engine/loraProtocol.ts';
import type { AdaptationPoint } from '../../lora/experiment.ts';
import type { PlaygroundState } from '../../state/schema.ts';
import { formatValue } from '../../charts/lora/heatmap.ts';
import { createLineChart } from '../../charts/lineChart.ts';
import { ChartView } from '../ChartView.tsx';
import { formatBytes } from '../format.ts';
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

const CHART = { xLabel: 'step', yLabel: 'validation loss (nats per token)', title: 'Full fine-tuning vs LoRA', height: 240 };

export function ComparisonSection(props: {
  client: EngineClient;
  state: PlaygroundState;
  source: LoraTextSource;
  blocked: boolean;
  onRunning: (running: boolean) => void;
}) {
  const { client, state, source, blocked, onRunning } = props;
  const job = useEngineJob<Comparison>(client);
  const { run, running } = job;
  const config = loraConfigFromState(state);

  const start = () => {
    if (running || blocked) return;
    const initial: Comparison = {
      message: 'Starting…', plannedSteps: state.loraSteps, mix: state.loraMix, method: null, step: 0,
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

  const chart = useMemo(() => run && comparisonCurves(run.points.LoRA, run.points['full fine-tuning'], run.plannedSteps), [run]);
  const done = run ? (run.method === 'full fine-tuning' ? run.plannedSteps : 0) + (run.method ? run.step : 0) : 0;

  return (
    <section className="lora-section" aria-labelledby="lora-compare-title">
      <h3 id="lora-compare-title">Full fine-tuning vs LoRA</h3>
      <div className="controls">
        <p className="muted small grow">
          Trains a copy of the model twice on the same text, batches and {state.loraSteps} steps: once with a LoRA adapter (r = {config.r}, rate{' '}
          {state.loraLr}), once every weight (rate {fullFineTuningRate(state.loraLr)}). Mixing in original text ({Math.round(state.loraMix * 100)}% now,
          set above) is the standard cure for forgetting: run it with and without.
        </p>
        <div className="buttons">
          <button type="button" data-testid="lora-compare" disabled={running || blocked || config.target_modules.length === 0} onClick={start}>
            Compare
          </button>
          <button type="button" data-testid="lora-compare-stop" disabled={!running} onClick={job.stop}>
            Stop
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
          <div className="progress-track" role="progressbar" aria-label="Comparison" aria-valuemin={0} aria-valuemax={2 * run.plannedSteps} aria-valuenow={done}>
            <div className="progress-fill" style={{ width: `${(100 * done) / (2 * run.plannedSteps)}%` }} />
          </div>
          <p className="train-progress">
            {running && (run.method ? `${run.method}: step ${run.step} of ${run.plannedSteps}` : run.message)}
            {run.status === 'stopped' && 'Stopped.'}
          </p>
          {run.result && <ComparisonTable result={run.result} mix={run.mix} />}
          {chart && <ChartView create={(el) => createLineChart(el, CHART)} data={chart} data-testid="lora-comparison-chart" />}
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
  const runs = [result.lora, result.full].filter((r): r is ComparisonRun => r !== null);
  const change = (r: ComparisonRun, key: 'newTextLoss' | 'originalLoss') => lossChange(r.points, key);
  const rows: [string, (r: ComparisonRun) => string][] = [
    ['trainable parameters', (r) => r.trainableParameters.toLocaleString('en')],
    ['optimizer state (AdamW: 2 × fp32 per trainable value)', (r) => formatBytes(r.optimizerBytes)],
    ['median step time', (r) => `${r.medianStepMs.toFixed(0)} ms`],
    ['learning rate', (r) => String(r.learningRate)],
    ['new-text loss', (r) => fmtChange(change(r, 'newTextLoss'))],
    ['original-corpus loss (forgetting)', (r) => fmtChange(change(r, 'originalLoss'), true)],
    [
      'max |Δlogit| vs the base afterwards',
      (r) => (r.method === 'LoRA' ? `${formatValue(r.maxAbsLogitDiffAfter)} with the adapter off` : `${formatValue(r.maxAbsLogitDiffAfter)}: the weights themselves moved`),
    ],
  ];
  return (
    <>
      <table className="lora-table lora-comparison-table" data-testid="lora-comparison-table">
        <thead>
          <tr>
            <td />
            {runs.map((r) => (
              <th key={r.method}>{r.method}</th>
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
      {runs.map((r) => r.stoppedBy && <p key={r.method} className="alert warning">{r.method}: {r.stoppedBy}</p>)}
      <p className="muted small" data-testid="lora-step-time-note">
        Step time: LoRA skips the weight gradients of the frozen matrices (about a third of their training arithmetic) and
        their optimizer updates, but adds its own small products. In a model this small, trained on batches of 8 × 64
        tokens, the added operations can cost as much as the saving — compare the two times above. In a
        billion-parameter model every skipped product is large and the saving dominates; `npm run bench` measures both
        at batch 8 × 128.
      </p>
      <p className="muted small">
        {mix > 0 ? `${Math.round(mix * 100)}% of every batch was original text. ` : 'No original text was mixed in. '}
        Original corpus: {result.data.original}.
      </p>
    </>
  );
}

function fmtChange(c: { first: number; last: number; change: number } | null, rise = false): string {
  if (!c) return '—';
  const sign = c.change >= 0 ? '+' : '';
  return `${c.first.toFixed(3)} → ${c.last.toFixed(3)} (${sign}${c.change.toFixed(3)}${rise && c.change > 0 ? ' rise' : ''})`;
}
