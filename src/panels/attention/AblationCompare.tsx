// The same prompt continued greedily twice: with every head on, and with the
// heads the learner switched off (zero-ablation before c_proj). Greedy, so
// the two texts differ only by the switched-off heads; each with its
// seq-rep-4, P(repeat) and where its repeats come from.

import { useTranslation } from 'react-i18next';
import type { EngineClient } from '../../engine/client.ts';
import type { AblationResult, AblationRun } from '../../engine/attentionProtocol.ts';
import type { HeadRef } from '../../model/ablation.ts';
import { useEngineJob } from '../useEngineJob.ts';
import { GeneratedText } from '../sampling/GeneratedText.tsx';
import { formatFixed, formatPercent } from '../format.ts';
import { noticeText } from '../noticeText.ts';
import { headList } from './headMarks.ts';

/** Tokens each run generates at most: two greedy runs stay within a couple of seconds on the playground model. */
const MAX_ABLATION_TOKENS = 200;

export function AblationCompare(props: {
  client: EngineClient | null;
  ablate: HeadRef[];
  onAblate: (heads: HeadRef[]) => void;
  prompt: string;
  maxNewTokens: number;
}) {
  const { ablate } = props;
  const { t } = useTranslation('attention');
  const job = useEngineJob<{ result: AblationResult | null }>(props.client);
  const result = job.run?.result ?? null;
  const run = () =>
    job.start(
      'ablationCompare',
      { slot: 'active', prompt: props.prompt, ablate, maxNewTokens: Math.min(props.maxNewTokens, MAX_ABLATION_TOKENS) },
      { result: null },
      { result: (_, r) => ({ result: r }) },
    );
  return (
    <div className="heads-ablation" data-testid="ablation" data-status={job.run?.status ?? 'idle'}>
      <h4>{t('heads.ablation.heading')}</h4>
      <p className="hint">{ablate.length === 0 ? t('heads.ablation.none') : t('heads.ablation.off', { heads: headList(ablate) })}</p>
      <div className="row">
        <button type="button" className="primary" data-testid="ablation-run" disabled={!props.client || ablate.length === 0 || props.prompt === '' || job.running} onClick={run}>
          {job.running ? t('heads.ablation.running') : t('heads.ablation.run')}
        </button>
        <button type="button" data-testid="ablation-clear" disabled={ablate.length === 0} onClick={() => props.onAblate([])}>
          {t('heads.ablation.clear')}
        </button>
      </div>
      {job.run?.error && <p className="alert error" role="alert">{job.run.error}</p>}
      {result && (
        <>
          {result.notices.map((n) => (
            <p key={n.message} className="alert warning">
              {noticeText(n)}
            </p>
          ))}
          <div className="side-by-side">
            <Outcome title={t('heads.ablation.plain')} prompt={result} run={result.plain} testId="ablation-plain" />
            <Outcome title={t('heads.ablation.ablated', { heads: headList(result.ablated.ablate) })} prompt={result} run={result.ablated} testId="ablation-off" />
          </div>
          <p className="hint">{t('heads.ablation.hint')}</p>
        </>
      )}
    </div>
  );
}

function Outcome(props: { title: string; prompt: AblationResult; run: AblationRun; testId: string }) {
  const { run } = props;
  const { t } = useTranslation('attention');
  return (
    <div className="outcome" data-testid={props.testId} data-seq-rep-4={run.seqRep4} data-p-repeat={run.meanRepeatMass} data-text={run.tokens.map((x) => x.text).join('')}>
      <h5>{props.title}</h5>
      <GeneratedText prompt={props.prompt.promptTokens} tokens={run.tokens} n={4} />
      <dl className="measures-inline">
        <div>
          <dt>{t('heads.ablation.seqRep4')}</dt>
          <dd>{formatFixed(run.seqRep4, 3)}</dd>
        </div>
        <div>
          <dt>{t('heads.ablation.pRepeat')}</dt>
          <dd>{formatFixed(run.meanRepeatMass, 3)}</dd>
        </div>
        <div>
          <dt>{t('heads.ablation.fromInput')}</dt>
          <dd>{formatPercent(run.copying.fromInput)}</dd>
        </div>
        <div>
          <dt>{t('heads.ablation.fromSelf')}</dt>
          <dd>{formatPercent(run.copying.fromSelf)}</dd>
        </div>
      </dl>
    </div>
  );
}
