// The heatmap and the head grid with prompt learning's virtual columns, built
// as the Attention panel builds them (frames.ts): the virtual columns come
// first, labelled P0… (prefix) or V0… (input), tinted and set apart by a
// line; each row — virtual weights and key weights together — sums to 1.

import { afterEach, describe, expect, it } from 'vitest';
import { createAttentionHeatmap } from '../../src/charts/attention/heatmap.ts';
import { createHeadGrid } from '../../src/charts/attention/grid.ts';
import { pixelColor } from '../../src/charts/attention/matrixCanvas.ts';
import { prependColumns, virtualIds, virtualLabels } from '../../src/panels/attention/frames.ts';
import { i18n } from '../../src/i18n/index.ts';

function container(width = 640): HTMLDivElement {
  const div = document.createElement('div');
  div.style.width = `${width}px`;
  document.body.append(div);
  return div;
}

/** n rows reading `count` virtual columns (half the weight) and, causally, the n keys (the other half). */
function withVirtual(n: number, count: number) {
  const keys = new Float32Array(n * n);
  const masked = new Uint8Array(n * n);
  const virtual = new Float32Array(n * count).fill(0.5 / count);
  for (let q = 0; q < n; q++) for (let k = 0; k < n; k++) (k > q ? (masked[q * n + k] = 1) : (keys[q * n + k] = 0.5 / (q + 1)));
  return { keys, masked, virtual };
}

afterEach(() => document.body.replaceChildren());

describe('virtual columns in the attention charts', () => {
  it('the heatmap draws the prefix columns first, labelled, tinted, past a dividing line; every row sums to 1', async () => {
    await i18n.changeLanguage('en');
    const n = 5;
    const count = 3;
    const { keys, masked, virtual } = withVirtual(n, count);
    const tokens = ['the', '␣cat', '␣sat', '␣on', '␣the'];
    const labels = virtualLabels({ kind: 'prefix', count });
    expect(labels).toEqual(['P0', 'P1', 'P2']);
    const ids = [0, 1, 2, 3, 4];
    const el = container();
    const chart = createAttentionHeatmap(el, { title: 'test' });
    chart.update({
      rowLabels: tokens,
      colLabels: [...labels, ...tokens],
      values: prependColumns(virtual, count, keys, n, n),
      masked: Uint8Array.from(prependColumns(new Uint8Array(n * count), count, masked, n, n)),
      rowIds: ids,
      colIds: [...virtualIds(count), ...ids],
      virtualCols: count,
      whole: { size: n, start: 0, selected: 4, selectedLabel: '␣the', overview: null },
    });
    const rects = [...el.querySelectorAll<SVGRectElement>('rect.cell')];
    expect(rects).toHaveLength(n * (n + count));
    const virtualCells = rects.filter((r) => r.classList.contains('virtual'));
    expect(virtualCells).toHaveLength(n * count);
    expect(virtualCells.every((r) => Number(r.dataset.k) < 0 && r.dataset.masked !== 'true')).toBe(true);
    for (let q = 0; q < n; q++) {
      const row = rects.filter((r) => Number(r.dataset.q) === q).reduce((s, r) => s + Number(r.dataset.weight), 0);
      expect(row, `row ${q}`).toBeCloseTo(1, 5);
    }
    expect([...el.querySelectorAll('.col-labels text')].slice(0, 3).map((t) => t.firstChild!.nodeValue)).toEqual(labels);
    const divider = el.querySelector<SVGLineElement>('line.virtual-divider')!;
    const cell = Number(el.querySelector('svg')!.getAttribute('data-cell'));
    expect(divider.getAttribute('display')).toBeNull();
    expect(Number(divider.getAttribute('x1'))).toBe(count * cell);
    // Without virtual columns the line is hidden.
    chart.update({ rowLabels: tokens, colLabels: tokens, values: keys, masked, rowIds: ids, colIds: ids });
    expect(divider.getAttribute('display')).toBe('none');
    expect(el.querySelectorAll('rect.cell.virtual')).toHaveLength(0);
  });

  it('virtual input tokens are V0… in English and 虚0… in Chinese', async () => {
    await i18n.changeLanguage('zh');
    expect(virtualLabels({ kind: 'input', count: 2 })).toEqual(['虚0', '虚1']);
    expect(virtualLabels({ kind: 'prefix', count: 1 })).toEqual(['前缀0']);
    await i18n.changeLanguage('en');
    expect(virtualLabels({ kind: 'input', count: 2 })).toEqual(['V0', 'V1']);
    expect(virtualLabels(null)).toEqual([]);
  });

  it('a grid thumbnail puts the virtual columns left of a dividing column, then the matrix', () => {
    const n = 6;
    const count = 2;
    const { keys, masked, virtual } = withVirtual(n, count);
    const el = container(700);
    const chart = createHeadGrid(el, () => undefined);
    chart.update({ size: n, heads: [{ layer: 0, head: 0, values: keys, masked, caption: 'x', virtual: { count, values: virtual } }], selected: { layer: 0, head: 0 } });
    const canvas = el.querySelector('canvas')!;
    const scale = canvas.height / n;
    expect(canvas.width).toBe(scale * (count + 1 + n));
    expect(canvas.dataset.virtual).toBe('2');
    const pixel = (x: number, y: number) => Array.from(canvas.getContext('2d')!.getImageData(x, y, 1, 1).data.slice(0, 3));
    expect(pixel(0, 0)).toEqual(pixelColor(0.25, false, 0, 0)); // P0 of row 0
    expect(pixel(count * scale, 0)).toEqual([0x47, 0x55, 0x69]); // the divider
    expect(pixel((count + 1) * scale, 0)).toEqual(pixelColor(0.5, false, (count + 1) * scale, 0)); // row 0 reads itself
    expect(pixel(canvas.width - 1, 0)).toEqual([0xec, 0xef, 0xf3]); // the masked future
  });
});
