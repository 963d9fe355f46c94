// The repetition experiments: two causes of repetition that live in training,
// each run as a pair of fresh adapters that differ in one thing — the objective
// (likelihood vs unlikelihood) or the data (biased vs deduplicated) — measured
// beside the base model with greedy seq-rep-4, P(repeat) and validation loss.
// Every setting comes from the link (the seed included), so a link replays it.

import { useTranslation } from 'react-i18next';
import type { EngineClient } from '../../engine/client.ts';
import type { LabBias, LabRowData, LoraTextSource, RepetitionLabEvent, RepetitionLabResult } from '../../engine/loraProtocol.ts';
import type { LabArmId, LabExperiment } from '../../lora/repetitionLab.ts';
import type { PlaygroundState } from '../../state/schema.ts';
import { WithNewlineMarks } from '../TokenText.tsx';
import { formatFixed, formatNumber, formatPercent } from '../format.ts';
import { modelBaseUrl } from '../useEngine.ts';
import { useEngineJob } from '../useEngineJob.ts';
import { loraConfigFromState } from './settings.ts';
import { statusText } from './workerText.ts';
import { RunProgress } from './RunProgress.tsx';

interface LabRun {
  experiment: LabExperiment;
  plannedSteps: number;
  alpha: number;
  message: string;
  prepared: boolean;
  arm: LabArmId | null;
  step: number;
  loss: number;
  prompts: string[];
  newTokens: number;
  bias: LabBias | null;
  rows: LabRowData[];
}

const ARMS: Record<LabExperiment, [LabArmId, LabArmId]> = { objective: ['mle', 'unlikelihood'], 'data-bias': ['biased', 'deduplicated'] };

/** 4 prompts, 16 tokens each, 48 new tokens: what the worker uses (engine/handlers/lora/repetitionLab.ts). */
const PROMPTS_SHOWN = 4;
const NEW_TOKENS_SHOWN = 48;

export function RepetitionLab(props: { client: EngineClient; state: PlaygroundState; source: LoraTextSource; blocked: boolean; onRunning: (running: boolean) => void }) {
  const { client, state, source, blocked, onRunning } = props;
  const { t } = useTranslation('loraLab');
  const job = useEngineJob<LabRun>(client);
  const { run, running } = job;
  const config = loraConfigFromState(state);
  const armName = (arm: LabArmId | 'base', alpha: number) => t(`arms.${arm}`, { alpha: formatNumber(alpha) });

  const start = (experiment: LabExperiment) => {
    if (running || blocked) return;
    const initial: LabRun = {
      experiment, plannedSteps: state.loraSteps, alpha: state.loraUlAlpha, message: t('starting'), prepared: false, arm: null, step: 0, loss: NaN,
      prompts: [], newTokens: NEW_TOKENS_SHOWN, bias: null, rows: [],
    };
    onRunning(true);
    job.start(
      'loraRepetitionLab',
      {
        experiment, config, source, steps: state.loraSteps, learningRate: state.loraLr, ulAlpha: state.loraUlAlpha, seed: state.seed,
        modelBaseUrl: modelBaseUrl(state.model),
      },
      initial,
      { event: withEvent, result: (r, result: RepetitionLabResult) => ({ ...r, rows: result.rows, bias: result.bias }), onSettled: () => onRunning(false) },
    );
  };

  const progress = (r: LabRun): string => {
    if (!r.prepared) return statusText(r.message);
    if (!r.arm) return t('measuringBase');
    if (r.step >= r.plannedSteps) return t('measuring', { arm: armName(r.arm, r.alpha) });
    return t('progress', { arm: armName(r.arm, r.alpha), step: formatNumber(r.step), planned: formatNumber(r.plannedSteps), loss: formatFixed(r.loss, 3) });
  };
  const armsDone = run ? run.rows.filter((x) => x.arm !== 'base').length : 0;
  const done = run ? armsDone * run.plannedSteps + (run.arm && run.step < run.plannedSteps ? run.step : 0) : 0;
  const disabled = running || blocked || config.target_modules.length === 0;

  return (
    <section className="lora-section" aria-labelledby="lora-lab-title" data-testid="lora-lab">
      <h3 id="lora-lab-title">{t('title')}</h3>
      <p className="muted small">
        {t('intro', { steps: formatNumber(state.loraSteps), rate: state.loraLr, seed: state.seed, prompts: PROMPTS_SHOWN, tokens: NEW_TOKENS_SHOWN })}
      </p>
      <div className="lora-lab-experiments">
        <div className="lora-lab-experiment">
          <h4>{t('ul.title')}</h4>
          <p className="small">{t('ul.text', { alpha: formatNumber(state.loraUlAlpha) })}</p>
          <button type="button" data-testid="lora-lab-objective" disabled={disabled} onClick={() => start('objective')}>
            {t('ul.run')}
          </button>
        </div>
        <div className="lora-lab-experiment">
          <h4>{t('bias.title')}</h4>
          <p className="small">{t('bias.text', { passages: 4, copies: 16 })}</p>
          <button type="button" data-testid="lora-lab-bias" disabled={disabled} onClick={() => start('data-bias')}>
            {t('bias.run')}
          </button>
        </div>
      </div>
      <div className="buttons lora-buttons">
        <button type="button" data-testid="lora-lab-stop" disabled={!running} onClick={job.stop}>
          {t('stop')}
        </button>
      </div>
      {run && (
        <div data-testid="lora-lab-run" data-state={run.status} data-experiment={run.experiment}>
          <RunProgress error={run.error} label={t('progressLabel')} done={done} total={2 * run.plannedSteps}>
            {running && progress(run)}
            {run.status === 'stopped' && t('stopped')}
          </RunProgress>
          {run.bias && (
            <p className="muted small" data-testid="lora-lab-bias-measured">
              {t('bias.measured', {
                share: formatPercent(run.bias.injectedShare, 0), biased: formatNumber(run.bias.biasedTokens),
                removed: formatNumber(run.bias.removed), dedup: formatNumber(run.bias.deduplicatedTokens),
              })}
            </p>
          )}
          {run.rows.length > 0 && <LabTable run={run} armName={armName} />}
        </div>
      )}
    </section>
  );
}

