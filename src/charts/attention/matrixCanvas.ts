// An attention matrix painted into a canvas's pixels: one pixel per cell, or,
// when the matrix is larger than the canvas, each pixel the mean of the block
// of cells it covers. A 1,024-token context has a million cells: as SVG
// elements that is a page that no longer responds; as ImageData it is 4 MB
// written in a few milliseconds. No model types, no React.

import { color } from 'd3';
import { weightColor } from './common.ts';

export interface MatrixPixels {
  /** n × n, row-major. */
  values: ArrayLike<number>;
  /** n × n, 1 where masked. */
  masked?: ArrayLike<number>;
  n: number;
}

let lut: Uint8ClampedArray | null = null;

/** weightColor at 256 levels as RGB bytes: a million d3 colour strings would take seconds. */
export function weightLut(): Uint8ClampedArray {
  if (lut) return lut;
  lut = new Uint8ClampedArray(256 * 3);
  for (let i = 0; i < 256; i++) {
    const c = color(weightColor(i / 255))!.rgb();
    lut.set([c.r, c.g, c.b], i * 3);
  }
  return lut;
}

/** The RGB the canvas holds for a weight (masked cells: the hatch's two greys, by diagonal). */
export function pixelColor(value: number, masked: boolean, x: number, y: number): [number, number, number] {
  if (masked) return (x + y) % 5 === 0 ? [0xc4, 0xcb, 0xd4] : [0xf1, 0xf3, 0xf6];
  const t = weightLut();
  const i = Math.max(0, Math.min(255, Math.round(value * 255))) * 3;
  return [t[i], t[i + 1], t[i + 2]];
}

/**
 * Paints the matrix at `side` × `side` pixels (default: one per cell). A pixel
 * covering several cells shows their mean weight, masked only when all are.
 */
export function paintMatrix(canvas: HTMLCanvasElement, m: MatrixPixels, side = m.n): void {
  const { n, values, masked } = m;
  const size = Math.max(1, Math.min(side, n));
  canvas.width = size;
  canvas.height = size;
  const ctx = canvas.getContext('2d');
  if (!ctx) return;
  const image = ctx.createImageData(size, size);
  const px = image.data;
  const bin = n / size;
  for (let y = 0; y < size; y++) {
    const q0 = Math.floor(y * bin);
    const q1 = Math.max(q0 + 1, Math.floor((y + 1) * bin));
    for (let x = 0; x < size; x++) {
      const k0 = Math.floor(x * bin);
      const k1 = Math.max(k0 + 1, Math.floor((x + 1) * bin));
      let sum = 0;
      let open = 0;
      for (let q = q0; q < q1; q++) {
        for (let k = k0; k < k1; k++) {
          const i = q * n + k;
          if (masked?.[i] === 1) continue;
          sum += values[i];
          open++;
        }
      }
      const [r, g, b] = pixelColor(open ? sum / open : 0, open === 0, x, y);
      const o = (y * size + x) * 4;
      px[o] = r;
      px[o + 1] = g;
      px[o + 2] = b;
      px[o + 3] = 255;
    }
  }
  ctx.putImageData(image, 0, 0);
  canvas.dataset.n = String(n);
  canvas.dataset.side = String(size);
}
