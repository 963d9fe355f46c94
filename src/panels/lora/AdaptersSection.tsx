// The adapters the worker holds for the embedded model, of every PEFT method
// (LoRA trained here; LoRA, AdaLoRA, prompt tuning, P-tuning and prefix tuning
// kept from the comparison or imported): pick one to look at or continue,
// switch it on or off (the prompt box then writes with or without it — a
// prompt's virtual tokens taking the window's first positions), merge and
// unmerge LoRA and AdaLoRA with the logit difference measured, export any as
// PEFT's two files, import two such files, delete.

import { useEffect, useRef, useState } from 'react';
import { Trans, useTranslation } from 'react-i18next';
import type { EngineClient } from '../../engine/client.ts';
import type { AdapterSummary, ImportResult, LoraStatus, MergeResult } from '../../engine/loraProtocol.ts';
import type { PlaygroundState } from '../../state/schema.ts';
import { formatValue } from '../../charts/lora/heatmap.ts';
import { saveFile } from './download.ts';
import { formatFixed, formatNumber } from '../format.ts';
import { SavedAdapters, keepAdapter } from '../models/SavedAdapters.tsx';
import { errorText } from '../errorText.ts';
import { methodLabel } from './workerText.ts';

export function AdaptersSection(props: {
  client: EngineClient;
  state: PlaygroundState;
  status: LoraStatus;
  selected: AdapterSummary | null;
  blocked: boolean;
  onStatus: (status: LoraStatus) => void;
  onSelect: (id: number | null) => void;
}) {
  const { client, state, status, selected, blocked, onStatus, onSelect } = props;
  const { t } = useTranslation('lora');
  const [merge, setMerge] = useState<MergeResult | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [pending, setPending] = useState(false);

  useEffect(() => {
    setMerge(null);
    setError(null);
  }, [selected?.id]);

  // A comparison adds the adapters it trained: read the list again when a long job ends.
  const wasBlocked = useRef(blocked);
  useEffect(() => {
    if (wasBlocked.current && !blocked) {
      client.call('loraStatus', {}).result.then(onStatus).catch(() => {});
    }
    wasBlocked.current = blocked;
  }, [client, blocked, onStatus]);

  // Work is never lost: every trained adapter is kept in the browser once its run ends, and again as a
  // new entry after each further run (steps changed) — nothing kept earlier is overwritten.
  const keptSteps = useRef(new Map<number, number>());
  const [keepProblem, setKeepProblem] = useState<string | null>(null);
  useEffect(() => {
    if (status.busy) return;
    for (const a of status.adapters) {
      if (a.origin !== 'trained' || a.steps === 0 || a.merged || keptSteps.current.get(a.id) === a.steps) continue;
      keptSteps.current.set(a.id, a.steps);
      keepAdapter(client, a.id, t('adapters.keptName', { name: a.name, count: a.steps }), state.model)
        .then(() => setKeepProblem(null))
        .catch((e: Error) => setKeepProblem(t('adapters.keepProblem', { name: a.name, error: errorText(e) })));
    }
  }, [client, status, state.model, t]);

  /** Runs one engine call with the buttons held and its error shown. */
  const act = async <T,>(work: () => Promise<T>): Promise<T | null> => {
    setPending(true);
    setError(null);
    try {
      return await work();
    } catch (e) {
      setError(errorText(e));
      return null;
    } finally {
      setPending(false);
    }
  };

  const toggle = (a: AdapterSummary) =>
    act(() => client.call('loraAttach', { id: a.enabled ? null : a.id }).result.then(onStatus));

  const mergeOrUnmerge = (a: AdapterSummary) =>
    act(async () => {
      const r = await client.call('loraMerge', { id: a.id, merge: !a.merged, probe: state.prompt }).result;
      setMerge(r);
      onStatus(r.status);
    });

  const exportFiles = (a: AdapterSummary) =>
    act(async () => {
      const r = await client.call('loraExport', { id: a.id }).result;
      saveFile('adapter_config.json', r.configText, 'application/json');
      saveFile('adapter_model.safetensors', r.weights, 'application/octet-stream');
    });

  const remove = (a: AdapterSummary) =>
    act(async () => {
      onStatus(await client.call('loraDelete', { id: a.id }).result);
      onSelect(null);
    });

  const disabled = pending || blocked;
  const anyMerged = status.adapters.some((a) => a.merged);

  return (
    <section className="lora-section" aria-labelledby="lora-adapters-title">
      <h3 id="lora-adapters-title">{t('adapters.title')}</h3>
      {status.adapters.length === 0 ? (
        <p className="muted" data-testid="lora-no-adapters">
          {t('adapters.none')}
        </p>
      ) : (
        <table className="lora-table" data-testid="lora-adapters">
          <thead>
            <tr>
              <th>
                <span className="visually-hidden">{t('adapters.columns.selected')}</span>
              </th>
              <th>
                {t('adapters.columns.adapter')} · {t('adapters.method')}
              </th>
              <th>{t('adapters.columns.modules')}</th>
              <th>{t('adapters.columns.scaling')}</th>
              <th className="num">{t('adapters.columns.trainable')}</th>
              <th className="num">{t('adapters.columns.steps')}</th>
              <th className="num">{t('adapters.columns.newTextLoss')}</th>
              <th>{t('adapters.columns.state')}</th>
            </tr>
          </thead>
          <tbody>
            {status.adapters.map((a) => {
              const lastLoss = a.history.at(-1)?.newTextLoss;
              return (
              <tr key={a.id} data-testid="lora-adapter-row" data-id={a.id} data-state={a.merged ? 'merged' : a.enabled ? 'on' : 'off'} className={a.id === selected?.id ? 'selected' : ''}>
                <td>
                  <input type="radio" name="lora-selected" aria-label={t('adapters.select', { name: a.name })} checked={a.id === selected?.id} onChange={() => onSelect(a.id)} />
                </td>
                <td>
                  {a.name}
                  <br />
                  <span className="muted small" data-testid="lora-adapter-method" data-method={a.method} data-peft-type={a.peftType}>
                    {methodLabel(a.method)} · {t(`adapters.origins.${a.origin}`)}
                  </span>
                </td>
                <td className="small">{a.virtualTokens === null ? a.modules.join(', ') : t('adapters.virtualTokens', { count: a.virtualTokens })}</td>
                <td>{a.scaling === null ? '—' : formatFixed(a.scaling, 2)}</td>
                <td className="num">{formatNumber(a.trainableParameters)}</td>
                <td className="num">{formatNumber(a.steps)}</td>
                <td className="num">{lastLoss === undefined ? '—' : formatFixed(lastLoss, 3)}</td>
                <td>
                  <span className={`badge lora-state ${a.merged ? 'merged' : a.enabled ? 'on' : 'off'}`}>{t(`adapters.states.${a.merged ? 'merged' : a.enabled ? 'on' : 'off'}`)}</span>
                  {a.qlora && <span className="badge">QLoRA</span>}
                </td>
              </tr>
              );
            })}
          </tbody>
        </table>
      )}

      {selected && (
        <div className="buttons lora-buttons">
          <button type="button" data-testid="lora-toggle" disabled={disabled || selected.merged || (anyMerged && !selected.enabled)} onClick={() => toggle(selected)}>
            {selected.enabled ? t('adapters.switchOff') : t('adapters.switchOn')}
          </button>
          <button
            type="button" data-testid="lora-merge" disabled={disabled || !selected.canMerge || (anyMerged && !selected.merged)}
            title={selected.canMerge ? undefined : t('adapters.cannotMerge')} onClick={() => mergeOrUnmerge(selected)}
          >
            {selected.merged ? t('adapters.unmerge') : t('adapters.merge')}
          </button>
          <button type="button" data-testid="lora-export" disabled={disabled} onClick={() => exportFiles(selected)}>
            {t('adapters.export')}
          </button>
          {selected.origin !== 'trained' && (
            <button
              type="button"
              data-testid="lora-keep"
              disabled={disabled}
              onClick={() => act(() => keepAdapter(client, selected.id, selected.name, state.model))}
            >
              {t('adapters.keep')}
            </button>
          )}
          <button type="button" data-testid="lora-delete" disabled={disabled} onClick={() => remove(selected)}>
            {t('adapters.delete')}
          </button>
        </div>
      )}
      {selected && (
        <p className="muted small" data-testid="lora-adapter-note">
          {selected.merged
            ? t('adapters.mergedNote')
            : selected.virtualTokens !== null
              ? selected.enabled
                ? t('adapters.promptOnNote', { count: selected.virtualTokens, block: formatNumber(status.blockSize), window: formatNumber(status.contextWindow) })
                : t('adapters.promptOffNote', { block: formatNumber(status.blockSize) })
              : selected.enabled
                ? t('adapters.onNote')
                : t('adapters.offNote')}
        </p>
      )}
      {selected && !selected.canMerge && (
        <p className="muted small" data-testid="lora-cannot-merge">
          {t('adapters.cannotMerge')}
          {selected.origin !== 'trained' && <> {t('adapters.inferenceNote', { values: formatNumber(selected.trainableParameters) })}</>}
        </p>
      )}
      {status.adapters.some((a) => a.origin === 'compared') && <p className="muted small">{t('adapters.comparedNote')}</p>}
      {merge && <MergeLine r={merge} />}
      {error && (
        <p className="alert error" role="alert" data-testid="lora-adapter-error">
          {error}
        </p>
      )}
      {keepProblem && (
        <p className="alert warning" role="status" data-testid="lora-keep-error">
          {keepProblem}
        </p>
      )}
      <ImportFiles client={client} state={state} disabled={disabled} onImported={(r) => {
        onStatus(r.status);
        onSelect(r.adapter.id);
      }} />
      <SavedAdapters client={client} model={state.model} probe={state.prompt} disabled={disabled} onImported={(r) => {
        onStatus(r.status);
        onSelect(r.adapter.id);
      }} />
    </section>
  );
}

