// "Getting dumber" (SFT之后傻了) method by method: one click trains
// answers-only SFT with every fine-tuning method from the same copy of the
// model, and the table sets the original corpus's loss rise with each method
// attached beside its rise once switched off — zero for the methods that keep
// the base frozen but for the markers' rows, and no "off" for full fine-tuning.

import { useTranslation } from 'react-i18next';
import type { EngineClient } from '../../engine/client.ts';
import type { SftArmResult, SftEvent, SftPrepared, SftResult } from '../../engine/loraProtocol.ts';
import { ADAPTATION_METHODS, type AdaptationMethod, COMPARISON_VIRTUAL_TOKENS } from '../../peft/methods.ts';
import type { PlaygroundState } from '../../state/schema.ts';
import { formatFixed, formatNumber, formatPercent } from '../format.ts';
import { modelBaseUrl } from '../useEngine.ts';
import { useEngineJob } from '../useEngineJob.ts';
import { MARKERS, fixed } from './SftResults.tsx';
import { fullFineTuningRate, loraConfigFromState } from './settings.ts';
import { methodLabel, statusText } from './workerText.ts';
import { RunProgress } from './RunProgress.tsx';

interface MethodsRun {
  message: string;
  plannedSteps: number;
  prepared: SftPrepared | null;
  method: AdaptationMethod | null;
  step: number;
  results: SftArmResult[];
}

const signed = (x: number) => (Number.isFinite(x) ? `${x >= 0 ? '+' : '−'}${fixed(Math.abs(x))}` : '—');

function withEvent(r: MethodsRun, event: SftEvent): MethodsRun {
  switch (event.type) {
    case 'status':
      return { ...r, message: event.message };
    case 'prepared':
      return { ...r, prepared: event };
    case 'step':
      return { ...r, method: event.method, step: event.step };
    case 'point':
      return r;
    case 'arm':
      return { ...r, results: [...r.results, event.result] };
  }
  return r;
}

export function SftMethods(props: { client: EngineClient; state: PlaygroundState; blocked: boolean; onRunning: (running: boolean) => void }) {
  const { client, state, blocked, onRunning } = props;
  const { t } = useTranslation('sft');
  const job = useEngineJob<MethodsRun>(client);
  const { run, running } = job;
  const config = loraConfigFromState(state);

  const start = () => {
    if (running || blocked) return;
    onRunning(true);
    const initial: MethodsRun = { message: t('starting'), plannedSteps: state.loraSteps, prepared: null, method: null, step: 0, results: [] };
    // LoRA and AdaLoRA need target modules; without any, the others still run.
    const methods = ADAPTATION_METHODS.filter((m) => config.target_modules.length > 0 || (m !== 'LoRA' && m !== 'AdaLoRA'));
    job.start(
      'loraSftMethods',
      { methods, config, steps: state.loraSteps, learningRate: state.loraLr, fullLearningRate: fullFineTuningRate(state.loraLr), seed: state.seed, modelBaseUrl: modelBaseUrl(state.model) },
      initial,
      { event: withEvent, result: (r, result: SftResult) => ({ ...r, prepared: result, results: result.results }), onSettled: () => onRunning(false) },
    );
  };

  const planned = run?.prepared?.methods.length ?? ADAPTATION_METHODS.length;
  const total = run ? planned * run.plannedSteps : 0;
  const done = run ? run.results.length * run.plannedSteps + (run.method && !run.results.some((r) => r.method === run.method) ? run.step : 0) : 0;

  return (
    <div className="sft-methods" data-testid="lora-sft-methods">
      <h4>{t('compare.title')}</h4>
      <p className="muted small">{t('compare.intro', { steps: formatNumber(state.loraSteps), seed: state.seed })}</p>
      <div className="buttons">
        <button type="button" data-testid="lora-sft-methods-run" disabled={running || blocked} onClick={start}>
          {t('runAll')}
        </button>
        <button type="button" disabled={!running} onClick={job.stop}>
          {t('stop')}
        </button>
      </div>
      {run && (
        <div data-testid="lora-sft-methods-result" data-state={run.status}>
          <RunProgress error={run.error} label={t('compare.title')} done={done} total={total}>
            {running &&
              (run.method
                ? t('compare.progress', { method: methodLabel(run.method), step: formatNumber(run.step), planned: formatNumber(run.plannedSteps) })
                : statusText(run.message))}
            {run.status === 'stopped' && t('stopped')}
          </RunProgress>
          {run.prepared && run.results.length > 0 && <MethodsTable before={run.prepared} results={run.results} />}
        </div>
      )}
    </div>
  );
}

function MethodsTable({ before, results }: { before: SftPrepared; results: SftArmResult[] }) {
  const { t } = useTranslation('sft');
  const base = before.before.originalLoss;
  const riseOn = (r: SftArmResult) => r.after.originalLoss - base;
  const adapters = results.filter((r) => r.originalLossDetached !== null);
  const byRise = [...results].sort((a, b) => riseOn(a) - riseOn(b));
  const maxOff = adapters.length ? Math.max(...adapters.map((r) => Math.abs(r.originalLossDetached! - base))) : NaN;
  return (
    <>
      <div>
        <table className="lora-table" data-testid="lora-sft-methods-table">
          <thead>
            <tr>
              <th scope="col">{t('compare.columns.method')}</th>
              <th scope="col">{t('compare.columns.trainable')}</th>
              <th scope="col">{t('compare.columns.answer')}</th>
              <th scope="col">{t('compare.columns.riseOn')}</th>
              <th scope="col">{t('compare.columns.riseOff')}</th>
              <th scope="col">{t('compare.columns.baseChange')}</th>
              <th scope="col">{t('compare.columns.ends', MARKERS)}</th>
            </tr>
          </thead>
          <tbody>
            {results.map((r) => (
              <tr key={r.method} data-method={r.method}>
                <th scope="row">{methodLabel(r.method)}</th>
                <td>{formatNumber(r.trainableParameters)}</td>
                <td>
                  {fixed(before.before.answerLoss)} → {fixed(r.after.answerLoss)}
                </td>
                <td data-rise-on={riseOn(r)}>{signed(riseOn(r))}</td>
                <td data-rise-off={r.originalLossDetached === null ? '' : r.originalLossDetached - base}>
                  {r.originalLossDetached === null ? '—' : signed(r.originalLossDetached - base)}
                </td>
                <td data-base-change={r.baseMaxAbsChange}>{r.baseMaxAbsChange === 0 ? '0' : formatFixed(r.baseMaxAbsChange, 4)}</td>
                <td>{formatPercent(r.after.endShare, 0)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <p className="muted small">{t('compare.note', { before: fixed(base) })}</p>
      {results.length > 1 && (
        <p className="small" data-testid="lora-sft-methods-findings">
          {t('compare.findings', {
            lowOn: signed(riseOn(byRise[0])), lowMethod: methodLabel(byRise[0].method),
            highOn: signed(riseOn(byRise.at(-1)!)), highMethod: methodLabel(byRise.at(-1)!.method),
            maxOff: fixed(maxOff), n: COMPARISON_VIRTUAL_TOKENS,
          })}
        </p>
      )}
      <p className="field-label">{t('compare.samples')}</p>
      {results.map((r) => (
        <div key={r.method}>
          <span className="small muted">{methodLabel(r.method)}</span>
          <pre className="continuation" tabIndex={0}>{r.after.sample}</pre>
        </div>
      ))}
    </>
  );
}
