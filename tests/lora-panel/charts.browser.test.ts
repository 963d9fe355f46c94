// The LoRA panel's D3 pieces in Chromium: the heatmap's colours and sizes, the
// A/B/ΔW picture's layout, singular-value bars (how many are non-zero), and
// stacked bars (a 1% part still visible, totals, reference lines).

import { afterEach, describe, expect, it } from 'vitest';
import { createMatrixHeatmap, heatColor } from '../../src/charts/lora/heatmap.ts';
import { createLowRankPicture, pictureLayout } from '../../src/charts/lora/lowRankPicture.ts';
import { countNonZero, createSingularValueChart } from '../../src/charts/lora/singularValues.ts';
import { createStackedBars, stack } from '../../src/charts/lora/stackedBars.ts';

function container(width = 640): HTMLDivElement {
  const div = document.createElement('div');
  div.style.width = `${width}px`;
  document.body.append(div);
  return div;
}

/** [r, g, b] of the canvas pixel for matrix cell (row, col). */
function pixel(canvas: HTMLCanvasElement, row: number, col: number): number[] {
  return Array.from(canvas.getContext('2d')!.getImageData(col, row, 1, 1).data.slice(0, 3));
}

afterEach(() => document.body.replaceChildren());

describe('heatmap', () => {
  it('draws one pixel per value: positive red, negative blue, zero white, on a scale symmetric in max |value|', () => {
    const el = container();
    const map = createMatrixHeatmap(el, { title: 'test' });
    // 2 × 3: [0.5, −1, 0; 1, −0.25, 0]
    map.update({ matrix: { rows: 2, cols: 3, data: [0.5, -1, 0, 1, -0.25, 0] }, cellWidth: 4, cellHeight: 5, label: 'M (2 × 3)' });
    const canvas = el.querySelector('canvas')!;
    expect([canvas.width, canvas.height]).toEqual([3, 2]);
    expect([canvas.style.width, canvas.style.height]).toEqual(['12px', '10px']);
    const [r1, g1, b1] = pixel(canvas, 1, 0); // +1: the darkest red
    const [rn, , bn] = pixel(canvas, 0, 1); // −1: the darkest blue
    const [rh, gh, bh] = pixel(canvas, 0, 0); // +0.5: a lighter red
    const zero = pixel(canvas, 0, 2);
    expect(r1).toBeGreaterThan(b1 + 50);
    expect(bn).toBeGreaterThan(rn + 50);
    expect(rh).toBeGreaterThan(bh + 50);
    expect(rh + gh + bh).toBeGreaterThan(r1 + g1 + b1);
    expect(Math.min(...zero)).toBeGreaterThan(235);
    const figure = el.querySelector('.heatmap')!;
    expect(figure.getAttribute('data-max-abs')).toBe('1');
    expect(figure.querySelector('figcaption')!.textContent).toBe('M (2 × 3)');
    expect(figure.querySelector('.heatmap-scale')!.textContent).toBe('±1.0');
  });

  it('an all-zero matrix (a fresh adapter\'s B) is white and says so', () => {
    const el = container();
    createMatrixHeatmap(el, { title: 'B' }).update({ matrix: { rows: 4, cols: 2, data: new Float32Array(8) }, cellWidth: 1, cellHeight: 1, label: 'B' });
    expect(Math.min(...pixel(el.querySelector('canvas')!, 3, 1))).toBeGreaterThan(235);
    expect(el.querySelector('.heatmap-scale')!.textContent).toBe('all zero');
    expect(heatColor(0)(0)).toBe(heatColor(2)(0));
  });
});

describe('the A, B, ΔW picture', () => {
  it('lays B (out × r) beside ΔW (out × in) under A (r × in), the rank side widened', () => {
    expect(pictureLayout(4, 128, 384)).toEqual({ cell: 1, rankCell: 12 });
    expect(pictureLayout(64, 128, 128)).toEqual({ cell: 3, rankCell: 3 });
    const el = container();
    const picture = createLowRankPicture(el);
    const r = 2;
    const n = 6;
    const m = 9;
    const a = Float32Array.from({ length: r * n }, (_, i) => Math.sin(i + 1));
    const b = Float32Array.from({ length: m * r }, (_, i) => Math.cos(i));
    const delta = new Float32Array(m * n);
    for (let i = 0; i < m; i++) for (let j = 0; j < n; j++) for (let k = 0; k < r; k++) delta[i * n + j] += 2 * b[i * r + k] * a[k * n + j];
    picture.update({ r, inFeatures: n, outFeatures: m, scaling: 2, a, b, delta });
    const { cell, rankCell } = pictureLayout(r, n, m);
    const size = (sel: string) => {
      const c = el.querySelector<HTMLCanvasElement>(`${sel} canvas`)!;
      return [parseFloat(c.style.width), parseFloat(c.style.height)];
    };
    expect(size('.lr-a')).toEqual([n * cell, r * rankCell]);
    expect(size('.lr-b')).toEqual([r * rankCell, m * cell]);
    expect(size('.lr-delta')).toEqual([n * cell, m * cell]);
    // A sits above ΔW, B to its left.
    const box = (sel: string) => el.querySelector(`${sel} canvas`)!.getBoundingClientRect();
    expect(box('.lr-a').bottom).toBeLessThanOrEqual(box('.lr-delta').top);
    expect(Math.abs(box('.lr-a').left - box('.lr-delta').left)).toBeLessThan(1);
    expect(box('.lr-b').right).toBeLessThanOrEqual(box('.lr-delta').left);
    expect(el.querySelector('.lr-delta figcaption')!.textContent).toBe('ΔW = B·A·2  (out × in = 9 × 6)');
    picture.destroy();
    expect(el.children).toHaveLength(0);
  });
});

