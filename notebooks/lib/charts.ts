// Line and bar charts as standalone SVG strings, for the sweep notebooks: as in
// loss-chart.ts, d3's scales compute the geometry (they need no DOM) and the
// markup is written by hand, so the same code runs in the Deno kernel and in the
// headless runner.

import * as d3 from 'd3';
import { escapeXML, SvgFigure, wrapLabel } from './loss-chart.ts';

const PALETTE = ['#1f77b4', '#ff7f0e', '#2ca02c', '#d62728', '#9467bd', '#8c564b', '#e377c2', '#7f7f7f'];
const REFERENCE_COLOR = '#888';

export interface Series {
  label: string;
  points: { x: number; y: number }[];
  color?: string;
  dashed?: boolean;
}

/** A horizontal guide line across the plot, e.g. the same measure for a baseline. */
export interface Reference {
  value: number;
  label: string;
  color?: string;
}

export interface LineChartOptions {
  title: string;
  xLabel: string;
  yLabel: string;
  xScale?: 'linear' | 'log';
  yScale?: 'linear' | 'log';
  /** Where to put x ticks (e.g. the ranks swept); d3 chooses when absent. */
  xTicks?: number[];
  /** Force the y range to include these values (e.g. 0 and 1 for a share). */
  yInclude?: number[];
  references?: Reference[];
  width?: number;
  height?: number;
}

export function lineChart(series: readonly Series[], opts: LineChartOptions): SvgFigure {
  const width = opts.width ?? 640;
  const height = opts.height ?? 340;
  const margin = { top: 36, right: 170, bottom: 44, left: 64 };
  const references = opts.references ?? [];
  const xs = series.flatMap((s) => s.points.map((p) => p.x));
  const ys = [...series.flatMap((s) => s.points.map((p) => p.y)), ...references.map((r) => r.value), ...(opts.yInclude ?? [])];
  const x = scale(opts.xScale, xs, [margin.left, width - margin.right], false);
  const y = scale(opts.yScale, ys, [height - margin.bottom, margin.top], true);

  const colorOf = (i: number, s: Series) => s.color ?? PALETTE[i % PALETTE.length];
  const lines = series.map((s, i) => {
    const color = colorOf(i, s);
    const d = d3.line<{ x: number; y: number }>().x((p) => x(p.x)).y((p) => y(p.y))(s.points) ?? '';
    const dots = s.points.map((p) => `<circle cx="${x(p.x).toFixed(1)}" cy="${y(p.y).toFixed(1)}" r="2.5" fill="${color}"/>`);
    return `<path d="${d}" fill="none" stroke="${color}" stroke-width="2"${s.dashed ? ' stroke-dasharray="6 3"' : ''}/>${dots.join('')}`;
  });
  const legend = [
    ...series.map((s, i) => ({ label: s.label, color: colorOf(i, s), dash: s.dashed ? '6 3' : '' })),
    ...references.map((r) => ({ label: r.label, color: r.color ?? REFERENCE_COLOR, dash: '4 4' })),
  ];
  const last = series.map((s) => `${s.label} ${formatNumber(s.points.at(-1)?.y)}`).join(', ');
  const svg = frame(opts.title, width, height, margin, [
    yAxis(y, opts.yScale, margin, width),
    xAxis(x, opts.xScale, opts.xTicks, margin, height),
    axisLabels(opts.xLabel, opts.yLabel, margin, width, height),
    ...references.map((r) => referenceLine(r, y, margin, width)),
    ...lines,
    legendBlock(legend, width - margin.right + 12, margin.top + 8),
  ]);
  return new SvgFigure(svg, `${opts.title}: ${series.length} series${last ? ` (last points: ${last})` : ''}`);
}

export interface BarGroup {
  label: string;
  /** One value per entry of `series`; null where that series has no value for this group. */
  values: (number | null)[];
}

export interface BarChartOptions {
  title: string;
  yLabel: string;
  /** Names of the bars within each group (one color each). */
  series: string[];
  references?: Reference[];
  /** How to print a bar's value above it. */
  format?: (v: number) => string;
  yInclude?: number[];
  width?: number;
  height?: number;
}

