// Singular values as bars, two spectra side by side, each on its own scale:
// the learned update ΔW (at most r of them non-zero — the low rank made
// visible) and the frozen weight W it is added to (all of them non-zero).
// Framework-free; `update` redraws from plain numbers.

import { type Selection, axisBottom, axisLeft, scaleBand, scaleLinear, select } from 'd3';
import { type Chart, describe, spoken } from '../chart.ts';
import { t } from '../../i18n/index.ts';

export interface Spectrum {
  id: string;
  label: string;
  /** Largest first. */
  values: readonly number[];
  color: string;
  /** Bars after this many are drawn grey (for ΔW: the rank r). */
  highlight?: number;
  /** Draw only the first this many values (the rest are counted in the title): ΔW's zeros need not fill the axis. */
  shown?: number;
}

export interface SingularValueData {
  spectra: readonly Spectrum[];
}

/**
 * Values above `relTol` × the largest: the numerical rank. Float32 products
 * leave the "zero" singular values of B·A around 1e-7 of the largest, far
 * below 1e-4.
 */
export function countNonZero(values: readonly number[], relTol = 1e-4): number {
  const top = values.reduce((m, v) => Math.max(m, v), 0);
  return top === 0 ? 0 : values.filter((v) => v > relTol * top).length;
}

const M = { top: 46, right: 10, bottom: 34, left: 48 };

/** Per spectrum: how many singular values are non-zero, and the largest few. */
export function describeSpectra(d: SingularValueData): string {
  return (
    d.spectra
      .map((s) =>
        t('lora:charts.singular.spectrum', { label: s.label, count: countNonZero(s.values), total: s.values.length, largest: s.values.slice(0, 4).map(spoken).join(', ') }),
      )
      .join(t('lora:charts.singular.separator')) + t('lora:charts.singular.end')
  );
}
const GAP = 28;

export function createSingularValueChart(container: HTMLElement, options: { title: string; height?: number }): Chart<SingularValueData> {
  const height = options.height ?? 220;
  const svg = select(container).append('svg').attr('class', 'sv-chart').attr('height', height);
  let data: SingularValueData = { spectra: [] };

  function draw(): void {
    const width = Math.max(320, container.clientWidth || 560);
    svg.attr('width', width).attr('viewBox', `0 0 ${width} ${height}`);
    const n = data.spectra.length;
    const panelW = n ? (width - GAP * (n - 1)) / n : width;
    const innerH = height - M.top - M.bottom;
    svg
      .selectAll<SVGGElement, Spectrum>('g.spectrum')
      .data(data.spectra, (s) => s.id)
      .join((enter) => {
        const g = enter.append('g').attr('class', 'spectrum');
        g.append('text').attr('class', 'sv-title');
        g.append('text').attr('class', 'sv-subtitle');
        g.append('g').attr('class', 'axis x-axis');
        g.append('g').attr('class', 'axis y-axis');
        g.append('g').attr('class', 'bars');
        g.append('text').attr('class', 'axis-label').attr('text-anchor', 'middle');
        return g;
      })
      .attr('transform', (_, i) => `translate(${i * (panelW + GAP) + M.left},${M.top})`)
      .each(function (s) {
        drawSpectrum(select(this), s, panelW - M.left - M.right, innerH);
      });
  }

  return {
    update(next) {
      data = next;
      draw();
      describe(svg.node()!, options.title, describeSpectra(next));
    },
    resize: draw,
    destroy() {
      svg.remove();
    },
  };
}

function drawSpectrum(g: Selection<SVGGElement, Spectrum, null, undefined>, s: Spectrum, innerW: number, innerH: number): void {
  const values = s.values.slice(0, s.shown ?? s.values.length);
  const index = values.map((_, i) => i);
  const x = scaleBand<number>().domain(index).range([0, innerW]).paddingInner(values.length > 40 ? 0.1 : 0.25);
  const top = Math.max(...values, 0) || 1;
  const y = scaleLinear().domain([0, top]).range([innerH, 0]).nice();
  const nonZero = countNonZero(s.values);
  g.attr('data-spectrum', s.id).attr('data-count', s.values.length).attr('data-nonzero', nonZero).attr('data-largest', top);
  g.select('.sv-title').attr('x', -M.left + 8).attr('y', -26).text(s.label);
  g.select('.sv-subtitle').attr('x', -M.left + 8).attr('y', -10).text(t('lora:charts.singular.nonZero', { count: nonZero, total: s.values.length }));
  const step = Math.max(1, Math.ceil(values.length / 8));
  g.select<SVGGElement>('.x-axis')
    .attr('transform', `translate(0,${innerH})`)
    .call(axisBottom(x).tickValues(index.filter((i) => i % step === 0)).tickFormat((i) => String(i + 1)).tickSizeOuter(0));
  g.select<SVGGElement>('.y-axis').call(axisLeft(y).ticks(4, '.2~g'));
  g.select('.axis-label')
    .attr('x', innerW / 2)
    .attr('y', innerH + 30)
    .text(
      values.length < s.values.length
        ? t('lora:charts.singular.indexFirst', { shown: values.length, total: s.values.length })
        : t('lora:charts.singular.index'),
    );
  g.select('.bars')
    .selectAll<SVGRectElement, number>('rect')
    .data(values)
    .join('rect')
    .attr('x', (_, i) => x(i) ?? 0)
    .attr('width', Math.max(1, x.bandwidth()))
    .attr('y', (v) => y(v))
    .attr('height', (v) => Math.max(0, innerH - y(v)))
    .attr('fill', (_, i) => (s.highlight === undefined || i < s.highlight ? s.color : '#b9c1cb'));
}