function MergeLine({ r }: { r: MergeResult }) {
  const { t } = useTranslation('lora');
  return (
    <p className="small lora-merge-result" data-testid="lora-merge-result" data-merged={r.merged} data-diff={r.maxAbsLogitDiff} data-base-diff={r.baseMaxAbsLogitDiff ?? ''}>
      {r.merged ? (
        <Trans t={t} i18nKey="adapters.mergeResult" values={{ tokens: formatNumber(r.probeTokens), diff: formatValue(r.maxAbsLogitDiff) }} components={{ b: <strong /> }} />
      ) : (
        <Trans
          t={t} i18nKey="adapters.unmergeResult" values={{ diff: formatValue(r.maxAbsLogitDiff), base: formatValue(r.baseMaxAbsLogitDiff ?? 0) }}
          components={{ b: <strong /> }}
        />
      )}
    </p>
  );
}

function ImportFiles(props: { client: EngineClient; state: PlaygroundState; disabled: boolean; onImported: (r: ImportResult) => void }) {
  const { client, state, disabled, onImported } = props;
  const { t } = useTranslation('lora');
  const [configFile, setConfigFile] = useState<File | null>(null);
  const [weightsFile, setWeightsFile] = useState<File | null>(null);
  const [result, setResult] = useState<ImportResult | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [pending, setPending] = useState(false);

  const run = async () => {
    if (!configFile || !weightsFile) return;
    setPending(true);
    setError(null);
    setResult(null);
    try {
      const r = await client.call('loraImport', {
        configText: await configFile.text(),
        weights: new Uint8Array(await weightsFile.arrayBuffer()),
        name: weightsFile.name,
        probe: state.prompt,
      }).result;
      setResult(r);
      onImported(r);
    } catch (e) {
      setError(errorText(e));
    } finally {
      setPending(false);
    }
  };

  return (
    <div className="lora-import">
      <span className="field-label">{t('adapters.import.label')}</span>
      <p className="muted small">{t('adapters.import.methods')}</p>
      <div className="controls">
        <label className="field">
          <span className="field-hint">adapter_config.json</span>
          <input type="file" accept=".json,application/json" data-testid="lora-import-config" onChange={(e) => setConfigFile(e.target.files?.[0] ?? null)} />
        </label>
        <label className="field">
          <span className="field-hint">adapter_model.safetensors</span>
          <input type="file" accept=".safetensors" data-testid="lora-import-weights" onChange={(e) => setWeightsFile(e.target.files?.[0] ?? null)} />
        </label>
        <button type="button" data-testid="lora-import" disabled={disabled || pending || !configFile || !weightsFile} onClick={run}>
          {t('adapters.import.button')}
        </button>
      </div>
      {error && (
        <p className="alert error" role="alert" data-testid="lora-import-error">
          {t('adapters.import.error', { error })}
        </p>
      )}
      {result && (
        <p className="success small" data-testid="lora-import-result" data-diff={result.sameAs?.maxAbsLogitDiff ?? ''}>
          {t(result.adapter.enabled ? 'adapters.import.importedAsOn' : 'adapters.import.importedAs', { name: result.adapter.name })}
          {result.sameAs &&
            t(result.sameAs.maxAbsLogitDiff === 0 ? 'adapters.import.sameAsIdentical' : 'adapters.import.sameAs', {
              name: result.sameAs.name, diff: formatValue(result.sameAs.maxAbsLogitDiff),
            })}
        </p>
      )}
    </div>
  );
}
