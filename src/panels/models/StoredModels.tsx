// The models kept in this browser (trained in "Your own text" or opened from
// files) — use, rename, download as a Hugging Face GPT-2 folder's files,
// delete — and the downloads kept for offline use, with their sizes.

import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { StoredEntry } from '../../store/store.ts';
import { describeModelRef } from '../../state/modelRef.ts';
import { formatBytes } from '../format.ts';
import { saveFile } from '../lora/download.ts';
import { useCachedFolders } from './catalog.ts';
import { changeStore, describeEntry, useStoredEntries, workStore } from './workStore.ts';
import { errorText } from '../errorText.ts';

export function KeptModels(props: { current: string; onChoose: (ref: string) => void }) {
  const { current, onChoose } = props;
  const { t } = useTranslation('models');
  const { entries, damaged, error, loaded } = useStoredEntries('model');
  const [problem, setProblem] = useState<string | null>(null);
  const act = (work: () => Promise<unknown>) => {
    setProblem(null);
    work().catch((e: Error) => setProblem(errorText(e)));
  };
  return (
    <section aria-labelledby="kept-models-title">
      <h3 id="kept-models-title">{t('kept.title')}</h3>
      {error && (
        <p className="alert warning" role="status" data-testid="store-error">
          {error}
        </p>
      )}
      {loaded && !error && entries.length === 0 && <p className="muted small">{t('kept.empty')}</p>}
      {entries.length > 0 && (
        <ul className="stored-list" data-testid="kept-models">
          {entries.map((e) => (
            <KeptModel key={e.id} entry={e} inUse={current === `stored:${e.id}`} onChoose={onChoose} act={act} />
          ))}
        </ul>
      )}
      {damaged.map((d) => (
        <p key={d.id} className="alert warning small" data-testid="damaged-entry">
          {d.problem}{' '}
          <button type="button" onClick={() => act(() => changeStore((s) => s.delete(d.id)))}>
            {t('kept.deleteIt')}
          </button>
        </p>
      ))}
      {problem && (
        <p className="alert error" role="alert" data-testid="kept-models-error">
          {problem}
        </p>
      )}
    </section>
  );
}

function KeptModel(props: { entry: StoredEntry; inUse: boolean; onChoose: (ref: string) => void; act: (work: () => Promise<unknown>) => void }) {
  const { entry: e, inUse, onChoose, act } = props;
  const { t } = useTranslation('models');
  const [renaming, setRenaming] = useState<string | null>(null);
  const download = async () => {
    const { files } = await (await workStore()).readFiles(e.id);
    for (const [name, bytes] of Object.entries(files)) saveFile(name, bytes, name.endsWith('.json') ? 'application/json' : 'application/octet-stream');
  };
  return (
    <li data-testid="kept-model" data-id={e.id} data-name={e.name}>
      {renaming === null ? (
        <strong>{e.name}</strong>
      ) : (
        <form
          className="inline-form"
          onSubmit={(ev) => {
            ev.preventDefault();
            act(() => changeStore((s) => s.rename(e.id, renaming)).then(() => setRenaming(null)));
          }}
        >
          <input aria-label={t('kept.newName', { name: e.name })} data-testid="rename-input" value={renaming} onChange={(ev) => setRenaming(ev.target.value)} autoFocus />
          <button type="submit" data-testid="rename-save">
            {t('kept.save')}
          </button>
          <button type="button" onClick={() => setRenaming(null)}>
            {t('kept.cancel')}
          </button>
        </form>
      )}{' '}
      <span className="muted small">
        {describeEntry(e, formatBytes)} · {e.baseModel}
      </span>
      {inUse && <span className="chip">{t('kept.inUse')}</span>}
      <span className="buttons">
        <button type="button" data-testid="kept-use" disabled={inUse} onClick={() => onChoose(`stored:${e.id}`)}>
          {t('kept.use')}
        </button>
        <button type="button" data-testid="kept-rename" onClick={() => setRenaming(e.name)}>
          {t('kept.rename')}
        </button>
        <button type="button" data-testid="kept-download" onClick={() => act(download)}>
          {t('kept.download')}
        </button>
        <button
          type="button"
          data-testid="kept-delete"
          onClick={() => window.confirm(t('kept.confirmDelete', { name: e.name, size: formatBytes(e.sizeBytes) })) && act(() => changeStore((s) => s.delete(e.id)))}
        >
          {t('kept.delete')}
        </button>
      </span>
    </li>
  );
}

export function CachedModels({ current }: { current: string }) {
  const { t } = useTranslation('models');
  const { folders, remove } = useCachedFolders(current);
  const [problem, setProblem] = useState<string | null>(null);
  if (folders.length === 0) return null;
  return (
    <section aria-labelledby="cached-models-title">
      <h3 id="cached-models-title">{t('cached.title')}</h3>
      <ul className="stored-list" data-testid="cached-models">
        {folders.map((f) => (
          <li key={f.baseUrl} data-testid="cached-model" data-url={f.baseUrl}>
            <strong>{describeModelRef({ kind: 'url', url: f.baseUrl })}</strong> <span className="muted small">{formatBytes(f.sizeBytes)} · {f.baseUrl}</span>
            <span className="buttons">
              <button type="button" data-testid="cached-remove" onClick={() => remove(f.baseUrl).catch((e: Error) => setProblem(errorText(e)))}>
                {t('cached.remove')}
              </button>
            </span>
          </li>
        ))}
      </ul>
      {problem && <p className="alert error">{problem}</p>}
    </section>
  );
}
