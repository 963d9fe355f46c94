// The logit lens as a strip: one column per point in the residual stream
// (after the embeddings, after each block), each with its top next-token
// guesses as bars. The token that really came next is marked.

import { select } from 'd3';
import { clip } from './common.ts';
import type { Chart } from '../chart.ts';
import { t } from '../../i18n/index.ts';
import { formatPercent } from '../../i18n/format.ts';

export interface LensGuessView {
  id: number;
  text: string;
  prob: number;
}

export interface LensStageView {
  label: string;
  guesses: readonly LensGuessView[];
}

export interface LensData {
  stages: readonly LensStageView[];
  /** The token that followed, when it is known at this step. */
  actualNext: number | null;
}

export function createLensStrip(container: HTMLElement): Chart<LensData> {
  const root = select(container).append('div').attr('class', 'attn-lens').attr('tabindex', 0); // scrolls sideways: reachable from the keyboard
  return {
    update(data) {
      const columns = root
        .selectAll<HTMLDivElement, LensStageView>('div.lens-stage')
        .data(data.stages, (s) => s.label)
        .join((enter) => {
          const col = enter.append('div').attr('class', 'lens-stage');
          col.append('div').attr('class', 'lens-label');
          col.append('ol').attr('class', 'lens-guesses');
          return col;
        })
        .attr('data-stage', (s) => s.label)
        .attr('data-top-id', (s) => s.guesses[0]?.id ?? '');
      columns.select('.lens-label').text((s) => s.label);
      columns
        .select('ol')
        .selectAll<HTMLLIElement, LensGuessView>('li')
        .data((s) => s.guesses)
        .join((enter) => {
          const li = enter.append('li');
          li.append('span').attr('class', 'lens-token');
          li.append('span').attr('class', 'lens-bar').append('span').attr('class', 'lens-fill');
          li.append('span').attr('class', 'lens-prob');
          return li;
        })
        .classed('actual', (g) => g.id === data.actualNext)
        .attr('title', (g) => `${g.text}: ${formatPercent(g.prob, 1)}${g.id === data.actualNext ? t('attention:charts.lens.came') : ''}`)
        .call((li) => li.select('.lens-token').text((g) => clip(g.text, 9)))
        .call((li) => li.select('.lens-fill').style('width', (g) => `${Math.max(2, g.prob * 100)}%`))
        .call((li) => li.select('.lens-prob').text((g) => formatPercent(g.prob, g.prob < 0.1 ? 1 : 0)));
    },
    destroy() {
      root.remove();
    },
  };
}
