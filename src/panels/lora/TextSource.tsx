// Which new text the adapter learns: the playground's own explanations (modern
// prose the Shakespeare model never saw), pasted text, or a file.

import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { LoraTextSource } from '../../engine/loraProtocol.ts';
import { explanationsAsText } from '../../lessons/explanations.ts';
import { formatBytes, formatNumber } from '../format.ts';

/** The English explanations in every locale: the prose the Shakespeare model has never seen. */
const DEFAULT_TEXT = explanationsAsText();

export function TextSource(props: { value: LoraTextSource; onChange: (s: LoraTextSource) => void; disabled: boolean }) {
  const { value, onChange, disabled } = props;
  const { t } = useTranslation('lora');
  const [pasted, setPasted] = useState('');
  const [file, setFile] = useState<File | null>(null);
  const kind = value.kind;

  return (
    <fieldset className="lora-source" disabled={disabled}>
      <legend className="field-label">{t('source.legend')}</legend>
      <label className="lora-choice">
        <input type="radio" name="lora-source" checked={kind === 'default'} data-testid="lora-source-default" onChange={() => onChange({ kind: 'default' })} />{' '}
        {t('source.default', { count: formatNumber(DEFAULT_TEXT.length) })}
      </label>
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
      {kind === 'default' && (
        <details className="lora-default-text">
          <summary className="small">{t('source.readDefault')}</summary>
          <pre tabIndex={0}>{DEFAULT_TEXT}</pre>
        </details>
      )}
    </fieldset>
  );
}
