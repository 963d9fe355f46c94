// "Use your own text": load a text file (or paste text), fit a tokenizer and
// train a small GPT from scratch in the page, watching the loss fall.

import { useMemo, useState } from 'react';
import { Trans, useTranslation } from 'react-i18next';
import { t as translate } from '../i18n/index.ts';
import type { EngineClient } from '../engine/client.ts';
import type { PreparedSummary, TrainEvent, TrainParams, TrainResult, TrainSource, TrainedFiles } from '../engine/protocol.ts';
import type { PlaygroundState, SettingKey } from '../state/schema.ts';
import { TRAINING_SIZES, countParameters, makeConfig } from '../model/config.ts';
import { type LineChartData, type LineSeries, type Point, createLineChart } from '../charts/lineChart.ts';
import { ChartView } from './ChartView.tsx';
import { NumberInput } from './NumberInput.tsx';
import { Panel } from './Panel.tsx';
import { WithNewlineMarks } from './TokenText.tsx';
import { formatBytes, formatCount, formatFixed, formatNumber } from './format.ts';
import { type JobRun, useEngineJob } from './useEngineJob.ts';
import { changeStore } from './models/workStore.ts';
import { saveFile } from './lora/download.ts';
import { errorText } from './errorText.ts';

interface StepPoint {
  step: number;
  loss: number;
  ms: number;
}

interface EvalPoint {
  step: number;
  valLoss: number | null;
  sample: string;
}

interface Training {
  message: string;
  summary: PreparedSummary | null;
  steps: StepPoint[];
  evals: EvalPoint[];
  plannedSteps: number;
  result: TrainResult | null;
}

/** The chart's words, read when it is (re)created: it is recreated when the language changes. */
const chartOptions = () => ({
  xLabel: translate('ownText:chart.x'),
  yLabel: translate('ownText:chart.y'),
  title: translate('ownText:chart.title'),
  height: 240,
});

/** Parameter count of each size for a vocabulary, shown next to the choice (no tensors: plain arithmetic). */
function sizeLabel(size: 'tiny' | 'small', vocab: number): string {
  const config = makeConfig(TRAINING_SIZES[size], { vocabSize: vocab });
  const values = { layers: formatNumber(config.nLayer), width: formatNumber(config.nEmbd), params: formatCount(countParameters(config)) };
  return size === 'tiny' ? translate('ownText:controls.sizeTiny', values) : translate('ownText:controls.sizeSmall', values);
}

/** The worker's status lines (English, without codes) in the reader's language when this table knows them. */
function statusText(message: string): string {
  const known: Record<string, 'reading' | 'fittingBpe' | 'collectingChars' | 'starting' | 'training'> = {
    'Reading the text…': 'reading',
    'Fitting a byte-level BPE tokenizer…': 'fittingBpe',
    'Collecting the characters…': 'collectingChars',
    'Starting…': 'starting',
    'Training…': 'training',
  };
  const key = known[message];
  return key ? translate(`ownText:progress.${key}`) : message;
}

