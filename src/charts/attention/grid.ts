// Every head of every layer as a thumbnail (BertViz's "model view"): rows are
// layers, columns heads. Thumbnails are drawn on canvases (a 128-token window
// is 16k cells per head; a longer one comes averaged to at most ~110² cells),
// laid out with D3; a click opens that head.

import { select } from 'd3';
import { pixelColor } from './matrixCanvas.ts';
import type { Chart } from '../chart.ts';
import { t } from '../../i18n/index.ts';

export interface GridHead {
  layer: number;
  head: number;
  /** n × n weights, row-major. */
  values: ArrayLike<number>;
  masked?: ArrayLike<number>;
  /** A few words on what the head mostly does, e.g. "previous token 0.82". */
  caption: string;
  /** Marks under the caption, e.g. an induction head with its score. */
  badges?: readonly GridBadge[];
  /** Switched off (ablated): drawn faded, and said in its title. */
  off?: boolean;
  /** Prompt learning's virtual columns: n × count weights, drawn left of the matrix past a dividing line. */
  virtual?: { count: number; values: ArrayLike<number> };
}

export interface GridBadge {
  kind: 'induction' | 'previous';
  text: string;
}

export interface GridData {
  size: number;
  heads: readonly GridHead[];
  selected: { layer: number; head: number };
}

const THUMB = 118;

export function createHeadGrid(container: HTMLElement, onOpen: (layer: number, head: number) => void): Chart<GridData> {
  const root = select(container).append('div').attr('class', 'attn-grid');
  const painted = new WeakMap<HTMLCanvasElement, ArrayLike<number>>();

  return {
    update(data) {
      const layers = Math.max(0, ...data.heads.map((h) => h.layer)) + 1;
      const heads = Math.max(0, ...data.heads.map((h) => h.head)) + 1;
      root.style('grid-template-columns', `auto repeat(${heads}, ${THUMB}px)`);
      const rows = Array.from({ length: layers }, (_, l) => l);
      const cells: (GridHead | { layer: number; head: -1 })[] = [];
      for (const l of rows) {
        cells.push({ layer: l, head: -1 });
        for (const h of data.heads.filter((x) => x.layer === l).sort((a, b) => a.head - b.head)) cells.push(h);
      }
      root
        .selectAll<HTMLElement, (typeof cells)[number]>(':scope > *')
        .data(cells, (c) => `${c.layer}:${c.head}`)
        .join((enter) =>
          enter.append((c) => {
            if (c.head < 0) {
              const label = document.createElement('div');
              label.className = 'grid-layer-label';
              return label;
            }
            const button = document.createElement('button');
            button.type = 'button';
            button.className = 'grid-thumb';
            const thumb = document.createElement('canvas');
            thumb.setAttribute('aria-hidden', 'true'); // the caption beside it says what the head does
            button.append(
              thumb,
              Object.assign(document.createElement('span'), { className: 'grid-caption' }),
              Object.assign(document.createElement('span'), { className: 'grid-badges' }),
            );
            return button;
          }),
        )
        .each(function (c) {
          if (c.head < 0) this.textContent = t('attention:charts.grid.layer', { layer: c.layer }); // redrawn in the locale in force
        })
        .filter((c) => c.head >= 0)
        .attr('data-layer', (c) => c.layer)
        .attr('data-head', (c) => c.head)
        .attr('aria-pressed', (c) => String(c.layer === data.selected.layer && c.head === data.selected.head))
        .attr('title', (c) => t((c as GridHead).off ? 'attention:charts.grid.openOff' : 'attention:charts.grid.open', { layer: c.layer, head: c.head }))
        .attr('data-off', (c) => String(Boolean((c as GridHead).off)))
        .attr('data-badges', (c) => ((c as GridHead).badges ?? []).map((b) => b.kind).join(' '))
        .classed('selected', (c) => c.layer === data.selected.layer && c.head === data.selected.head)
        .classed('off', (c) => Boolean((c as GridHead).off))
        .on('click', (_, c) => onOpen(c.layer, c.head))
        .each(function (c) {
          const head = c as GridHead;
          select(this).select('.grid-caption').text(`L${head.layer} H${head.head} · ${head.caption}`);
          select(this)
            .select('.grid-badges')
            .selectAll('span')
            .data(head.badges ?? [])
            .join('span')
            .attr('class', (b) => `grid-badge ${b.kind}`)
            .text((b) => b.text);
        });
      // Repaint a canvas only when its weights changed (not on a mere selection change).
      root.selectAll<HTMLButtonElement, GridHead>('button.grid-thumb').each(function (c) {
        const canvas = this.querySelector('canvas')!;
        if (painted.get(canvas) === c.values) return;
        painted.set(canvas, c.values);
        paint(canvas, c, data.size);
      });
    },
    destroy() {
      root.remove();
    },
  };
}

/**
 * One pixel block per cell, masked cells light grey; written as ImageData (144
 * thumbnails of 110² cells each). Virtual columns come first, then a one-cell
 * dividing line, then the n × n matrix.
 */
function paint(canvas: HTMLCanvasElement, head: GridHead, n: number): void {
  const v = head.virtual?.count ?? 0;
  const lead = v ? v + 1 : 0; // the virtual columns and the divider
  const cols = lead + n;
  const scale = Math.max(1, Math.floor(THUMB / Math.max(1, cols)));
  const [width, height] = [scale * cols, scale * n];
  canvas.width = width;
  canvas.height = height;
  const fit = Math.min(1, (THUMB - 8) / Math.max(width, height));
  canvas.style.width = `${width * fit}px`;
  canvas.style.height = `${height * fit}px`;
  canvas.dataset.virtual = String(v);
  const ctx = canvas.getContext('2d');
  if (!ctx || n === 0) return;
  const image = ctx.createImageData(width, height);
  const px = image.data;
  for (let y = 0; y < height; y++) {
    const q = Math.floor(y / scale);
    for (let x = 0; x < width; x++) {
      const c = Math.floor(x / scale);
      const i = q * n + c - lead;
      const [r, g, b] =
        c < v ? pixelColor(head.virtual!.values[q * v + c], false, x, y) : c < lead ? DIVIDER : head.masked?.[i] === 1 ? MASKED : pixelColor(head.values[i], false, x, y);
      const o = (y * width + x) * 4;
      px[o] = r;
      px[o + 1] = g;
      px[o + 2] = b;
      px[o + 3] = 255;
    }
  }
  ctx.putImageData(image, 0, 0);
}

const MASKED: [number, number, number] = [0xec, 0xef, 0xf3];
const DIVIDER: [number, number, number] = [0x47, 0x55, 0x69];
