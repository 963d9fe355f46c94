// The LoRA picture, drawn from one adapted module's numbers: B (out × r) on
// the left, A (r × in) on top, and their product ΔW = B·A·scaling (out × in)
// where the two meet — the figure of Hu et al. (2021), with real values. The
// thin side of A and B is drawn wider than one pixel per rank so that r = 1 is
// still visible; each matrix has its own colour scale (A and B differ in size
// by orders of magnitude).

import { select } from 'd3';
import { type MatrixHeatmap, createMatrixHeatmap } from './heatmap.ts';
import type { Chart } from '../chart.ts';
import { t } from '../../i18n/index.ts';

export interface LowRankData {
  r: number;
  inFeatures: number;
  outFeatures: number;
  scaling: number;
  /** [r, in] */
  a: ArrayLike<number>;
  /** [out, r] */
  b: ArrayLike<number>;
  /** [out, in] */
  delta: ArrayLike<number>;
}

/** Pixel sizes: `cell` per weight along in/out (whole pixels, ΔW within ~`maxSide`), `rankCell` per rank. */
export function pictureLayout(r: number, inFeatures: number, outFeatures: number, maxSide = 384): { cell: number; rankCell: number } {
  const cell = Math.max(1, Math.min(3, Math.floor(maxSide / Math.max(inFeatures, outFeatures))));
  const rankCell = Math.max(cell, Math.min(12, Math.floor(96 / r)));
  return { cell, rankCell };
}

export function createLowRankPicture(container: HTMLElement): Chart<LowRankData> {
  // The arrangement is the picture's meaning, so it is set here rather than left to a stylesheet.
  const grid = select(container)
    .append('div')
    .attr('class', 'low-rank-picture')
    .style('display', 'grid')
    .style('grid-template-columns', 'auto auto')
    .style('gap', '6px')
    .style('align-items', 'end');
  grid.append('div').attr('class', 'lr-corner');
  const cellA = grid.append('div').attr('class', 'lr-a');
  const cellB = grid.append('div').attr('class', 'lr-b').style('justify-self', 'end').style('align-self', 'start');
  const cellDelta = grid.append('div').attr('class', 'lr-delta').style('align-self', 'start');
  const maps: Record<'a' | 'b' | 'delta', MatrixHeatmap> = {
    a: createMatrixHeatmap(cellA.node()!, { title: 'lora_A' }),
    b: createMatrixHeatmap(cellB.node()!, { title: 'lora_B' }),
    delta: createMatrixHeatmap(cellDelta.node()!, { title: t('lora:charts.heatmap.deltaTitle') }),
  };

  return {
    update(d) {
      const { cell, rankCell } = pictureLayout(d.r, d.inFeatures, d.outFeatures);
      maps.a.update({
        matrix: { rows: d.r, cols: d.inFeatures, data: d.a },
        cellWidth: cell,
        cellHeight: rankCell,
        label: t('lora:charts.heatmap.a', { r: d.r, in: d.inFeatures }),
      });
      maps.b.update({
        matrix: { rows: d.outFeatures, cols: d.r, data: d.b },
        cellWidth: rankCell,
        cellHeight: cell,
        label: t('lora:charts.heatmap.b', { out: d.outFeatures, r: d.r }),
      });
      maps.delta.update({
        matrix: { rows: d.outFeatures, cols: d.inFeatures, data: d.delta },
        cellWidth: cell,
        cellHeight: cell,
        label: t('lora:charts.heatmap.delta', { scaling: formatScaling(d.scaling), out: d.outFeatures, in: d.inFeatures }),
      });
    },
    destroy() {
      for (const m of Object.values(maps)) m.destroy();
      grid.remove();
    },
  };
}

function formatScaling(s: number): string {
  return Number.isInteger(s) ? String(s) : s.toFixed(3).replace(/0+$/, '');
}
