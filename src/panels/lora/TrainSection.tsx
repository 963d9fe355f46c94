// Training an adapter in the worker: a new one from the settings, or more steps
// on the selected one. A progress bar, the live loss curves (new text and
// original corpus), Stop, and what happened if the loss blew up.

import { useMemo, useState } from 'react';
import type { EngineClient } from '../../engine/client.ts';
import type { AdapterSummary, LoraDataSummary, LoraStatus, LoraTextSource, LoraTrainEvent, LoraTrainResult, LoraWorsened } from '../../engine/loraProtocol.ts';
import type { AdaptationPoint } from '../../lora/experiment.ts';
import type { PlaygroundState } from '../../state/schema.ts';
import { createLineChart } from '../../charts/lineChart.ts';
import { ChartView } from '../ChartView.tsx';
import { formatBytes } from '../format.ts';
import { modelBaseUrl } from '../useEngine.ts';
import { useEngineJob } from '../useEngineJob.ts';
import { type StepLoss, lossChange, trainingCurves } from './curves.ts';
import { loraConfigFromState } from './settings.ts';
import { paceNote } from './pace.ts';

interface Run {
  message: string;
  adapterId: number | null;
  adapterName: string | null;
  startStep: number;
  plannedSteps: number;
  /** The adapter's evaluations before this run (continued training). */
  earlier: AdaptationPoint[];
  points: AdaptationPoint[];
  steps: (StepLoss & { ms: number })[];
  data: LoraDataSummary | null;
  trainable: number | null;
  optimizerBytes: number | null;
  result: LoraTrainResult | null;
}

const CHART = { xLabel: 'step', yLabel: 'loss (nats per token)', title: 'Adapter training: validation loss on the new text and on the original corpus', height: 250 };

