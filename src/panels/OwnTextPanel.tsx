// "Use your own text": load a text file (or paste text), fit a tokenizer and
// train a small GPT from scratch in the page, watching the loss fall.

import { useMemo, useState } from 'react';
import type { EngineClient } from '../engine/client.ts';
import type { PreparedSummary, TrainEvent, TrainParams, TrainResult, TrainSource, TrainedFiles } from '../engine/protocol.ts';
import type { PlaygroundState, SettingKey } from '../state/schema.ts';
import { TRAINING_SIZES, countParameters, makeConfig } from '../model/config.ts';
import { type LineChartData, type LineSeries, type Point, createLineChart } from '../charts/lineChart.ts';
import { ChartView } from './ChartView.tsx';
import { NumberInput } from './NumberInput.tsx';
import { Panel } from './Panel.tsx';
import { WithNewlineMarks } from './TokenText.tsx';
import { formatBytes, formatCount } from './format.ts';
import { type JobRun, useEngineJob } from './useEngineJob.ts';
import { changeStore } from './models/workStore.ts';
import { saveFile } from './lora/download.ts';

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

const CHART_OPTIONS = { xLabel: 'step', yLabel: 'loss (nats per token)', title: 'Training and validation loss', height: 240 };

/** Parameter count of each size for a vocabulary, shown next to the choice (no tensors: plain arithmetic). */
function sizeLabel(size: 'tiny' | 'small', vocab: number): string {
  const config = makeConfig(TRAINING_SIZES[size], { vocabSize: vocab });
  return `${size} — ${config.nLayer} layers, width ${config.nEmbd}, ~${formatCount(countParameters(config))} parameters`;
}

