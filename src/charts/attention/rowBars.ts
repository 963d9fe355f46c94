// One query's attention row as bars: how much of each key token's value it
// reads. Masked keys get a hatched stub instead of a bar.

import { axisLeft, scaleLinear, select } from 'd3';
import { addHatch, createTooltip, drawLabels, escapeHtml, formatValue, labelStride, strongest, uprightLabels, weightColor, widthMeter } from './common.ts';
import { type Chart, describe } from '../chart.ts';
import { t } from '../../i18n/index.ts';

export interface RowBarsData {
  /** The query token, for the title. */
  query: string;
  labels: readonly string[];
  values: ArrayLike<number>;
  masked?: ArrayLike<number>;
  /** Positions in the sequence, written as data-k. */
  ids?: readonly number[];
}

const MARGIN = { top: 10, right: 8, bottom: 64, left: 40 };
const HEIGHT = 190;

export function createRowBars(container: HTMLElement): Chart<RowBarsData> {
  const meter = widthMeter(container, 480);
  const svg = select(container).append('svg').attr('class', 'attn-rowbars').attr('height', HEIGHT);
  const hatch = addHatch(svg);
  const plot = svg.append('g').attr('transform', `translate(${MARGIN.left},${MARGIN.top})`);
  const yAxis = plot.append('g').attr('class', 'axis');
  const bars = plot.append('g');
  const labels = plot.append('g').attr('class', 'bar-labels');
  const tooltip = createTooltip(container);
  let data: RowBarsData | null = null;

  function draw(): void {
    if (!data) return;
    const d = data;
    const n = d.labels.length;
    const width = Math.max(200, meter.get());
    const innerH = HEIGHT - MARGIN.top - MARGIN.bottom;
    const band = Math.max(2, Math.min(34, (width - MARGIN.left - MARGIN.right) / Math.max(1, n)));
    const w = MARGIN.left + band * n + MARGIN.right;
    svg.attr('width', w).attr('viewBox', `0 0 ${w} ${HEIGHT}`);
    describe(svg.node()!, t('attention:charts.rowBars.title', { query: d.query }), t('attention:charts.rowBars.summary', { strongest: strongest(d.labels, d.values, d.masked) }));
    let max = 0;
    for (let i = 0; i < n; i++) max = Math.max(max, d.values[i]);
    const y = scaleLinear().domain([0, Math.max(0.05, max)]).range([innerH, 0]).nice();
    yAxis.call(axisLeft(y).ticks(4));
    const items = Array.from({ length: n }, (_, i) => ({ i, value: d.values[i], masked: d.masked?.[i] === 1 }));
    bars
      .selectAll<SVGRectElement, (typeof items)[number]>('rect')
      .data(items)
      .join('rect')
      .attr('class', (b) => (b.masked ? 'bar masked' : 'bar'))
      .attr('x', (b) => b.i * band + 0.5)
      .attr('width', Math.max(1, band - 1))
      .attr('y', (b) => (b.masked ? innerH - 6 : y(b.value)))
      .attr('height', (b) => (b.masked ? 6 : innerH - y(b.value)))
      .attr('fill', (b) => (b.masked ? hatch : weightColor(Math.max(0.15, b.value))))
      .attr('data-k', (b) => d.ids?.[b.i] ?? b.i)
      .attr('data-weight', (b) => (b.masked ? 0 : b.value))
      .attr('data-masked', (b) => (b.masked ? 'true' : null))
      .on('mousemove', (event: MouseEvent, b) =>
        tooltip.show(
          event,
          `${escapeHtml(d.query)} → <b>${escapeHtml(d.labels[b.i])}</b><br>${escapeHtml(b.masked ? t('attention:charts.heatmap.maskedTip') : t('attention:charts.heatmap.weightTip', { value: formatValue(b.value) }))}`,
        ),
      )
      .on('mouseleave', () => tooltip.hide());
    const stride = labelStride(band);
    const font = Math.max(9, Math.min(12, band - 1));
    const upright = uprightLabels(d.labels);
    const place = (i: number) => `translate(${i * band + band / 2},${innerH + 6}) ${upright ? `translate(0,${font / 2})` : 'rotate(-55)'}`;
    drawLabels(labels, d.labels, stride, place, upright ? 'middle' : 'end', font, null);
  }

  return {
    update(next) {
      data = next;
      draw();
    },
    resize() {
      meter.measure();
      draw();
    },
    destroy() {
      tooltip.remove();
      svg.remove();
    },
  };
}
