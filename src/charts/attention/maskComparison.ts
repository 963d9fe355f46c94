// The same tokens under three masks, side by side: causal (GPT, LLaMA),
// prefix LM (GLM) and bidirectional (BERT). Each is a small heatmap of one
// head; the hatched cells are what that family forbids.

import { select } from 'd3';
import { type AttentionHeatmap, createAttentionHeatmap } from './heatmap.ts';
import type { Chart } from '../chart.ts';

export interface MaskPanel {
  id: string;
  title: string;
  subtitle: string;
  values: ArrayLike<number>;
  masked: ArrayLike<number>;
}

export interface MaskComparisonData {
  tokens: readonly string[];
  panels: readonly MaskPanel[];
  selected: string;
}

export function createMaskComparison(container: HTMLElement, onSelect: (id: string) => void): Chart<MaskComparisonData> {
  const root = select(container).append('div').attr('class', 'attn-masks');
  const maps = new Map<string, { element: HTMLElement; heatmap: AttentionHeatmap }>();
  let data: MaskComparisonData | null = null;

  function draw(): void {
    if (!data) return;
    const d = data;
    root.style('grid-template-columns', `repeat(${Math.max(1, d.panels.length)}, minmax(0, 1fr))`);
    root
      .selectAll<HTMLElement, MaskPanel>('figure')
      .data(d.panels, (p) => p.id)
      .join((enter) =>
        enter.append('figure').each(function (p) {
          const figure = select(this).attr('class', 'attn-mask-panel');
          const button = figure.append('button').attr('type', 'button').attr('class', 'link mask-title');
          button.on('click', () => onSelect(p.id));
          figure.append('figcaption').attr('class', 'mask-subtitle');
          const element = figure.append('div').attr('class', 'mask-map').node()!;
          maps.set(p.id, { element, heatmap: createAttentionHeatmap(element, { title: p.title, compact: true, maxCell: 22, onSelectRow: () => onSelect(p.id) }) });
        }),
      )
      .attr('data-mask', (p) => p.id)
      .classed('selected', (p) => p.id === d.selected)
      .each(function (p) {
        const figure = select(this);
        figure.select('.mask-title').text(p.title).attr('aria-pressed', String(p.id === d.selected));
        figure.select('.mask-subtitle').text(p.subtitle);
        maps.get(p.id)!.heatmap.update({ rowLabels: d.tokens, colLabels: d.tokens, values: p.values, masked: p.masked });
      });
  }

  return {
    update(next) {
      data = next;
      draw();
    },
    resize() {
      for (const { heatmap } of maps.values()) heatmap.resize?.();
    },
    destroy() {
      for (const { heatmap } of maps.values()) heatmap.destroy();
      root.remove();
    },
  };
}
