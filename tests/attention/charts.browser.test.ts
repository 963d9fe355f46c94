import { afterEach, describe, expect, it } from 'vitest';
import { createAttentionHeatmap, heatmapWindow } from '../../src/charts/attention/heatmap.ts';
import { pixelColor } from '../../src/charts/attention/matrixCanvas.ts';
import { createRowBars } from '../../src/charts/attention/rowBars.ts';
import { createStages } from '../../src/charts/attention/stages.ts';
import { createHeadGrid } from '../../src/charts/attention/grid.ts';
import { MIN_DRAWN_WEIGHT, createLinesView } from '../../src/charts/attention/linesView.ts';
import { createMaskComparison } from '../../src/charts/attention/maskComparison.ts';
import { createLensStrip } from '../../src/charts/attention/lensStrip.ts';
import { createCostChart, formatBytesShort } from '../../src/charts/attention/costChart.ts';
import { createChunkDiagram } from '../../src/charts/attention/chunkDiagram.ts';
import { chunkWithOverlap } from '../../src/lessons/chunking.ts';

function container(width = 640): HTMLDivElement {
  const div = document.createElement('div');
  div.style.width = `${width}px`;
  document.body.append(div);
  return div;
}

/** A causal attention pattern: each row's weight spread over itself and earlier keys, most on the previous token. */
function causal(n: number): { values: Float32Array; masked: Uint8Array } {
  const values = new Float32Array(n * n);
  const masked = new Uint8Array(n * n);
  for (let q = 0; q < n; q++) {
    for (let k = 0; k < n; k++) {
      if (k > q) masked[q * n + k] = 1;
      else values[q * n + k] = q === 0 ? 1 : k === q - 1 ? 0.6 : 0.4 / q;
    }
  }
  return { values, masked };
}

const tokens = ['ROMEO', ':', '↵', 'O', ',', '␣she'];
const cells = (el: HTMLElement) =>
  [...el.querySelectorAll<SVGRectElement>('rect.cell')].map((r) => ({
    q: Number(r.dataset.q), k: Number(r.dataset.k), w: Number(r.dataset.weight), masked: r.dataset.masked === 'true', fill: r.getAttribute('fill')!,
  }));

afterEach(() => document.body.replaceChildren());