/** Groups of bars side by side (one group per category, one bar per series), values printed on top. */
export function barChart(groups: readonly BarGroup[], opts: BarChartOptions): SvgFigure {
  const width = opts.width ?? 680;
  const height = opts.height ?? 340;
  const margin = { top: 36, right: 170, bottom: 52, left: 64 };
  const format = opts.format ?? ((v: number) => v.toFixed(3));
  const references = opts.references ?? [];
  const values = groups.flatMap((g) => g.values.filter((v): v is number => v !== null));
  const y = scale('linear', [0, ...values, ...references.map((r) => r.value), ...(opts.yInclude ?? [])], [height - margin.bottom, margin.top], true);
  const x = d3.scaleBand().domain(groups.map((g) => g.label)).range([margin.left, width - margin.right]).padding(0.25);
  const inner = d3.scaleBand().domain(opts.series.map(String)).range([0, x.bandwidth()]).padding(0.08);
  const bars = groups.flatMap((g) =>
    g.values.map((v, i) => {
      if (v === null) return '';
      const left = (x(g.label) ?? 0) + (inner(opts.series[i]) ?? 0);
      const top = y(v);
      return `<rect x="${left.toFixed(1)}" y="${top.toFixed(1)}" width="${inner.bandwidth().toFixed(1)}" ` +
        `height="${(y(0) - top).toFixed(1)}" fill="${PALETTE[i % PALETTE.length]}"/>` +
        `<text x="${(left + inner.bandwidth() / 2).toFixed(1)}" y="${(top - 4).toFixed(1)}" text-anchor="middle" font-size="10">${escapeXML(format(v))}</text>`;
    }));
  const xTicks = groups.map((g) =>
    `<g transform="translate(${((x(g.label) ?? 0) + x.bandwidth() / 2).toFixed(1)},${height - margin.bottom})"><line y2="5" stroke="#333"/>` +
    wrapLabel(g.label, Math.max(6, Math.floor(x.step() / 6.5))) // ~6.5 px per character at font size 11
      .map((line, j) => `<text y="${18 + j * 13}" text-anchor="middle">${escapeXML(line)}</text>`).join('') + '</g>');
  const legend = [
    ...(opts.series.length > 1 ? opts.series.map((s, i) => ({ label: s, color: PALETTE[i % PALETTE.length], dash: '', box: true })) : []),
    ...references.map((r) => ({ label: r.label, color: r.color ?? REFERENCE_COLOR, dash: '4 4', box: false })),
  ];
  const svg = frame(opts.title, width, height, margin, [
    yAxis(y, 'linear', margin, width),
    xTicks.join(''),
    `<line x1="${margin.left}" x2="${width - margin.right}" y1="${y(0).toFixed(1)}" y2="${y(0).toFixed(1)}" stroke="#333"/>`,
    axisLabels('', opts.yLabel, margin, width, height),
    ...bars,
    ...references.map((r) => referenceLine(r, y, margin, width)),
    legendBlock(legend, width - margin.right + 12, margin.top + 8),
  ]);
  const summary = groups.map((g) => `${g.label} ${g.values.map((v) => (v === null ? '–' : format(v))).join('/')}`).join(', ');
  return new SvgFigure(svg, `${opts.title}: ${summary}`);
}

// ---- pieces shared by both charts ------------------------------------------------

type Margin = { top: number; right: number; bottom: number; left: number };
type NumberScale = d3.ScaleContinuousNumeric<number, number>;

function scale(kind: 'linear' | 'log' | undefined, values: number[], range: [number, number], nice: boolean): NumberScale {
  if (kind === 'log') {
    const positive = values.filter((v) => v > 0);
    const [low, high] = positive.length > 0 ? (d3.extent(positive) as [number, number]) : [1, 10];
    const s = d3.scaleLog().domain([low / 1.3, high * 1.3]).range(range);
    return nice ? s.nice() : s;
  }
  const [low, high] = values.length > 0 ? (d3.extent(values) as [number, number]) : [0, 1];
  const pad = (high - low || Math.abs(high) || 1) * 0.05;
  // A range that starts at 0 (a share, a count) stays there; otherwise leave room below the lowest point.
  const s = d3.scaleLinear().domain([low === 0 || !nice ? low : low - pad, high + pad]).range(range);
  return nice ? s.nice() : s;
}