export function OwnTextPanel(props: {
  client: EngineClient | null;
  state: PlaygroundState;
  set: <K extends SettingKey>(key: K, value: PlaygroundState[K]) => void;
  /** Makes a model (a `stored:<id>` reference) the one every panel uses. */
  onUse: (ref: string) => void;
}) {
  const { client, state, set, onUse } = props;
  const { t } = useTranslation('ownText');
  const [kept, setKept] = useState<Kept | null>(null);
  const [file, setFile] = useState<File | null>(null);
  const [pasted, setPasted] = useState('');
  const [useFile, setUseFile] = useState(true);
  const job = useEngineJob<Training>(client);
  const { run: training, running } = job;

  const source: TrainSource | null = useFile && file ? { kind: 'file', file } : pasted ? { kind: 'text', text: pasted } : file ? { kind: 'file', file } : null;

  const start = () => {
    if (!client || running) return;
    if (!source) {
      job.fail(emptyTraining(0), t('source.empty'));
      return;
    }
    const params: TrainParams = {
      source,
      tokenizer: state.trainTokenizer,
      vocabSize: state.trainVocab,
      steps: state.trainSteps,
      size: state.trainSize,
      seed: state.seed,
    };
    setKept(null);
    job.start('train', params, emptyTraining(params.steps), {
      event: withEvent,
      result: (t, result) => ({ ...t, result }),
      // Every run becomes a new entry in the browser store: nothing earlier is overwritten.
      onResult: (result) => void keep(result, source).then(setKept),
    });
  };

  const last = training?.steps[training.steps.length - 1];
  const lastEval = training?.evals[training.evals.length - 1];

  return (
    <Panel id="own-text" title={t('title')} explanation={<Explanation />}>
      <div className="source-row">
        <label className="field">
          <span className="field-label">{t('source.file')}</span>
          <input
            type="file"
            accept=".txt,.md,.csv,.tsv,.json,.html,.xml,.srt,text/*"
            data-testid="train-file"
            disabled={running}
            onChange={(e) => {
              setFile(e.target.files?.[0] ?? null);
              setUseFile(true);
            }}
          />
        </label>
        <label className="field grow">
          <span className="field-label">{t('source.paste')}</span>
          <textarea
            rows={3}
            data-testid="train-text"
            value={pasted}
            disabled={running}
            placeholder={t('source.placeholder')}
            onChange={(e) => {
              setPasted(e.target.value);
              setUseFile(false);
            }}
          />
        </label>
      </div>
      <p className="muted small" data-testid="train-source">
        {source?.kind === 'file' && t('source.willFile', { name: source.file.name, size: formatBytes(source.file.size) })}
        {source?.kind === 'text' && t('source.willText', { count: formatNumber(source.text.length) })}
        {!source && t('source.none')}
      </p>
      <div className="controls">
        <label className="field">
          <span className="field-label">{t('controls.tokenizer')}</span>
          <select value={state.trainTokenizer} disabled={running} data-testid="train-tokenizer" onChange={(e) => set('trainTokenizer', e.target.value as 'bpe' | 'char')}>
            <option value="bpe">{t('controls.bpe')}</option>
            <option value="char">{t('controls.char')}</option>
          </select>
        </label>
        <NumberInput
          label={t('controls.vocab')}
          value={state.trainVocab}
          min={257}
          max={4096}
          disabled={running || state.trainTokenizer !== 'bpe'}
          testId="train-vocab"
          onCommit={(v) => set('trainVocab', v)}
        />
        <label className="field">
          <span className="field-label">{t('controls.size')}</span>
          <select value={state.trainSize} disabled={running} data-testid="train-size" onChange={(e) => set('trainSize', e.target.value as 'tiny' | 'small')}>
            <option value="tiny">{sizeLabel('tiny', state.trainTokenizer === 'bpe' ? state.trainVocab : 96)}</option>
            <option value="small">{sizeLabel('small', state.trainTokenizer === 'bpe' ? state.trainVocab : 96)}</option>
          </select>
        </label>
        <NumberInput label={t('controls.steps')} value={state.trainSteps} min={1} max={20000} disabled={running} testId="train-steps" onCommit={(v) => set('trainSteps', v)} />
        <NumberInput label={t('controls.seed')} value={state.seed} min={0} max={2 ** 32 - 1} disabled={running} testId="seed" onCommit={(v) => set('seed', v)} />
        <div className="buttons">
          <button type="button" className="primary" data-testid="train" disabled={!client || running} onClick={start}>
            {t('controls.train')}
          </button>
          <button type="button" data-testid="stop-train" disabled={!running} onClick={job.stop}>
            {t('controls.stop')}
          </button>
        </div>
      </div>

      {training && (
        <div className="training" data-testid="training" data-state={training.status}>
          {training.error && (
            <p className="alert error" role="alert" data-testid="train-error">
              {training.error}
            </p>
          )}
          {training.summary && <SummaryLine summary={training.summary} />}
          <p className="train-progress" data-testid="train-progress">
            {running && !last && statusText(training.message)}
            {last &&
              t('progress.step', {
                step: formatNumber(last.step),
                planned: formatNumber(training.plannedSteps),
                loss: formatFixed(last.loss, 3),
                ms: formatFixed(last.ms, 0),
              })}
            {lastEval?.valLoss != null && t('progress.valLoss', { loss: formatFixed(lastEval.valLoss, 3) })}
            {training.status === 'stopped' && t('progress.stopped')}
            {training.status === 'done' && t('progress.done')}
          </p>
          {training.summary && <LossPlot training={training} />}
          {lastEval && (
            <div className="sample">
              <span className="field-label">{t('sample', { step: formatNumber(lastEval.step) })}</span>
              <pre tabIndex={0} data-testid="train-sample">
                <WithNewlineMarks text={lastEval.sample} />
              </pre>
            </div>
          )}
          {running && (
            <p className="muted small" data-testid="train-isolated">
              {t('isolated')}
            </p>
          )}
          {(training.status === 'done' || training.status === 'stopped') && kept && <KeptLine kept={kept} onUse={onUse} />}
        </div>
      )}
    </Panel>
  );
}

type Kept = { files: TrainedFiles } & ({ ok: true; id: string; name: string } | { ok: false; message: string });

/** Saves a finished run as a new model in the browser store; a refusal keeps the files in the page for download. */
async function keep(result: TrainResult, source: TrainSource): Promise<Kept> {
  const name = translate('ownText:kept.entryName', { model: result.model.name, steps: result.steps });
  const baseModel = source.kind === 'file' ? translate('ownText:kept.fromFile', { name: source.file.name ?? '' }) : translate('ownText:kept.fromText');
  try {
    const entry = await changeStore((s) =>
      s.save({ kind: 'model', name, baseModel, files: { ...result.files } }),
    );
    return { ok: true, id: entry.id, name: entry.name, files: result.files };
  } catch (e) {
    return { ok: false, message: errorText(e), files: result.files };
  }
}

