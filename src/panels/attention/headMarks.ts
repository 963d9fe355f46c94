// Which heads the grid marks (induction, previous-token) and how heads are
// named on screen; the scores themselves come from the engine (model/heads.ts).
// Plain functions, no React.

import type { GridBadge } from '../../charts/attention/grid.ts';
import { type HeadRef, parseHeadList } from '../../model/ablation.ts';
import type { HeadScore } from '../../model/heads.ts';
import { t } from '../../i18n/index.ts';
import { formatFixed } from '../../i18n/format.ts';

/**
 * Scores from which a head is marked. 0.4 is the cut ARENA's TransformerLens
 * exercises use for their attention-pattern detectors; a head that puts 40%
 * of its weight on one particular key, at every position of random text, is
 * doing that one thing.
 */
export const INDUCTION_THRESHOLD = 0.4;
export const PREVIOUS_TOKEN_THRESHOLD = 0.4;

export const isInductionHead = (s: HeadScore) => s.induction >= INDUCTION_THRESHOLD;
export const isPreviousTokenHead = (s: HeadScore) => s.previousToken >= PREVIOUS_TOKEN_THRESHOLD;

/** The grid's marks for a head, each with its score. */
export function headBadges(s: HeadScore): GridBadge[] {
  const badges: GridBadge[] = [];
  if (isInductionHead(s)) badges.push({ kind: 'induction', text: t('attention:heads.badge.induction', { score: formatFixed(s.induction, 2) }) });
  if (isPreviousTokenHead(s)) badges.push({ kind: 'previous', text: t('attention:heads.badge.previous', { score: formatFixed(s.previousToken, 2) }) });
  return badges;
}

export function headName(h: HeadRef): string {
  return t('attention:heads.headName', { layer: h.layer, head: h.head });
}

export function headList(heads: readonly HeadRef[]): string {
  return heads.map(headName).join(t('attention:heads.listSeparator'));
}

/** The link's switched-off heads that this model has (a link made on a deeper model may name more). */
export function heldHeads(text: string, nLayer: number, nHead: number): HeadRef[] {
  return parseHeadList(text).heads.filter((h) => h.layer < nLayer && h.head < nHead);
}
