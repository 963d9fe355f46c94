// Beam search as a tree (which candidates were kept, finished or pruned at each
// step) and the finished hypotheses ranked two ways — by the raw sum of
// log-probabilities and by that sum / length^length_penalty, which decides.

import { useMemo } from 'react';
import { createBeamTree, type BeamTreeData } from '../../charts/beamTree.ts';
import type { BeamResultData } from '../../engine/samplingProtocol.ts';
import { ChartView } from '../ChartView.tsx';

const shorten = (s: string) => (s.length > 9 ? s.slice(0, 8) + '…' : s);

export function beamTreeData(r: BeamResultData, vocab: readonly string[]): BeamTreeData {
  const best = r.best.tokens;
  return {
    rootLabel: shorten(r.promptTokens.slice(-2).map((t) => t.text).join('').replace(/\n/g, '↵')),
    steps: r.steps.map((s, si) => ({
      candidates: s.candidates
        .filter((c) => c.score > -1e8) // HF's placeholder beams at step 1 (score −1e9) are not real continuations
        .map((c) => {
          const parentTokens = si === 0 ? [] : r.steps[si - 1].beams[c.parent]?.tokens ?? [];
          const tokens = parentTokens.concat(c.token);
          const onBest = tokens.length <= best.length && tokens.every((t, i) => t === best[i]);
          return { parent: c.parent, label: shorten(vocab[c.token] ?? String(c.token)), score: c.score, fate: c.fate, onBest };
        }),
    })),
  };
}

export function BeamView({ result, vocab, lengthPenalty }: { result: BeamResultData; vocab: readonly string[]; lengthPenalty: number }) {
  const data = useMemo(() => beamTreeData(result, vocab), [result, vocab]);
  const byRaw = result.hypotheses.slice().sort((a, b) => b.sumLogprobs - a.sumLogprobs);
  return (
    <div className="beam-view" data-testid="beam-view">
      <p className="hint">
        Each column is one step. Solid nodes became the next beams, ringed ones ended a hypothesis with the end token, faint ones
        were pruned. The accent path is the winning hypothesis. Search stopped because{' '}
        {result.stoppedBecause === 'done' ? 'enough hypotheses had finished (early_stopping)' : 'it reached the length limit'}.
      </p>
      <ChartView create={(el) => createBeamTree(el, 'Beam search tree')} data={data} data-testid="beam-tree" className="chart beam-tree-wrap" />
      <table className="hypotheses" data-testid="hypotheses">
        <thead>
          <tr>
            <th>rank</th>
            <th>hypothesis</th>
            <th>sum log p</th>
            <th>length</th>
            <th>
              score = sum / length<sup>{lengthPenalty}</sup>
            </th>
            <th>rank by raw sum</th>
          </tr>
        </thead>
        <tbody>
          {result.hypotheses.map((h, i) => (
            <tr key={i} className={i === 0 ? 'best' : ''}>
              <td>{i + 1}</td>
              <td className="hyp-text">{h.text.replace(/\n/g, '↵')}</td>
              <td>{h.sumLogprobs.toFixed(2)}</td>
              <td>
                {h.length}
                {h.endedBy === 'eos' ? ' (end)' : ''}
              </td>
              <td>{h.score.toFixed(3)}</td>
              <td>{byRaw.indexOf(h) + 1}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
