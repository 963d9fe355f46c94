import { afterEach, describe, expect, it } from 'vitest';
import { createLineChart } from '../../src/charts/lineChart.ts';

const options = { xLabel: 'step', yLabel: 'loss', title: 'Loss' };
const falling = Array.from({ length: 20 }, (_, i) => ({ x: i + 1, y: 6 - i * 0.2 }));

function container(): HTMLDivElement {
  const div = document.createElement('div');
  div.style.width = '600px';
  document.body.append(div);
  return div;
}

/** Screen y of each vertex of a path drawn with straight segments ("M x,y L x,y …"). */
function pathYs(path: SVGPathElement): number[] {
  return [...(path.getAttribute('d') ?? '').matchAll(/[ML]\s*[-\d.e]+[ ,]([-\d.e]+)/g)].map((m) => Number(m[1]));
}

afterEach(() => document.body.replaceChildren());

describe('line chart', () => {
  it('draws one path per series, a lower loss further down the screen', () => {
    const el = container();
    const chart = createLineChart(el, options);
    chart.update({ series: [{ id: 'train', label: 'training loss', color: '#1f5fa8', points: falling }] });
    const path = el.querySelector<SVGPathElement>('path[data-series=train]')!;
    const ys = pathYs(path);
    expect(ys).toHaveLength(20);
    expect(ys[19]).toBeGreaterThan(ys[0]); // SVG y grows downwards
    expect(path.getAttribute('data-count')).toBe('20');
    expect(Number(path.getAttribute('data-last-y'))).toBeCloseTo(2.2);
    expect(el.querySelector('svg')!.getAttribute('width')).toBe('600');
    expect(el.querySelector('.chart-legend')!.textContent).toBe('training loss');
  });

  it('updates in place as data streams in, and keeps the planned x range', () => {
    const el = container();
    const chart = createLineChart(el, options);
    chart.update({ series: [{ id: 'train', label: 'train', color: 'blue', points: falling.slice(0, 3) }], xMax: 300 });
    chart.update({
      series: [
        { id: 'train', label: 'train', color: 'blue', points: falling },
        { id: 'val', label: 'validation', color: 'orange', points: [{ x: 10, y: 4.5 }, { x: 20, y: 3 }], dots: true },
      ],
      xMax: 300,
      references: [{ y: Math.log(512), label: 'uniform' }],
    });
    expect(el.querySelectorAll('svg')).toHaveLength(1);
    expect(el.querySelectorAll('path.line')).toHaveLength(2);
    expect(el.querySelector('path[data-series=train]')!.getAttribute('data-count')).toBe('20');
    expect(el.querySelectorAll('g.series circle')).toHaveLength(2); // dots only on the validation series
    const ticks = [...el.querySelectorAll('.x-axis .tick text')].map((t) => Number(t.textContent));
    expect(Math.max(...ticks)).toBe(300);
    expect(el.querySelector('.reference text')!.textContent).toBe('uniform');
    chart.update({ series: [] });
    expect(el.querySelectorAll('path.line')).toHaveLength(0);
  });

  it('tells a screen reader what it shows: each line from its first point to its last', () => {
    const el = container();
    const chart = createLineChart(el, options);
    chart.update({ series: [] });
    expect(el.querySelector('svg')!.getAttribute('role')).toBe('img');
    expect(el.querySelector('svg')!.getAttribute('aria-label')).toBe('Loss. No points yet.');
    chart.update({
      series: [{ id: 'train', label: 'training loss', color: 'blue', points: falling }],
      references: [{ y: 6.24, label: 'guessing uniformly' }],
    });
    expect(el.querySelector('svg')!.getAttribute('aria-label')).toBe(
      'Loss. loss against step. training loss: from 6 at step 1 to 2.2 at step 20. With a guide line at 6.24 (guessing uniformly).',
    );
  });

  it('removes everything it added on destroy', () => {
    const el = container();
    const chart = createLineChart(el, options);
    chart.update({ series: [{ id: 'a', label: 'a', color: 'red', points: falling }] });
    chart.destroy();
    expect(el.childElementCount).toBe(0);
  });
});
