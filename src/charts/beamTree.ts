// The beam-search tree, framework-free: one column per step, the 2·num_beams
// candidates of each step stacked by rank, an edge from each candidate to the
// beam it extends. Kept candidates become the next beams (solid), finished ones
// end a hypothesis (ringed), pruned ones fall away (faint). The best final
// hypothesis is traced in the accent colour.

import { select } from 'd3';
import { type Chart, describe } from './chart.ts';
import { t } from '../i18n/index.ts';
import { formatFixed } from '../i18n/format.ts';

export interface TreeCandidate {
  /** Index of the beam (the kept candidate, in order) at the previous step; 0 = the prompt at step 1. */
  parent: number;
  label: string;
  score: number;
  fate: 'kept' | 'finished' | 'pruned';
  onBest: boolean;
}

export interface BeamTreeData {
  rootLabel: string;
  steps: readonly { candidates: readonly TreeCandidate[] }[];
}

/** The size of the search and the best hypothesis it found, token by token. */
export function describeBeamTree(data: BeamTreeData): string {
  const best = data.steps.map((s) => s.candidates.find((c) => c.onBest)?.label).filter((l): l is string => l !== undefined);
  const candidates = data.steps.reduce((n, s) => n + s.candidates.length, 0);
  const finished = data.steps.reduce((n, s) => n + s.candidates.filter((c) => c.fate === 'finished').length, 0);
  return t('charts:beamTree.summary', {
    steps: data.steps.length,
    root: data.rootLabel,
    candidates,
    finished,
    best: best.map((l) => t('charts:beamTree.token', { token: l })).join(t('charts:beamTree.tokenSeparator')),
  });
}

const COL = 118;
const ROW = 26;

interface Placed extends TreeCandidate {
  step: number;
  x: number;
  y: number;
  px: number;
  py: number;
}

export function createBeamTree(container: HTMLElement, title: string): Chart<BeamTreeData> {
  const wrap = select(container).append('div').attr('class', 'beam-tree-scroll').attr('tabindex', 0); // scrolls sideways: reachable from the keyboard
  const svg = wrap.append('svg').attr('class', 'beam-tree');
  const edges = svg.append('g').attr('class', 'edges');
  const nodes = svg.append('g').attr('class', 'nodes');

  function update(data: BeamTreeData): void {
    describe(svg.node()!, title, describeBeamTree(data));
    const maxRows = Math.max(1, ...data.steps.map((s) => s.candidates.length));
    const height = maxRows * ROW + 20;
    const width = (data.steps.length + 1) * COL + 20;
    svg.attr('width', width).attr('height', height).attr('viewBox', `0 0 ${width} ${height}`);
    const rootY = height / 2;
    const placed: Placed[] = [];
    let keptPrev: { x: number; y: number }[] = [{ x: 10, y: rootY }];
    data.steps.forEach((s, si) => {
      const kept: { x: number; y: number }[] = [];
      s.candidates.forEach((c, r) => {
        const x = 10 + (si + 1) * COL;
        const y = 14 + r * ROW;
        const parent = keptPrev[Math.min(c.parent, keptPrev.length - 1)];
        placed.push({ ...c, step: si + 1, x, y, px: parent.x, py: parent.y });
        if (c.fate === 'kept') kept.push({ x, y });
      });
      keptPrev = kept.length ? kept : keptPrev;
    });
    edges
      .selectAll<SVGPathElement, Placed>('path')
      .data(placed)
      .join('path')
      .attr('class', (d) => `edge ${d.fate}${d.onBest ? ' best' : ''}`)
      .attr('d', (d) => `M${d.px + 44},${d.py} C${d.px + 70},${d.py} ${d.x - 30},${d.y} ${d.x - 4},${d.y}`);
    const root = nodes.selectAll<SVGTextElement, string>('text.root').data([data.rootLabel]);
    root.join('text').attr('class', 'root').attr('x', 10).attr('y', rootY).attr('dy', '0.35em').text((d) => d);
    const g = nodes
      .selectAll<SVGGElement, Placed>('g.node')
      .data(placed)
      .join((enter) => {
        const e = enter.append('g').attr('class', 'node');
        e.append('circle').attr('r', 4);
        e.append('text').attr('class', 'tok').attr('x', 8).attr('dy', '-0.1em');
        e.append('text').attr('class', 'score').attr('x', 8).attr('dy', '1.05em');
        return e;
      })
      .attr('class', (d) => `node ${d.fate}${d.onBest ? ' best' : ''}`)
      .attr('data-fate', (d) => d.fate)
      .attr('data-step', (d) => d.step)
      .attr('transform', (d) => `translate(${d.x},${d.y})`);
    g.select('text.tok').text((d) => d.label);
    g.select('text.score').text((d) => formatFixed(d.score, 2));
  }

  return {
    update,
    destroy() {
      wrap.remove();
    },
  };
}
