// Adapters kept in this browser (PEFT's two files each), of every method —
// LoRA, AdaLoRA, prompt tuning, P-tuning, prefix tuning: the ones made for the
// model in use first; load one back into the engine (its method read from
// peft_type), rename, download, delete. LoRA adapters trained here are kept
// automatically (AdaptersSection); the others with its Keep button.

import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { EngineClient } from '../../engine/client.ts';
import type { ImportResult } from '../../engine/loraProtocol.ts';
import type { StoredEntry } from '../../store/store.ts';
import { formatBytes } from '../format.ts';
import { saveFile } from '../lora/download.ts';
import { changeStore, describeEntry, useStoredEntries, workStore } from './workStore.ts';
import { errorText } from '../errorText.ts';
import { methodLabel } from '../lora/workerText.ts';
import type { AdapterSummary } from '../../engine/loraProtocol.ts';

export function SavedAdapters(props: { client: EngineClient; model: string; probe: string; disabled: boolean; onImported: (r: ImportResult) => void }) {
  const { client, model, probe, disabled, onImported } = props;
  const { t } = useTranslation('models');
  const { entries, damaged, error } = useStoredEntries('adapter');
  const [problem, setProblem] = useState<string | null>(null);
  const [renaming, setRenaming] = useState<{ id: string; name: string } | null>(null);
  const act = (work: () => Promise<unknown>) => {
    setProblem(null);
    work().catch((e: Error) => setProblem(errorText(e)));
  };
  const load = (e: StoredEntry) =>
    act(async () => {
      const { files } = await (await workStore()).readFiles(e.id);
      const r = await client.call('loraImport', {
        configText: new TextDecoder().decode(files['adapter_config.json']),
        weights: files['adapter_model.safetensors'],
        name: e.name,
        probe,
      }).result;
      onImported(r);
    });
  const download = (e: StoredEntry) =>
    act(async () => {
      const { files } = await (await workStore()).readFiles(e.id);
      for (const [name, bytes] of Object.entries(files)) saveFile(name, bytes, name.endsWith('.json') ? 'application/json' : 'application/octet-stream');
    });
  // The adapters for the model in use first: another model's adapters will not load into this one.
  const sorted = [...entries].sort((a, b) => Number(b.baseModel === model) - Number(a.baseModel === model));

  return (
    <div className="lora-saved" data-testid="saved-adapters">
      <span className="field-label">{t('adapters.kept')}</span>
      {error && <p className="alert warning small">{error}</p>}
      {!error && entries.length === 0 && <p className="muted small">{t('adapters.empty')}</p>}
      {sorted.length > 0 && (
        <ul className="stored-list">
          {sorted.map((e) => (
            <li key={e.id} data-testid="saved-adapter" data-name={e.name}>
              {renaming?.id === e.id ? (
                <form
                  className="inline-form"
                  onSubmit={(ev) => {
                    ev.preventDefault();
                    act(() => changeStore((s) => s.rename(e.id, renaming.name)).then(() => setRenaming(null)));
                  }}
                >
                  <input aria-label={t('kept.newName', { name: e.name })} value={renaming.name} onChange={(ev) => setRenaming({ id: e.id, name: ev.target.value })} />
                  <button type="submit">{t('kept.save')}</button>
                </form>
              ) : (
                <strong>{e.name}</strong>
              )}{' '}
              <span className="muted small" data-testid="saved-adapter-method" data-method={e.method ?? 'LoRA'}>
                {t('adapters.method', { method: methodLabel((e.method ?? 'LoRA') as AdapterSummary['method']) })} · {describeEntry(e, formatBytes)} ·{' '}
                {e.baseModel === model ? t('adapters.forThis') : t('adapters.forOther', { model: e.baseModel })}
              </span>
              <span className="buttons">
                <button type="button" data-testid="saved-adapter-load" disabled={disabled} onClick={() => load(e)}>
                  {t('adapters.load')}
                </button>
                <button type="button" onClick={() => setRenaming({ id: e.id, name: e.name })}>
                  {t('kept.rename')}
                </button>
                <button type="button" onClick={() => download(e)}>
                  {t('kept.download')}
                </button>
                <button type="button" onClick={() => window.confirm(t('adapters.confirmDelete', { name: e.name })) && act(() => changeStore((s) => s.delete(e.id)))}>
                  {t('kept.delete')}
                </button>
              </span>
            </li>
          ))}
        </ul>
      )}
      {damaged.length > 0 && <p className="alert warning small">{t('adapters.damaged')}</p>}
      {problem && (
        <p className="alert error" role="alert" data-testid="saved-adapters-error">
          {problem}
        </p>
      )}
    </div>
  );
}

/** Keeps one adapter of any method (exported as PEFT's files) as a new entry; returns the entry. */
export async function keepAdapter(client: EngineClient, id: number, name: string, baseModel: string): Promise<StoredEntry> {
  const r = await client.call('loraExport', { id }).result;
  return changeStore((s) =>
    s.save({ kind: 'adapter', name, baseModel, method: r.method, files: { 'adapter_config.json': r.configText, 'adapter_model.safetensors': r.weights } }),
  );
}
