// Beam search as a tree (which candidates were kept, finished or pruned at each
// step) and the finished hypotheses ranked two ways — by the raw sum of
// log-probabilities and by that sum / length^length_penalty, which decides.

import { useMemo } from 'react';
import { useTranslation } from 'react-i18next';
import { createBeamTree, type BeamTreeData } from '../../charts/beamTree.ts';
import type { BeamResultData } from '../../engine/samplingProtocol.ts';
import { ChartView } from '../ChartView.tsx';
import { formatFixed, formatNumber } from '../format.ts';

/** Short headings stay on one line: Chinese would otherwise break between any two characters. */
const NO_WRAP = { whiteSpace: 'nowrap' } as const;

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
  const { t, i18n } = useTranslation('sampling');
  return (
    <div className="beam-view" data-testid="beam-view">
      <p className="hint">
        {t('beam.hint', { reason: result.stoppedBecause === 'done' ? t('beam.stoppedDone') : t('beam.stoppedLength') })}
      </p>
      <ChartView
        create={(el) => createBeamTree(el, t('beam.treeTitle'))}
        recreate={[i18n.language]}
        data={data}
        data-testid="beam-tree"
        className="chart beam-tree-wrap"
      />
      <table className="hypotheses" data-testid="hypotheses">
        <thead>
          <tr>
            <th style={NO_WRAP}>{t('beam.rank')}</th>
            <th>{t('beam.hypothesis')}</th>
            <th style={NO_WRAP}>{t('beam.sumLogp')}</th>
            <th style={NO_WRAP}>{t('beam.length')}</th>
            <th style={NO_WRAP}>
              {t('beam.score')}
              <sup>{formatNumber(lengthPenalty)}</sup>
            </th>
            <th style={NO_WRAP}>{t('beam.rankByRaw')}</th>
          </tr>
        </thead>
        <tbody>
          {result.hypotheses.map((h, i) => (
            <tr key={i} className={i === 0 ? 'best' : ''}>
              <td>{i + 1}</td>
              <td className="hyp-text">{h.text.replace(/\n/g, '↵')}</td>
              <td>{formatFixed(h.sumLogprobs, 2)}</td>
              <td>
                {h.length}
                {h.endedBy === 'eos' ? t('beam.ended') : ''}
              </td>
              <td>{formatFixed(h.score, 3)}</td>
              <td>{byRaw.indexOf(h) + 1}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
