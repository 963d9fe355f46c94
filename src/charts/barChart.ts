// Vertical bars with labels and values, framework-free: the repetition sweep
// (seq-rep-4 per decoding strategy), optionally with a reference value per bar
// (a published figure) drawn as a tick.

import { axisLeft, scaleBand, scaleLinear, select } from 'd3';
import { type Chart, describe, labelWidth, listed, spoken } from './chart.ts';
import { t } from '../i18n/index.ts';
import { formatFixed } from '../i18n/format.ts';

export interface Bar {
  /** Stable key, written to the bar as data-label; the label when absent (so a translated label keeps its key). */
  id?: string;
  label: string;
  value: number;
  /** A comparison value drawn as a dashed tick, e.g. the published figure. */
  reference?: number;
  color?: string;
}

const key = (b: Bar) => b.id ?? b.label;

const M = { top: 12, right: 12, bottom: 44, left: 46 };
/** The labels' font size (styles.css .bar-chart text.label), for measuring them before drawing. */
const LABEL_PX = 11.5;
/** Labels wider than their bar's slot are slanted by this much, so that many bars (or long 汉字 labels) do not overlap. */
const SLANT_DEG = 35;

/** Each bar's value in words, with its reference figure where it has one. */
export function describeBars(bars: readonly Bar[], yLabel: string): string {
  if (bars.length === 0) return t('charts:bars.empty');
  const items = bars.map((b) =>
    b.reference === undefined
      ? t('charts:bars.item', { label: b.label, value: spoken(b.value) })
      : t('charts:bars.itemWithReference', { label: b.label, value: spoken(b.value), reference: spoken(b.reference) }),
  );
  return t('charts:bars.summary', { yLabel, items: listed(items) });
}

export function createBarChart(container: HTMLElement, opts: { title: string; yLabel: string; height?: number; yMax?: number }): Chart<readonly Bar[]> {
  const height = opts.height ?? 220;
  const svg = select(container).append('svg').attr('class', 'bar-chart').attr('height', height);
  const plot = svg.append('g').attr('transform', `translate(${M.left},${M.top})`);
  const yAxis = plot.append('g').attr('class', 'axis');
  const barsG = plot.append('g');
  const yLabel = svg.append('text').attr('class', 'axis-label').attr('text-anchor', 'middle').text(opts.yLabel);
  let bars: readonly Bar[] = [];

  function draw(): void {
    const width = Math.max(260, container.clientWidth || 480);
    const innerW = width - M.left - M.right;
    const innerH = height - M.top - M.bottom;
    const x = scaleBand().domain(bars.map(key)).range([0, innerW]).padding(0.25);
    // Slanted labels hang below the axis: the chart grows by what they need, the bars keep their height.
    const widest = Math.max(0, ...bars.map((b) => labelWidth(b.label, LABEL_PX)));
    const slant = widest > x.step() - 4;
    const below = slant ? 12 + Math.ceil(widest * Math.sin((SLANT_DEG * Math.PI) / 180)) + 10 : M.bottom;
    const extra = Math.max(0, below - M.bottom);
    svg.attr('width', width).attr('height', height + extra).attr('viewBox', `0 0 ${width} ${height + extra}`);
    const top = opts.yMax ?? Math.max(0.05, ...bars.map((b) => Math.max(b.value, b.reference ?? 0))) * 1.1;
    const y = scaleLinear().domain([0, top]).range([innerH, 0]).nice();
    yAxis.call(axisLeft(y).ticks(5));
    yLabel.attr('transform', `translate(12,${M.top + innerH / 2}) rotate(-90)`);
    const g = barsG
      .selectAll<SVGGElement, Bar>('g.bar')
      .data(bars, key)
      .join((enter) => {
        const e = enter.append('g').attr('class', 'bar');
        e.append('rect');
        e.append('line').attr('class', 'reference');
        e.append('text').attr('class', 'value').attr('text-anchor', 'middle');
        e.append('text').attr('class', 'label').attr('font-size', LABEL_PX);
        return e;
      })
      .attr('data-label', key)
      .attr('data-value', (b) => b.value);
    g.select('rect')
      .attr('x', (b) => x(key(b))!)
      .attr('width', x.bandwidth())
      .attr('y', (b) => y(b.value))
      .attr('height', (b) => innerH - y(b.value))
      .attr('fill', (b) => b.color ?? 'var(--accent)');
    g.select('line.reference')
      .attr('display', (b) => (b.reference === undefined ? 'none' : null))
      .attr('x1', (b) => x(key(b))! - 4)
      .attr('x2', (b) => x(key(b))! + x.bandwidth() + 4)
      .attr('y1', (b) => y(b.reference ?? 0))
      .attr('y2', (b) => y(b.reference ?? 0));
    g.select('text.value').attr('x', (b) => x(key(b))! + x.bandwidth() / 2).attr('y', (b) => y(b.value) - 4).text((b) => formatFixed(b.value, 3));
    g.select<SVGTextElement>('text.label')
      .attr('x', null)
      .attr('y', null)
      .attr('transform', (b) => `translate(${x(key(b))! + x.bandwidth() / 2},${innerH + (slant ? 12 : 18)})${slant ? ` rotate(-${SLANT_DEG})` : ''}`)
      .attr('text-anchor', slant ? 'end' : 'middle')
      .text((b) => b.label);
  }

  return {
    update(next) {
      bars = next;
      draw();
      describe(svg.node()!, opts.title, describeBars(next, opts.yLabel));
    },
    resize: draw,
    destroy() {
      svg.remove();
    },
  };
}
