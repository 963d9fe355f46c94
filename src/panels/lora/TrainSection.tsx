// Training an adapter in the worker: a new one from the settings, or more steps
// on the selected one. A progress bar, the live loss curves (new text and
// original corpus), Stop, and what happened if the loss blew up.

import { useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { EngineClient } from '../../engine/client.ts';
import type { AdapterSummary, LoraDataSummary, LoraStatus, LoraTextSource, LoraTrainEvent, LoraTrainResult, LoraWorsened } from '../../engine/loraProtocol.ts';
import type { AdaptationPoint } from '../../lora/experiment.ts';
import type { PlaygroundState } from '../../state/schema.ts';
import { createLineChart } from '../../charts/lineChart.ts';
import { ChartView } from '../ChartView.tsx';
import { formatBytes, formatFixed, formatNumber, formatPercent } from '../format.ts';
import { t } from '../../i18n/index.ts';
import { modelBaseUrl } from '../useEngine.ts';
import { useEngineJob } from '../useEngineJob.ts';
import { type StepLoss, lossChange, trainingCurves } from './curves.ts';
import { loraConfigFromState, objectiveFromState } from './settings.ts';
import { paceNote } from './pace.ts';
import { originalText, statusText, stoppedText, worsenedText } from './workerText.ts';
import { errorText } from '../errorText.ts';
import { RunProgress } from './RunProgress.tsx';

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

const chartOptions = () => ({ xLabel: t('lora:train.chart.x'), yLabel: t('lora:train.chart.y'), title: t('lora:train.chart.title'), height: 250 });

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
  const { t, i18n } = useTranslation('lora');
  const lang = i18n.language;
  const job = useEngineJob<Run>(client);
  const { run, running } = job;
  const config = loraConfigFromState(state);

  const start = (continuing: AdapterSummary | null) => {
    if (running || blocked) return;
    const plannedSteps = state.loraSteps;
    const initial: Run = {
      message: t('train.starting'), adapterId: continuing?.id ?? null, adapterName: continuing?.name ?? null,
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
        objective: objectiveFromState(state),
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
  }, [run, selected, own, lang]);
  const last = run?.steps.at(-1);
  const newLoss = lossChange(points, 'newTextLoss');
  const originalLoss = lossChange(points, 'originalLoss');
  const done = run ? run.steps.length : 0;
  const noTargets = config.target_modules.length === 0 || props.configProblem !== null;
  const pace = running && run ? paceNote(run.steps.map((x) => x.ms), run.plannedSteps, state.backend === 'auto' ? null : state.backend) : null;

  return (
    <section className="lora-section" aria-labelledby="lora-train-title">
      <h3 id="lora-train-title">{t('train.title')}</h3>
      <div className="buttons lora-buttons">
        <button type="button" className="primary" data-testid="lora-train" disabled={running || blocked || noTargets} onClick={() => start(null)}>
          {t('train.trainNew')}
        </button>
        <button
          type="button" data-testid="lora-continue" disabled={running || blocked || !selected || selected.merged || selected.method !== 'LoRA'}
          title={selected?.merged ? t('train.unmergeFirst') : undefined} onClick={() => start(selected)}
        >
          {selected ? t('train.continueNamed', { name: selected.name.split(' ')[0] }) : t('train.continue')}
        </button>
        <button type="button" data-testid="lora-stop" disabled={!running} onClick={job.stop}>
          {t('train.stop')}
        </button>
      </div>

      {run && (
        <div className="training" data-testid="lora-training" data-state={run.status}>
          <RunProgress
            error={run.error} label={t('train.progressLabel')} done={done} total={run.plannedSteps}
            errorTestId="lora-train-error" barTestId="lora-progress" lineTestId="lora-train-progress"
          >
            {running && !last && statusText(run.message)}
            {last &&
              t('train.progress', {
                name: run.adapterName ?? t('train.adapter'), step: formatNumber(last.step), done: formatNumber(done), planned: formatNumber(run.plannedSteps),
                loss: formatFixed(last.loss, 3), ms: formatNumber(Math.round(last.ms)),
              })}
            {run.status === 'stopped' && t('train.stopped')}
            {run.status === 'done' && (run.result?.worsened ? t('train.doneWorse') : t('train.done'))}
          </RunProgress>
          {run.data && (
            <p className="muted small" data-testid="lora-data-summary">
              {t('train.data', {
                characters: formatNumber(run.data.newTextCharacters), train: formatNumber(run.data.trainTokens), val: formatNumber(run.data.newValTokens),
                batch: run.data.batchSize, block: run.data.blockSize,
              })}
              {run.trainable !== null && t('train.dataTrainable', { count: formatNumber(run.trainable), bytes: formatBytes(run.optimizerBytes ?? 0) })}{' '}
              {t('train.original', { original: originalText(run.data) })}
            </p>
          )}
          {pace && (
            <p className="alert warning" role="status" data-testid="lora-pace">
              {pace}
            </p>
          )}
          {run.result?.stoppedBy && (
            <p className="alert warning" role="alert" data-testid="lora-stopped-by">
              {stoppedText(run.result.stoppedBy)}
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
                {t('train.newLoss')}<strong>{formatFixed(newLoss.first, 3)} → {formatFixed(newLoss.last, 3)}</strong>
              </span>
            )}
            {originalLoss && (
              <span data-testid="lora-original-loss" data-first={originalLoss.first} data-last={originalLoss.last}>
                {t('train.originalLoss')}<strong>{formatFixed(originalLoss.first, 3)} → {formatFixed(originalLoss.last, 3)}</strong> (
                {originalLoss.change >= 0 ? '+' : ''}
                {formatFixed(originalLoss.change, 3)}: {originalLoss.change > 0.005 ? t('train.forgetting') : t('train.littleForgetting')})
              </span>
            )}
          </p>
          <ChartView create={(el) => createLineChart(el, chartOptions())} recreate={[lang]} data={chart} data-testid="lora-loss-chart" />
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
        ...r, message: t('lora:train.training'), data: event.data, adapterId: event.adapterId, adapterName: event.adapterName,
        startStep: event.startStep, trainable: event.trainableParameters, optimizerBytes: event.optimizerBytes,
      };
    case 'step':
      return { ...r, steps: [...r.steps, { step: event.step, loss: event.loss, ms: event.ms }] };
    case 'point':
      return { ...r, points: [...r.points, event.point] };
  }
}

function QloraLine({ q }: { q: NonNullable<LoraTrainResult['qlora']> }) {
  const { t } = useTranslation('lora');
  const f = (v: number) => formatFixed(v, 3);
  return (
    <p className="small lora-qlora" data-testid="lora-qlora-report">
      <strong>{t('train.qloraLabel')}</strong>{' '}
      {t('train.qloraReport', {
        nf4: formatBytes(q.nf4Bytes), float32: formatBytes(q.float32Bytes), percent: formatPercent(q.nf4Bytes / q.float32Bytes, 0),
        rms: q.rmsError.toExponential(1), baseFloat: f(q.baseLossFloat), baseNf4: f(q.baseLossNf4), adaptedNf4: f(q.adaptedLossNf4), adaptedFloat: f(q.adaptedLossFloat),
      })}
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
  const { t } = useTranslation('lora');
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
      .catch((e: Error) => setError(errorText(e)))
      .finally(() => setBusy(false));
  };
  return (
    <div className="alert warning lora-worsened" role="alert" data-testid="lora-worsened">
      <p>{worsenedText(worsened)}</p>
      {restored ? (
        <p data-testid="lora-restored">
          {t('train.restored', { step: worsened.bestStep, loss: formatFixed(worsened.bestLoss, 3) })}
        </p>
      ) : (
        <button type="button" data-testid="lora-restore-best" disabled={disabled || busy} onClick={restore}>
          {worsened.bestStep === 0 ? t('train.restoreStart') : t('train.restoreStep', { step: worsened.bestStep })}
        </button>
      )}
      {error && <p className="error">{error}</p>}
    </div>
  );
}
