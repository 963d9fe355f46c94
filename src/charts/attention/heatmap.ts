// An attention matrix as a D3 heatmap: query tokens down the left, key tokens
// along the top, one cell per (query, key) weight. Masked cells — the future a
// decoder may not read — are hatched, so the blocked upper triangle shows.
// A matrix larger than the window (128 tokens by default; GPT-2's context is
// 1,024, a million cells) is drawn whole on a canvas, one pixel per cell, with
// a frame marking the window that the SVG shows cell by cell and labelled;
// the window follows the selected query, which the overview also chooses (a
// click, or the arrow keys). The data is either the whole matrix, or (`whole`
// set) only the window plus an overview of block means, as the Attention panel
// receives them from the worker. Framework-free: built on a container, redrawn
// with `update(data)`.

import { type Selection, select } from 'd3';
import { addHatch, clip, createTooltip, drawLabels, escapeHtml, formatValue, labelStride, strongest, uprightLabels, weightColor, widthMeter } from './common.ts';
import { type Chart, describe, labelWidth } from '../chart.ts';
import { t } from '../../i18n/index.ts';
import { type MatrixPixels, paintMatrix } from './matrixCanvas.ts';

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
  /** Leading columns that are prompt learning's virtual tokens: tinted, and set apart from the keys by a line. */
  virtualCols?: number;
  /**
   * Set when the data is already a window of a larger matrix (the worker sends
   * only what is drawn): the labels, values, ids and selected row above are
   * the window's, and this says where it lies in the whole.
   */
  whole?: WholeMatrix;
}

/** A matrix the chart receives as its window plus an averaged overview. */
export interface WholeMatrix {
  /** Rows (= columns) of the whole matrix. */
  size: number;
  /** First row (and column) of the window. */
  start: number;
  /** Selected row of the whole. */
  selected: number;
  /** Its label. */
  selectedLabel: string;
  /** The whole matrix averaged into side × side blocks, for the canvas. */
  overview: { size: number; values: ArrayLike<number>; masked?: ArrayLike<number> } | null;
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
  /** Largest matrix drawn cell by cell; a larger one gets the overview canvas and this window of it. */
  window?: number;
}

/** Rows and columns [start, start + size) of the matrix that the cell-by-cell view shows. */
export interface HeatmapWindow {
  start: number;
  size: number;
}

/** The playground model's whole context (128 tokens, 16k cells) stays cell by cell, as it always was. */
export const DEFAULT_WINDOW = 128;

/**
 * The window around the selected query (the newest when none): it ends a
 * quarter of a window below the query where it can, so the diagonal and the
 * keys just before the query are in view.
 */
export function heatmapWindow(n: number, selectedRow: number | null | undefined, size = DEFAULT_WINDOW): HeatmapWindow {
  if (n <= size) return { start: 0, size: n };
  const row = selectedRow === null || selectedRow === undefined || selectedRow < 0 || selectedRow >= n ? n - 1 : selectedRow;
  const start = Math.max(0, Math.min(n - size, row - Math.floor((3 * size) / 4)));
  return { start, size };
}

/** The window's part of the data: labels, values, mask and positions (data-q / data-k stay positions of the whole). */
function windowOf(d: AttentionHeatmapData, w: HeatmapWindow): AttentionHeatmapData {
  const n = d.rowLabels.length;
  if (w.start === 0 && w.size === n) return d;
  const values = new Float32Array(w.size * w.size);
  const masked = new Uint8Array(w.size * w.size);
  for (let r = 0; r < w.size; r++) {
    for (let c = 0; c < w.size; c++) {
      const i = (w.start + r) * n + w.start + c;
      values[r * w.size + c] = d.values[i];
      masked[r * w.size + c] = d.masked?.[i] === 1 ? 1 : 0;
    }
  }
  const ids = Array.from({ length: w.size }, (_, i) => w.start + i);
  const sel = d.selectedRow ?? n - 1;
  return {
    rowLabels: d.rowLabels.slice(w.start, w.start + w.size),
    colLabels: d.colLabels.slice(w.start, w.start + w.size),
    values,
    masked,
    rowIds: d.rowIds ? d.rowIds.slice(w.start, w.start + w.size) : ids,
    colIds: d.colIds ? d.colIds.slice(w.start, w.start + w.size) : ids,
    selectedRow: sel >= w.start && sel < w.start + w.size ? sel - w.start : null,
  };
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
  // Counts stay plain digits: a screen reader reads them as one number.
  const size = t('attention:charts.heatmap.size', { rows, cols });
  const hidden = masked ? t('attention:charts.heatmap.masked', { masked, cells: rows * cols }) : '';
  const parts = [`${size}${hidden}${t('attention:charts.heatmap.end')}`];
  if (row >= 0 && row < rows) {
    const values = Array.from({ length: cols }, (_, c) => d.values[row * cols + c]);
    const mask = d.masked ? Array.from({ length: cols }, (_, c) => d.masked![row * cols + c]) : undefined;
    parts.push(t('attention:charts.heatmap.reads', { query: d.rowLabels[row], strongest: strongest(d.colLabels, values, mask) }));
  }
  return parts.join(t('charts:words.sentenceSeparator'));
}