function xAxis(x: NumberScale, kind: 'linear' | 'log' | undefined, ticks: number[] | undefined, margin: Margin, height: number): string {
  const values = ticks ?? x.ticks(6);
  const label = ticks ? (t: number) => String(t) : tickLabel(x, kind);
  return values.map((t) =>
    `<g transform="translate(${x(t).toFixed(1)},${height - margin.bottom})"><line y2="5" stroke="#333"/>` +
    `<text y="18" text-anchor="middle">${escapeXML(label(t))}</text></g>`).join('') +
    `<line x1="${margin.left}" x2="${x.range()[1]}" y1="${height - margin.bottom}" y2="${height - margin.bottom}" stroke="#333"/>`;
}

function yAxis(y: NumberScale, kind: 'linear' | 'log' | undefined, margin: Margin, width: number): string {
  const label = tickLabel(y, kind);
  const ticks = kind === 'log' ? y.ticks().filter((t) => label(t) !== '') : y.ticks(6);
  return ticks.map((t) =>
    `<g transform="translate(${margin.left},${y(t).toFixed(1)})"><line x2="-5" stroke="#333"/>` +
    `<line x2="${width - margin.left - margin.right}" stroke="#eee"/>` +
    `<text x="-8" dy="0.32em" text-anchor="end">${escapeXML(label(t))}</text></g>`).join('') +
    `<line x1="${margin.left}" x2="${margin.left}" y1="${y.range()[1]}" y2="${y.range()[0]}" stroke="#333"/>`;
}

/** Log axes label only 1, 10, 100, … (in SI form: 1k, 10k); linear axes label every tick. */
function tickLabel(s: NumberScale, kind: 'linear' | 'log' | undefined): (t: number) => string {
  if (kind !== 'log') return (t) => d3.format('~g')(t);
  return (t) => {
    const exponent = Math.log10(t);
    if (Math.abs(exponent - Math.round(exponent)) > 1e-9) return '';
    if (t >= 1) return d3.format('~s')(t); // 1, 10, 100, 1k, 10k, …
    return exponent >= -2 ? String(t) : `1e${Math.round(exponent)}`; // 0.1, 0.01, 1e-3, …
  };
}

function axisLabels(xLabel: string, yLabel: string, margin: Margin, width: number, height: number): string {
  return `<text x="${(margin.left + width - margin.right) / 2}" y="${height - 8}" text-anchor="middle">${escapeXML(xLabel)}</text>` +
    `<text transform="translate(16,${(margin.top + height - margin.bottom) / 2}) rotate(-90)" text-anchor="middle">${escapeXML(yLabel)}</text>`;
}

function referenceLine(r: Reference, y: NumberScale, margin: Margin, width: number): string {
  const at = y(r.value).toFixed(1);
  return `<line x1="${margin.left}" x2="${width - margin.right}" y1="${at}" y2="${at}" stroke="${r.color ?? REFERENCE_COLOR}" stroke-dasharray="4 4"/>`;
}

function legendBlock(entries: { label: string; color: string; dash: string; box?: boolean }[], left: number, top: number): string {
  let offset = 0;
  return entries.map((e) => {
    const lines = wrapLabel(e.label, 24);
    const mark = e.box
      ? `<rect y="-5" width="14" height="10" fill="${e.color}"/>`
      : `<line x2="18" stroke="${e.color}" stroke-width="2"${e.dash ? ` stroke-dasharray="${e.dash}"` : ''}/>`;
    const g = `<g transform="translate(${left},${top + offset})">${mark}` +
      lines.map((line, j) => `<text x="24" y="${j * 13}" dy="0.32em">${escapeXML(line)}</text>`).join('') + '</g>';
    offset += 13 * lines.length + 12;
    return g;
  }).join('');
}

function frame(title: string, width: number, height: number, margin: Margin, parts: string[]): string {
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" ` +
    `font-family="sans-serif" font-size="11"><rect width="${width}" height="${height}" fill="white"/>` +
    `<text x="${margin.left}" y="20" font-size="14" font-weight="bold">${escapeXML(title)}</text>` +
    parts.join('') + '</svg>';
}

function formatNumber(v: number | undefined): string {
  return v === undefined ? '–' : Math.abs(v) >= 1000 ? Math.round(v).toLocaleString('en') : v.toPrecision(3);
}
