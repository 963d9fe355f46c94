// Which new text the adapter learns: the model's default (its folder's
// new-text.txt when it ships one, as the Tang poetry model ships Song ci; else
// the playground's own explanations, modern prose the Shakespeare model never
// saw), pasted text, or a file. The engine says which default it is
// (loraDefaultText), so the text shown is the text a run trains on.

import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { DefaultNewText, LoraTextSource } from '../../engine/loraProtocol.ts';
import { formatBytes, formatNumber } from '../format.ts';

/** Embedded models whose folder text has its own sentences in the locales, by folder name. */
const DESCRIBED = {
  tang: { label: 'source.byModel.tang.label', about: 'source.byModel.tang.about' },
} as const;

export function TextSource(props: {
  value: LoraTextSource;
  onChange: (s: LoraTextSource) => void;
  disabled: boolean;
  /** The model's default new text; null until the engine has said. */
  defaultText: DefaultNewText | null;
  /** The link's model value (an embedded model's folder name). */
  modelRef: string;
}) {
  const { value, onChange, disabled, defaultText, modelRef } = props;
  const { t } = useTranslation('lora');
  const [pasted, setPasted] = useState('');
  const [file, setFile] = useState<File | null>(null);
  const kind = value.kind;
  const described = defaultText?.source === 'folder' && Object.hasOwn(DESCRIBED, modelRef) ? DESCRIBED[modelRef as keyof typeof DESCRIBED] : null;
  const count = formatNumber(defaultText ? [...defaultText.text].length : 0);
  const defaultLabel = !defaultText
    ? t('source.reading')
    : defaultText.source === 'explanations'
      ? t('source.default', { count })
      : described
        ? t(described.label, { count })
        : t('source.folder', { count });

  return (
    <fieldset className="lora-source" disabled={disabled}>
      <legend className="field-label">{t('source.legend')}</legend>
      <label className="lora-choice">
        <input type="radio" name="lora-source" checked={kind === 'default'} data-testid="lora-source-default" onChange={() => onChange({ kind: 'default' })} />{' '}
        <span data-testid="lora-source-default-label" data-source={defaultText?.source ?? 'reading'}>
          {defaultLabel}
        </span>
      </label>
      {described && (
        <p className="muted small lora-source-about" data-testid="lora-source-about">
          {t(described.about)}
        </p>
      )}
      <label className="lora-choice">
        <input type="radio" name="lora-source" checked={kind === 'text'} onChange={() => onChange({ kind: 'text', text: pasted })} /> {t('source.pasted')}
      </label>
      {kind === 'text' && (
        <textarea
          rows={3}
          value={pasted}
          data-testid="lora-source-text"
          placeholder={t('source.placeholder')}
          onChange={(e) => {
            setPasted(e.target.value);
            onChange({ kind: 'text', text: e.target.value });
          }}
        />
      )}
      <label className="lora-choice">
        <input type="radio" name="lora-source" checked={kind === 'file'} disabled={!file} onChange={() => file && onChange({ kind: 'file', file })} /> {t('source.file')}{' '}
        <input
          type="file"
          accept=".txt,.md,text/*"
          data-testid="lora-source-file"
          onChange={(e) => {
            const f = e.target.files?.[0] ?? null;
            setFile(f);
            if (f) onChange({ kind: 'file', file: f });
          }}
        />
        {file && <span className="muted small"> {formatBytes(file.size)}</span>}
      </label>
      {kind === 'default' && defaultText && (
        <details className="lora-default-text">
          <summary className="small">{defaultText.source === 'explanations' ? t('source.readDefault') : t('source.readFolder')}</summary>
          <pre tabIndex={0} data-testid="lora-default-text">{defaultText.text}</pre>
        </details>
      )}
    </fieldset>
  );
}