/** Space the labels need at 11 px (a 汉字 nearly twice a letter), capped. */
function labelSpace(labels: readonly string[]): number {
  const widest = labels.reduce((m, l) => Math.max(m, labelWidth(clip(l), 11)), 6.5);
  return Math.min(84, 10 + widest);
}

export function createAttentionHeatmap(container: HTMLElement, options: HeatmapOptions): AttentionHeatmap {
  const meter = widthMeter(container, 480);
  const overview = createOverview(container, (row) => options.onSelectRow?.(row));
  const svg = select(container).append('svg').attr('class', 'attn-heatmap');
  const hatch = addHatch(svg);
  const plot = svg.append('g');
  const cellsG = plot.append('g').attr('class', 'cells');
  const outline = plot.append('rect').attr('class', 'row-outline').attr('fill', 'none');
  const divider = plot.append('line').attr('class', 'virtual-divider');
  const rowAxis = svg.append('g').attr('class', 'row-labels');
  const colAxis = svg.append('g').attr('class', 'col-labels');
  const tooltip = createTooltip(container);
  /** What the SVG draws: the data, or its window. */
  let data: AttentionHeatmapData | null = null;
  let win: HeatmapWindow = { start: 0, size: 0 };
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
      // The tokens are escaped above; the message's own markup is only <b>.
      const where = t('attention:charts.heatmap.where', { query: q, q: d.rowIds?.[c.row] ?? c.row, key: k, k: d.colIds?.[c.col] ?? c.col });
      const weight = c.masked ? escapeHtml(t('attention:charts.heatmap.maskedTip')) : escapeHtml(t('attention:charts.heatmap.weightTip', { value: formatValue(c.value) }));
      tooltip.show(event, `${where}<br>${weight}`);
    })
    .on('mouseleave', () => tooltip.hide())
    .on('click', (event: MouseEvent) => {
      const c = cellOf(event);
      if (c) options.onSelectRow?.(win.start + c.row);
    });

  function draw(): void {
    if (!data) return;
    const d = data;
    const rows = d.rowLabels.length;
    const cols = d.colLabels.length;
    const compact = options.compact ?? false;
    const left = compact ? 0 : labelSpace(d.rowLabels);
    const upright = uprightLabels(d.colLabels);
    const top = compact ? 0 : upright ? 20 : labelSpace(d.colLabels) * 0.75;
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
      .attr('class', (c) => (c.masked ? 'cell masked' : c.col < (d.virtualCols ?? 0) ? 'cell virtual' : 'cell'))
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
    const v = d.virtualCols ?? 0;
    divider.attr('display', v ? null : 'none').attr('x1', v * cell).attr('x2', v * cell).attr('y1', -3).attr('y2', rows * cell + 3);

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
      options.onSelectRow && ((r: number) => options.onSelectRow!(win.start + r)),
    );
    drawLabels(
      colAxis.attr('transform', `translate(${left},${top - 4})`),
      d.colLabels,
      stride,
      (i) => (upright ? `translate(${i * cell + cell / 2},-6)` : `translate(${i * cell + cell / 2},0) rotate(-55)`),
      upright ? 'middle' : 'start',
      font,
      null,
    );
  }

  return {
    update(next) {
      let n: number;
      if (next.whole) {
        n = next.whole.size;
        win = { start: next.whole.start, size: next.rowLabels.length };
        data = next;
        const o = next.whole.overview;
        overview.update({ n, selected: next.whole.selected, label: next.whole.selectedLabel, pixels: o && { values: o.values, masked: o.masked, n: o.size } }, win);
      } else {
        n = next.rowLabels.length;
        win = heatmapWindow(n, next.selectedRow, options.window ?? DEFAULT_WINDOW);
        data = windowOf(next, win);
        const selected = next.selectedRow ?? n - 1;
        overview.update({ n, selected, label: next.rowLabels[selected] ?? '', pixels: { values: next.values, masked: next.masked, n } }, win);
      }
      draw();
      svg.attr('data-window-start', win.start).attr('data-window-size', win.size).attr('data-size', n);
      const shown = win.size < n ? t('attention:charts.heatmap.shown', { from: win.start, to: win.start + win.size - 1, n }) : '';
      describe(svg.node()!, options.title, describeHeatmap(next.whole ? data : next) + shown);
    },
    resize() {
      meter.measure();
      draw();
    },
    destroy() {
      tooltip.remove();
      overview.remove();
      svg.remove();
    },
  };
}

