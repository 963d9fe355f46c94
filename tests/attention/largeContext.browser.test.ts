// The attention heatmap at GPT-2's head shape and context: 12 heads, 1,024
// tokens — a million cells per head. A synthetic model with GPT-2's heads and
// context but a small width and vocabulary (so the test stays fast; two layers,
// because a traced pass keeps every layer's 12 × 1,024² scores and weights)
// runs in the page, and the chart draws one head of its trace: the overview
// canvas holds every cell, the window drawn cell by cell holds the trace's
// weights, and the window follows the selected query.

import { afterAll, describe, expect, it } from 'vitest';
import { selectBackend } from '../../src/engine/backend.ts';
import { bundledWasmPaths } from '../../src/engine/wasmPaths.ts';
import { GPT } from '../../src/model/gpt.ts';
import { makeConfig } from '../../src/model/config.ts';
import { headMatrix } from '../../src/model/trace.ts';
import { Rng } from '../../src/util/random.ts';
import { createAttentionHeatmap, heatmapWindow } from '../../src/charts/attention/heatmap.ts';
import { pixelColor } from '../../src/charts/attention/matrixCanvas.ts';

const N = 1024;

describe('the heatmap of a 1,024-token context with 12 heads', () => {
  const div = document.createElement('div');
  div.style.width = '900px';
  document.body.append(div);
  afterAll(() => div.remove());

  it('draws the whole matrix of one head on the canvas and the window of it cell by cell, both equal to the trace', async () => {
    await selectBackend(['wasm'], bundledWasmPaths);
    const config = makeConfig('nano', { nLayer: 2, nHead: 12, nEmbd: 48, blockSize: N, vocabSize: 64 });
    const model = GPT.create(config, 3);
    const rng = new Rng(5);
    const ids = Array.from({ length: N }, () => Math.floor(rng.next() * config.vocabSize));
    const { trace } = model.run(ids, { trace: true });
    model.dispose();
    const head = 7;
    const { data, rows, cols } = headMatrix(trace!.layers[1].attention, head, 'probs');
    expect([rows, cols]).toEqual([N, N]);
    const masked = new Uint8Array(N * N);
    for (let q = 0; q < N; q++) for (let k = q + 1; k < N; k++) masked[q * N + k] = 1;
    const labels = ids.map((id) => `#${id}`);

    const picked: number[] = [];
    const chart = createAttentionHeatmap(div, { title: 'layer 1, head 7', onSelectRow: (r) => picked.push(r) });
    const t0 = performance.now();
    chart.update({ rowLabels: labels, colLabels: labels, values: data, masked, selectedRow: 900 });
    console.log(`12-head, 1,024-token heatmap drawn in ${(performance.now() - t0).toFixed(0)} ms`);

    // The overview: a pixel per cell, each the colour of the trace's weight.
    const canvas = div.querySelector<HTMLCanvasElement>('canvas.attn-overview-canvas')!;
    expect([canvas.width, canvas.height]).toEqual([N, N]);
    const px = canvas.getContext('2d')!.getImageData(0, 0, N, N).data;
    let checked = 0;
    for (let i = 0; i < 4000; i++) {
      const q = Math.floor(rng.next() * N);
      const k = Math.floor(rng.next() * N);
      const at = (q * N + k) * 4;
      expect([px[at], px[at + 1], px[at + 2]]).toEqual(pixelColor(k > q ? 0 : data[q * N + k], k > q, k, q));
      checked++;
    }
    expect(checked).toBe(4000);

    // The window: 128 × 128 cells around query 900, their weights the trace's exactly.
    const w = heatmapWindow(N, 900);
    const cells = [...div.querySelectorAll<SVGRectElement>('rect.cell')];
    expect(cells).toHaveLength(w.size * w.size);
    for (const r of cells) {
      const q = Number(r.dataset.q);
      const k = Number(r.dataset.k);
      expect(q >= w.start && q < w.start + w.size && k >= w.start && k < w.start + w.size).toBe(true);
      expect(Number(r.dataset.weight)).toBe(k > q ? 0 : data[q * N + k]);
    }
    // Every row of the trace sums to 1 (a check on the reference itself).
    let sum = 0;
    for (let k = 0; k <= 900; k++) sum += data[900 * N + k];
    expect(sum).toBeCloseTo(1, 4);

    // The keyboard moves the selected query; the window follows it.
    canvas.dispatchEvent(new KeyboardEvent('keydown', { key: 'Home', bubbles: true }));
    expect(picked).toEqual([0]);
    chart.update({ rowLabels: labels, colLabels: labels, values: data, masked, selectedRow: 0 });
    expect(Math.max(...[...div.querySelectorAll<SVGRectElement>('rect.cell')].map((r) => Number(r.dataset.q)))).toBe(127);
    chart.destroy();

    // As the panel draws it: the worker sends the window and a 256 × 256 overview of block means, never the million cells.
    const sent = createAttentionHeatmap(div, { title: 'layer 1, head 7', onSelectRow: (r) => picked.push(r) });
    const win = heatmapWindow(N, 900);
    const side = 256;
    const windowValues = new Float32Array(win.size * win.size);
    const windowMasked = new Uint8Array(win.size * win.size);
    for (let r = 0; r < win.size; r++) {
      for (let c = 0; c < win.size; c++) {
        const i = (win.start + r) * N + win.start + c;
        windowValues[r * win.size + c] = masked[i] ? 0 : data[i];
        windowMasked[r * win.size + c] = masked[i];
      }
    }
    const overviewValues = new Float32Array(side * side);
    const overviewMasked = new Uint8Array(side * side);
    for (let y = 0; y < side; y++) {
      for (let x = 0; x < side; x++) {
        let sum = 0;
        let open = 0;
        for (let q = y * 4; q < y * 4 + 4; q++) for (let k = x * 4; k < x * 4 + 4; k++) if (k <= q) (sum += data[q * N + k]), open++;
        overviewValues[y * side + x] = open ? sum / open : 0;
        overviewMasked[y * side + x] = open ? 0 : 1;
      }
    }
    const shownIds = Array.from({ length: win.size }, (_, i) => win.start + i);
    sent.update({
      rowLabels: shownIds.map((i) => labels[i]),
      colLabels: shownIds.map((i) => labels[i]),
      values: windowValues,
      masked: windowMasked,
      rowIds: shownIds,
      colIds: shownIds,
      selectedRow: 900 - win.start,
      whole: { size: N, start: win.start, selected: 900, selectedLabel: labels[900], overview: { size: side, values: overviewValues, masked: overviewMasked } },
    });
    const small = div.querySelector<HTMLCanvasElement>('canvas.attn-overview-canvas')!;
    expect([small.width, small.height]).toEqual([side, side]);
    const spx = small.getContext('2d')!.getImageData(0, 0, side, side).data;
    for (const [y, x] of [[200, 10], [255, 255], [3, 200]]) {
      const at = (y * side + x) * 4;
      expect([spx[at], spx[at + 1], spx[at + 2]]).toEqual(pixelColor(overviewValues[y * side + x], overviewMasked[y * side + x] === 1, x, y));
    }
    const sentCells = [...div.querySelectorAll<SVGRectElement>('rect.cell')];
    expect(sentCells).toHaveLength(win.size * win.size);
    for (const r of sentCells.slice(0, 2000)) {
      const q = Number(r.dataset.q);
      const k = Number(r.dataset.k);
      expect(Number(r.dataset.weight)).toBe(k > q ? 0 : data[q * N + k]);
    }
    const svg = div.querySelector('svg.attn-heatmap')!;
    expect([svg.getAttribute('data-size'), svg.getAttribute('data-window-start')]).toEqual([String(N), String(win.start)]);
    expect(svg.getAttribute('aria-label')).toContain(`tokens ${win.start}…${win.start + win.size - 1} of ${N}`);
    // The slider still speaks of the whole matrix, and the keyboard still picks rows of the whole.
    const slider = div.querySelector<HTMLElement>('.attn-overview')!;
    expect([slider.getAttribute('aria-valuemax'), slider.getAttribute('aria-valuenow')]).toEqual([String(N - 1), '900']);
    picked.length = 0;
    slider.dispatchEvent(new KeyboardEvent('keydown', { key: 'PageUp', bubbles: true }));
    expect(picked).toEqual([900 - win.size]);
    sent.destroy();
  }, 120_000);
});
