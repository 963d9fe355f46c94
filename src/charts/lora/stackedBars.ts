// Horizontal stacked bars, framework-free: one row per item, one coloured
// segment per part, the total written after the bar. The LoRA panel uses it
// twice: trainable vs frozen parameters, and the memory a fine-tuning method
// needs (weights, gradients, optimizer state, activations) for 7B–70B models,
// with reference lines at common GPU sizes.

import { axisBottom, scaleLinear, select } from 'd3';
import { drawLegend } from '../legend.ts';
import { type Chart, describe, listed } from '../chart.ts';
import { t } from '../../i18n/index.ts';

export interface SegmentKey {
  key: string;
  label: string;
  color: string;
}

export interface StackedRow {
  id: string;
  label: string;
  /** Rows with the same group are drawn under one heading. */
  group?: string;
  values: Record<string, number>;
  /** Written after the total, e.g. "0.5% of the model". */
  note?: string;
}

export interface StackedBarsData {
  keys: readonly SegmentKey[];
  rows: readonly StackedRow[];
  format: (value: number) => string;
  references?: readonly { value: number; label: string }[];
  /** Keep the axis at least this long. */
  xMax?: number;
  /** Show the colour legend under the bars (default true). */
  legend?: boolean;
}

const ROW = 22;
const GROUP = 20;
const M = { top: 30, right: 16, bottom: 24, left: 200 };
/** Room after the longest bar for its total and note. */
const TEXT_ROOM = 190;

/** Segments laid end to end: [start, end) per key, in key order. */
export function stack(keys: readonly SegmentKey[], values: Record<string, number>): { key: string; start: number; end: number }[] {
  let at = 0;
  return keys.map(({ key }) => {
    const start = at;
    at += Math.max(0, values[key] ?? 0);
    return { key, start, end: at };
  });
}

/** Each row's parts and total in words, and the reference lines. */
export function describeStackedBars(d: StackedBarsData): string {
  const rows = d.rows.map((row) => {
    const parts = d.keys.filter((k) => (row.values[k.key] ?? 0) > 0).map((k) => `${k.label} ${d.format(row.values[k.key])}`);
    const total = d.keys.reduce((sum, k) => sum + Math.max(0, row.values[k.key] ?? 0), 0);
    return (
      (row.group ? t('lora:charts.bars.group', { group: row.group }) : '') +
      t('lora:charts.bars.row', { label: row.label, total: d.format(total) }) +
      (parts.length > 1 ? t('lora:charts.bars.parts', { list: listed(parts) }) : '') +
      (row.note ? t('lora:charts.bars.note', { note: row.note }) : '')
    );
  });
  const refs = (d.references ?? []).map((r) => t('lora:charts.bars.reference', { label: r.label, value: d.format(r.value) }));
  const end = t('lora:charts.bars.end');
  return `${rows.join(t('lora:charts.bars.separator'))}${end}${refs.length ? t('lora:charts.bars.references', { list: listed(refs) }) : ''}`;
}

