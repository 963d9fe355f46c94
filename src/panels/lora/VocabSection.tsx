// Vocabulary expansion (词表扩增) in the LoRA panel: the learner chooses K,
// steps, what trains and the Chinese text, runs the worker's vocabExpand
// (engine/handlers/vocab.ts) and watches the held-out Chinese loss per
// character fall and the English one rise; then downloads the expanded
// checkpoint as a Hugging Face folder. The settings live in this section only.

import { useState } from 'react';
import type { PlaygroundState } from '../../state/schema.ts';
import { useTranslation } from 'react-i18next';
import type { EngineClient } from '../../engine/client.ts';
import type { ModelInfo } from '../../engine/protocol.ts';
import type { VocabEvent, VocabExpandResult, VocabPoint, VocabPrepared, VocabStage, VocabText, VocabTrainable } from '../../engine/vocabProtocol.ts';
import { NumberInput } from '../NumberInput.tsx';
import { errorText } from '../errorText.ts';
import { formatBytes, formatFixed, formatNumber } from '../format.ts';
import { modelBaseUrl } from '../useEngine.ts';
import { useEngineJob } from '../useEngineJob.ts';
import { saveFile } from './download.ts';
import { VocabCurves, VocabPreparedView, VocabSamples, VocabTable } from './VocabResults.tsx';
import { RunProgress } from './RunProgress.tsx';

interface VocabRun {
  plannedSteps: number;
  stage: VocabStage;
  step: number;
  loss: number;
  prepared: VocabPrepared | null;
  points: VocabPoint[];
  result: VocabExpandResult | null;
}

/**
 * Defaults: about a minute on wasm (Shakespeare model, Tang sample, measured in Node: 1.0 s a step). Only the
 * embeddings train at 1e-2; every weight at 1e-3, since 2e-3 threw the English loss up to 4.3 nats per character on the way.
 */
// The settings live in the link (state/schema.ts: vocab_k, vocab_steps, vocab_lr, vocab_train, vocab_prompt).
const RATE: Record<VocabTrainable, number> = { embeddings: 1e-2, all: 1e-3 };

/** The Tang poems shipped with the page, and the Shakespeare the embedded model did not train on. */
const shippedText = (model: string): VocabText => ({ kind: 'folder', baseUrl: modelBaseUrl(model) ?? '', file: 'original-sample.txt' });