export function OwnTextPanel(props: {
  client: EngineClient | null;
  state: PlaygroundState;
  set: <K extends SettingKey>(key: K, value: PlaygroundState[K]) => void;
  /** Makes a model (a `stored:<id>` reference) the one every panel uses. */
  onUse: (ref: string) => void;
}) {
  const { client, state, set, onUse } = props;
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
      job.fail(emptyTraining(0), 'Choose a text file or paste some text first.');
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
    <Panel id="own-text" title="Use your own text" explanation={<Explanation />}>
      <div className="source-row">
        <label className="field">
          <span className="field-label">A text file</span>
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
          <span className="field-label">…or paste text</span>
          <textarea
            rows={3}
            data-testid="train-text"
            value={pasted}
            disabled={running}
            placeholder="Paste a few thousand characters or more: a book chapter, song lyrics, code…"
            onChange={(e) => {
              setPasted(e.target.value);
              setUseFile(false);
            }}
          />
        </label>
      </div>
      <p className="muted small" data-testid="train-source">
        {source?.kind === 'file' && `Will train on the file "${source.file.name}" (${formatBytes(source.file.size)}).`}
        {source?.kind === 'text' && `Will train on the pasted text (${source.text.length.toLocaleString('en')} characters).`}
        {!source && 'No text chosen yet.'}
      </p>
      <div className="controls">
        <label className="field">
          <span className="field-label">Tokenizer</span>
          <select value={state.trainTokenizer} disabled={running} data-testid="train-tokenizer" onChange={(e) => set('trainTokenizer', e.target.value as 'bpe' | 'char')}>
            <option value="bpe">byte-level BPE</option>
            <option value="char">characters</option>
          </select>
        </label>
        <NumberInput
          label="BPE vocabulary"
          value={state.trainVocab}
          min={257}
          max={4096}
          disabled={running || state.trainTokenizer !== 'bpe'}
          testId="train-vocab"
          onCommit={(v) => set('trainVocab', v)}
        />
        <label className="field">
          <span className="field-label">Model size</span>
          <select value={state.trainSize} disabled={running} data-testid="train-size" onChange={(e) => set('trainSize', e.target.value as 'tiny' | 'small')}>
            <option value="tiny">{sizeLabel('tiny', state.trainTokenizer === 'bpe' ? state.trainVocab : 96)}</option>
            <option value="small">{sizeLabel('small', state.trainTokenizer === 'bpe' ? state.trainVocab : 96)}</option>
          </select>
        </label>
        <NumberInput label="Steps" value={state.trainSteps} min={1} max={20000} disabled={running} testId="train-steps" onCommit={(v) => set('trainSteps', v)} />
        <NumberInput label="Seed" value={state.seed} min={0} max={2 ** 32 - 1} disabled={running} testId="seed" onCommit={(v) => set('seed', v)} />
        <div className="buttons">
          <button type="button" className="primary" data-testid="train" disabled={!client || running} onClick={start}>
            Train
          </button>
          <button type="button" data-testid="stop-train" disabled={!running} onClick={job.stop}>
            Stop
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
            {running && !last && training.message}
            {last && `Step ${last.step} of ${training.plannedSteps} · loss ${last.loss.toFixed(3)} · ${last.ms.toFixed(0)} ms per step`}
            {lastEval?.valLoss != null && ` · validation loss ${lastEval.valLoss.toFixed(3)}`}
            {training.status === 'stopped' && ' — stopped.'}
            {training.status === 'done' && ' — done.'}
          </p>
          {training.summary && <LossPlot training={training} />}
          {lastEval && (
            <div className="sample">
              <span className="field-label">Greedy sample at step {lastEval.step}</span>
              <pre tabIndex={0} data-testid="train-sample">
                <WithNewlineMarks text={lastEval.sample} />
              </pre>
            </div>
          )}
          {running && (
            <p className="muted small" data-testid="train-isolated">
              The model trains on its own: every other panel keeps using the model chosen above until you choose this one.
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
  const what = source.kind === 'file' ? `the file ${source.file.name ?? ''}`.trim() : 'pasted text';
  const name = `${result.model.name}, ${result.steps} steps`;
  try {
    const entry = await changeStore((s) =>
      s.save({ kind: 'model', name, baseModel: `trained from scratch on ${what}`, files: { ...result.files } }),
    );
    return { ok: true, id: entry.id, name: entry.name, files: result.files };
  } catch (e) {
    return { ok: false, message: (e as Error).message, files: result.files };
  }
}

function KeptLine({ kept, onUse }: { kept: Kept; onUse: (ref: string) => void }) {
  const download = () => {
    for (const [name, content] of Object.entries(kept.files)) saveFile(name, content, name.endsWith('.json') ? 'application/json' : 'application/octet-stream');
  };
  return kept.ok ? (
    <p className="success" data-testid="train-done" data-stored-id={kept.id}>
      Kept in this browser as “{kept.name}” (the model picker lists it; Models… renames, downloads or deletes it).{' '}
      <button type="button" className="primary" data-testid="use-trained" onClick={() => onUse(`stored:${kept.id}`)}>
        Use it in every panel
      </button>
    </p>
  ) : (
    <p className="alert error" role="alert" data-testid="train-done">
      The model could not be kept in this browser: {kept.message}{' '}
      <button type="button" data-testid="download-trained" onClick={download}>
        Download its files
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
  return (
    <p className="muted small" data-testid="train-summary">
      {s.characters.toLocaleString('en')} characters
      {s.truncatedFrom !== null && ` (cut from ${s.truncatedFrom.toLocaleString('en')})`} →{' '}
      {s.tokenizerKind === 'char' ? 'a character' : 'a byte-level BPE'} vocabulary of {s.vocabSize} tokens; {s.trainTokens.toLocaleString('en')} training
      tokens, {s.valTokens > 0 ? `${s.valTokens.toLocaleString('en')} held out for validation` : 'none held out (the text is too short to spare a validation window)'}. Model:{' '}
      {formatCount(s.parameterCount)} parameters, batches of {s.batchSize} × {s.blockSize} tokens.
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
  const vocab = training.summary?.vocabSize ?? 0;
  const data: LineChartData = useMemo(() => {
    const series: LineSeries[] = [
      { id: 'train-raw', label: 'training loss (each step)', color: '#7aa6d8', faint: true, points: training.steps.map((p) => ({ x: p.step, y: p.loss })) },
      { id: 'train', label: 'training loss (smoothed)', color: '#1f5fa8', points: smooth(training.steps) },
    ];
    const val = training.evals.filter((e) => e.valLoss !== null).map((e) => ({ x: e.step, y: e.valLoss as number }));
    if (val.length) series.push({ id: 'val', label: 'validation loss', color: '#d9822b', dots: true, points: val });
    return { series, references: vocab ? [{ y: Math.log(vocab), label: `guessing uniformly: ln ${vocab} = ${Math.log(vocab).toFixed(2)}` }] : [], xMax: training.plannedSteps };
  }, [training.steps, training.evals, training.plannedSteps, vocab]);
  return <ChartView create={(el) => createLineChart(el, CHART_OPTIONS)} data={data} data-testid="loss-chart" />;
}

function Explanation() {
  return (
    <>
      <p>
        Training starts from random weights. First a <strong>tokenizer</strong> is fitted to your text (byte-level BPE learns
        which byte pairs to merge into tokens; the character tokenizer just uses every distinct character), then a small GPT
        reads random windows of it and learns to predict each next token.
      </p>
      <p>
        The <strong>loss</strong> is the cross-entropy of those predictions in nats per token. A model that guesses uniformly
        scores ln V for a vocabulary of V tokens (the dashed line). It falls fast as the model learns which tokens are
        common, then slowly as it learns spelling, words and phrases.
      </p>
      <p>
        The last 10% of the text is held out: the <strong>validation loss</strong> (orange) is measured on it, never trained on.
        When it stops falling while the training loss keeps going down, the model is memorising your text rather than
        learning its patterns. Everything runs in this tab; nothing is uploaded.
      </p>
    </>
  );
}
