// The model picker in the header: the embedded models (models/manifest.json),
// the models trained or opened here (kept in this browser), the models
// downloaded from other sites, and "Open a model…". The choice is the link's
// `model` value, so every panel runs on it and a copied link names it.

import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { describeModelRef, parseModelRef } from '../../state/modelRef.ts';
import { useCachedFolders, useEmbeddedModels } from './catalog.ts';
import { ModelsDialog } from './ModelsDialog.tsx';
import { useStoredEntries } from './workStore.ts';

const OPEN = '__open__';

export function ModelPicker(props: { model: string; onChoose: (ref: string) => void; disabled: boolean }) {
  const { model, onChoose, disabled } = props;
  const { t } = useTranslation('models');
  const embedded = useEmbeddedModels();
  const stored = useStoredEntries('model');
  const [dialogOpen, setDialogOpen] = useState(false);
  const cached = useCachedFolders(`${dialogOpen}:${model}`);

  const listed = new Set([...embedded.map((m) => m.name), ...stored.entries.map((e) => `stored:${e.id}`), ...cached.folders.map((f) => f.baseUrl)]);
  const parsed = parseModelRef(model);
  const current = listed.has(model) ? null : parsed.ok ? describeModelRef(parsed.ref) : model;

  return (
    <div className="model-picker">
      <label className="field">
        <span className="field-label">{t('picker.label')}</span>
        <select
          value={model}
          disabled={disabled}
          data-testid="model-picker"
          onChange={(e) => (e.target.value === OPEN ? setDialogOpen(true) : onChoose(e.target.value))}
        >
          {current !== null && <option value={model}>{current}</option>}
          <optgroup label={t('picker.embedded')}>
            {embedded.map((m) => (
              <option key={m.name} value={m.name} title={m.description}>
                {m.label}
              </option>
            ))}
          </optgroup>
          {stored.entries.length > 0 && (
            <optgroup label={t('picker.kept')}>
              {stored.entries.map((e) => (
                <option key={e.id} value={`stored:${e.id}`}>
                  {e.name}
                </option>
              ))}
            </optgroup>
          )}
          {cached.folders.length > 0 && (
            <optgroup label={t('picker.downloaded')}>
              {cached.folders.map((f) => (
                <option key={f.baseUrl} value={f.baseUrl}>
                  {describeModelRef({ kind: 'url', url: f.baseUrl })}
                </option>
              ))}
            </optgroup>
          )}
          <option value={OPEN}>{t('picker.open')}</option>
        </select>
      </label>
      <button type="button" data-testid="open-models" onClick={() => setDialogOpen(true)}>
        {t('picker.models')}
      </button>
      {dialogOpen && (
        <ModelsDialog
          current={model}
          onChoose={(ref) => {
            setDialogOpen(false);
            onChoose(ref);
          }}
          onClose={() => setDialogOpen(false)}
        />
      )}
    </div>
  );
}
