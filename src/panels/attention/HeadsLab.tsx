// Heads that copy, under the all-heads grid: every head's induction,
// previous-token and copying scores on repeated random tokens (the engine's
// headScores, model/heads.ts), with a switch per head; the switched-off heads
// feed the greedy comparison below (AblationCompare).

import { useEffect } from 'react';
import { useTranslation } from 'react-i18next';
import type { EngineClient } from '../../engine/client.ts';
import type { HeadScoresResult } from '../../engine/attentionProtocol.ts';
import { type HeadRef, sameHead, toggleHead } from '../../model/ablation.ts';
import { type EngineJob, type JobRun, useEngineJob } from '../useEngineJob.ts';
import { formatFixed, formatNumber } from '../format.ts';
import { INDUCTION_THRESHOLD, PREVIOUS_TOKEN_THRESHOLD, headName, isInductionHead, isPreviousTokenHead } from './headMarks.ts';
import { AblationCompare } from './AblationCompare.tsx';

export interface ScoresRun {
  progress: { done: number; total: number } | null;
  result: HeadScoresResult | null;
}

/** Scores the loaded model's heads once per model and seed (the engine keeps the last scan). */
export function useHeadScores(client: EngineClient | null, modelKey: string, seed: number): EngineJob<ScoresRun> {
  const job = useEngineJob<ScoresRun>(client);
  useEffect(() => {
    if (!client || !modelKey) return;
    job.start('headScores', { slot: 'active', seed }, { progress: null, result: null }, {
      event: (r, e) => ({ ...r, progress: { done: e.done, total: e.total } }),
      result: (r, result) => ({ ...r, result }),
    });
    return () => job.stop();
    // The job object is new every render; the model and the seed are what the scan depends on.
  }, [client, modelKey, seed]);
  return job;
}

export function HeadsLab(props: {
  client: EngineClient | null;
  scores: JobRun<ScoresRun> | null;
  ablate: HeadRef[];
  onAblate: (heads: HeadRef[]) => void;
  prompt: string;
  maxNewTokens: number;
}) {
  const { scores, ablate } = props;
  const { t } = useTranslation('attention');
  const result = scores?.result ?? null;
  return (
    <section className="heads-lab" data-testid="heads-lab" data-status={scores?.status ?? 'idle'}>
      <h3>{t('heads.heading')}</h3>
      {scores?.error && <p className="alert error">{scores.error}</p>}
      {scores?.status === 'running' && (
        <p className="muted" data-testid="heads-progress">
          {scores.progress ? t('heads.measuring', { done: formatNumber(scores.progress.done), total: formatNumber(scores.progress.total) }) : t('heads.reading')}
        </p>
      )}
      {result && <ScoresSummary result={result} />}
      {result && <ScoresTable result={result} ablate={ablate} onAblate={props.onAblate} />}
      <AblationCompare client={props.client} ablate={ablate} onAblate={props.onAblate} prompt={props.prompt} maxNewTokens={props.maxNewTokens} />
    </section>
  );
}

function ScoresSummary({ result }: { result: HeadScoresResult }) {
  const { t } = useTranslation('attention');
  const { first, repeat } = result.logProbs;
  const induction = result.heads.filter(isInductionHead).length;
  const previous = result.heads.filter(isPreviousTokenHead).length;
  // A repeat at least 0.1 nats/token likelier than the first copy counts as copying from context.
  const copies = repeat - first >= 0.1;
  return (
    <div className="hint" data-testid="heads-summary" data-induction-heads={induction} data-previous-heads={previous}>
      <p>{t('heads.probe', { samples: result.samples, length: result.length, seed: result.seed })}</p>
      <p>
        {t('heads.gain', { first: formatFixed(first, 2), repeat: formatFixed(repeat, 2) })}{' '}
        {copies ? t('heads.gainYes', { factor: formatFixed(Math.exp(repeat - first), 1) }) : t('heads.gainNo')}
      </p>
      <p>
        {induction > 0
          ? t('heads.someInduction', { count: induction, threshold: formatNumber(INDUCTION_THRESHOLD) })
          : t('heads.noInduction', { threshold: formatNumber(INDUCTION_THRESHOLD) })}{' '}
        {previous > 0
          ? t('heads.somePrevious', { count: previous, threshold: formatNumber(PREVIOUS_TOKEN_THRESHOLD) })
          : t('heads.noPrevious', { threshold: formatNumber(PREVIOUS_TOKEN_THRESHOLD) })}
      </p>
    </div>
  );
}

function ScoresTable(props: { result: HeadScoresResult; ablate: HeadRef[]; onAblate: (heads: HeadRef[]) => void }) {
  const { result, ablate } = props;
  const { t } = useTranslation('attention');
  const rows = result.heads.slice().sort((a, b) => b.induction - a.induction || a.layer - b.layer || a.head - b.head);
  return (
    <>
      <div className="attn-table-scroll">
        <table className="attn-table heads-table" data-testid="heads-table">
          <thead>
            <tr>
              <th>{t('heads.table.head')}</th>
              <th>{t('heads.table.induction')}</th>
              <th>{t('heads.table.previous')}</th>
              <th>{t('heads.table.copying')}</th>
              <th>{t('heads.table.off')}</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((h) => {
              const off = ablate.some((a) => sameHead(a, h));
              return (
                <tr key={`${h.layer}.${h.head}`} className={off ? 'off' : ''} data-layer={h.layer} data-head={h.head} data-induction={h.induction} data-previous={h.previousToken}>
                  <td>{headName(h)}</td>
                  <td className={isInductionHead(h) ? 'mark induction' : ''}>{formatFixed(h.induction, 3)}</td>
                  <td className={isPreviousTokenHead(h) ? 'mark previous' : ''}>{formatFixed(h.previousToken, 3)}</td>
                  <td>{h.copying === null ? '—' : formatFixed(h.copying, 3)}</td>
                  <td>
                    <label className="attn-check">
                      <input
                        type="checkbox"
                        checked={off}
                        data-testid={`switch-off-${h.layer}-${h.head}`}
                        aria-label={t('heads.table.switchOffLabel', { name: headName(h) })}
                        onChange={() => props.onAblate(toggleHead(ablate, h))}
                      />
                      {t('heads.table.switchOff')}
                    </label>
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
      <p className="hint">{t('heads.copyingHint', { count: result.copyingMeasured })}</p>
    </>
  );
}
