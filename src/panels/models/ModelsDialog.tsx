// "Open a model…": a Hugging Face GPT-2-family folder by address (or a Hub
// repo id such as "distilgpt2"), or its files from disk (picker or drop); and
// the models kept in this browser and the downloads it caches, to use,
// rename, download or delete.

import { useEffect, useRef, useState } from 'react';
import { formatModelRef, refFromUserInput } from '../../state/modelRef.ts';
import { MODEL_FILE_NAMES } from '../../store/store.ts';
import { changeStore } from './workStore.ts';
import { holdOpenedFiles } from './openedFiles.ts';
import { CachedModels, KeptModels } from './StoredModels.tsx';

export function ModelsDialog(props: { current: string; onChoose: (ref: string) => void; onClose: () => void }) {
  const { current, onChoose, onClose } = props;
  const dialog = useRef<HTMLDialogElement>(null);
  useEffect(() => {
    const d = dialog.current;
    if (d && !d.open) d.showModal?.();
  }, []);

  return (
    <dialog ref={dialog} className="models-dialog card" aria-labelledby="models-dialog-title" data-testid="models-dialog" onClose={onClose} onCancel={onClose}>
      <div className="dialog-head">
        <h2 id="models-dialog-title">Models</h2>
        <button type="button" className="link" data-testid="models-dialog-close" onClick={onClose}>
          Close
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
  const [text, setText] = useState('');
  const [error, setError] = useState<string | null>(null);
  const open = () => {
    const parsed = refFromUserInput(text);
    if (!parsed.ok) return setError(parsed.message);
    if (parsed.ref.kind !== 'url') return setError('Give the address of a model folder (https://…/), or a Hugging Face repo id such as distilgpt2.');
    onChoose(formatModelRef(parsed.ref));
  };
  return (
    <section aria-labelledby="open-url-title">
      <h3 id="open-url-title">Open a model by address</h3>
      <p className="muted small">
        A Hugging Face GPT-2-family folder: <code>config.json</code>, <code>model.safetensors</code> and <code>tokenizer.json</code> are read
        from it. A Hub repo id works too: <code>gpt2</code> (124M, 548 MB), <code>distilgpt2</code> (82M, 353 MB) or an address such as{' '}
        <code>https://huggingface.co/gpt2/resolve/main/</code>. The page says the size before a large download.
      </p>
      <form
        className="controls"
        onSubmit={(e) => {
          e.preventDefault();
          open();
        }}
      >
        <label className="field grow">
          <span className="field-label">Address or repo id</span>
          <input type="text" value={text} data-testid="open-url" placeholder="distilgpt2" onChange={(e) => setText(e.target.value)} />
        </label>
        <button type="submit" className="primary" data-testid="open-url-button" disabled={!text.trim()}>
          Open
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
    return `Missing ${missing.join(', ')}: choose the files of a Hugging Face GPT-2 folder together (config.json, model.safetensors, tokenizer.json).`;
  }
  const weights = byName.get('model.safetensors')!;
  const name = (weights.webkitRelativePath.split('/').at(-2) || `opened ${new Date().toLocaleString('en-GB')}`).slice(0, 80);
  const chosen = Object.fromEntries(MODEL_FILE_NAMES.map((n) => [n, byName.get(n)!] as const));
  try {
    const bytes = Object.fromEntries(await Promise.all(MODEL_FILE_NAMES.map(async (n) => [n, new Uint8Array(await chosen[n].arrayBuffer())] as const)));
    const entry = await changeStore((s) => s.save({ kind: 'model', name, baseModel: 'opened from files', files: bytes }));
    onChoose(`stored:${entry.id}`);
    return null;
  } catch (e) {
    onChoose(`local:${holdOpenedFiles({ name, files: chosen })}`);
    return `${(e as Error).message} The model is open for this visit only.`;
  }
}

function OpenFiles({ onChoose }: { onChoose: (ref: string) => void }) {
  const [message, setMessage] = useState<string | null>(null);
  const [over, setOver] = useState(false);
  const take = async (list: FileList | null) => {
    if (!list || list.length === 0) return;
    setMessage(await keepFiles([...list], onChoose));
  };
  return (
    <section aria-labelledby="open-files-title">
      <h3 id="open-files-title">Open model files from your computer</h3>
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
          <span className="field-label">Choose config.json, model.safetensors and tokenizer.json together, or drop them here</span>
          <input type="file" multiple accept=".json,.safetensors" data-testid="open-files" onChange={(e) => void take(e.target.files)} />
        </label>
        <p className="muted small">They are kept in this browser (listed below), so a reload finds them. Nothing is uploaded.</p>
      </div>
      {message && (
        <p className="alert error" role="alert" data-testid="open-files-error">
          {message}
        </p>
      )}
    </section>
  );
}
