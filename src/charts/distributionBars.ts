// The next-token distribution as horizontal bars, framework-free: for the top
// tokens, the model's own probability (faint) and the probability after every
// processor (solid), tokens a filter removed greyed with the filter's name, and
// the seeded draw drawn as a marker on the cumulative scale — the bar it lands
// in is the token chosen.

import { scaleLinear, select } from 'd3';
import { type Chart, describe, listed } from './chart.ts';
import { t } from '../i18n/index.ts';
import { formatFixed, formatPercent } from '../i18n/format.ts';

export interface DistributionBar {
  id: number;
  label: string;
  /** softmax of the raw logits. */
  raw: number;
  /** After every processor (0 when cut). */
  processed: number;
  /** Name of the processor that removed the token, or null. */
  cutBy: string | null;
  /** Cumulative processed probability up to and including this bar, in the drawing order. */
  cumulative: number;
  chosen: boolean;
}

export interface DistributionData {
  bars: readonly DistributionBar[];
  /** Where the uniform draw fell on [0, 1); null for greedy. */
  u: number | null;
  /** Probability mass outside the bars shown. */
  restProcessed: number;
}

/** The likeliest tokens after the processors, what the filters cut, and which token the draw picks. */
export function describeDistribution(data: DistributionData): string {
  const percent = (p: number) => formatPercent(p, 1);
  const kept = data.bars.filter((b) => b.cutBy === null).slice(0, 5);
  const cut = data.bars.filter((b) => b.cutBy !== null).length;
  const chosen = data.bars.find((b) => b.chosen);
  return [
    kept.length
      ? t('charts:distribution.likeliest', { tokens: listed(kept.map((b) => t('charts:distribution.token', { token: b.label, processed: percent(b.processed), raw: percent(b.raw) }))) })
      : t('charts:distribution.noneLeft'),
    cut ? t('charts:distribution.cut', { cut, shown: data.bars.length }) : '',
    chosen
      ? data.u === null
        ? t('charts:distribution.greedyPicks', { token: chosen.label })
        : t('charts:distribution.drawPicks', { u: formatFixed(data.u, 3), token: chosen.label })
      : '',
  ].filter(Boolean).join(t('charts:words.sentenceSeparator'));
}

const ROW = 22;
const LABEL_W = 92;
const CUM_W = 70;

export function createDistributionChart(container: HTMLElement, title: string): Chart<DistributionData> {
  const svg = select(container).append('svg').attr('class', 'distribution-chart');
  const rows = svg.append('g').attr('class', 'rows');
  const marker = svg.append('g').attr('class', 'draw-marker');
  let data: DistributionData = { bars: [], u: null, restProcessed: 0 };

  function draw(): void {
    const width = Math.max(320, container.clientWidth || 520);
    const height = ROW * data.bars.length + 30;
    svg.attr('width', width).attr('height', height).attr('viewBox', `0 0 ${width} ${height}`);
    const barW = width - LABEL_W - CUM_W - 60;
    const maxP = Math.max(0.05, ...data.bars.map((b) => Math.max(b.raw, b.processed)));
    const x = scaleLinear().domain([0, maxP]).range([0, barW]);
    const g = rows
      .selectAll<SVGGElement, DistributionBar>('g.bar')
      .data(data.bars, (b) => String(b.id))
      .join((enter) => {
        const row = enter.append('g').attr('class', 'bar');
        row.append('text').attr('class', 'token-label').attr('text-anchor', 'end').attr('dy', '0.35em');
        row.append('rect').attr('class', 'raw');
        row.append('rect').attr('class', 'processed');
        row.append('text').attr('class', 'value').attr('dy', '0.35em');
        row.append('rect').attr('class', 'cum-bg');
        row.append('rect').attr('class', 'cum');
        return row;
      })
      .attr('transform', (_, i) => `translate(0,${i * ROW + 4})`)
      .attr('data-token', (b) => b.id)
      .attr('data-processed', (b) => b.processed)
      .attr('data-cut', (b) => b.cutBy ?? '')
      .classed('cut', (b) => b.cutBy !== null)
      .classed('chosen', (b) => b.chosen);
    g.select('.token-label').attr('x', LABEL_W - 8).attr('y', ROW / 2 - 2).text((b) => b.label);
    g.select('.raw').attr('x', LABEL_W).attr('y', 2).attr('height', ROW - 8).attr('width', (b) => x(b.raw));
    g.select('.processed').attr('x', LABEL_W).attr('y', 5).attr('height', ROW - 14).attr('width', (b) => x(b.processed));
    g.select('.value')
      .attr('x', (b) => LABEL_W + Math.max(x(b.raw), x(b.processed)) + 6)
      .attr('y', ROW / 2 - 2)
      .text((b) => (b.cutBy ? t('charts:distribution.cutBy', { processor: b.cutBy }) : formatPercent(b.processed, 1)));
    // The cumulative strip: each bar's share of [0, 1], so the draw marker shows which token it picked.
    const cx = width - CUM_W - 10;
    const cum = scaleLinear().domain([0, 1]).range([0, CUM_W]);
    g.select('.cum-bg').attr('x', cx).attr('y', 4).attr('height', ROW - 10).attr('width', CUM_W);
    g.select('.cum')
      .attr('x', (b) => cx + cum(b.cumulative - b.processed))
      .attr('y', 4)
      .attr('height', ROW - 10)
      .attr('width', (b) => Math.max(b.processed > 0 ? 1 : 0, cum(b.processed)));
    const u = data.u;
    marker
      .selectAll('line')
      .data(u === null ? [] : [u])
      .join('line')
      .attr('x1', (v) => cx + cum(v))
      .attr('x2', (v) => cx + cum(v))
      .attr('y1', 0)
      .attr('y2', height - 24);
    marker
      .selectAll('text')
      .data([u])
      .join('text')
      .attr('x', cx + CUM_W / 2)
      .attr('y', height - 8)
      .attr('text-anchor', 'middle')
      .text((v) => (v === null ? t('charts:distribution.markerGreedy') : t('charts:distribution.markerDraw', { u: formatFixed(v, 3) })));
  }

  return {
    update(next) {
      data = next;
      draw();
      describe(svg.node()!, title, describeDistribution(next));
    },
    resize: draw,
    destroy() {
      svg.remove();
    },
  };
}
