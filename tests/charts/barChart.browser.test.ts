import { afterEach, describe, expect, it } from 'vitest';
import { createBarChart } from '../../src/charts/barChart.ts';

function container(width: number): HTMLDivElement {
  const div = document.createElement('div');
  div.style.width = `${width}px`;
  document.body.append(div);
  return div;
}

const labels = (el: HTMLElement) => [...el.querySelectorAll<SVGTextElement>('g.bar text.label')];

afterEach(() => document.body.replaceChildren());

describe('bar chart', () => {
  it('keeps a few short labels level and apart', () => {
    const el = container(480);
    createBarChart(el, { title: 'seq-rep-4', yLabel: 'seq-rep-4' }).update(['greedy', 'beam 4', 'top-k 40'].map((label, i) => ({ label, value: i / 4 })));
    const boxes = labels(el).map((t) => t.getBoundingClientRect());
    for (const t of labels(el)) expect(t.getAttribute('transform')).not.toMatch(/rotate/);
    for (let i = 1; i < boxes.length; i++) expect(boxes[i].left).toBeGreaterThan(boxes[i - 1].right);
  });

  it('slants labels that would overlap (twelve strategies, in 汉字), and grows to hold them without shrinking the bars', () => {
    const el = container(480);
    const names = ['贪心', '束搜索（4 束）', 'top-k 40', 'top-p 0.9', 'T = 0.7', '纯随机采样', '典型采样 0.9', '典型采样 0.95', 'ε 截断 0.0009', 'η 截断 0.002', '对比搜索 0.6/4', '多样化束搜索 4/2'];
    const chart = createBarChart(el, { title: 'seq-rep-4', yLabel: 'seq-rep-4', yMax: 1 });
    chart.update(names.slice(0, 2).map((label) => ({ label, value: 1 })));
    const levelBar = el.querySelector('g.bar rect')!.getBoundingClientRect().height;
    chart.update(names.map((label) => ({ label, value: 1 })));
    for (const t of labels(el)) expect(t.getAttribute('transform')).toMatch(/rotate\(-35\)/);
    const svg = el.querySelector('svg')!;
    expect(Number(svg.getAttribute('height'))).toBeGreaterThan(220);
    expect(el.querySelector('g.bar rect')!.getBoundingClientRect().height).toBeCloseTo(levelBar, 0);
    // Every label stays inside the chart.
    const bottom = svg.getBoundingClientRect().bottom;
    for (const t of labels(el)) expect(t.getBoundingClientRect().bottom).toBeLessThanOrEqual(bottom);
  });
});
