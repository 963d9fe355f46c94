// The SFT section's measures of one method's three runs: a table (held-out
// answer and question loss, template following, the original corpus's loss
// with the method attached and switched off, markers in free text) and what
// the model writes before and after each run.

import { useTranslation } from 'react-i18next';
import type { SftArmId, SftArmResult } from '../../engine/loraProtocol.ts';
import type { SftMeasures } from '../../train/sftRun.ts';
import { formatFixed, formatNumber, formatPercent } from '../format.ts';
import { t } from '../../i18n/index.ts';

export const MARKERS = { user: '<|user|>', assistant: '<|assistant|>', end: '<|end|>' };

export const armLabel = (arm: SftArmId | 'base', mix: number) => t(`sft:arms.${arm}`, { mix: formatPercent(mix, 0) });

export const fixed = (x: number) => (Number.isFinite(x) ? formatFixed(x, 3) : '—');

export function SftTable({ before, results, mix }: { before: SftMeasures; results: SftArmResult[]; mix: number }) {
  const { t } = useTranslation('sft');
  // The base row's loss is the same with nothing to switch off; full fine-tuning has no off (—).
  const rows: [string, SftMeasures, number | null][] = [
    [armLabel('base', mix), before, before.originalLoss],
    ...results.map((r) => [armLabel(r.arm, r.mix), r.after, r.originalLossDetached] as [string, SftMeasures, number | null]),
  ];
  const answers = results.find((r) => r.arm === 'answers');
  const mixed = results.find((r) => r.arm === 'mixed');
  const all = results.find((r) => r.arm === 'all');
  return (
    <>
      <div>
        <table className="lora-table" data-testid="lora-sft-table">
          <thead>
            <tr>
              <th scope="col">{t('columns.run')}</th>
              <th scope="col">{t('columns.answerLoss')}</th>
              <th scope="col">{t('columns.questionLoss')}</th>
              <th scope="col">{t('columns.ends', MARKERS)}</th>
              <th scope="col">{t('columns.original')}</th>
              <th scope="col">{t('columns.originalOff')}</th>
              <th scope="col">{t('columns.markers')}</th>
            </tr>
          </thead>
          <tbody>
            {rows.map(([label, m, off]) => (
              <tr key={label}>
                <th scope="row">{label}</th>
                <td>{fixed(m.answerLoss)}</td>
                <td>{fixed(m.questionLoss)}</td>
                <td>{formatPercent(m.endShare, 0)}</td>
                <td>{fixed(m.originalLoss)}</td>
                <td>{off === null ? '—' : fixed(off)}</td>
                <td>{formatNumber(m.sampleMarkers)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <p className="muted small">{t('columnNote', { ...MARKERS, tokens: 32 })}</p>
      {answers && mixed && all && (
        <>
          <h4>{t('findings.title')}</h4>
          <p className="small" data-testid="lora-sft-findings">
            {t('findings.text', {
              before: fixed(before.originalLoss), answers: fixed(answers.after.originalLoss), mixed: fixed(mixed.after.originalLoss),
              qAll: fixed(all.after.questionLoss), qAnswers: fixed(answers.after.questionLoss),
            })}
          </p>
        </>
      )}
    </>
  );
}

export function SftSamples({ before, results, mix }: { before: SftMeasures; results: SftArmResult[]; mix: number }) {
  const { t } = useTranslation('sft');
  const rows: [string, SftMeasures][] = [[armLabel('base', mix), before], ...results.map((r) => [armLabel(r.arm, r.mix), r.after] as [string, SftMeasures])];
  return (
    <div className="sft-samples">
      <h4>{t('samples.title')}</h4>
      <p className="field-label">{t('samples.free')}</p>
      {rows.map(([label, m]) => (
        <div key={label}>
          <span className="small muted">{label}</span>
          <pre className="continuation" tabIndex={0}>{m.sample}</pre>
        </div>
      ))}
      <p className="field-label">{t('samples.answers')}</p>
      {rows.map(([label, m]) => (
        <div key={label}>
          <span className="small muted">{label}</span>
          <ul className="small">
            {m.answers.slice(0, 3).map((a) => (
              <li key={a.question}>
                <strong>{a.question}</strong> → {a.answer.trim() || '∅'} {a.ended ? MARKERS.end : t('samples.noEnd', MARKERS)}
              </li>
            ))}
          </ul>
        </div>
      ))}
    </div>
  );
}
