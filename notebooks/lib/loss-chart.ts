// A loss curve as a standalone SVG string, for notebooks: d3's scales and line
// generator compute the geometry (they need no DOM), and the markup is written
// by hand, so the same code runs in the Deno kernel and in the headless runner.

import * as d3 from 'd3';

/** One evaluation during training, as scripts/train-embedded.ts records it. */
export interface LossPoint {
  step: number;
  /** Mean training loss of the steps since the previous evaluation, nats per token. */
  trainLoss: number;
  /** Loss on fixed held-out windows, nats per token. */
  valLoss: number;
}

export interface LossChartOptions {
  title?: string;
  /** A horizontal guide line, e.g. the loss of a uniform guess, ln(vocabulary size). */
  reference?: { value: number; label: string };
  width?: number;
  height?: number;
}

// Jupyter kernels for JavaScript (Deno's included) render any object with this
// method by the media bundle it returns.
const JUPYTER_DISPLAY: unique symbol = Symbol.for('Jupyter.display') as never;

/** An SVG picture that a notebook shows inline when it is a cell's value or passed to `Deno.jupyter.display`. */
export class SvgFigure {
  constructor(readonly svg: string, readonly description: string) {}

  [JUPYTER_DISPLAY](): Record<string, string> {
    return { 'image/svg+xml': this.svg, 'text/plain': this.description };
  }
}

const COLORS = { train: '#1f77b4', val: '#ff7f0e', reference: '#888' };

export function lossChart(points: readonly LossPoint[], opts: LossChartOptions = {}): SvgFigure {
  const width = opts.width ?? 640;
  const height = opts.height ?? 340;
  const margin = { top: 36, right: 150, bottom: 44, left: 56 };
  const last = points.at(-1);
  const description = last
    ? `${opts.title ?? 'Loss'}: ${points.length} evaluations; at step ${last.step} train ${last.trainLoss.toFixed(3)}, validation ${last.valLoss.toFixed(3)}`
    : `${opts.title ?? 'Loss'}: no evaluations yet`;

  const losses = points.flatMap((p) => [p.trainLoss, p.valLoss]);
  if (opts.reference) losses.push(opts.reference.value);
  const x = d3.scaleLinear()
    .domain([0, Math.max(1, d3.max(points, (p) => p.step) ?? 1)])
    .range([margin.left, width - margin.right]);
  const [low, high] = losses.length > 0 ? (d3.extent(losses) as [number, number]) : [0, 1];
  const y = d3.scaleLinear()
    .domain([low * 0.95, high * 1.02])
    .range([height - margin.bottom, margin.top])
    .nice();

  const curve = (key: 'trainLoss' | 'valLoss', color: string) => {
    const path = d3.line<LossPoint>().x((p) => x(p.step)).y((p) => y(p[key]))(points as LossPoint[]) ?? '';
    const dots = points.map((p) => `<circle cx="${x(p.step).toFixed(1)}" cy="${y(p[key]).toFixed(1)}" r="2.5" fill="${color}"/>`);
    return `<path d="${path}" fill="none" stroke="${color}" stroke-width="2"/>${dots.join('')}`;
  };
  const xTicks = x.ticks(6).map((t) =>
    `<g transform="translate(${x(t).toFixed(1)},${height - margin.bottom})"><line y2="5" stroke="#333"/>` +
    `<text y="18" text-anchor="middle">${t}</text></g>`);
  const yTicks = y.ticks(6).map((t) =>
    `<g transform="translate(${margin.left},${y(t).toFixed(1)})"><line x2="-5" stroke="#333"/>` +
    `<line x2="${width - margin.left - margin.right}" stroke="#eee"/>` +
    `<text x="-8" dy="0.32em" text-anchor="end">${t}</text></g>`);
  const reference = opts.reference
    ? `<line x1="${margin.left}" x2="${width - margin.right}" y1="${y(opts.reference.value)}" y2="${y(opts.reference.value)}" ` +
      `stroke="${COLORS.reference}" stroke-dasharray="4 4"/>`
    : '';
  const legend = [
    ['training (mean since last evaluation)', COLORS.train, ''],
    ['validation', COLORS.val, ''],
    ...(opts.reference ? [[opts.reference.label, COLORS.reference, ' stroke-dasharray="4 4"']] : []),
  ].map(([label, color, dash], i) =>
    `<g transform="translate(${width - margin.right + 12},${margin.top + 8 + i * 34})">` +
    `<line x2="18" stroke="${color}" stroke-width="2"${dash}/>` +
    wrapLabel(label, 24).map((line, j) => `<text x="24" y="${j * 13}" dy="0.32em">${escapeXML(line)}</text>`).join('') +
    '</g>');

  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" ` +
    `font-family="sans-serif" font-size="11"><rect width="${width}" height="${height}" fill="white"/>` +
    `<text x="${margin.left}" y="20" font-size="14" font-weight="bold">${escapeXML(opts.title ?? 'Loss')}</text>` +
    yTicks.join('') + xTicks.join('') +
    `<line x1="${margin.left}" x2="${margin.left}" y1="${margin.top}" y2="${height - margin.bottom}" stroke="#333"/>` +
    `<line x1="${margin.left}" x2="${width - margin.right}" y1="${height - margin.bottom}" y2="${height - margin.bottom}" stroke="#333"/>` +
    `<text x="${(margin.left + width - margin.right) / 2}" y="${height - 6}" text-anchor="middle">training step</text>` +
    `<text transform="translate(14,${(margin.top + height - margin.bottom) / 2}) rotate(-90)" text-anchor="middle">loss (nats per token)</text>` +
    reference + curve('trainLoss', COLORS.train) + curve('valLoss', COLORS.val) + legend.join('') + '</svg>';
  return new SvgFigure(svg, description);
}

/** Splits a label into lines of at most about `width` characters, at spaces. */
export function wrapLabel(text: string, width: number): string[] {
  const lines: string[] = [];
  for (const word of text.split(' ')) {
    const lastLine = lines.at(-1);
    if (lastLine !== undefined && lastLine.length + 1 + word.length <= width) lines[lines.length - 1] = `${lastLine} ${word}`;
    else lines.push(word);
  }
  return lines;
}

export function escapeXML(text: string): string {
  return text.replace(/[<>&"]/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;' })[c] as string);
}
