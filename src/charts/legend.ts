// A chart's legend as HTML under the SVG: one swatch and label per entry,
// keyed so entries keep their place as data changes. Shared by the charts.

import type { Selection } from 'd3';

export interface LegendEntry {
  key: string;
  label: string;
  color: string;
}

export function drawLegend(legend: Selection<HTMLDivElement, unknown, null, undefined>, entries: readonly LegendEntry[], swatchClass = 'legend-swatch'): void {
  legend
    .selectAll<HTMLSpanElement, LegendEntry>('span.legend-item')
    .data(entries, (e) => e.key)
    .join((enter) => {
      const item = enter.append('span').attr('class', 'legend-item');
      item.append('span').attr('class', swatchClass);
      item.append('span').attr('class', 'legend-label');
      return item;
    })
    .call((item) => item.select('.legend-swatch').style('background', (e) => e.color))
    .call((item) => item.select('.legend-label').text((e) => e.label));
}