export function TrainSection(props: {
  client: EngineClient;
  state: PlaygroundState;
  source: LoraTextSource;
  selected: AdapterSummary | null;
  /** Another long job (the comparison) is running. */
  blocked: boolean;
  /** What is wrong with the settings for this model (shown by the settings section); training waits for a fix. */
  configProblem: string | null;
  onRunning: (running: boolean) => void;
  onDone: (status: LoraStatus, adapterId: number) => void;
}) {
  const { client, state, source, selected, blocked, onRunning, onDone } = props;
  const job = useEngineJob<Run>(client);
  const { run, running } = job;
  const config = loraConfigFromState(state);

  const start = (continuing: AdapterSummary | null) => {
    if (running || blocked) return;
    const plannedSteps = state.loraSteps;
    const initial: Run = {
      message: 'Starting…', adapterId: continuing?.id ?? null, adapterName: continuing?.name ?? null,
      startStep: continuing?.steps ?? 0, plannedSteps, earlier: continuing?.history ?? [], points: [], steps: [], data: null,
      trainable: null, optimizerBytes: null, result: null,
    };
    onRunning(true);
    job.start(
      'loraTrain',
      {
        adapterId: continuing?.id ?? null,
        config,
        source,
        steps: plannedSteps,
        learningRate: state.loraLr,
        mixOriginal: state.loraMix,
        qlora: state.qlora === 'on',
        seed: state.seed,
        modelBaseUrl: modelBaseUrl(state.model),
      },
      initial,
      {
        event: withEvent,
        result: (r, result) => ({ ...r, result, points: result.points }),
        onResult: (result) => onDone(result.status, result.adapter.id),
        onSettled: () => onRunning(false),
      },
    );
  };

  // The curves: this run's (with the adapter's earlier history), or the selected adapter's history.
  const own = run !== null && (running || run.adapterId === selected?.id);
  const { points, chart } = useMemo(() => {
    const pts = own ? [...run.earlier, ...run.points] : (selected?.history ?? []);
    const xMax = own ? run.startStep + run.plannedSteps : Math.max(1, selected?.steps ?? 1);
    return { points: pts, chart: trainingCurves(pts, own ? run.steps : [], xMax) };
  }, [run, selected, own]);
  const last = run?.steps.at(-1);
  const newLoss = lossChange(points, 'newTextLoss');
  const originalLoss = lossChange(points, 'originalLoss');
  const done = run ? run.steps.length : 0;
  const noTargets = config.target_modules.length === 0 || props.configProblem !== null;
  const pace = running && run ? paceNote(run.steps.map((x) => x.ms), run.plannedSteps, state.backend === 'auto' ? null : state.backend) : null;

  return (
    <section className="lora-section" aria-labelledby="lora-train-title">
      <h3 id="lora-train-title">Train</h3>
      <div className="buttons lora-buttons">
        <button type="button" className="primary" data-testid="lora-train" disabled={running || blocked || noTargets} onClick={() => start(null)}>
          Train a new adapter
        </button>
        <button
          type="button" data-testid="lora-continue" disabled={running || blocked || !selected || selected.merged}
          title={selected?.merged ? 'Unmerge it first' : undefined} onClick={() => start(selected)}
        >
          {selected ? `Continue training ${selected.name.split(' ')[0]}` : 'Continue training'}
        </button>
        <button type="button" data-testid="lora-stop" disabled={!running} onClick={job.stop}>
          Stop
        </button>
      </div>

      {run && (
        <div className="training" data-testid="lora-training" data-state={run.status}>
          {run.error && (
            <p className="alert error" role="alert" data-testid="lora-train-error">
              {run.error}
            </p>
          )}
          <div
            className="progress-track" role="progressbar" aria-label="Adapter training" aria-valuemin={0} aria-valuemax={run.plannedSteps}
            aria-valuenow={done} data-testid="lora-progress"
          >
            <div className="progress-fill" style={{ width: `${(100 * done) / Math.max(1, run.plannedSteps)}%` }} />
          </div>
          <p className="train-progress" data-testid="lora-train-progress">
            {running && !last && run.message}
            {last && `${run.adapterName ?? 'Adapter'}: step ${last.step} (${done} of ${run.plannedSteps} in this run) · batch loss ${last.loss.toFixed(3)} · ${last.ms.toFixed(0)} ms per step`}
            {run.status === 'stopped' && ' — stopped.'}
            {run.status === 'done' && (run.result?.worsened ? ' — finished, but the model got worse (below).' : ' — done.')}
          </p>
          {run.data && (
            <p className="muted small" data-testid="lora-data-summary">
              {run.data.newTextCharacters.toLocaleString('en')} characters → {run.data.trainTokens.toLocaleString('en')} training and{' '}
              {run.data.newValTokens.toLocaleString('en')} validation tokens, batches of {run.data.batchSize} × {run.data.blockSize}.
              {run.trainable !== null && ` ${run.trainable.toLocaleString('en')} values train; AdamW keeps ${formatBytes(run.optimizerBytes ?? 0)} of state for them.`}{' '}
              Original corpus: {run.data.original}.
            </p>
          )}
          {pace && (
            <p className="alert warning" role="status" data-testid="lora-pace">
              {pace}
            </p>
          )}
          {run.result?.stoppedBy && (
            <p className="alert warning" role="alert" data-testid="lora-stopped-by">
              {run.result.stoppedBy}
            </p>
          )}
          {run.result?.worsened && (
            <Worsened
              client={client} adapterId={run.result.adapter.id} worsened={run.result.worsened} disabled={running || blocked}
              onRestored={(status) => onDone(status, run.result!.adapter.id)}
            />
          )}
          {run.result?.qlora && <QloraLine q={run.result.qlora} />}
        </div>
      )}

      {points.length > 0 && (
        <>
          <p className="small lora-losses">
            {newLoss && (
              <span data-testid="lora-new-loss" data-first={newLoss.first} data-last={newLoss.last}>
                New text: <strong>{newLoss.first.toFixed(3)} → {newLoss.last.toFixed(3)}</strong>
              </span>
            )}
            {originalLoss && (
              <span data-testid="lora-original-loss" data-first={originalLoss.first} data-last={originalLoss.last}>
                {' '}· original corpus: <strong>{originalLoss.first.toFixed(3)} → {originalLoss.last.toFixed(3)}</strong> (
                {originalLoss.change >= 0 ? '+' : ''}
                {originalLoss.change.toFixed(3)}: {originalLoss.change > 0.005 ? 'forgetting, while the adapter is on' : 'little forgetting'})
              </span>
            )}
          </p>
          <ChartView create={(el) => createLineChart(el, CHART)} data={chart} data-testid="lora-loss-chart" />
        </>
      )}
    </section>
  );
}

