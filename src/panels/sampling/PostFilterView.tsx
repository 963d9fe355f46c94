// Post-processing cures for parroting: the output your setting wrote, cut at
// its first repeated 4-gram, with repeated sentences and lines dropped, and the
// least repetitive of a few seeded samples — each measured before and after.

import { useTranslation } from 'react-i18next';
import type { EngineClient } from '../../engine/client.ts';
import type { PostFilterResultData } from '../../engine/samplingProtocol.ts';
import type { SamplingSettings } from '../../sampling/settings.ts';
import { useEngineJob } from '../useEngineJob.ts';
import { formatFixed, formatNumber } from '../format.ts';
import { WithNewlineMarks } from '../TokenText.tsx';

/** Samples re-rank draws. */
const SAMPLES = 4;

export function PostFilterView(props: {
  client: EngineClient | null;
  ready: boolean;
  prompt: string;
  /** The finished output of your setting (token ids), or null while there is none. */
  generated: number[] | null;
  settings: SamplingSettings;
  maxNewTokens: number;
  seed: number;
}) {
  const { t } = useTranslation('sampling');
  const job = useEngineJob<{ key: string; result: PostFilterResultData | null }>(props.client);
  const key = props.generated ? `${props.prompt}\u0000${props.generated.join(',')}` : '';
  const run = job.run?.key === key ? job.run : null;
  const result = run?.result ?? null;
  const start = () => {
    if (!props.generated) return;
    const params = {
      slot: 'active' as const,
      prompt: props.prompt,
      generated: props.generated,
      settings: props.settings,
      maxNewTokens: props.generated.length || props.maxNewTokens,
      seed: props.seed,
      samples: SAMPLES,
    };
    job.start('postFilter', params, { key, result: null }, { result: (r, res) => ({ ...r, result: res }) });
  };
  const scores = result ? result.samples.map((s) => formatFixed(s.seqRep4, 3)).join(' · ') : '';
  return (
    <div className="post-filter" data-testid="post-filter">
      <p className="hint">{t('postFilter.intro')}</p>
      <div className="row">
        <button type="button" data-testid="run-post-filter" disabled={!props.ready || !props.generated || job.running} onClick={start}>
          {t('postFilter.run')}
        </button>
        {!props.generated && <span className="hint">{t('postFilter.needsOutput')}</span>}
      </div>
      {run?.error && <div className="alert error" role="alert">{run.error}</div>}
      {result && (
        <>
          <table className="measures" data-testid="post-filter-table">
            <thead>
              <tr>
                <th>{t('postFilter.method')}</th>
                <th>{t('postFilter.tokens')}</th>
                <th>{t('measures.seqRep4')}</th>
                <th>{t('measures.distinct2')}</th>
              </tr>
            </thead>
            <tbody>
              {result.rows.map((r) => (
                <tr key={r.method} data-method={r.method} data-seq-rep-4={r.seqRep4}>
                  <td>{t(`postFilter.methods.${r.method}`, { count: SAMPLES })}</td>
                  <td>{formatNumber(r.tokens)}</td>
                  <td>{formatFixed(r.seqRep4, 3)}</td>
                  <td>{formatFixed(r.distinct2, 3)}</td>
                </tr>
              ))}
            </tbody>
          </table>
          <p className="hint">
            {result.cutAt === null ? t('postFilter.noLoop') : t('postFilter.cutAt', { count: result.cutAt })}{' '}
            {t('postFilter.dropped', { count: result.dropped })}{' '}
            {t('postFilter.rerankHint', { count: SAMPLES, first: props.seed, last: props.seed + SAMPLES - 1, scores, chosen: result.chosen + 1 })}
          </p>
          {result.rows.slice(1).map((r) => (
            <details key={r.method}>
              <summary>{t(`postFilter.methods.${r.method}`, { count: SAMPLES })}</summary>
              <pre className="generated">
                <WithNewlineMarks text={r.text} />
              </pre>
            </details>
          ))}
        </>
      )}
    </div>
  );
}
