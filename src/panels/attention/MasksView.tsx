// The masks lesson: the tokens on screen under the causal (GPT), prefix-LM
// (GLM) and bidirectional (BERT) masks side by side, why decoders dominate
// generation, and teacher forcing: one pass over the sequence gives the same
// predictions as stepping through it with the KV cache.

import { useMemo, useRef } from 'react';
import { Trans, useTranslation } from 'react-i18next';
import { t } from '../../i18n/index.ts';
import type { EngineClient } from '../../engine/client.ts';
import type { MaskLessonParams, TeacherForcingParams, TeacherForcingResult } from '../../engine/attentionProtocol.ts';
import { MASKS } from '../../state/schema.ts';
import { createMaskComparison, type MaskComparisonData } from '../../charts/attention/maskComparison.ts';
import { type SequenceData, type StepView, maskedHead, visiblePairs } from './frames.ts';
import { useChart } from '../ChartView.tsx';
import { useEngineCall } from '../useEngineCall.ts';
import { formatBytes, formatFixed, formatNumber, formatPercent } from '../format.ts';

type MaskId = (typeof MASKS)[number];

/** The mask's name and the families that use it, in the locale in force. */
const maskTitle = (mask: MaskId) => t(`attention:masks.titles.${mask}`);

/** What a mask is suited for; `prefix` is the number of prompt tokens on screen. */
function suitedFor(mask: MaskId, prefix: number): string {
  return mask === 'prefix' ? t('attention:masks.suited.prefix', { count: prefix }) : t(`attention:masks.suited.${mask}`);
}

export function MasksView(props: {
  client: EngineClient | null;
  seq: SequenceData;
  view: StepView;
  layer: number;
  head: number;
  mask: MaskId;
  onMask: (mask: MaskId) => void;
}) {
  const { client, seq, view, layer, head, mask } = props;
  const { i18n } = useTranslation('attention');
  const lang = i18n.language;
  const ids = useMemo(() => view.positions.map((p) => seq.tokens[p].id), [seq.tokens, view.positions]);
  const n = ids.length;
  const prefixLength = Math.max(0, Math.min(n, seq.promptLength - (view.positions[0] ?? 0)));
  const key = `${ids.join(',')}|${prefixLength}`;
  const masksKey = `${key}|${layer}|${head}`;
  const maskParams: MaskLessonParams = { slot: 'active', ids, prefixLength, layer, head };
  const tfParams: TeacherForcingParams = { slot: 'active', ids };
  const masks = useEngineCall(client, 'attentionMasks', maskParams, masksKey);
  const forcing = useEngineCall(client, 'teacherForcing', tfParams, key);

  const data = useMemo<MaskComparisonData | null>(() => {
    if (masks.status !== 'done' || masks.key !== masksKey) return null;
    const { tokens, runs } = masks.result;
    return {
      tokens: tokens.map((t) => t.text),
      selected: mask,
      panels: runs.map((run) => {
        const m = maskedHead(run.probs, n, run.mask);
        const id = run.mask.kind;
        const subtitle = t('attention:masks.pairs', { allowed: formatNumber(visiblePairs(run.mask, n)), total: formatNumber(n * n) });
        return { id, title: maskTitle(id), subtitle, values: m.values, masked: m.masked };
      }),
    };
  }, [masks, masksKey, n, mask, lang]);
  const onMask = useRef(props.onMask);
  onMask.current = props.onMask;
  // Recreated with the locale: each small heatmap takes its (translated) title when it is built.
  const ref = useChart((el) => createMaskComparison(el, (id) => onMask.current(id as MaskId)), data, [lang]);

  return (
    <div className="attn-masks-view" data-testid="attention-masks" data-state={masks.status}>
      <p className="muted small">
        {t('attention:masks.intro', { n, layer, head })}
        {prefixLength === n && t('attention:masks.allPrompt')}
        {prefixLength === 0 && t('attention:masks.noPrompt')}
      </p>
      {masks.status === 'error' && <p className="alert error">{masks.message}</p>}
      {masks.status === 'running' && <p className="muted">{t('attention:masks.running')}</p>}
      <div className="chart" ref={ref} />
      <div className="attn-mask-note" data-testid="attention-mask-note">
        <strong>{maskTitle(mask)}{t('attention:masks.titleEnd')}</strong>
        {t('attention:panel.gap')}
        {suitedFor(mask, prefixLength)}
      </div>

      <h3 className="attn-subhead">{t('attention:masks.whyHeading')}</h3>
      <ul className="attn-reasons">
        {(['autoregressive', 'distribution', 'parallel'] as const).map((reason) => (
          <li key={reason}>
            <strong>{t(`attention:masks.why.${reason}Lead`)}</strong>
            {t('attention:panel.gap')}
            {t(`attention:masks.why.${reason}`)}
          </li>
        ))}
      </ul>

      <h3 className="attn-subhead">{t('attention:masks.forcingHeading')}</h3>
      {forcing.status === 'error' && <p className="alert error">{forcing.message}</p>}
      {forcing.status === 'running' && <p className="muted">{t('attention:masks.forcingRunning', { n })}</p>}
      {forcing.status === 'done' && forcing.key === key && <TeacherForcing result={forcing.result} />}
    </div>
  );
}

