// An attention matrix as a D3 heatmap: query tokens down the left, key tokens
// along the top, one cell per (query, key) weight. Masked cells — the future a
// decoder may not read — are hatched, so the blocked upper triangle shows.
// Framework-free: built on a container, redrawn with `update(data)`.

import { type Selection, select } from 'd3';
import { addHatch, clip, createTooltip, drawLabels, escapeHtml, formatValue, labelStride, strongest, weightColor, widthMeter } from './common.ts';
import { type Chart, describe } from '../chart.ts';

export interface AttentionHeatmapData {
  rowLabels: readonly string[];
  colLabels: readonly string[];
  /** rows × cols, row-major. */
  values: ArrayLike<number>;
  /** rows × cols, 1 where the mask forbids the cell (drawn hatched; its value is 0). */
  masked?: ArrayLike<number>;
  /** Positions in the sequence, written to each cell as data-q / data-k (default: the row / column index). */
  rowIds?: readonly number[];
  colIds?: readonly number[];
  /** Row drawn with an outline (the selected query). */
  selectedRow?: number | null;
}

export interface HeatmapOptions {
  /** Read by screen readers. */
  title: string;
  /** Largest cell side in px; cells shrink to fit the width. */
  maxCell?: number;
  /** No axis labels (thumbnails, side-by-side comparisons). */
  compact?: boolean;
  /** Called with a row index when a row label or a cell is clicked. */
  onSelectRow?: (row: number) => void;
  /** Fixed width instead of the container's. */
  width?: number;
}

export type AttentionHeatmap = Chart<AttentionHeatmapData>;

interface Cell {
  row: number;
  col: number;
  value: number;
  masked: boolean;
}

const MIN_CELL = 2;

/** The matrix's size, how much of it the mask hides, and where the selected (or last) query's weight goes. */
export function describeHeatmap(d: AttentionHeatmapData): string {
  const rows = d.rowLabels.length;
  const cols = d.colLabels.length;
  let masked = 0;
  for (let i = 0; i < rows * cols; i++) if (d.masked?.[i] === 1) masked++;
  const row = d.selectedRow ?? rows - 1;
  const parts = [`${rows} query tokens by ${cols} key tokens${masked ? `; ${masked} of ${rows * cols} cells are masked` : ''}.`];
  if (row >= 0 && row < rows) {
    const values = Array.from({ length: cols }, (_, c) => d.values[row * cols + c]);
    const mask = d.masked ? Array.from({ length: cols }, (_, c) => d.masked![row * cols + c]) : undefined;
    parts.push(`The query “${d.rowLabels[row]}” reads most from ${strongest(d.colLabels, values, mask)}.`);
  }
  return parts.join(' ');
}

/** Space the labels need: about 6.5 px per character at 11 px, capped. */
function labelSpace(labels: readonly string[]): number {
  const longest = labels.reduce((m, l) => Math.max(m, [...clip(l)].length), 1);
  return Math.min(84, 10 + longest * 6.5);
}

