// Numbers as people read them, in the locale in force (src/i18n/format.ts).
export { formatBytes, formatCount, formatFixed, formatNumber, formatPercent } from '../i18n/format.ts';
