// "Open a model…": a Hugging Face GPT-2-family folder by address (or a Hub
// repo id such as "distilgpt2"), or its files from disk (picker or drop); and
// the models kept in this browser and the downloads it caches, to use,
// rename, download or delete.

import { useEffect, useRef, useState } from 'react';
import { Trans, useTranslation } from 'react-i18next';
import { currentTag, t as translate } from '../../i18n/index.ts';
import { formatModelRef, refFromUserInput } from '../../state/modelRef.ts';
import { MODEL_FILE_NAMES } from '../../store/store.ts';
import { changeStore } from './workStore.ts';
import { holdOpenedFiles } from './openedFiles.ts';
import { CachedModels, KeptModels } from './StoredModels.tsx';
import { errorText } from '../errorText.ts';

export function ModelsDialog(props: { current: string; onChoose: (ref: string) => void; onClose: () => void }) {
  const { current, onChoose, onClose } = props;
  const { t } = useTranslation('models');
  const dialog = useRef<HTMLDialogElement>(null);
  useEffect(() => {
    const d = dialog.current;
    if (d && !d.open) d.showModal?.();
  }, []);

  return (
    <dialog ref={dialog} className="models-dialog card" aria-labelledby="models-dialog-title" data-testid="models-dialog" onClose={onClose} onCancel={onClose}>
      <div className="dialog-head">
        <h2 id="models-dialog-title">{t('dialog.title')}</h2>
        <button type="button" className="link" data-testid="models-dialog-close" onClick={onClose}>
          {t('dialog.close')}
        </button>
      </div>
      <OpenByAddress onChoose={onChoose} />
      <OpenFiles onChoose={onChoose} />
      <KeptModels current={current} onChoose={onChoose} />
      <CachedModels current={current} />
    </dialog>
  );
}

function OpenByAddress({ onChoose }: { onChoose: (ref: string) => void }) {
  const { t } = useTranslation('models');
  const [text, setText] = useState('');
  const [error, setError] = useState<string | null>(null);
  const open = () => {
    const parsed = refFromUserInput(text);
    if (!parsed.ok) return setError(parsed.message);
    if (parsed.ref.kind !== 'url') return setError(t('byAddress.notAFolder'));
    onChoose(formatModelRef(parsed.ref));
  };
  return (
    <section aria-labelledby="open-url-title">
      <h3 id="open-url-title">{t('byAddress.title')}</h3>
      <p className="muted small">
        <Trans t={t} i18nKey="byAddress.intro" components={{ c: <code /> }} />
      </p>
      <form
        className="controls"
        onSubmit={(e) => {
          e.preventDefault();
          open();
        }}
      >
        <label className="field grow">
          <span className="field-label">{t('byAddress.label')}</span>
          <input type="text" value={text} data-testid="open-url" placeholder="distilgpt2" onChange={(e) => setText(e.target.value)} />
        </label>
        <button type="submit" className="primary" data-testid="open-url-button" disabled={!text.trim()}>
          {t('byAddress.open')}
        </button>
      </form>
      {error && (
        <p className="alert error" role="alert" data-testid="open-url-error">
          {error}
        </p>
      )}
    </section>
  );
}

/** Keeps opened files in the browser store (so a reload finds them); if it refuses, holds them for this visit only. */
async function keepFiles(files: File[], onChoose: (ref: string) => void): Promise<string | null> {
  const byName = new Map(files.map((f) => [f.name, f]));
  const missing = MODEL_FILE_NAMES.filter((n) => !byName.has(n));
  if (missing.length > 0) {
    return translate('models:files.missing', { files: missing.join(', ') });
  }
  const weights = byName.get('model.safetensors')!;
  const name = (weights.webkitRelativePath.split('/').at(-2) || translate('models:files.openedName', { date: new Date().toLocaleString(currentTag() === 'en' ? 'en-GB' : currentTag()) })).slice(0, 80);
  const chosen = Object.fromEntries(MODEL_FILE_NAMES.map((n) => [n, byName.get(n)!] as const));
  try {
    const bytes = Object.fromEntries(await Promise.all(MODEL_FILE_NAMES.map(async (n) => [n, new Uint8Array(await chosen[n].arrayBuffer())] as const)));
    const entry = await changeStore((s) => s.save({ kind: 'model', name, baseModel: translate('models:files.openedFrom'), files: bytes }));
    onChoose(`stored:${entry.id}`);
    return null;
  } catch (e) {
    onChoose(`local:${holdOpenedFiles({ name, files: chosen })}`);
    return translate('models:files.thisVisitOnly', { message: errorText(e) });
  }
}

function OpenFiles({ onChoose }: { onChoose: (ref: string) => void }) {
  const { t } = useTranslation('models');
  const [message, setMessage] = useState<string | null>(null);
  const [over, setOver] = useState(false);
  const take = async (list: FileList | null) => {
    if (!list || list.length === 0) return;
    setMessage(await keepFiles([...list], onChoose));
  };
  return (
    <section aria-labelledby="open-files-title">
      <h3 id="open-files-title">{t('files.title')}</h3>
      <div
        className={`drop-zone${over ? ' over' : ''}`}
        data-testid="model-drop"
        onDragOver={(e) => {
          e.preventDefault();
          setOver(true);
        }}
        onDragLeave={() => setOver(false)}
        onDrop={(e) => {
          e.preventDefault();
          setOver(false);
          void take(e.dataTransfer.files);
        }}
      >
        <label className="field">
          <span className="field-label">{t('files.label')}</span>
          <input type="file" multiple accept=".json,.safetensors" data-testid="open-files" onChange={(e) => void take(e.target.files)} />
        </label>
        <p className="muted small">{t('files.note')}</p>
      </div>
      {message && (
        <p className="alert error" role="alert" data-testid="open-files-error">
          {message}
        </p>
      )}
    </section>
  );
}
