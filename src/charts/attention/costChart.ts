// How attention's memory grows with the number of tokens, on log–log axes:
// an n×n matrix stored whole is a line of slope 2; a per-token KV cache, or
// FlashAttention's per-token statistics, a line of slope 1. Vertical markers
// show the context window and the sequence on screen.

import { axisBottom, axisLeft, line, scaleLog, select } from 'd3';
import { escapeHtml, widthMeter } from './common.ts';
import { type Chart, describe, listed } from '../chart.ts';
import { t } from '../../i18n/index.ts';
import { formatNumber } from '../../i18n/format.ts';

export interface CostPoint {
  x: number;
  y: number;
}

export interface CostSeries {
  id: string;
  label: string;
  color: string;
  dashed?: boolean;
  points: readonly CostPoint[];
}

export interface CostMarker {
  x: number;
  label: string;
}

export interface CostData {
  series: readonly CostSeries[];
  markers: readonly CostMarker[];
}

const MARGIN = { top: 16, right: 18, bottom: 40, left: 74 };
const HEIGHT = 260;

/** 1536 → "1.5 KB": powers of 1024, as memory is sold; the number as the locale writes it. */
export function formatBytesShort(bytes: number): string {
  const units = ['B', 'KB', 'MB', 'GB', 'TB', 'PB'];
  let v = bytes;
  let u = 0;
  while (v >= 1024 && u < units.length - 1) {
    v /= 1024;
    u++;
  }
  const digits = v >= 100 || u === 0 || Number.isInteger(v) ? 0 : 1;
  return `${formatNumber(v, { minimumFractionDigits: digits, maximumFractionDigits: digits })} ${units[u]}`;
}

/** Each line's memory at its first and last length. */
export function describeCosts(d: CostData): string {
  const lines = d.series
    .filter((s) => s.points.length > 0)
    .map((s) => {
      const a = s.points[0];
      const b = s.points[s.points.length - 1];
      return t('attention:charts.cost.line', { label: s.label, first: formatBytesShort(a.y), firstX: a.x, last: formatBytesShort(b.y), lastX: b.x });
    });
  const marks = d.markers.map((m) => t('attention:charts.cost.mark', { label: m.label, x: m.x }));
  return t('attention:charts.cost.summary', { lines: listed(lines) }) + (marks.length ? t('attention:charts.cost.marked', { marks: listed(marks) }) : '');
}

export function createCostChart(container: HTMLElement, title: string): Chart<CostData> {
  const meter = widthMeter(container, 560);
  const svg = select(container).append('svg').attr('class', 'attn-cost line-chart').attr('height', HEIGHT);
  const plot = svg.append('g').attr('transform', `translate(${MARGIN.left},${MARGIN.top})`);
  const xAxis = plot.append('g').attr('class', 'axis x-axis');
  const yAxis = plot.append('g').attr('class', 'axis y-axis');
  const markersG = plot.append('g').attr('class', 'markers');
  const linesG = plot.append('g').attr('class', 'lines');
  svg.append('text').attr('class', 'axis-label x-label').attr('text-anchor', 'middle');
  svg.append('text').attr('class', 'axis-label y-label').attr('text-anchor', 'middle');
  const legend = select(container).append('div').attr('class', 'chart-legend');
  let data: CostData = { series: [], markers: [] };

  function draw(): void {
    const width = Math.max(280, meter.get());
    const innerW = width - MARGIN.left - MARGIN.right;
    const innerH = HEIGHT - MARGIN.top - MARGIN.bottom;
    svg.attr('width', width).attr('viewBox', `0 0 ${width} ${HEIGHT}`);
    const points = data.series.flatMap((s) => s.points).filter((p) => p.x > 0 && p.y > 0);
    if (points.length === 0) return;
    const x = scaleLog().domain([Math.min(...points.map((p) => p.x)), Math.max(...points.map((p) => p.x))]).range([0, innerW]);
    const y = scaleLog().domain([Math.min(...points.map((p) => p.y)), Math.max(...points.map((p) => p.y))]).range([innerH, 0]).nice();
    xAxis.attr('transform', `translate(0,${innerH})`).call(axisBottom(x).ticks(6, '~s'));
    // Ticks at 1 KB, 32 KB, 1 MB, 32 MB…: round numbers in the units memory is sold in.
    const [lo, hi] = y.domain();
    const yTicks: number[] = [];
    for (let e = 0; e < 7; e++) for (const m of [1, 32]) if (1024 ** e * m >= lo && 1024 ** e * m <= hi) yTicks.push(1024 ** e * m);
    yAxis.call(axisLeft(y).tickValues(yTicks).tickFormat((v) => formatBytesShort(Number(v))));
    svg.select('.x-label').attr('x', MARGIN.left + innerW / 2).attr('y', HEIGHT - 4).text(t('attention:charts.cost.xLabel'));
    svg.select('.y-label').text(t('attention:charts.cost.yLabel')).attr('transform', `translate(12,${MARGIN.top + innerH / 2}) rotate(-90)`);

    const path = line<CostPoint>().x((p) => x(p.x)).y((p) => y(p.y));
    linesG
      .selectAll<SVGPathElement, CostSeries>('path')
      .data(data.series, (s) => s.id)
      .join('path')
      .attr('class', 'line')
      .attr('d', (s) => path(s.points as CostPoint[]) ?? '')
      .attr('stroke', (s) => s.color)
      .attr('stroke-width', 2.25)
      .attr('stroke-dasharray', (s) => (s.dashed ? '6 4' : null))
      .attr('data-series', (s) => s.id)
      .attr('data-last-y', (s) => s.points[s.points.length - 1]?.y ?? '');

    const [x0, x1] = x.domain();
    const markers = markersG
      .selectAll<SVGGElement, CostMarker>('g.marker')
      .data(data.markers.filter((m) => m.x >= x0 && m.x <= x1), (m) => m.label)
      .join((enter) => {
        const g = enter.append('g').attr('class', 'marker');
        g.append('line');
        g.append('text').attr('dy', '0.9em').attr('dx', 4);
        return g;
      })
      .attr('transform', (m) => `translate(${x(m.x)},0)`);
    markers.select('line').attr('y1', 0).attr('y2', innerH);
    markers.select('text').attr('y', (_, i) => i * 14).text((m) => m.label);

    legend
      .selectAll<HTMLSpanElement, CostSeries>('span.legend-item')
      .data(data.series, (s) => s.id)
      .join((enter) => {
        const item = enter.append('span').attr('class', 'legend-item');
        item.append('span').attr('class', 'legend-swatch');
        item.append('span').attr('class', 'legend-label');
        return item;
      })
      .call((item) =>
        item.select('.legend-swatch').style('background', (s) => (s.dashed ? `repeating-linear-gradient(to right, ${s.color} 0 5px, transparent 5px 8px)` : s.color)),
      )
      .call((item) => item.select('.legend-label').html((s) => escapeHtml(s.label)));
  }

  return {
    update(next) {
      data = next;
      draw();
      describe(svg.node()!, title, describeCosts(next));
    },
    resize() {
      meter.measure();
      draw();
    },
    destroy() {
      svg.remove();
      legend.remove();
    },
  };
}
