// What the attention charts share: colour scales, the hatch that marks masked
// cells, a tooltip, and how many token labels fit. No model types, no React.

import { t } from '../../i18n/index.ts';
import { type Selection, interpolateBlues, interpolateRdBu, scaleSequentialSqrt, schemeTableau10, select } from 'd3';

/** Attention weights 0…1. A square-root scale, so the many small weights are not all white. */
export const weightColor = scaleSequentialSqrt(interpolateBlues).domain([0, 1]);

/** Scores (any sign), centred on zero: red positive, blue negative. */
export function scoreColor(maxAbs: number): (v: number) => string {
  const m = maxAbs > 0 ? maxAbs : 1;
  return (v) => interpolateRdBu(0.5 - Math.max(-1, Math.min(1, v / m)) / 2);
}

/** One colour per head, as BertViz colours its heads. */
export function headColor(head: number): string {
  return schemeTableau10[head % schemeTableau10.length];
}

let patternCount = 0;

/**
 * Adds an SVG pattern of grey diagonal lines for masked cells (the future a
 * decoder may not read) and returns its url(…) fill.
 */
export function addHatch(svg: Selection<SVGSVGElement, unknown, null, undefined>): string {
  const id = `attention-hatch-${++patternCount}`;
  const pattern = svg
    .append('defs')
    .append('pattern')
    .attr('id', id)
    .attr('patternUnits', 'userSpaceOnUse')
    .attr('width', 5)
    .attr('height', 5)
    .attr('patternTransform', 'rotate(45)');
  pattern.append('rect').attr('width', 5).attr('height', 5).attr('fill', '#f1f3f6');
  pattern.append('line').attr('x1', 0).attr('y1', 0).attr('x2', 0).attr('y2', 5).attr('stroke', '#c4cbd4').attr('stroke-width', 1.6);
  return `url(#${id})`;
}

export interface Tooltip {
  show(event: MouseEvent, html: string): void;
  hide(): void;
  remove(): void;
}

/**
 * A tooltip owned by `container` but placed in viewport coordinates (position:
 * fixed), so a scrolling chart container does not clip it.
 */
export function createTooltip(container: HTMLElement): Tooltip {
  const tip = select(container).append('div').attr('class', 'attn-tooltip').attr('role', 'status').style('display', 'none');
  return {
    show(event, html) {
      tip.html(html).style('display', 'block');
      const node = tip.node() as HTMLElement;
      const x = Math.min(event.clientX + 14, window.innerWidth - node.offsetWidth - 6);
      const y = event.clientY + 16 + node.offsetHeight > window.innerHeight ? event.clientY - node.offsetHeight - 10 : event.clientY + 16;
      tip.style('left', `${Math.max(4, x)}px`).style('top', `${Math.max(4, y)}px`);
    },
    hide() {
      tip.style('display', 'none');
    },
    remove() {
      tip.remove();
    },
  };
}

/**
 * A container's width, read once and again only on `measure()` (called from
 * resize). Reading layout in every update, right after other charts changed
 * the DOM, forces the browser to lay the page out again each time.
 */
export function widthMeter(container: HTMLElement, fallback: number): { get(): number; measure(): void } {
  let width: number | null = null;
  const measure = () => {
    width = container.clientWidth || fallback;
  };
  return {
    get() {
      if (width === null) measure();
      return width!;
    },
    measure,
  };
}

/** Every how-many-th label to draw so that labels at `cell` px spacing are at least `minGap` px apart. */
export function labelStride(cell: number, minGap = 11): number {
  return cell >= minGap ? 1 : Math.ceil(minGap / Math.max(cell, 0.5));
}

/**
 * Whether a column's labels stand upright and centred rather than slanted:
 * when every label is one character (a character-level tokenizer's 静 夜 思, or
 * ␣), none can run into the next, and 汉字 tipped on their side are hard to read.
 */
export function uprightLabels(labels: readonly string[]): boolean {
  return labels.length > 0 && labels.every((l) => [...l].length === 1);
}

/** Shortens a token label for an axis. */
export function clip(text: string, max = 10): string {
  const chars = [...text];
  return chars.length > max ? chars.slice(0, max - 1).join('') + '…' : text;
}

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

/** The `count` largest weights of one row, in words: "“the” 0.52, “cat” 0.2". For text alternatives. */
export function strongest(labels: readonly string[], values: ArrayLike<number>, masked?: ArrayLike<number>, count = 3): string {
  const order = Array.from({ length: labels.length }, (_, i) => i)
    .filter((i) => masked?.[i] !== 1 && Number.isFinite(values[i]))
    .sort((a, b) => values[b] - values[a])
    .slice(0, count);
  return order.map((i) => `“${labels[i]}” ${formatValue(values[i])}`).join(t('attention:charts.strongestSeparator'));
}

/** A number for a tooltip or a cell: 3 significant decimals, −∞ as such. */
export function formatValue(v: number): string {
  if (v === -Infinity) return '−∞';
  if (Number.isNaN(v)) return '—';
  const a = Math.abs(v);
  const s = a !== 0 && (a < 0.001 || a >= 1e4) ? v.toExponential(2) : v.toFixed(a >= 100 ? 1 : 3);
  return s.replace('-', '−');
}

/** Token labels along an axis: every `stride`-th (and the selected one), placed by `place`, full text on hover. */
export function drawLabels(
  g: Selection<SVGGElement, unknown, null, undefined>,
  labels: readonly string[],
  stride: number,
  place: (i: number) => string,
  anchor: 'start' | 'middle' | 'end',
  font: number,
  selected: number | null,
  onClick?: (i: number) => void,
): void {
  const shown = labels.map((text, i) => ({ text, i })).filter(({ i }) => i % stride === 0 || i === selected);
  g.selectAll<SVGTextElement, { text: string; i: number }>('text')
    .data(shown, (l) => String(l.i))
    .join('text')
    .attr('transform', (l) => place(l.i))
    .attr('text-anchor', anchor)
    .attr('dy', '0.35em')
    .attr('font-size', font)
    .attr('class', (l) => (l.i === selected ? 'token-label selected' : onClick ? 'token-label clickable' : 'token-label'))
    .attr('data-index', (l) => l.i)
    .text((l) => clip(l.text))
    .on('click', (_, l) => onClick?.(l.i))
    .selectAll('title')
    .data((l) => [l.text])
    .join('title')
    .text((t) => t);
}