export function createStackedBars(container: HTMLElement, options: { title: string }): Chart<StackedBarsData> {
  const svg = select(container).append('svg').attr('class', 'stacked-bars');
  const plot = svg.append('g').attr('transform', `translate(${M.left},${M.top})`);
  const refs = plot.append('g').attr('class', 'references');
  const rowsG = plot.append('g').attr('class', 'rows');
  const axis = plot.append('g').attr('class', 'axis x-axis');
  const legend = select(container).append('div').attr('class', 'chart-legend');
  let data: StackedBarsData = { keys: [], rows: [], format: String };

  function draw(): void {
    const width = Math.max(360, container.clientWidth || 560);
    const innerW = width - M.left - M.right - TEXT_ROOM;
    // Vertical layout: a heading line before each new group.
    let y = 0;
    let group: string | undefined;
    const placed = data.rows.map((row) => {
      let heading: string | undefined;
      if (row.group !== undefined && row.group !== group) {
        y += GROUP;
        group = heading = row.group;
      }
      const at = y;
      y += ROW;
      return { row, y: at, heading };
    });
    const innerH = y;
    const height = innerH + M.top + M.bottom;
    svg.attr('width', width).attr('height', height).attr('viewBox', `0 0 ${width} ${height}`);
    const totals = data.rows.map((r) => stack(data.keys, r.values).at(-1)?.end ?? 0);
    const xMax = Math.max(data.xMax ?? 0, ...totals, ...(data.references ?? []).map((r) => r.value), 1e-12);
    const x = scaleLinear().domain([0, xMax]).range([0, innerW]);
    axis.attr('transform', `translate(0,${innerH + 2})`).call(axisBottom(x).ticks(5).tickFormat((v) => data.format(Number(v))));

    refs
      .selectAll<SVGGElement, { value: number; label: string }>('g.reference')
      .data(data.references ?? [], (r) => r.label)
      .join((enter) => {
        const g = enter.append('g').attr('class', 'reference');
        g.append('line');
        g.append('text').attr('text-anchor', 'middle');
        return g;
      })
      .call((g) => g.select('line').attr('x1', (r) => x(r.value)).attr('x2', (r) => x(r.value)).attr('y1', 0).attr('y2', innerH))
            // Alternate heights, so labels of nearby lines (24 GB, 80 GB on a 1 TB axis) do not overprint.
      .call((g) => g.select('text').attr('x', (r) => x(r.value)).attr('y', (_, i) => -5 - 11 * (i % 2)).text((r) => r.label));

    const rowG = rowsG
      .selectAll<SVGGElement, (typeof placed)[number]>('g.row')
      .data(placed, (p) => p.row.id)
      .join((enter) => {
        const g = enter.append('g').attr('class', 'row');
        g.append('text').attr('class', 'group-label');
        g.append('text').attr('class', 'row-label').attr('text-anchor', 'end');
        g.append('g').attr('class', 'segments');
        g.append('text').attr('class', 'row-total');
        return g;
      })
      .attr('transform', (p) => `translate(0,${p.y})`)
      .attr('data-row', (p) => p.row.id)
      .attr('data-total', (_, i) => totals[i]);
    rowG.select('.group-label').attr('x', -M.left + 4).attr('y', -6).text((p) => p.heading ?? '');
    rowG.select('.row-label').attr('x', -8).attr('y', ROW / 2).attr('dy', '0.35em').text((p) => p.row.label);
    rowG.select('.row-total')
      .attr('x', (_, i) => x(totals[i]) + 6)
      .attr('y', ROW / 2)
      .attr('dy', '0.35em')
      .text((p, i) => data.format(totals[i]) + (p.row.note ? `  ${p.row.note}` : ''));
    rowG.each(function (p) {
      select(this)
        .select('.segments')
        .selectAll<SVGRectElement, ReturnType<typeof stack>[number]>('rect')
        .data(stack(data.keys, p.row.values), (s) => s.key)
        .join('rect')
        .attr('data-key', (s) => s.key)
        .attr('data-value', (s) => s.end - s.start)
        .attr('x', (s) => x(s.start))
        // A non-zero part is at least a pixel wide: 0.5% of a bar must still show.
        .attr('width', (s) => (s.end > s.start ? Math.max(1.5, x(s.end) - x(s.start)) : 0))
        .attr('y', 3)
        .attr('height', ROW - 6)
        .attr('fill', (s) => data.keys.find((k) => k.key === s.key)?.color ?? '#999');
    });

    drawLegend(legend, data.legend === false ? [] : data.keys, 'legend-swatch block');
  }

  return {
    update(next) {
      data = next;
      draw();
      describe(svg.node()!, options.title, describeStackedBars(next));
    },
    resize: draw,
    destroy() {
      svg.remove();
      legend.remove();
    },
  };
}

