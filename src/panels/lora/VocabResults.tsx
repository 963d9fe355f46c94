// What a vocabulary expansion shows once it has measured: the added characters,
// one held-out line cut by each tokenizer, the 汉字 one window holds, the loss
// per character over the steps (Chinese and English), the before/after table
// and the greedy samples. Plain data in (vocabProtocol.ts), nothing computed here
// but chart data.

import { useMemo } from 'react';
import { useTranslation } from 'react-i18next';
import type { StripToken, VocabExpandResult, VocabMeasure, VocabPoint, VocabPrepared, VocabSample } from '../../engine/vocabProtocol.ts';
import { createBarChart } from '../../charts/barChart.ts';
import { createLineChart } from '../../charts/lineChart.ts';
import { t } from '../../i18n/index.ts';
import { ChartView } from '../ChartView.tsx';
import { formatFixed, formatNumber, formatPercent } from '../format.ts';
import { WithNewlineMarks } from '../TokenText.tsx';
import { lossCurve, windowBars } from './vocabCharts.ts';

const lineOptions = (which: 'zh' | 'en') => ({
  xLabel: t('vocab:chart.x'), yLabel: t('vocab:chart.y'), title: t(which === 'zh' ? 'vocab:chart.zhTitle' : 'vocab:chart.enTitle'), height: 200,
});

export function VocabPreparedView({ prepared }: { prepared: VocabPrepared }) {
  const { t, i18n } = useTranslation('vocab');
  const bars = useMemo(() => windowBars(prepared.base, prepared.expanded), [prepared, i18n.language]);
  return (
    <>
      <p className="small" data-testid="vocab-prepared" data-added={prepared.added} data-vocab-after={prepared.vocabAfter}>
        {t('prepared', {
          added: formatNumber(prepared.added), pieces: formatNumber(prepared.pieces),
          vocabBefore: formatNumber(prepared.vocabBefore), vocabAfter: formatNumber(prepared.vocabAfter),
          parametersBefore: formatNumber(prepared.parametersBefore), parametersAfter: formatNumber(prepared.parametersAfter),
          coverage: formatPercent(prepared.heldOutCoverage), trainTokens: formatNumber(prepared.trainTokens),
          batch: prepared.batchSize, block: prepared.blockSize, trainable: formatNumber(prepared.trainableValues),
        })}{' '}
        {t('addedPreview', { characters: prepared.addedPreview })}
      </p>
      <div className="vocab-strips" data-testid="vocab-strip">
        <h4>{t('strip.title')}</h4>
        <TokenStrip label={t('strip.before', { count: prepared.line.before.length })} tokens={prepared.line.before} which="before" />
        <TokenStrip label={t('strip.after', { count: prepared.line.after.length })} tokens={prepared.line.after} which="after" />
        <p className="muted small">{t('strip.note')}</p>
      </div>
      <ChartView
        create={(el) => createBarChart(el, { title: t('window.title'), yLabel: t('window.y', { window: prepared.contextWindow }), height: 180 })}
        recreate={[i18n.language]}
        data={bars}
        data-testid="vocab-window-bars"
      />
    </>
  );
}

function TokenStrip({ label, tokens, which }: { label: string; tokens: readonly StripToken[]; which: 'before' | 'after' }) {
  const { t } = useTranslation();
  return (
    <div className="vocab-strip" data-strip={which} data-count={tokens.length}>
      <span className="vocab-strip-label">{label}</span>
      <span className="continuation vocab-strip-tokens">
        {tokens.map((tok, i) => (
          <span key={i} className={`tok tok-${i % 2}${tok.added ? ' vocab-added' : ''}`} title={t('prompt.tokenTitle', { id: tok.id })} data-token-id={tok.id}>
            {tok.text}
          </span>
        ))}
      </span>
    </div>
  );
}

export function VocabCurves({ points, base, xMax }: { points: readonly VocabPoint[]; base: VocabMeasure | null; xMax: number }) {
  const { t, i18n } = useTranslation('vocab');
  const lang = i18n.language;
  const zh = useMemo(() => lossCurve(points, 'zh', base, xMax), [points, base, xMax, lang]);
  const en = useMemo(() => lossCurve(points, 'en', base, xMax), [points, base, xMax, lang]);
  return (
    <>
      <div className="chart-pair">
        <ChartView create={(el) => createLineChart(el, lineOptions('zh'))} recreate={[lang]} data={zh} data-testid="vocab-zh-chart" />
        <ChartView create={(el) => createLineChart(el, lineOptions('en'))} recreate={[lang]} data={en} data-testid="vocab-en-chart" />
      </div>
      <p className="muted small">{t('chartNote')}</p>
    </>
  );
}

export function VocabTable({ prepared, result }: { prepared: VocabPrepared; result: VocabExpandResult | null }) {
  const { t } = useTranslation('vocab');
  const rows: Array<{ id: string; label: string; m: VocabMeasure }> = [
    { id: 'base', label: t('table.base'), m: prepared.base },
    { id: 'expanded', label: t('table.expanded'), m: prepared.expanded },
  ];
  if (result) rows.push({ id: 'after', label: t('table.after', { steps: formatNumber(result.steps) }), m: result.after });
  return (
    <table className="lora-table" data-testid="vocab-table">
      <caption className="field-label">{t('table.caption')}</caption>
      <thead>
        <tr>
          <th scope="col">{t('table.model')}</th>
          <th scope="col" className="num">{t('table.tokensPerHan')}</th>
          <th scope="col" className="num">{t('table.hanPerWindow')}</th>
          <th scope="col" className="num">{t('table.zhPerChar')}</th>
          <th scope="col" className="num">{t('table.enPerChar')}</th>
        </tr>
      </thead>
      <tbody>
        {rows.map(({ id, label, m }) => (
          <tr key={id} data-row={id} data-tokens-per-han={m.tokensPerHan} data-zh={m.zhPerChar} data-en={m.enPerChar}>
            <th scope="row">{label}</th>
            <td className="num">{formatFixed(m.tokensPerHan, 2)}</td>
            <td className="num">{formatFixed(m.hanPerWindow, 1)}</td>
            <td className="num">{formatFixed(m.zhPerChar, 2)}</td>
            <td className="num">{formatFixed(m.enPerChar, 2)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

export function VocabSamples({ result }: { result: VocabExpandResult }) {
  const { t } = useTranslation('vocab');
  const { samples } = result;
  const rows: Array<[string, string, VocabSample]> = [
    ['base', t('table.base'), samples.base],
    ['expanded', t('table.expanded'), samples.expanded],
    ['after', t('table.after', { steps: formatNumber(result.steps) }), samples.after],
  ];
  return (
    <div data-testid="vocab-samples">
      <h4>{t('samples.title', { tokens: samples.after.tokens })}</h4>
      {rows.map(([id, label, s]) => (
        <div key={id} className="vocab-sample" data-sample={id}>
          <p className="field-label">
            {label} · {t('samples.characters', { characters: formatNumber(s.characters) })}
          </p>
          <pre className="continuation">
            <span className="prompt-text">{samples.prompt}</span>
            <WithNewlineMarks text={s.text} />
          </pre>
        </div>
      ))}
    </div>
  );
}
