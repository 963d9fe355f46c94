// The published figures beside the sweep's own (lessons/published.ts): a table
// cell per measure and strategy, the chart tick where the paper ran the same
// decoding, and the footnotes that say where each figure comes from.

import { useTranslation } from 'react-i18next';
import { type PaperId, type PublishedMark, type SweepMeasure, type SweepStrategyRef, MEASURES, PAPERS, publishedFor } from '../../lessons/published.ts';
import { formatFixed, formatNumber, formatPercent } from '../format.ts';

/** Footnote order: the seq-rep-4 column's paper first, as the table reads. */
const NOTE_ORDER: readonly PaperId[] = ['welleck2020', 'holtzman2020'];

/** The chart's tick: the published value when the paper ran the same decoding (a near match is only in the table). */
export function publishedTick(measure: SweepMeasure, target: SweepStrategyRef): number | undefined {
  return publishedFor(measure, target).find((m) => m.match === 'same')?.value;
}

/** A published value in the sweep's own units and form: seq-rep-4 as a fraction, a loop share as a percentage. */
function shown(m: PublishedMark): string {
  return m.measure.ours === 'loopShare' ? formatPercent(m.value, 2) : formatFixed(m.value, 3);
}

function Mark({ mark }: { mark: PublishedMark }) {
  const { t } = useTranslation('sampling');
  const paper = PAPERS[mark.row.paper];
  const decoding = mark.row.decoding;
  const settings = mark.differs.map((k) => t(`sweep.settings.${k}`, { value: formatNumber(decoding?.[k] ?? 0) })).join(', ');
  return (
    <span
      data-paper={paper.id}
      data-match={mark.match}
      title={t('sweep.publishedTitle', { cite: paper.cite, table: paper.table, row: mark.row.row, measure: mark.measure.name, printed: formatNumber(mark.printed) })}
    >
      {shown(mark)}
      <sup>{NOTE_ORDER.indexOf(paper.id) + 1}</sup>
      {mark.match === 'near' && <> {t('sweep.publishedNear', { settings })}</>}
    </span>
  );
}

/** The head of a published column: which paper's figures it holds, by footnote number and, on hover, name. */
export function PublishedHeader({ measure }: { measure: SweepMeasure }) {
  const { t } = useTranslation('sampling');
  const papers = NOTE_ORDER.filter((id) => Object.values(MEASURES).some((m) => m.paper === id && m.ours === measure));
  return (
    <th title={papers.map((id) => PAPERS[id].cite).join(', ')}>
      {t('sweep.publishedHeader')}
      <sup>{papers.map((id) => NOTE_ORDER.indexOf(id) + 1).join(',')}</sup>
    </th>
  );
}

/** The published figure(s) on one measure for one of the sweep's strategies, or a dash. */
export function PublishedCell({ measure, target }: { measure: SweepMeasure; target: SweepStrategyRef }) {
  const marks = publishedFor(measure, target);
  if (marks.length === 0) return <td className="published">—</td>;
  return (
    <td className="published" data-published={marks.map((m) => m.value).join(' ')}>
      {marks.map((m) => (
        <Mark key={`${m.row.paper}/${m.row.row}`} mark={m} />
      ))}
    </td>
  );
}

/** Where the published figures come from and what in them is comparable. */
export function PublishedNotes({ tokens }: { tokens: number }) {
  const { t } = useTranslation('sampling');
  return (
    <div className="hint" data-testid="sweep-published-notes">
      <p>{t('sweep.notes.heading')}</p>
      <ol>
        {NOTE_ORDER.map((id) => (
          <li key={id} data-paper={id}>
            {t(`sweep.notes.${id}`, { tokens })}
          </li>
        ))}
      </ol>
      <p>{t('sweep.notes.near')}</p>
    </div>
  );
}