export function createAttentionHeatmap(container: HTMLElement, options: HeatmapOptions): AttentionHeatmap {
  const meter = widthMeter(container, 480);
  const svg = select(container).append('svg').attr('class', 'attn-heatmap');
  const hatch = addHatch(svg);
  const plot = svg.append('g');
  const cellsG = plot.append('g').attr('class', 'cells');
  const outline = plot.append('rect').attr('class', 'row-outline').attr('fill', 'none');
  const rowAxis = svg.append('g').attr('class', 'row-labels');
  const colAxis = svg.append('g').attr('class', 'col-labels');
  const tooltip = createTooltip(container);
  let data: AttentionHeatmapData | null = null;
  let lastCell = 0;
  let lastIds = '';

  // One listener on the group rather than three per cell: a 128-token window has 16k cells.
  const cellOf = (event: Event): Cell | undefined => (event.target as { __data__?: Cell }).__data__;
  cellsG
    .on('mousemove', (event: MouseEvent) => {
      const c = cellOf(event);
      if (!c || !data) return;
      const d = data;
      const q = escapeHtml(d.rowLabels[c.row]);
      const k = escapeHtml(d.colLabels[c.col]);
      const where = `<b>${q}</b> (query ${d.rowIds?.[c.row] ?? c.row}) → <b>${k}</b> (key ${d.colIds?.[c.col] ?? c.col})`;
      tooltip.show(event, c.masked ? `${where}<br>masked: weight 0` : `${where}<br>weight ${formatValue(c.value)}`);
    })
    .on('mouseleave', () => tooltip.hide())
    .on('click', (event: MouseEvent) => {
      const c = cellOf(event);
      if (c) options.onSelectRow?.(c.row);
    });

  function draw(): void {
    if (!data) return;
    const d = data;
    const rows = d.rowLabels.length;
    const cols = d.colLabels.length;
    const compact = options.compact ?? false;
    const left = compact ? 0 : labelSpace(d.rowLabels);
    const top = compact ? 0 : labelSpace(d.colLabels) * 0.75;
    const width = options.width ?? Math.max(120, meter.get());
    const cell = Math.max(MIN_CELL, Math.min(options.maxCell ?? 26, Math.floor((width - left - 4) / Math.max(1, cols))));
    const w = left + cell * cols + 4;
    const h = top + cell * rows + 4;
    svg.attr('width', w).attr('height', h).attr('viewBox', `0 0 ${w} ${h}`);
    plot.attr('transform', `translate(${left},${top})`);
    svg.attr('data-rows', rows).attr('data-cols', cols).attr('data-cell', cell).classed('dense', cell < 6);

    const cells: Cell[] = [];
    for (let r = 0; r < rows; r++) {
      for (let c = 0; c < cols; c++) {
        const i = r * cols + c;
        const masked = d.masked ? d.masked[i] === 1 : false;
        cells.push({ row: r, col: c, value: masked ? 0 : d.values[i], masked });
      }
    }
    const rowId = (r: number) => d.rowIds?.[r] ?? r;
    const colId = (c: number) => d.colIds?.[c] ?? c;
    // Cells are keyed by place, so a step that adds a row and a column only touches what changed: a 128-token
    // window has 16k cells, and writing every attribute of every cell each step is most of the cost.
    const relayout = cell !== lastCell;
    const ids = `${d.rowIds?.join(',')}|${d.colIds?.join(',')}`;
    const renumber = ids !== lastIds;
    lastCell = cell;
    lastIds = ids;
    const joined = cellsG
      .selectAll<SVGRectElement, Cell>('rect')
      .data(cells, (c) => `${c.row}:${c.col}`)
      .join((enter) =>
        enter
          .append('rect')
          .attr('x', (c) => c.col * cell)
          .attr('y', (c) => c.row * cell)
          .attr('width', cell)
          .attr('height', cell)
          .attr('data-q', (c) => rowId(c.row))
          .attr('data-k', (c) => colId(c.col)),
      );
    if (relayout) joined.attr('x', (c) => c.col * cell).attr('y', (c) => c.row * cell).attr('width', cell).attr('height', cell);
    if (renumber) joined.attr('data-q', (c) => rowId(c.row)).attr('data-k', (c) => colId(c.col));
    joined
      .attr('fill', (c) => (c.masked ? hatch : weightColor(c.value)))
      .attr('class', (c) => (c.masked ? 'cell masked' : 'cell'))
      // The drawn values, for tests and anyone inspecting the page.
      .attr('data-weight', (c) => c.value)
      .attr('data-masked', (c) => (c.masked ? 'true' : null));

    const sel = d.selectedRow;
    outline
      .attr('display', sel === null || sel === undefined ? 'none' : null)
      .attr('x', -1)
      .attr('y', (sel ?? 0) * cell - 1)
      .attr('width', cols * cell + 2)
      .attr('height', cell + 2);

    if (compact) {
      rowAxis.selectAll('*').remove();
      colAxis.selectAll('*').remove();
      return;
    }
    const stride = labelStride(cell);
    const font = Math.max(9, Math.min(12, cell - 1));
    drawLabels(
      rowAxis.attr('transform', `translate(${left - 4},${top})`),
      d.rowLabels,
      stride,
      (i) => `translate(0,${i * cell + cell / 2})`,
      'end',
      font,
      sel ?? null,
      options.onSelectRow,
    );
    drawLabels(
      colAxis.attr('transform', `translate(${left},${top - 4})`),
      d.colLabels,
      stride,
      (i) => `translate(${i * cell + cell / 2},0) rotate(-55)`,
      'start',
      font,
      null,
    );
  }

  return {
    update(next) {
      data = next;
      draw();
      describe(svg.node()!, options.title, describeHeatmap(next));
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
