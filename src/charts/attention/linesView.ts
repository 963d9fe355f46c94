// BertViz's "head view": the tokens in two columns, queries on the left and
// keys on the right, a line from each query to each key it reads, as opaque
// as the weight and coloured per head. Hovering a token keeps only its lines.

import { select } from 'd3';
import { clip, escapeHtml, formatValue, headColor, strongest, widthMeter } from './common.ts';
import { type Chart, describe } from '../chart.ts';
import { t } from '../../i18n/index.ts';

export interface LinesHead {
  head: number;
  /** n × n weights, row-major (query × key). */
  weights: ArrayLike<number>;
}

export interface LinesData {
  tokens: readonly string[];
  /** Positions in the sequence, written as data-q / data-k. */
  ids?: readonly number[];
  heads: readonly LinesHead[];
}

/** Lines lighter than this are left out: invisible at that opacity, and a 128-token window has 8k pairs per head. */
export const MIN_DRAWN_WEIGHT = 0.01;

const ROW_H = 18;
const COL_W = 96;
/** Horizontal room for the lines: wider containers get longer, flatter lines. */
const MIN_SPAN = 180;
const MAX_SPAN = 420;

interface Link {
  head: number;
  q: number;
  k: number;
  weight: number;
}

/** How many heads are drawn, and where the newest token's query looks in the last (the chosen) head. */
export function describeLinesView(d: LinesData): string {
  const n = d.tokens.length;
  const chosen = d.heads[d.heads.length - 1];
  if (!chosen || n === 0) return t('attention:charts.lines.empty');
  const last = Array.from({ length: n }, (_, k) => chosen.weights[(n - 1) * n + k]);
  const values = { count: d.heads.length, head: chosen.head, token: d.tokens[n - 1], strongest: strongest(d.tokens, last) };
  return d.heads.length === 1 ? t('attention:charts.lines.one', values) : t('attention:charts.lines.many', values);
}

