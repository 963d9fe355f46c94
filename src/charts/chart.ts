// The one shape every chart has (after TensorFlow Playground's heatmap.ts and
// linechart.ts): built once on a container by a `create…(container, options)`
// function, then redrawn from plain data. React reaches charts only through
// panels/ChartView.tsx, which relies on nothing but this interface.
// The words a chart writes itself come from the "charts" namespace, read when it draws.

import { t } from '../i18n/index.ts';
import { formatNumber } from '../i18n/format.ts';

export interface Chart<D> {
  /** Draws `data`, replacing whatever the chart showed before. */
  update(data: D): void;
  /** Redraws at the container's current size; charts without it are redrawn with update(). */
  resize?(): void;
  /** Removes everything the chart added to its container. */
  destroy(): void;
}

/**
 * The text alternative of a drawing: `role="img"` and a label that says what it
 * shows (the title, then the numbers a sighted reader would take from it), so
 * a screen reader reads one sentence instead of hundreds of shapes.
 */
export function describe(element: Element, title: string, summary = ''): void {
  element.setAttribute('role', 'img');
  element.setAttribute('aria-label', summary ? `${title}${t('charts:words.titleSeparator')}${summary}` : title);
}

/** A number in a text alternative: 3 significant digits, no trailing zeros, no grouping (read as one number). */
export function spoken(v: number): string {
  if (!Number.isFinite(v)) return v > 0 ? t('charts:words.infinity') : v < 0 ? t('charts:words.minusInfinity') : t('charts:words.notANumber');
  return formatNumber(Number(v.toPrecision(3)) || 0, { maximumSignificantDigits: 3, useGrouping: false }); // || 0: -0 reads as 0
}

/** "a, b and c" / "a、b和c" (a screen reader pauses at commas); whole clauses are joined by "；" in Chinese. */
export function listed(items: readonly string[], kind: 'items' | 'clauses' = 'items'): string {
  if (items.length <= 1) return items.join('');
  const [between, last] =
    kind === 'items' ? [t('charts:words.listSeparator'), t('charts:words.listLastSeparator')] : [t('charts:words.clauseSeparator'), t('charts:words.clauseLastSeparator')];
  return `${items.slice(0, -1).join(between)}${last}${items[items.length - 1]}`;
}

/** East Asian wide characters (汉字, kana, hangul, CJK and fullwidth punctuation): about one em each. */
const WIDE = /[\u1100-\u115F\u2E80-\u303E\u3041-\u33FF\u3400-\u4DBF\u4E00-\u9FFF\uA960-\uA97F\uAC00-\uD7A3\uF900-\uFAFF\uFE30-\uFE4F\uFF00-\uFF60\uFFE0-\uFFE6]/u;

/**
 * A label's width in px before it is drawn, for laying out axes: about 0.6 em
 * per Latin character and 1 em per wide one (a 汉字 is nearly twice a letter).
 */
export function labelWidth(text: string, fontPx: number): number {
  let em = 0;
  for (const c of text) em += WIDE.test(c) ? 1 : 0.6;
  return em * fontPx;
}