function TeacherForcing({ result }: { result: TeacherForcingResult }) {
  useTranslation('attention'); // redrawn when the locale changes
  const r = result;
  const n = r.rows.length;
  const agree = r.rows.filter((row) => row.fullTop.id === row.stepTop.id).length;
  const diff = r.maxAbsDiff.toExponential(1);
  const bold = { b: <strong /> };
  return (
    <div data-testid="teacher-forcing" data-max-diff={r.maxAbsDiff} data-agree={agree} data-rows={n}>
      <p className="small" data-testid="teacher-forcing-summary">
        {t('attention:masks.forcing.passes', { n, fullMs: formatFixed(r.fullPassMs, 1), stepMs: formatFixed(r.steppedMs, 1) })}
        {t('attention:panel.gap')}
        {r.maxAbsDiff < 1e-3 ? (
          <Trans ns="attention" i18nKey="masks.forcing.same" values={{ diff }} components={bold} />
        ) : (
          <Trans ns="attention" i18nKey="masks.forcing.differ" values={{ diff }} components={bold} />
        )}
        {t('attention:panel.gap')}
        {t('attention:masks.forcing.agree', { agree, n })}
        {r.loss !== null && t('attention:masks.forcing.loss', { loss: formatFixed(r.loss, 2) })}
        {t('attention:panel.gap')}
        {t('attention:masks.forcing.cache', { total: formatBytes(r.kvCacheBytes), perToken: formatBytes(r.kvCacheBytes / n) })}
      </p>
      <div className="attn-table-scroll" tabIndex={0}>
        <table className="attn-table">
          <thead>
            <tr>
              {(['pos', 'token', 'next', 'passTop', 'stepTop', 'nextProb', 'diff'] as const).map((column) => (
                <th key={column}>{t(`attention:masks.forcing.columns.${column}`)}</th>
              ))}
            </tr>
          </thead>
          <tbody>
            {r.rows.map((row, i) => (
              <tr key={i} className={row.nextId !== null && row.fullTop.id === row.nextId ? 'hit' : undefined}>
                <td>{i}</td>
                <td className="tok-cell">{r.tokens[i].text}</td>
                <td className="tok-cell">{row.nextId === null ? '—' : r.tokens[i + 1].text}</td>
                <td className="tok-cell">
                  {row.fullTop.text} <span className="muted">{formatPercent(row.fullTop.prob, 0)}</span>
                </td>
                <td className="tok-cell">
                  {row.stepTop.text} <span className="muted">{formatPercent(row.stepTop.prob, 0)}</span>
                </td>
                <td>{row.nextProb === null ? '—' : formatPercent(row.nextProb, 1)}</td>
                <td>{row.maxAbsDiff.toExponential(1)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </div>
  );
}