describe('singular value bars', () => {
  it('counts values above 1e-4 of the largest as non-zero', () => {
    expect(countNonZero([3, 1, 2e-7, 0])).toBe(2);
    expect(countNonZero([0, 0])).toBe(0);
    expect(countNonZero([1, 1e-5])).toBe(1);
  });

  it('draws ΔW and W side by side, each on its own scale, with the non-zero count in the title', () => {
    const el = container();
    const chart = createSingularValueChart(el, { title: 'spectra' });
    const delta = [0.9, 0.3, 1e-8, 5e-9, ...new Array(28).fill(1e-9)];
    const base = Array.from({ length: 32 }, (_, i) => 10 - i * 0.25);
    chart.update({
      spectra: [
        { id: 'delta', label: 'ΔW', values: delta, color: 'orange', highlight: 2, shown: 8 },
        { id: 'base', label: 'W', values: base, color: 'blue' },
      ],
    });
    const d = el.querySelector('[data-spectrum=delta]')!;
    const w = el.querySelector('[data-spectrum=base]')!;
    expect(d.getAttribute('data-nonzero')).toBe('2');
    expect(d.getAttribute('data-count')).toBe('32');
    expect(d.querySelectorAll('rect')).toHaveLength(8);
    expect(d.querySelector('.sv-subtitle')!.textContent).toBe('2 of 32 non-zero');
    expect(d.querySelector('.axis-label')!.textContent).toBe('index (first 8 of 32)');
    expect(w.getAttribute('data-nonzero')).toBe('32');
    expect(w.querySelectorAll('rect')).toHaveLength(32);
    // Each on its own scale: both largest bars reach near the top of their panel.
    const height = (g: Element, i: number) => Number(g.querySelectorAll('rect')[i].getAttribute('height'));
    expect(height(d, 0)).toBeGreaterThan(0.8 * height(w, 0));
    expect(d.querySelectorAll('rect')[2].getAttribute('fill')).not.toBe('orange'); // past the rank: grey
    expect(w.getBoundingClientRect().left).toBeGreaterThan(d.getBoundingClientRect().right - 1);
  });
});

describe('stacked bars', () => {
  const keys = [
    { key: 'trainable', label: 'trainable', color: 'orange' },
    { key: 'frozen', label: 'frozen', color: 'grey' },
  ];

  it('lays segments end to end', () => {
    expect(stack(keys, { trainable: 2, frozen: 8 })).toEqual([{ key: 'trainable', start: 0, end: 2 }, { key: 'frozen', start: 2, end: 10 }]);
  });

  it('draws widths in proportion, keeps a 1% part visible, writes totals and reference lines', () => {
    const el = container(700);
    const bars = createStackedBars(el, { title: 'parameters' });
    bars.update({
      keys,
      rows: [
        { id: 'lora', label: 'LoRA', values: { trainable: 1_000, frozen: 99_000 }, note: '1%' },
        { id: 'full', label: 'full', values: { trainable: 100_000, frozen: 0 } },
        { id: 'half', label: 'half', group: 'g', values: { trainable: 25_000, frozen: 25_000 } },
      ],
      format: (v) => `${v / 1000}k`,
      references: [{ value: 80_000, label: '80k' }],
    });
    const rect = (row: string, key: string) => el.querySelector<SVGRectElement>(`[data-row=${row}] rect[data-key=${key}]`)!;
    const w = (r: SVGRectElement) => Number(r.getAttribute('width'));
    expect(w(rect('lora', 'trainable'))).toBeGreaterThanOrEqual(1.5);
    expect(w(rect('full', 'trainable'))).toBeCloseTo(w(rect('lora', 'frozen')) + w(rect('lora', 'trainable')), 0);
    expect(w(rect('half', 'trainable'))).toBeCloseTo(w(rect('full', 'trainable')) / 4, 0);
    expect(w(rect('full', 'frozen'))).toBe(0);
    expect(el.querySelector('[data-row=lora] .row-total')!.textContent).toBe('100k  1%');
    expect(el.querySelector('[data-row=half] .group-label')!.textContent).toBe('g');
    expect(el.querySelector('[data-row=lora] .group-label')!.textContent).toBe('');
    expect(el.querySelector('.reference text')!.textContent).toBe('80k');
    expect([...el.querySelectorAll('.legend-label')].map((l) => l.textContent)).toEqual(['trainable', 'frozen']);
    bars.update({ keys, rows: [], format: String, legend: false });
    expect(el.querySelectorAll('.legend-item')).toHaveLength(0);
    expect(el.querySelectorAll('g.row')).toHaveLength(0);
  });
});