/** What the overview draws: the whole matrix's size, the selected row, and its pixels (the matrix or its block means). */
interface OverviewData {
  n: number;
  selected: number;
  label: string;
  pixels: MatrixPixels | null;
}

/**
 * The whole matrix on a canvas (one pixel per cell, scaled to fit), a frame
 * over the window, and the selected row chosen with a click or the keyboard
 * (↑ ↓ one row, Page Up/Down a window, Home/End): a slider over query rows.
 * Hidden while the whole matrix fits the window.
 */
function createOverview(container: HTMLElement, onSelectRow: (row: number) => void) {
  // The slider is the wrapper; the pixels themselves are hidden from screen readers (the SVG's label describes the matrix).
  const wrap = select(container)
    .append('div')
    .attr('class', 'attn-overview')
    .style('display', 'none')
    .attr('tabindex', 0)
    .attr('role', 'slider')
    .attr('aria-label', t('attention:charts.heatmap.overview'))
    .attr('aria-valuemin', 0);
  const canvas = wrap.append('canvas').attr('class', 'attn-overview-canvas').attr('aria-hidden', 'true');
  const frame = wrap.append('div').attr('class', 'attn-overview-window').attr('aria-hidden', 'true');
  const node = canvas.node()!;
  let n = 0;
  let selected = 0;
  let windowSize = DEFAULT_WINDOW;
  let painted: ArrayLike<number> | null = null;
  const pick = (row: number) => onSelectRow(Math.max(0, Math.min(n - 1, row)));
  canvas.on('click', (event: MouseEvent) => {
    const box = node.getBoundingClientRect();
    pick(Math.floor(((event.clientY - box.top) / Math.max(1, box.height)) * n));
  });
  wrap.on('keydown', (event: KeyboardEvent) => {
    const moves: Record<string, number> = { ArrowUp: -1, ArrowDown: 1, ArrowLeft: -1, ArrowRight: 1, PageUp: -windowSize, PageDown: windowSize };
    if (event.key in moves) pick(selected + moves[event.key]);
    else if (event.key === 'Home') pick(0);
    else if (event.key === 'End') pick(n - 1);
    else return;
    event.preventDefault();
  });
  return {
    update(d: OverviewData, w: HeatmapWindow) {
      n = d.n;
      windowSize = w.size;
      selected = d.selected;
      const on = w.size < n && d.pixels !== null;
      wrap.style('display', on ? 'block' : 'none');
      if (!on || !d.pixels) return;
      if (painted !== d.pixels.values) {
        paintMatrix(node, d.pixels);
        painted = d.pixels.values;
      }
      const side = Math.min(320, Math.max(160, container.clientWidth / 2 || 320));
      canvas.style('width', `${side}px`).style('height', `${side}px`);
      const scale = side / n;
      frame
        .style('left', `${w.start * scale}px`)
        .style('top', `${w.start * scale}px`)
        .style('width', `${w.size * scale}px`)
        .style('height', `${w.size * scale}px`);
      wrap
        .attr('aria-label', t('attention:charts.heatmap.overview'))
        .attr('aria-valuemax', n - 1)
        .attr('aria-valuenow', selected)
        .attr('aria-valuetext', t('attention:charts.heatmap.overviewValue', { row: selected, label: d.label, from: w.start, to: w.start + w.size - 1 }))
        .attr('data-window-start', w.start);
    },
    remove() {
      wrap.remove();
    },
  };
}
