// A matrix as a heatmap on a canvas, framework-free (after TensorFlow
// Playground's heatmap.ts): one pixel per value, scaled up without smoothing,
// so a 384 × 128 weight update stays crisp and cheap. Colours are diverging
// around zero — red positive, blue negative, white zero — on a scale symmetric
// in the matrix's largest |value|, so the sign and the structure both show.

import { interpolateRdBu, scaleDiverging, select } from 'd3';
import type { Chart } from '../chart.ts';
import { t } from '../../i18n/index.ts';

/** A row-major matrix of plain numbers. */
export interface Matrix {
  rows: number;
  cols: number;
  data: ArrayLike<number>;
}

export interface MatrixHeatmapData {
  matrix: Matrix;
  /** Screen pixels per column and per row. */
  cellWidth: number;
  cellHeight: number;
  /** Shown above the map, e.g. "A  (r × in = 4 × 128)". */
  label: string;
}

export type MatrixHeatmap = Chart<MatrixHeatmapData>;

export function maxAbs(data: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < data.length; i++) m = Math.max(m, Math.abs(data[i]));
  return m;
}

/** Colour of a value on the diverging scale for ±m (m = 0: everything white). */
export function heatColor(m: number): (v: number) => string {
  const scale = scaleDiverging(interpolateRdBu).domain([m || 1, 0, -(m || 1)]);
  return (v) => scale(v);
}

export function createMatrixHeatmap(container: HTMLElement, options: { title: string }): MatrixHeatmap {
  const root = select(container).append('figure').attr('class', 'heatmap').attr('aria-label', options.title).style('margin', '0');
  const label = root.append('figcaption').attr('class', 'heatmap-label');
  const canvas = root
    .append('canvas')
    .attr('class', 'heatmap-canvas')
    .attr('role', 'img')
    .attr('aria-label', options.title)
    .style('display', 'block')
    .style('image-rendering', 'pixelated');
  const scale = root.append('div').attr('class', 'heatmap-scale');

  return {
    update({ matrix, cellWidth, cellHeight, label: text }) {
      const { rows, cols, data } = matrix;
      const m = maxAbs(data);
      const color = heatColor(m);
      const el = canvas.node()!;
      el.width = cols;
      el.height = rows;
      el.style.width = `${cols * cellWidth}px`;
      el.style.height = `${rows * cellHeight}px`;
      const ctx = el.getContext('2d')!;
      const image = ctx.createImageData(cols, rows);
      // d3 colours come as "rgb(r, g, b)"; a 256-entry lookup keeps 50k cells fast.
      const lut = Array.from({ length: 256 }, (_, i) => parseRgb(color(m === 0 ? 0 : ((i - 127.5) / 127.5) * m)));
      for (let i = 0; i < rows * cols; i++) {
        const t = m === 0 ? 128 : Math.round(((data[i] / m) * 127.5) + 127.5);
        const [r, g, b] = lut[Math.max(0, Math.min(255, t))];
        image.data.set([r, g, b, 255], i * 4);
      }
      ctx.putImageData(image, 0, 0);
      label.text(text);
      canvas.attr('aria-label', t('lora:charts.heatmap.description', { title: options.title, label: text, max: formatValue(m) }));
      scale.text(m === 0 ? t('lora:charts.heatmap.allZero') : `±${formatValue(m)}`);
      root.attr('data-rows', rows).attr('data-cols', cols).attr('data-max-abs', m);
    },
    destroy() {
      root.remove();
    },
  };
}

function parseRgb(css: string): [number, number, number] {
  const m = /rgb\((\d+),\s*(\d+),\s*(\d+)\)/.exec(css);
  return m ? [Number(m[1]), Number(m[2]), Number(m[3])] : [255, 255, 255];
}

export function formatValue(v: number): string {
  if (v === 0) return '0';
  if (Math.abs(v) >= 0.01 && Math.abs(v) < 1000) return v.toPrecision(2);
  return v.toExponential(1);
}