function withEvent(r: Run, event: LoraTrainEvent): Run {
  switch (event.type) {
    case 'status':
      return { ...r, message: event.message };
    case 'prepared':
      return {
        ...r, message: 'Training…', data: event.data, adapterId: event.adapterId, adapterName: event.adapterName,
        startStep: event.startStep, trainable: event.trainableParameters, optimizerBytes: event.optimizerBytes,
      };
    case 'step':
      return { ...r, steps: [...r.steps, { step: event.step, loss: event.loss, ms: event.ms }] };
    case 'point':
      return { ...r, points: [...r.points, event.point] };
  }
}

function QloraLine({ q }: { q: NonNullable<LoraTrainResult['qlora']> }) {
  return (
    <p className="small lora-qlora" data-testid="lora-qlora-report">
      <strong>QLoRA:</strong> the adapted weight matrices take {formatBytes(q.nf4Bytes)} in NF4 instead of {formatBytes(q.float32Bytes)} in float32 (
      {((100 * q.nf4Bytes) / q.float32Bytes).toFixed(0)}%; rounding error RMS {q.rmsError.toExponential(1)}). Cost in new-text loss: the base
      alone {q.baseLossFloat.toFixed(3)} → {q.baseLossNf4.toFixed(3)} when rounded; the trained adapter scores {q.adaptedLossNf4.toFixed(3)} over the
      4-bit base and {q.adaptedLossFloat.toFixed(3)} over the float32 one.
    </p>
  );
}

/** A run that made the model worse: what happened, and the way back to its best point (as a divergence restores). */
function Worsened(props: {
  client: EngineClient;
  adapterId: number;
  worsened: LoraWorsened;
  disabled: boolean;
  onRestored: (status: LoraStatus) => void;
}) {
  const { client, adapterId, worsened, disabled } = props;
  const [busy, setBusy] = useState(false);
  /** The report whose restore went through (a new run brings a new report). */
  const [restoredFor, setRestoredFor] = useState<LoraWorsened | null>(null);
  const restored = restoredFor === worsened;
  const [error, setError] = useState<string | null>(null);
  const restore = () => {
    setBusy(true);
    setError(null);
    client
      .call('loraRestoreBest', { id: adapterId })
      .result.then((r) => {
        setRestoredFor(worsened);
        props.onRestored(r.status);
      })
      .catch((e: Error) => setError(e.message))
      .finally(() => setBusy(false));
  };
  return (
    <div className="alert warning lora-worsened" role="alert" data-testid="lora-worsened">
      <p>{worsened.message}</p>
      {restored ? (
        <p data-testid="lora-restored">
          Restored: the adapter is back at step {worsened.bestStep} (new-text loss {worsened.bestLoss.toFixed(3)}).
        </p>
      ) : (
        <button type="button" data-testid="lora-restore-best" disabled={disabled || busy} onClick={restore}>
          {worsened.bestStep === 0 ? 'Restore the adapter to where this run began' : `Restore the adapter to step ${worsened.bestStep}`}
        </button>
      )}
      {error && <p className="error">{error}</p>}
    </div>
  );
}