function KeptLine({ kept, onUse }: { kept: Kept; onUse: (ref: string) => void }) {
  const { t } = useTranslation('ownText');
  const download = () => {
    for (const [name, content] of Object.entries(kept.files)) saveFile(name, content, name.endsWith('.json') ? 'application/json' : 'application/octet-stream');
  };
  return kept.ok ? (
    <p className="success" data-testid="train-done" data-stored-id={kept.id}>
      {t('kept.saved', { name: kept.name })}{' '}
      <button type="button" className="primary" data-testid="use-trained" onClick={() => onUse(`stored:${kept.id}`)}>
        {t('kept.use')}
      </button>
    </p>
  ) : (
    <p className="alert error" role="alert" data-testid="train-done">
      {t('kept.failed', { message: kept.message })}{' '}
      <button type="button" data-testid="download-trained" onClick={download}>
        {t('kept.download')}
      </button>
    </p>
  );
}

function emptyTraining(plannedSteps: number): Training {
  return { message: 'Starting…', summary: null, steps: [], evals: [], plannedSteps, result: null };
}

function withEvent(t: Training, event: TrainEvent): Training {
  switch (event.type) {
    case 'status':
      return { ...t, message: event.message };
    case 'prepared':
      return { ...t, summary: event.summary, message: 'Training…' };
    case 'step':
      return { ...t, steps: [...t.steps, { step: event.step, loss: event.loss, ms: event.ms }] };
    case 'eval':
      return { ...t, evals: [...t.evals, { step: event.step, valLoss: event.valLoss, sample: event.sample }] };
  }
}

function SummaryLine({ summary: s }: { summary: PreparedSummary }) {
  const { t } = useTranslation('ownText');
  const vocab = formatNumber(s.vocabSize);
  return (
    <p className="muted small" data-testid="train-summary">
      {t('summary.characters', { count: formatNumber(s.characters) })}
      {s.truncatedFrom !== null && t('summary.cutFrom', { count: formatNumber(s.truncatedFrom) })} →{' '}
      {s.tokenizerKind === 'char' ? t('summary.vocabChar', { vocab }) : t('summary.vocabBpe', { vocab })}
      {t('load.semicolon', { ns: 'common' })}
      {t('summary.tokens', { train: formatNumber(s.trainTokens) })}
      {s.valTokens > 0 ? t('summary.heldOut', { val: formatNumber(s.valTokens) }) : t('summary.noneHeldOut')}
      {t('load.sentenceEnd', { ns: 'common' })}
      {t('summary.model', { params: formatCount(s.parameterCount), batch: formatNumber(s.batchSize), block: formatNumber(s.blockSize) })}
    </p>
  );
}

/** Exponential moving average: the per-step loss is noisy (each batch is a different random sample). */
function smooth(points: StepPoint[], alpha = 0.25): Point[] {
  let avg = NaN;
  return points.map((p) => {
    avg = Number.isNaN(avg) ? p.loss : alpha * p.loss + (1 - alpha) * avg;
    return { x: p.step, y: avg };
  });
}

function LossPlot({ training }: { training: JobRun<Training> }) {
  const { t, i18n } = useTranslation('ownText');
  const vocab = training.summary?.vocabSize ?? 0;
  const data: LineChartData = useMemo(() => {
    const series: LineSeries[] = [
      { id: 'train-raw', label: t('chart.trainRaw'), color: '#7aa6d8', faint: true, points: training.steps.map((p) => ({ x: p.step, y: p.loss })) },
      { id: 'train', label: t('chart.train'), color: '#1f5fa8', points: smooth(training.steps) },
    ];
    const val = training.evals.filter((e) => e.valLoss !== null).map((e) => ({ x: e.step, y: e.valLoss as number }));
    if (val.length) series.push({ id: 'val', label: t('chart.val'), color: '#d9822b', dots: true, points: val });
    return { series, references: vocab ? [{ y: Math.log(vocab), label: t('chart.uniform', { vocab: formatNumber(vocab), value: formatFixed(Math.log(vocab), 2) }) }] : [], xMax: training.plannedSteps };
  }, [training.steps, training.evals, training.plannedSteps, vocab, t]);
  return <ChartView create={(el) => createLineChart(el, chartOptions())} data={data} recreate={[i18n.language]} data-testid="loss-chart" />;
}

function Explanation() {
  const { t } = useTranslation('ownText');
  return (
    <>
      <p>
        <Trans t={t} i18nKey="explanation.p1" components={{ b: <strong /> }} />
      </p>
      <p>
        <Trans t={t} i18nKey="explanation.p2" components={{ b: <strong /> }} />
      </p>
      <p>
        <Trans t={t} i18nKey="explanation.p3" components={{ b: <strong /> }} />
      </p>
    </>
  );
}
