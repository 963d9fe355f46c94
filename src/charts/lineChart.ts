// A small line chart in D3, framework-free (after TensorFlow Playground's
// linechart.ts): built once on a container, then redrawn from plain data with
// `update`. It knows nothing about models or training; the loss panel hands it
// numbers.

import { type Selection, axisBottom, axisLeft, line, scaleLinear, select } from 'd3';
import { drawLegend } from './legend.ts';
import { type Chart, describe, listed, spoken } from './chart.ts';
import { t } from '../i18n/index.ts';

export interface Point {
  x: number;
  y: number;
}

export interface LineSeries {
  /** Stable key; also written to the path as data-series. */
  id: string;
  label: string;
  color: string;
  points: readonly Point[];
  /** Mark each point with a dot (for sparse series such as validation loss). */
  dots?: boolean;
  /** Draw the line thinner and fainter (for noisy per-step values). */
  faint?: boolean;
}

/** A horizontal guide line, e.g. the loss of guessing uniformly. */
export interface ReferenceLine {
  y: number;
  label: string;
}

export interface LineChartData {
  series: readonly LineSeries[];
  references?: readonly ReferenceLine[];
  /** Keep the x axis at least this long, so a run's planned length shows from the start. */
  xMax?: number;
}

export interface LineChartOptions {
  xLabel: string;
  yLabel: string;
  height?: number;
  /** Read aloud by screen readers. */
  title: string;
}

const MARGIN = { top: 14, right: 16, bottom: 40, left: 52 };

/** What the chart shows, in words: each line from its first point to its last, and the guide lines. */
export function describeLines(data: LineChartData, options: Pick<LineChartOptions, 'xLabel' | 'yLabel'>): string {
  const drawn = data.series.filter((s) => s.points.length > 0);
  if (drawn.length === 0) return t('charts:line.empty');
  const at = (p: Point) => t('charts:line.at', { y: spoken(p.y), xLabel: options.xLabel, x: spoken(p.x) });
  const lines = drawn.map((s) => {
    const first = s.points[0];
    const last = s.points[s.points.length - 1];
    return s.points.length === 1
      ? t('charts:line.single', { label: s.label, at: at(first) })
      : t('charts:line.range', { label: s.label, first: at(first), last: at(last) });
  });
  const refs = (data.references ?? []).map((r) => t('charts:line.guide', { y: spoken(r.y), label: r.label }));
  const summary = t('charts:line.summary', { yLabel: options.yLabel, xLabel: options.xLabel, lines: listed(lines, 'clauses') });
  return refs.length ? summary + t('charts:line.guides', { guides: listed(refs, 'clauses') }) : summary;
}

export function createLineChart(container: HTMLElement, options: LineChartOptions): Chart<LineChartData> {
  const height = options.height ?? 240;
  const svg = select(container)
    .append('svg')
    .attr('class', 'line-chart')
    .attr('height', height);
  const plot = svg.append('g').attr('transform', `translate(${MARGIN.left},${MARGIN.top})`);
  const xAxis = plot.append('g').attr('class', 'axis x-axis');
  const yAxis = plot.append('g').attr('class', 'axis y-axis');
  const refs = plot.append('g').attr('class', 'references');
  const lines = plot.append('g').attr('class', 'lines');
  const xLabel = svg.append('text').attr('class', 'axis-label').attr('text-anchor', 'middle').text(options.xLabel);
  const yLabel = svg.append('text').attr('class', 'axis-label').attr('text-anchor', 'middle').text(options.yLabel);
  const legend = select(container).append('div').attr('class', 'chart-legend');
  let data: LineChartData = { series: [] };

  function draw(): void {
    const width = Math.max(240, container.clientWidth || 480);
    const innerW = width - MARGIN.left - MARGIN.right;
    const innerH = height - MARGIN.top - MARGIN.bottom;
    svg.attr('width', width).attr('viewBox', `0 0 ${width} ${height}`);

    const points = data.series.flatMap((s) => s.points);
    const ys = points.map((p) => p.y).concat((data.references ?? []).map((r) => r.y)).filter(Number.isFinite);
    const xMax = Math.max(1, data.xMax ?? 0, ...points.map((p) => p.x));
    const yLo = ys.length ? Math.min(...ys) : 0;
    const yHi = ys.length ? Math.max(...ys) : 1;
    const pad = (yHi - yLo) * 0.08 || 0.5;
    const x = scaleLinear().domain([0, xMax]).range([0, innerW]).nice();
    const y = scaleLinear().domain([Math.max(0, yLo - pad), yHi + pad]).range([innerH, 0]).nice();

    xAxis.attr('transform', `translate(0,${innerH})`).call(axisBottom(x).ticks(Math.min(8, Math.floor(innerW / 70))));
    yAxis.call(axisLeft(y).ticks(5));
    xLabel.attr('x', MARGIN.left + innerW / 2).attr('y', height - 6);
    yLabel.attr('transform', `translate(14,${MARGIN.top + innerH / 2}) rotate(-90)`);

    refs
      .selectAll<SVGGElement, ReferenceLine>('g.reference')
      .data(data.references ?? [], (r) => r.label)
      .join((enter) => {
        const g = enter.append('g').attr('class', 'reference');
        g.append('line');
        g.append('text').attr('text-anchor', 'end').attr('dy', '-0.35em');
        return g;
      })
      .call((g) => g.select('line').attr('x1', 0).attr('x2', innerW).attr('y1', (r) => y(r.y)).attr('y2', (r) => y(r.y)))
      .call((g) => g.select('text').attr('x', innerW).attr('y', (r) => y(r.y)).text((r) => r.label));

    const path = line<Point>().x((p) => x(p.x)).y((p) => y(p.y));
    const groups = lines
      .selectAll<SVGGElement, LineSeries>('g.series')
      .data(data.series, (s) => s.id)
      .join((enter) => {
        const g = enter.append('g').attr('class', 'series');
        g.append('path').attr('class', 'line');
        return g;
      });
    groups
      .select<SVGPathElement>('path')
      .attr('d', (s) => path(s.points as Point[]) ?? '')
      .attr('stroke', (s) => s.color)
      .attr('stroke-width', (s) => (s.faint ? 1.25 : 2.25))
      .attr('opacity', (s) => (s.faint ? 0.55 : 1))
      // The plotted values, for tests and for anyone inspecting the page.
      .attr('data-series', (s) => s.id)
      .attr('data-count', (s) => s.points.length)
      .attr('data-first-y', (s) => s.points[0]?.y ?? '')
      .attr('data-last-y', (s) => s.points[s.points.length - 1]?.y ?? '');
    groups.each(function (s) {
      drawDots(select(this), s.dots ? s.points : [], s.color, (p) => x(p.x), (p) => y(p.y));
    });

    drawLegend(legend, data.series.map((s) => ({ key: s.id, label: s.label, color: s.color })));
  }

  return {
    update(next) {
      data = next;
      draw();
      describe(svg.node()!, options.title, describeLines(next, options));
    },
    resize: draw,
    destroy() {
      svg.remove();
      legend.remove();
    },
  };
}

function drawDots(
  group: Selection<SVGGElement, LineSeries, null, undefined>,
  points: readonly Point[],
  color: string,
  cx: (p: Point) => number,
  cy: (p: Point) => number,
): void {
  group
    .selectAll<SVGCircleElement, Point>('circle')
    .data(points)
    .join('circle')
    .attr('r', 3.5)
    .attr('fill', color)
    .attr('cx', cx)
    .attr('cy', cy);
}
