// The line under the heatmap (and the grid) that says what prompt learning's
// virtual columns are, and how much of this head's weight goes to them: the
// model's own measured share, averaged over the rows of the step.

import { Trans, useTranslation } from 'react-i18next';
import type { VirtualColumns } from '../../engine/attentionProtocol.ts';
import { formatPercent } from '../format.ts';

export function VirtualShare(props: { columns: VirtualColumns; labels: readonly string[]; share: number; rows: number }) {
  const { t } = useTranslation('attention');
  const { kind, count } = props.columns;
  const values = { count, first: props.labels[0] ?? '', last: props.labels.at(-1) ?? '', lastPosition: count - 1, share: formatPercent(props.share), rows: props.rows };
  return (
    <p className="notice" data-testid="attention-virtual-share" data-kind={kind} data-count={count} data-share={props.share}>
      <Trans t={t} i18nKey={kind === 'prefix' ? 'virtual.prefixShare' : 'virtual.inputShare'} values={values} components={{ b: <b /> }} />
    </p>
  );
}
