// Numbers and units as a reader of the current locale writes them, through Intl.

import { currentTag } from './index.ts';

/** A plain number with grouping: 1,234,567 (en) / 1,234,567 (zh-CN). */
export function formatNumber(n: number, options: Intl.NumberFormatOptions = {}): string {
  return new Intl.NumberFormat(currentTag(), options).format(n);
}

/** A number with exactly `digits` decimals. */
export function formatFixed(n: number, digits: number): string {
  return formatNumber(n, { minimumFractionDigits: digits, maximumFractionDigits: digits });
}

/** A share as a percentage: 0.123 → 12.3%. */
export function formatPercent(share: number, digits = 1): string {
  return formatNumber(share, { style: 'percent', minimumFractionDigits: digits, maximumFractionDigits: digits });
}

/** Bytes in B / KB / MB / GB (binary multiples, as the rest of the page counts them). */
export function formatBytes(bytes: number): string {
  const units = ['B', 'KB', 'MB', 'GB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  const digits = unit === 0 ? 0 : unit === 1 ? 1 : 2;
  return `${formatFixed(value, digits)} ${units[unit]}`;
}

/** Large counts in short form: 941k, 1.23M (en) / 94.1万, 123万 (zh). */
export function formatCount(n: number): string {
  if (Math.abs(n) < 1e4) return formatNumber(n);
  return formatNumber(n, { notation: 'compact', maximumFractionDigits: n >= 1e6 && currentTag() === 'en' ? 2 : 1 });
}