export function VocabSection({ client, model, state, set, blocked }: {
  client: EngineClient;
  model: ModelInfo;
  state: PlaygroundState;
  set: <K extends 'vocabK' | 'vocabSteps' | 'vocabLr' | 'vocabTrain' | 'vocabPrompt'>(key: K, value: PlaygroundState[K]) => void;
  blocked: boolean;
}) {
  const { seed, vocabK: k, vocabSteps: steps, vocabLr: learningRate, vocabTrain: trainable, vocabPrompt: prompt } = state;
  const { t } = useTranslation('vocab');
  const job = useEngineJob<VocabRun>(client);
  const { run, running } = job;
  const setK = (v: number) => set('vocabK', v);
  const setSteps = (v: number) => set('vocabSteps', v);
  const setLearningRate = (v: number) => set('vocabLr', v);
  const setTrainable = (v: VocabTrainable) => set('vocabTrain', v);
  const setPrompt = (v: string) => set('vocabPrompt', v);
  const [textKind, setTextKind] = useState<'tang' | 'own'>('tang');
  const [ownText, setOwnText] = useState('');
  const [downloadError, setDownloadError] = useState<string | null>(null);
  const byteBpe = model.tokenizerKind === 'byte-bpe';
  /** Each choice brings its own rate, unless the learner set another. */
  const chooseTrainable = (v: VocabTrainable) => {
    setTrainable(v);
    if (learningRate === RATE[trainable]) setLearningRate(RATE[v]);
  };

  const start = () => {
    if (running || blocked || !byteBpe) return;
    setDownloadError(null);
    const chinese: VocabText = textKind === 'tang' ? shippedText('tang') : { kind: 'text', text: ownText };
    job.start(
      'vocabExpand',
      { k, steps, learningRate, trainable, seed, chinese, english: shippedText('shakespeare'), prompt },
      { plannedSteps: steps, stage: 'reading', step: 0, loss: NaN, prepared: null, points: [], result: null },
      { event: withEvent, result: (r, result) => ({ ...r, result, prepared: result.prepared, points: result.points }) },
    );
  };

  const download = async () => {
    setDownloadError(null);
    try {
      const files = await client.call('vocabExport', {}).result;
      for (const [name, content] of Object.entries(files)) saveFile(name, content, name.endsWith('.json') ? 'application/json' : 'application/octet-stream');
    } catch (e) {
      setDownloadError(errorText(e));
    }
  };

  const disabled = running || blocked;
  return (
    <section className="lora-section vocab-section" aria-labelledby="vocab-title" data-testid="vocab-section">
      <h3 id="vocab-title">{t('title')}</h3>
      <p className="muted small">{t('intro')}</p>
      {!byteBpe && (
        <p className="alert warning" data-testid="vocab-needs-bpe">
          {t('needsBpe', { name: model.name })}
        </p>
      )}
      <div className="controls">
        <NumberInput label={t('k')} hint={t('kHint')} value={k} min={1} max={3000} disabled={disabled} onCommit={setK} testId="vocab-k" />
        <NumberInput label={t('steps')} value={steps} min={1} max={1000} disabled={disabled} onCommit={setSteps} testId="vocab-steps" />
        <NumberInput label={t('learningRate')} value={learningRate} min={1e-5} max={0.05} step="any" disabled={disabled} onCommit={setLearningRate} testId="vocab-lr" />
      </div>
      <fieldset className="lora-compare-methods">
        <legend className="field-label">{t('trainable.legend')}</legend>
        {(['all', 'embeddings'] as const).map((v) => (
          <label key={v} className="checkbox">
            <input type="radio" name="vocab-trainable" value={v} checked={trainable === v} disabled={disabled} onChange={() => chooseTrainable(v)} data-testid={`vocab-trainable-${v}`} />
            {t(`trainable.${v}`)}
          </label>
        ))}
      </fieldset>
      <fieldset className="lora-compare-methods">
        <legend className="field-label">{t('text.legend')}</legend>
        {(['tang', 'own'] as const).map((v) => (
          <label key={v} className="checkbox">
            <input type="radio" name="vocab-text" value={v} checked={textKind === v} disabled={disabled} onChange={() => setTextKind(v)} data-testid={`vocab-text-${v}`} />
            {t(`text.${v}`)}
          </label>
        ))}
      </fieldset>
      {textKind === 'own' && (
        <textarea className="lora-text" rows={5} value={ownText} disabled={disabled} placeholder={t('text.placeholder')} aria-label={t('text.own')} onChange={(e) => setOwnText(e.target.value)} data-testid="vocab-own-text" />
      )}
      <p className="muted small">{t('text.split')}</p>
      <label className="field">
        <span className="field-label">{t('prompt')}</span>
        <input type="text" value={prompt} disabled={disabled} onChange={(e) => setPrompt(e.target.value)} data-testid="vocab-prompt" />
      </label>
      <div className="controls">
        <div className="buttons">
          <button type="button" data-testid="vocab-run" disabled={disabled || !byteBpe || prompt.length === 0} onClick={start}>
            {t('run')}
          </button>
          <button type="button" data-testid="vocab-stop" disabled={!running} onClick={job.stop}>
            {t('stop')}
          </button>
        </div>
      </div>
      {run && (
        <div data-testid="vocab-run-view" data-state={run.status}>
          <RunProgress error={run.error} label={t('progressLabel')} done={run.step} total={run.plannedSteps} barTestId="vocab-progress" live>
            {running && (run.stage === 'training' && run.step > 0
              ? t('progress', { step: formatNumber(run.step), steps: formatNumber(run.plannedSteps), loss: formatFixed(run.loss, 3) })
              : t(`stage.${run.stage}`))}
            {run.status === 'stopped' && run.result && t('stopped', { steps: formatNumber(run.result.steps) })}
            {run.result && ` ${t('stepTime', { ms: formatNumber(Math.round(run.result.medianStepMs)) })}`}
          </RunProgress>
          {run.prepared && <VocabPreparedView prepared={run.prepared} />}
          {run.points.length > 0 && <VocabCurves points={run.points} base={run.prepared?.base ?? null} xMax={run.plannedSteps} />}
          {run.prepared && <VocabTable prepared={run.prepared} result={run.result} />}
          {run.result && (
            <>
              <VocabSamples result={run.result} />
              <div className="buttons">
                <button type="button" data-testid="vocab-download" onClick={download}>
                  {t('download')}
                </button>
              </div>
              <p className="muted small">{t('downloadNote', { size: formatBytes(run.result.checkpointBytes) })}</p>
              {downloadError && (
                <p className="alert error" role="alert">
                  {downloadError}
                </p>
              )}
            </>
          )}
        </div>
      )}
    </section>
  );
}

function withEvent(r: VocabRun, event: VocabEvent): VocabRun {
  switch (event.type) {
    case 'stage':
      return { ...r, stage: event.stage };
    case 'prepared':
      return { ...r, prepared: event.prepared };
    case 'step':
      return { ...r, step: event.step, loss: event.loss };
    case 'point':
      return { ...r, points: [...r.points, event.point] };
  }
  return r;
}
