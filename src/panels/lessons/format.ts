// A measured number as the page shows it, in the reader's locale (Intl).

import { formatBytes, formatFixed, formatNumber } from '../../i18n/format.ts';
import { t } from '../../i18n/index.ts';
import { MEASURE_UNITS, type MeasureId } from '../../walks/types.ts';
import { formatGB } from '../lora/memory.ts';

/**
 * What a measure is called, in the locale in force. Some ids hold a colon
 * (memory:full), i18next's namespace separator: looked up with it switched
 * off, else 'measures.memory:full' reads as key 'full' of a namespace 'measures.memory'.
 */
export function measureLabel(id: MeasureId): string {
  return t(`measures.${id}` as 'measures.seqRep4', { ns: 'lessons', nsSeparator: false });
}

export function formatMeasure(id: MeasureId, value: number): string {
  switch (MEASURE_UNITS[id]) {
    case 'ratio':
      return formatFixed(value, 3);
    case 'logit':
      return value === 0 ? '0' : formatNumber(value, { notation: 'scientific', maximumFractionDigits: 1 });
    case 'bytes':
      return id.startsWith('memory:') ? formatGB(value) : formatBytes(value);
    case 'count':
      return formatNumber(value);
    case 'nats':
      return formatFixed(value, 2);
    case 'ms':
      return formatNumber(value, { style: 'unit', unit: 'millisecond', maximumFractionDigits: 1 });
    case 'times':
      return t('lessons:units.timesAfter', { value: formatNumber(value, { maximumFractionDigits: 2 }) });
  }
}