export function createLinesView(container: HTMLElement, options: { onSelectRow?: (row: number) => void } = {}): Chart<LinesData> {
  const meter = widthMeter(container, 480);
  const svg = select(container).append('svg').attr('class', 'attn-lines');
  const linksG = svg.append('g').attr('class', 'links');
  const leftG = svg.append('g').attr('class', 'tokens left');
  const rightG = svg.append('g').attr('class', 'tokens right');
  const caption = select(container).append('p').attr('class', 'attn-lines-caption');

  let focus: { side: 'q' | 'k'; index: number } | null = null;

  function applyFocus(): void {
    linksG
      .selectAll<SVGLineElement, Link>('line')
      .attr('display', (l) => (!focus || (focus.side === 'q' ? l.q === focus.index : l.k === focus.index) ? null : 'none'));
    leftG.selectAll<SVGTextElement, number>('text').classed('focus', (i) => focus?.side === 'q' && focus.index === i);
    rightG.selectAll<SVGTextElement, number>('text').classed('focus', (i) => focus?.side === 'k' && focus.index === i);
  }

  let data: LinesData | null = null;

  function draw(): void {
    if (!data) return;
    const d = data;
    const n = d.tokens.length;
    const SPAN = Math.max(MIN_SPAN, Math.min(MAX_SPAN, meter.get() - 2 * COL_W - 16));
    const width = COL_W * 2 + SPAN;
    const height = n * ROW_H + 8;
    svg.attr('width', width).attr('height', height).attr('viewBox', `0 0 ${width} ${height}`);
    svg.attr('data-min-weight', MIN_DRAWN_WEIGHT);
    const y = (i: number) => 4 + i * ROW_H + ROW_H / 2;
    const id = (i: number) => d.ids?.[i] ?? i;

    // Each head's lines sit a little above or below the others, so heads that read the same pair stay apart.
    const offset = new Map(d.heads.map((h, i) => [h.head, (i - (d.heads.length - 1) / 2) * Math.min(2.5, 10 / d.heads.length)]));
    const links: Link[] = [];
    for (const h of d.heads) {
      for (let q = 0; q < n; q++) {
        for (let k = 0; k < n; k++) {
          const weight = h.weights[q * n + k];
          if (weight >= MIN_DRAWN_WEIGHT) links.push({ head: h.head, q, k, weight });
        }
      }
    }
    // Opacity in proportion to the weight, each query's strongest line (per head) fully opaque: the rows of a
    // long window or of a small model are flat, and would otherwise all be near-invisible.
    const strongest = new Map<string, number>();
    for (const l of links) strongest.set(`${l.head}:${l.q}`, Math.max(strongest.get(`${l.head}:${l.q}`) ?? 0, l.weight));
    linksG
      .selectAll<SVGLineElement, Link>('line')
      .data(links)
      .join('line')
      .attr('x1', COL_W + 4)
      .attr('x2', COL_W + SPAN - 4)
      .attr('y1', (l) => y(l.q) + offset.get(l.head)!)
      .attr('y2', (l) => y(l.k) + offset.get(l.head)!)
      .attr('stroke', (l) => headColor(l.head))
      .attr('stroke-width', 2)
      .attr('stroke-opacity', (l) => 0.04 + (0.66 * l.weight) / strongest.get(`${l.head}:${l.q}`)!)
      .attr('data-head', (l) => l.head)
      .attr('data-q', (l) => id(l.q))
      .attr('data-k', (l) => id(l.k))
      .attr('data-weight', (l) => l.weight)
      .selectAll('title')
      .data((l) => [l])
      .join('title')
      .text((l) => `${t('attention:charts.lines.head', { head: l.head })}: ${d.tokens[l.q]} → ${d.tokens[l.k]}  ${formatValue(l.weight)}`);

    const indices = Array.from({ length: n }, (_, i) => i);
    const tokenText = (g: typeof leftG, side: 'q' | 'k') =>
      g
        .selectAll<SVGTextElement, number>('text')
        .data(indices)
        .join('text')
        .attr('x', side === 'q' ? COL_W : COL_W + SPAN)
        .attr('y', (i) => y(i))
        .attr('dy', '0.35em')
        .attr('text-anchor', side === 'q' ? 'end' : 'start')
        .attr('class', 'token-label')
        .attr(side === 'q' ? 'data-q' : 'data-k', (i) => id(i))
        .text((i) => clip(d.tokens[i], 12))
        .on('mouseenter', (_, i) => {
          focus = { side, index: i };
          applyFocus();
        })
        .on('mouseleave', () => {
          focus = null;
          applyFocus();
        })
        .on('click', (_, i) => side === 'q' && options.onSelectRow?.(i));
    tokenText(leftG, 'q');
    tokenText(rightG, 'k');
    if (focus && focus.index >= n) focus = null; // a redraw (a resize, a new step) keeps the hovered token's filter
    applyFocus();

    caption
      .selectAll<HTMLSpanElement, LinesHead>('span.legend-item')
      .data([...d.heads].sort((a, b) => a.head - b.head), (h) => String(h.head))
      .join((enter) => {
        const item = enter.append('span').attr('class', 'legend-item');
        item.append('span').attr('class', 'legend-swatch');
        item.append('span').attr('class', 'legend-label');
        return item;
      })
      .order()
      .call((item) => item.select('.legend-swatch').style('background', (h) => headColor(h.head)))
      .call((item) => item.select('.legend-label').html((h) => escapeHtml(t('attention:charts.lines.head', { head: h.head }))));
  }

  return {
    update(next) {
      data = next;
      draw();
      describe(svg.node()!, t('attention:charts.lines.title'), describeLinesView(next));
    },
    resize() {
      meter.measure();
      draw();
    },
    destroy() {
      svg.remove();
      caption.remove();
    },
  };
}
