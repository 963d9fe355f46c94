// Chunking with overlap, drawn: one row per window over the token positions
// of a long text; the darker part of each window is the span it is
// responsible for (scored), the lighter part is context carried over.

import { axisTop, scaleLinear, select } from 'd3';
import { widthMeter } from './common.ts';
import { type Chart, describe, listed } from '../chart.ts';

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
  const windows = d.chunks.map((c, i) => `window ${i + 1} reads tokens ${c.start}–${c.end - 1} and predicts ${c.scoreFrom}–${c.end - 1}`);
  return `${d.length} tokens in ${d.chunks.length} windows: ${listed(windows)}.`;
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
    g.select('.chunk-label').attr('x', -8).attr('y', ROW / 2 - 1).text((_, i) => `window ${i + 1}`);
    g.select('.context').attr('x', (c) => x(c.start)).attr('width', (c) => Math.max(1, x(c.scoreFrom) - x(c.start))).attr('y', 3).attr('height', ROW - 8);
    g.select('.scored').attr('x', (c) => x(c.scoreFrom)).attr('width', (c) => Math.max(1, x(c.end) - x(c.scoreFrom))).attr('y', 3).attr('height', ROW - 8);
    g.select('title').text((c) => `tokens ${c.start}–${c.end - 1}; predicts ${c.scoreFrom}–${c.end - 1}` + (c.scoreFrom > c.start ? ` with ${c.scoreFrom - c.start} tokens of overlap as context` : ''));
  }

  return {
    update(next) {
      data = next;
      draw();
      describe(svg.node()!, 'Windows over a long text', describeChunks(next));
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