describe('heatmap', () => {
  it('draws a 1,024-token matrix on a canvas, a pixel per cell, and cell by cell only the window around the selected query', () => {
    const n = 1024;
    const { values, masked } = causal(n);
    // Not the smooth pattern alone: a few marked cells that must land where they belong.
    values[700 * n + 3] = 0.9;
    values[1000 * n + 999] = 0.05;
    const labels = Array.from({ length: n }, (_, i) => `t${i}`);
    const el = container(900);
    const picked: number[] = [];
    const chart = createAttentionHeatmap(el, { title: 'big', onSelectRow: (r) => picked.push(r) });
    const t0 = performance.now();
    chart.update({ rowLabels: labels, colLabels: labels, values, masked, selectedRow: 700 });
    const ms = performance.now() - t0;
    const canvas = el.querySelector<HTMLCanvasElement>('canvas.attn-overview-canvas')!;
    expect([canvas.width, canvas.height]).toEqual([n, n]);
    const px = canvas.getContext('2d')!.getImageData(0, 0, n, n).data;
    for (const [q, k] of [[0, 0], [700, 3], [700, 699], [700, 701], [1000, 999], [1023, 1023], [5, 900]]) {
      const i = q * n + k;
      const at = (q * n + k) * 4;
      expect([px[at], px[at + 1], px[at + 2]], `${q},${k}`).toEqual(pixelColor(values[i], masked[i] === 1, k, q));
    }
    // SVG cells: only the 128 × 128 window, which holds the selected query; their weights are the matrix's.
    const drawn = cells(el);
    expect(drawn).toHaveLength(128 * 128);
    const qs = [...new Set(drawn.map((c) => c.q))];
    expect(qs).toContain(700);
    expect(Math.min(...qs)).toBe(heatmapWindow(n, 700).start);
    for (const c of drawn) {
      expect(c.w).toBe(masked[c.q * n + c.k] === 1 ? 0 : values[c.q * n + c.k]);
      expect(c.masked).toBe(c.k > c.q);
    }
    expect(el.querySelector('.row-outline')!.getAttribute('display')).toBeNull(); // the selected row is outlined
    const svg = el.querySelector('svg.attn-heatmap')!;
    expect(svg.getAttribute('aria-label')).toMatch(/^big\. 1024 query tokens by 1024 key tokens; 523776 of 1048576 cells are masked\. .*Shown cell by cell: tokens 604…731 of 1024/);
    // Clicking a windowed cell selects the row of the whole matrix; the keyboard moves the selection on the overview.
    el.querySelector<SVGRectElement>('rect.cell[data-q="701"][data-k="650"]')!.dispatchEvent(new MouseEvent('click', { bubbles: true }));
    canvas.dispatchEvent(new KeyboardEvent('keydown', { key: 'ArrowDown', bubbles: true }));
    canvas.dispatchEvent(new KeyboardEvent('keydown', { key: 'PageUp', bubbles: true }));
    canvas.dispatchEvent(new KeyboardEvent('keydown', { key: 'End', bubbles: true }));
    expect(picked).toEqual([701, 701, 700 - 128, 1023]);
    const slider = el.querySelector<HTMLElement>('.attn-overview')!;
    expect(slider.getAttribute('role')).toBe('slider');
    expect(slider.getAttribute('aria-valuenow')).toBe('700');
    expect(canvas.getAttribute('aria-hidden')).toBe('true');
    // The window follows the query.
    chart.update({ rowLabels: labels, colLabels: labels, values, masked, selectedRow: 10 });
    expect(Math.max(...cells(el).map((c) => c.q))).toBe(127);
    console.log(`1,024 × 1,024 heatmap drawn in ${ms.toFixed(0)} ms`);
    // A small matrix has no overview and every cell in the SVG (as before).
    chart.update({ rowLabels: tokens, colLabels: tokens, ...causal(6) });
    expect(cells(el)).toHaveLength(36);
    expect(el.querySelector<HTMLElement>('.attn-overview')!.style.display).toBe('none');
  });


  it('draws every cell with its weight, the future hatched, and token labels on both axes', () => {
    const el = container();
    const chart = createAttentionHeatmap(el, { title: 'test' });
    const { values, masked } = causal(6);
    chart.update({ rowLabels: tokens, colLabels: tokens, values, masked, rowIds: [10, 11, 12, 13, 14, 15], colIds: [10, 11, 12, 13, 14, 15] });
    const drawn = cells(el);
    expect(drawn).toHaveLength(36);
    for (const c of drawn) {
      expect(c.masked).toBe(c.k > c.q);
      if (c.masked) {
        expect(c.w).toBe(0);
        expect(c.fill).toMatch(/^url\(#attention-hatch-/);
      }
    }
    expect(drawn[0]).toMatchObject({ q: 10, k: 10, w: 1 });
    expect([...el.querySelectorAll('.row-labels text')].map((t) => t.firstChild!.nodeValue)).toEqual(tokens); // (a <title> holds the unclipped token)
    expect(el.querySelectorAll('.col-labels text')).toHaveLength(6);
    // Darker for larger weights.
    const lum = (fill: string) => fill.match(/\d+/g)!.map(Number).reduce((a, b) => a + b, 0);
    expect(lum(drawn.find((c) => c.q === 10 && c.k === 10)!.fill)).toBeLessThan(lum(drawn.find((c) => c.q === 15 && c.k === 10)!.fill));
    // A screen reader hears the size, the mask and where the newest query looks.
    expect(el.querySelector('svg')!.getAttribute('aria-label')).toBe(
      'test. 6 query tokens by 6 key tokens; 15 of 36 cells are masked. The query “␣she” reads most from “,” 0.600, “ROMEO” 0.080, “:” 0.080.',
    );
  });

  it('stands one-character labels (汉字) upright over their columns, and slants longer tokens', () => {
    const el = container();
    const chart = createAttentionHeatmap(el, { title: 'test' });
    const poem = [...'静夜思↵床前'];
    const { values, masked } = causal(6);
    chart.update({ rowLabels: poem, colLabels: poem, values, masked });
    const transforms = () => [...el.querySelectorAll('.col-labels text')].map((t) => t.getAttribute('transform') ?? '');
    expect(transforms().some((t) => t.includes('rotate'))).toBe(false);
    expect(el.querySelector('.col-labels text')!.getAttribute('text-anchor')).toBe('middle');
    chart.update({ rowLabels: tokens, colLabels: tokens, values, masked });
    expect(transforms().every((t) => t.includes('rotate(-55)'))).toBe(true);
  });

  it('shows the two tokens and the weight on hover, and selects a row on click', () => {
    const el = container();
    const picked: number[] = [];
    const chart = createAttentionHeatmap(el, { title: 'test', onSelectRow: (r) => picked.push(r) });
    const { values, masked } = causal(6);
    chart.update({ rowLabels: tokens, colLabels: tokens, values, masked, selectedRow: 5 });
    const cell = el.querySelector<SVGRectElement>('rect.cell[data-q="4"][data-k="3"]')!;
    cell.dispatchEvent(new MouseEvent('mousemove', { bubbles: true, clientX: 50, clientY: 50 }));
    const tip = el.querySelector<HTMLElement>('.attn-tooltip')!;
    expect(tip.style.display).toBe('block');
    expect(tip.textContent).toContain(',');
    expect(tip.textContent).toContain('O');
    expect(tip.textContent).toContain('weight 0.600');
    el.querySelector<SVGRectElement>('rect.cell[data-q="1"][data-k="4"]')!.dispatchEvent(new MouseEvent('mousemove', { bubbles: true }));
    expect(tip.textContent).toContain('masked: weight 0');
    cell.dispatchEvent(new MouseEvent('click', { bubbles: true }));
    el.querySelector<SVGTextElement>('.row-labels text[data-index="2"]')!.dispatchEvent(new MouseEvent('click', { bubbles: true }));
    expect(picked).toEqual([4, 2]);
    expect(el.querySelector('.row-outline')!.getAttribute('display')).toBeNull();
    expect(el.querySelector('.row-labels text.selected')!.firstChild!.nodeValue).toBe('␣she');
  });

  it('grows by a row and a column as a token is generated, and shrinks back on a step back', () => {
    const el = container();
    const chart = createAttentionHeatmap(el, { title: 'test', maxCell: 20 });
    const draw = (n: number, first = 0) => {
      const { values, masked } = causal(n);
      const ids = Array.from({ length: n }, (_, i) => first + i);
      chart.update({ rowLabels: tokens.slice(0, n), colLabels: tokens.slice(0, n), values, masked, rowIds: ids, colIds: ids });
    };
    draw(5);
    const kept = el.querySelector('rect.cell[data-q="2"][data-k="1"]');
    draw(6);
    expect(el.querySelectorAll('rect.cell')).toHaveLength(36);
    expect(el.querySelector('rect.cell[data-q="2"][data-k="1"]')).toBe(kept); // the same element, not redrawn from scratch
    const newest = cells(el).filter((c) => c.q === 5);
    expect(newest.map((c) => c.w).reduce((a, b) => a + b, 0)).toBeCloseTo(1, 6);
    expect(newest.every((c) => !c.masked)).toBe(true);
    draw(4);
    expect(el.querySelectorAll('rect.cell')).toHaveLength(16);
    draw(4, 60); // a window that slid: the same places, other positions
    expect(cells(el).map((c) => c.q)).toContain(63);
    expect(cells(el).some((c) => c.q < 60)).toBe(false);
  });

  it('shrinks cells for a long window and thins its labels, and cleans up after itself', () => {
    const el = container(600);
    const chart = createAttentionHeatmap(el, { title: 'test' });
    const n = 128;
    const { values, masked } = causal(n);
    const labels = Array.from({ length: n }, (_, i) => `t${i}`);
    chart.update({ rowLabels: labels, colLabels: labels, values, masked });
    expect(el.querySelectorAll('rect.cell')).toHaveLength(n * n);
    const cell = Number(el.querySelector('svg')!.getAttribute('data-cell'));
    expect(cell).toBeLessThanOrEqual(4);
    expect(Number(el.querySelector('svg')!.getAttribute('width'))).toBeLessThanOrEqual(600);
    expect(el.querySelectorAll('.row-labels text').length).toBeLessThan(n / 2);
    chart.destroy();
    expect(el.childElementCount).toBe(0);
  });
});

describe('row bars and stages', () => {
  it('draws one bar per key, masked keys as stubs of weight 0', () => {
    const el = container();
    const chart = createRowBars(el);
    chart.update({ query: ',', labels: tokens, values: [0.1, 0.2, 0.3, 0.4, 0, 0], masked: [0, 0, 0, 0, 1, 1] });
    const bars = [...el.querySelectorAll<SVGRectElement>('rect.bar')];
    expect(bars.map((b) => Number(b.dataset.weight))).toEqual([0.1, 0.2, 0.3, 0.4, 0, 0]);
    expect(bars.filter((b) => b.dataset.masked === 'true')).toHaveLength(2);
    const heights = bars.slice(0, 4).map((b) => Number(b.getAttribute('height')));
    expect(heights).toEqual([...heights].sort((a, b) => a - b)); // taller for larger weights
  });

  it('shows Q·Kᵀ → scaled → masked → softmax with numbers, −∞ where masked', () => {
    const el = container(700);
    const chart = createStages(el);
    const scaled = [0.5, -0.25, 1, 0.2];
    const masked = [0.5, -0.25, -Infinity, -Infinity];
    const e = masked.map((v) => Math.exp(v));
    const z = e.reduce((a, b) => a + b, 0);
    chart.update({
      query: '␣she',
      keyLabels: tokens.slice(0, 4),
      stages: [
        { id: 'qk', label: '1. Q·Kᵀ', note: '', values: scaled.map((v) => v * 4), kind: 'score' },
        { id: 'scaled', label: '2. × 1/√d', note: '÷ √16', values: scaled, kind: 'score' },
        { id: 'masked', label: '3. mask', note: '', values: masked, kind: 'score' },
        { id: 'softmax', label: '4. softmax', note: '', values: e.map((v) => v / z), kind: 'weight' },
      ],
    });
    const row = (id: string) => [...el.querySelectorAll<SVGGElement>(`[data-stage=${id}] .stage-cell`)];
    expect(row('qk').map((c) => Number(c.dataset.value))).toEqual([2, -1, 4, 0.8]);
    expect(row('masked').map((c) => c.dataset.value)).toEqual(['0.5', '-0.25', '-Infinity', '-Infinity']);
    expect(row('masked')[2].querySelector('rect')!.getAttribute('fill')).toMatch(/^url\(#/);
    expect(row('masked')[2].textContent).toBe('−∞'); // cells are wide enough to print their numbers
    const weights = row('softmax').map((c) => Number(c.dataset.value));
    expect(weights.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 6);
    expect(weights.slice(2)).toEqual([0, 0]);
    row('scaled')[1].dispatchEvent(new MouseEvent('mousemove', { bubbles: true }));
    expect(el.querySelector('.attn-tooltip')!.textContent).toContain('−0.250');
  });
});

describe('head grid, lines, masks', () => {
  it('draws a thumbnail per layer × head and opens the one clicked', () => {
    const el = container(700);
    const opened: string[] = [];
    const chart = createHeadGrid(el, (l, h) => opened.push(`${l}:${h}`));
    const { values, masked } = causal(6);
    const heads = [];
    for (let l = 0; l < 2; l++) for (let h = 0; h < 3; h++) heads.push({ layer: l, head: h, values, masked, caption: 'previous token 0.60' });
    chart.update({ size: 6, heads, selected: { layer: 1, head: 2 } });
    const thumbs = el.querySelectorAll<HTMLButtonElement>('button.grid-thumb');
    expect(thumbs).toHaveLength(6);
    expect(el.querySelectorAll('.grid-layer-label')).toHaveLength(2);
    expect(el.querySelector<HTMLElement>('button.grid-thumb.selected')!.dataset).toMatchObject({ layer: '1', head: '2' });
    const canvas = thumbs[0].querySelector('canvas')!;
    expect(canvas.width).toBeGreaterThanOrEqual(6);
    // The top-right pixel is the masked future (light grey), the top-left the first token's full weight (dark).
    const pixel = (x: number, y: number) => Array.from(canvas.getContext('2d')!.getImageData(x, y, 1, 1).data.slice(0, 3));
    expect(pixel(canvas.width - 1, 0)).toEqual([0xec, 0xef, 0xf3]);
    expect(pixel(0, 0).reduce((a, b) => a + b)).toBeLessThan(300);
    thumbs[4].click();
    expect(opened).toEqual(['1:1']);
    expect(thumbs[4].textContent).toContain('L1 H1 · previous token 0.60');
  });

  it("draws a line per weight above the threshold, coloured per head, and hover keeps a token's lines", () => {
    const el = container(700);
    const chart = createLinesView(el);
    const { values } = causal(6);
    const other = new Float32Array(36);
    for (let q = 0; q < 6; q++) other[q * 6] = 1; // every token reads the first
    chart.update({ tokens, heads: [{ head: 0, weights: values }, { head: 3, weights: other }] });
    const lines = [...el.querySelectorAll<SVGLineElement>('line')];
    expect(lines.filter((l) => l.dataset.head === '0')).toHaveLength([...values].filter((w) => w >= MIN_DRAWN_WEIGHT).length);
    expect(lines.filter((l) => l.dataset.head === '3')).toHaveLength(6);
    expect(new Set(lines.map((l) => l.getAttribute('stroke'))).size).toBe(2);
    for (const l of lines) expect(Number(l.dataset.k)).toBeLessThanOrEqual(Number(l.dataset.q));
    el.querySelector<SVGTextElement>('.tokens.left text[data-q="3"]')!.dispatchEvent(new MouseEvent('mouseenter'));
    const visible = lines.filter((l) => l.getAttribute('display') !== 'none');
    expect(visible.every((l) => l.dataset.q === '3')).toBe(true);
    expect(visible).toHaveLength(4 + 1); // head 0: keys 0…3 (0.13, 0.13, 0.6, 0.13); head 3: key 0
    el.querySelector<SVGTextElement>('.tokens.left text[data-q="3"]')!.dispatchEvent(new MouseEvent('mouseleave'));
    expect(lines.every((l) => l.getAttribute('display') === null)).toBe(true);
    expect([...el.querySelectorAll('.legend-label')].map((l) => l.textContent)).toEqual(['head 0', 'head 3']);
  });

  it('puts three masks side by side and reports the one chosen', () => {
    const el = container(900);
    const chosen: string[] = [];
    const chart = createMaskComparison(el, (id) => chosen.push(id));
    const n = 6;
    const { values, masked } = causal(n);
    const none = new Uint8Array(n * n);
    chart.update({
      tokens,
      selected: 'causal',
      panels: [
        { id: 'causal', title: 'Causal', subtitle: '21 of 36', values, masked },
        { id: 'bidirectional', title: 'Bidirectional', subtitle: '36 of 36', values: new Float32Array(n * n).fill(1 / n), masked: none },
      ],
    });
    expect(el.querySelectorAll('figure')).toHaveLength(2);
    expect(el.querySelectorAll('figure[data-mask=causal] rect.cell.masked')).toHaveLength(15);
    expect(el.querySelectorAll('figure[data-mask=bidirectional] rect.cell.masked')).toHaveLength(0);
    expect(el.querySelector('figure.selected')!.getAttribute('data-mask')).toBe('causal');
    el.querySelector<HTMLButtonElement>('figure[data-mask=bidirectional] .mask-title')!.click();
    expect(chosen).toEqual(['bidirectional']);
  });
});

describe('lens strip, cost chart, chunks', () => {
  it('lists the top guesses after each stage and marks the token that came next', () => {
    const el = container();
    const chart = createLensStrip(el);
    chart.update({
      actualNext: 7,
      stages: [
        { label: 'embeddings', guesses: [{ id: 3, text: 'the', prob: 0.2 }, { id: 7, text: 'she', prob: 0.1 }] },
        { label: 'block 0 = output', guesses: [{ id: 7, text: 'she', prob: 0.7 }, { id: 3, text: 'the', prob: 0.05 }] },
      ],
    });
    const stages = [...el.querySelectorAll<HTMLElement>('.lens-stage')];
    expect(stages.map((s) => s.dataset.topId)).toEqual(['3', '7']);
    expect(stages[1].querySelector('li.actual .lens-token')!.textContent).toBe('she');
    expect(stages[1].querySelector<HTMLElement>('li .lens-fill')!.style.width).toBe('70%');
  });

  it('plots memory on log axes with byte-sized ticks and the window markers', () => {
    const el = container(600);
    const chart = createCostChart(el, 'cost');
    const xs = [16, 64, 256, 1024];
    chart.update({
      series: [
        { id: 'kv', label: 'KV', color: 'blue', points: xs.map((x) => ({ x, y: 4096 * x })) },
        { id: 'attn', label: 'attention', color: 'blue', dashed: true, points: xs.map((x) => ({ x, y: 64 * x * x })) },
      ],
      markers: [{ x: 128, label: 'window 128' }, { x: 1e6, label: 'off the chart' }],
    });
    expect(el.querySelectorAll('path.line')).toHaveLength(2);
    expect(Number(el.querySelector('path[data-series=attn]')!.getAttribute('data-last-y'))).toBe(64 * 1024 * 1024);
    expect(el.querySelector('path[data-series=attn]')!.getAttribute('stroke-dasharray')).toBe('6 4');
    expect([...el.querySelectorAll('.marker text')].map((t) => t.textContent)).toEqual(['window 128']);
    const ticks = [...el.querySelectorAll('.y-axis .tick text')].map((t) => t.textContent);
    expect(ticks).toContain('1 MB');
    expect(formatBytesShort(1536)).toBe('1.5 KB');
    expect(formatBytesShort(2 * 1024 ** 3)).toBe('2 GB');
  });

  it('draws each window of a long text with the part it scores', () => {
    const el = container(600);
    const chart = createChunkDiagram(el);
    const chunks = chunkWithOverlap(300, 128, 32);
    chart.update({ length: 300, chunks });
    const rows = [...el.querySelectorAll<SVGGElement>('g.chunk')];
    expect(rows.map((r) => [r.dataset.start, r.dataset.end, r.dataset.scoreFrom].map(Number))).toEqual(chunks.map((c) => [c.start, c.end, c.scoreFrom]));
    expect(Number(rows[1].querySelector('.context')!.getAttribute('width'))).toBeGreaterThan(0);
  });
});
