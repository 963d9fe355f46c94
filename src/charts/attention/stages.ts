// The stages of one head for one query token, as Transformer Explainer shows
// them for GPT-2: Q·Kᵀ → scaled by 1/√d_head → masked → softmax. Each stage
// is a strip of cells over the key tokens, numbers on hover (and in the cell
// when it is wide enough).

import { select } from 'd3';
import { addHatch, createTooltip, drawLabels, escapeHtml, formatValue, labelStride, scoreColor, strongest, uprightLabels, weightColor, widthMeter } from './common.ts';
import { type Chart, describe } from '../chart.ts';
import { t } from '../../i18n/index.ts';

export interface Stage {
  id: 'qk' | 'scaled' | 'masked' | 'softmax';
  label: string;
  /** Shown under the label, e.g. "÷ √32". */
  note: string;
  /** One value per key; −Infinity for a masked score. */
  values: ArrayLike<number>;
  /** Scores are coloured red/blue around zero, weights white→blue. */
  kind: 'score' | 'weight';
}

export interface StagesData {
  query: string;
  keyLabels: readonly string[];
  keyIds?: readonly number[];
  stages: readonly Stage[];
}

/** Each stage's largest values over the keys, in words. */
export function describeStages(d: StagesData): string {
  const stages = d.stages.map((s) => t('attention:charts.stages.stage', { label: s.label, strongest: strongest(d.keyLabels, s.values) }));
  return stages.join(t('attention:charts.stages.separator')) + t('attention:charts.stages.end');
}

const LABEL_W = 112;
const ROW_H = 30;
const GAP = 8;
const KEYS_H = 60;
/** One-character key labels stand upright (common.ts uprightLabels) and need a line, not a slant. */
const KEYS_H_UPRIGHT = 26;

export function createStages(container: HTMLElement): Chart<StagesData> {
  const meter = widthMeter(container, 520);
  const svg = select(container).append('svg').attr('class', 'attn-stages');
  const hatch = addHatch(svg);
  const rowsG = svg.append('g');
  const keysG = svg.append('g').attr('class', 'key-labels');
  const tooltip = createTooltip(container);
  let data: StagesData | null = null;

  function draw(): void {
    if (!data) return;
    const d = data;
    const n = d.keyLabels.length;
    const width = Math.max(240, meter.get());
    const cell = Math.max(3, Math.min(64, Math.floor((width - LABEL_W - 4) / Math.max(1, n))));
    const upright = uprightLabels(d.keyLabels);
    const height = d.stages.length * (ROW_H + GAP) + (upright ? KEYS_H_UPRIGHT : KEYS_H);
    const w = LABEL_W + cell * n + 4;
    svg.attr('width', w).attr('height', height).attr('viewBox', `0 0 ${w} ${height}`);
    describe(svg.node()!, t('attention:charts.stages.title', { query: d.query }), describeStages(d));

    const rows = rowsG
      .selectAll<SVGGElement, Stage>('g.stage')
      .data(d.stages, (s) => s.id)
      .join((enter) => {
        const g = enter.append('g').attr('class', 'stage');
        g.append('text').attr('class', 'stage-label').attr('x', 0).attr('y', 12);
        g.append('text').attr('class', 'stage-note').attr('x', 0).attr('y', 25);
        g.append('g').attr('class', 'stage-cells');
        return g;
      })
      .attr('transform', (_, i) => `translate(0,${i * (ROW_H + GAP)})`)
      .attr('data-stage', (s) => s.id);
    rows.select('.stage-label').text((s) => s.label);
    rows.select('.stage-note').text((s) => s.note);

    rows.each(function (stage) {
      const values = Array.from(stage.values as ArrayLike<number>);
      const finite = values.filter(Number.isFinite);
      // Scores: red/blue around 0, up to the row's largest |score|. Weights: the heatmap's own 0…1 scale, so a
      // flat row looks as flat here as it does there.
      const color = stage.kind === 'score' ? scoreColor(Math.max(...finite.map(Math.abs), 1e-6)) : (v: number) => weightColor(v);
      const items = values.map((value, i) => ({ value, i }));
      const g = select(this).select<SVGGElement>('.stage-cells').attr('transform', `translate(${LABEL_W},0)`);
      const cells = g
        .selectAll<SVGGElement, { value: number; i: number }>('g.stage-cell')
        .data(items)
        .join((enter) => {
          const c = enter.append('g').attr('class', 'stage-cell');
          c.append('rect');
          c.append('text').attr('text-anchor', 'middle').attr('dy', '0.35em');
          return c;
        })
        .attr('transform', (c) => `translate(${c.i * cell},0)`)
        .attr('data-k', (c) => d.keyIds?.[c.i] ?? c.i)
        .attr('data-value', (c) => (c.value === -Infinity ? '-Infinity' : c.value))
        .on('mousemove', (event: MouseEvent, c) =>
          tooltip.show(event, `${escapeHtml(stage.label)}<br>${escapeHtml(d.query)} → <b>${escapeHtml(d.keyLabels[c.i])}</b>: ${formatValue(c.value)}`),
        )
        .on('mouseleave', () => tooltip.hide());
      cells
        .select('rect')
        .attr('width', Math.max(1, cell - 1))
        .attr('height', ROW_H)
        .attr('fill', (c) => (c.value === -Infinity ? hatch : color(c.value)));
      cells
        .select('text')
        .attr('x', cell / 2)
        .attr('y', ROW_H / 2)
        .attr('class', (c) => (stage.kind === 'weight' ? c.value > 0.45 : Math.abs(c.value) > 0.6 * Math.max(...finite.map(Math.abs), 1e-6)) ? 'cell-value dark' : 'cell-value')
        .text((c) => (cell >= 40 ? formatValue(c.value) : ''));
    });

    const stride = labelStride(cell);
    keysG.attr('transform', `translate(${LABEL_W},${d.stages.length * (ROW_H + GAP) + 2})`);
    const font = Math.max(9, Math.min(12, cell - 1));
    const place = (i: number) => `translate(${i * cell + cell / 2},4) ${upright ? `translate(0,${font / 2})` : 'rotate(-55)'}`;
    drawLabels(keysG, d.keyLabels, stride, place, upright ? 'middle' : 'end', font, null);
  }

  return {
    update(next) {
      data = next;
      draw();
    },
    resize() {
      meter.measure();
      draw();
    },
    destroy() {
      tooltip.remove();
      svg.remove();
    },
  };
}
