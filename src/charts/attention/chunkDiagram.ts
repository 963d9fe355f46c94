// Chunking with overlap, drawn: one row per window over the token positions
// of a long text; the darker part of each window is the span it is
// responsible for (scored), the lighter part is context carried over.

import { axisTop, scaleLinear, select } from 'd3';
import { widthMeter } from './common.ts';
import { type Chart, describe, listed } from '../chart.ts';
import { t } from '../../i18n/index.ts';

export interface ChunkView {
  start: number;
  end: number;
  scoreFrom: number;
}

export interface ChunkDiagramData {
  length: number;
  chunks: readonly ChunkView[];
}

const MARGIN = { top: 26, right: 16, bottom: 6, left: 72 };
const ROW = 20;

/** The windows as token ranges, with the part each one predicts. */
export function describeChunks(d: ChunkDiagramData): string {
  const windows = d.chunks.map((c, i) => t('attention:charts.chunks.reads', { n: i + 1, start: c.start, end: c.end - 1, from: c.scoreFrom }));
  return t('attention:charts.chunks.summary', { length: d.length, count: d.chunks.length, windows: listed(windows) });
}

export function createChunkDiagram(container: HTMLElement): Chart<ChunkDiagramData> {
  const meter = widthMeter(container, 560);
  const svg = select(container).append('svg').attr('class', 'attn-chunks');
  const plot = svg.append('g').attr('transform', `translate(${MARGIN.left},${MARGIN.top})`);
  const axis = plot.append('g').attr('class', 'axis');
  const rows = plot.append('g');
  let data: ChunkDiagramData | null = null;

  function draw(): void {
    if (!data) return;
    const d = data;
    const width = Math.max(280, meter.get());
    const innerW = width - MARGIN.left - MARGIN.right;
    const height = MARGIN.top + d.chunks.length * ROW + MARGIN.bottom;
    svg.attr('width', width).attr('height', height).attr('viewBox', `0 0 ${width} ${height}`);
    const x = scaleLinear().domain([0, Math.max(1, d.length)]).range([0, innerW]);
    axis.call(axisTop(x).ticks(Math.min(8, Math.floor(innerW / 70))));
    const g = rows
      .selectAll<SVGGElement, ChunkView>('g.chunk')
      .data(d.chunks)
      .join((enter) => {
        const c = enter.append('g').attr('class', 'chunk');
        c.append('text').attr('class', 'chunk-label').attr('text-anchor', 'end').attr('dy', '0.35em');
        c.append('rect').attr('class', 'context');
        c.append('rect').attr('class', 'scored');
        c.append('title');
        return c;
      })
      .attr('transform', (_, i) => `translate(0,${i * ROW})`)
      .attr('data-start', (c) => c.start)
      .attr('data-end', (c) => c.end)
      .attr('data-score-from', (c) => c.scoreFrom);
    g.select('.chunk-label').attr('x', -8).attr('y', ROW / 2 - 1).text((_, i) => t('attention:charts.chunks.window', { n: i + 1 }));
    g.select('.context').attr('x', (c) => x(c.start)).attr('width', (c) => Math.max(1, x(c.scoreFrom) - x(c.start))).attr('y', 3).attr('height', ROW - 8);
    g.select('.scored').attr('x', (c) => x(c.scoreFrom)).attr('width', (c) => Math.max(1, x(c.end) - x(c.scoreFrom))).attr('y', 3).attr('height', ROW - 8);
    g.select('title').text(
      (c) =>
        t('attention:charts.chunks.tip', { start: c.start, end: c.end - 1, from: c.scoreFrom }) +
        (c.scoreFrom > c.start ? t('attention:charts.chunks.overlap', { overlap: c.scoreFrom - c.start }) : ''),
    );
  }

  return {
    update(next) {
      data = next;
      draw();
      describe(svg.node()!, t('attention:charts.chunks.title'), describeChunks(next));
    },
    resize() {
      meter.measure();
      draw();
    },
    destroy() {
      svg.remove();
    },
  };
}