function withEvent(r: LabRun, event: RepetitionLabEvent): LabRun {
  switch (event.type) {
    case 'status':
      return { ...r, message: event.message };
    case 'prepared':
      return { ...r, prepared: true, prompts: event.prompts, bias: event.bias, newTokens: event.newTokens };
    case 'step':
      return { ...r, arm: event.arm, step: event.step, loss: event.loss };
    case 'row':
      return { ...r, rows: [...r.rows, event.row] };
  }
}

function LabTable({ run, armName }: { run: LabRun; armName: (arm: LabArmId | 'base', alpha: number) => string }) {
  const { t } = useTranslation('loraLab');
  const f = (v: number) => formatFixed(v, 3);
  const [a, b] = ARMS[run.experiment].map((id) => run.rows.find((x) => x.arm === id));
  const summary =
    a && b
      ? run.experiment === 'objective'
        ? t('summaryUl', { mle: f(a.seqRep4), ul: f(b.seqRep4), mleP: f(a.pRepeat), ulP: f(b.pRepeat), mleC: f(a.contextMass), ulC: f(b.contextMass), mleLoss: f(a.newTextLoss), ulLoss: f(b.newTextLoss) })
        : t('summaryBias', {
            biased: f(a.seqRep4), dedup: f(b.seqRep4), biasedP: f(a.pRepeat), dedupP: f(b.pRepeat), biasedLoss: f(a.newTextLoss), dedupLoss: f(b.newTextLoss),
          }) + (a.passageRepeat != null && b.passageRepeat != null ? ' ' + t('summaryPassage', { biased: f(a.passageRepeat), dedup: f(b.passageRepeat) }) : '')
      : null;
  const passage = run.experiment === 'data-bias' && run.rows.some((r) => r.passageRepeat != null);
  return (
    <>
      <table className="lora-table" data-testid="lora-lab-table">
        <thead>
          <tr>
            <th scope="col">{t('columns.model')}</th>
            <th scope="col">{t('columns.seqRep4')}</th>
            <th scope="col">{t('columns.pRepeat')}</th>
            <th scope="col">{t('columns.contextMass')}</th>
            {passage && <th scope="col">{t('columns.passageRepeat')}</th>}
            <th scope="col">{t('columns.newText')}</th>
            <th scope="col">{t('columns.original')}</th>
          </tr>
        </thead>
        <tbody>
          {run.rows.map((row) => (
            <tr key={row.arm} data-arm={row.arm}>
              <th scope="row">{armName(row.arm, run.alpha)}</th>
              <td data-col="seq-rep-4">{f(row.seqRep4)}</td>
              <td data-col="p-repeat">{f(row.pRepeat)}</td>
              <td data-col="context-mass">{f(row.contextMass)}</td>
              {passage && <td data-col="passage-repeat">{row.passageRepeat == null ? '—' : f(row.passageRepeat)}</td>}
              <td data-col="new-text-loss">{f(row.newTextLoss)}</td>
              <td>{f(row.originalLoss)}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <p className="muted small">{t('columnNote')}</p>
      {passage && <p className="muted small">{t('passageNote')}</p>}
      {summary && (
        <>
          <p className="small" data-testid="lora-lab-summary">
            {summary}
          </p>
          <p className="muted small">{t('noise')}</p>
        </>
      )}
      {run.prompts.length > 0 && (
        <details className="lora-lab-continuations">
          <summary>{t('continuations')}</summary>
          <p className="muted small">{t('prompt', { prompt: JSON.stringify(run.prompts[0]) })}</p>
          {run.rows.map((row) => (
            <div key={row.arm}>
              <span className="field-label lora-lab-arm">{armName(row.arm, run.alpha)}</span>
              <pre className="continuation" tabIndex={0}>
                <span className="prompt-text"><WithNewlineMarks text={run.prompts[0]} /></span>
                <WithNewlineMarks text={row.continuations[0] ?? ''} />
              </pre>
            </div>
          ))}
        </details>
      )}
    </>
  );
}
