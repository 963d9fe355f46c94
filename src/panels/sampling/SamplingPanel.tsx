// The Sampling & repetition panel: move the sliders and watch the next-token
// distribution change (from cached logits, no model rerun), generate and see
// repeated n-grams highlighted and measured, compare two settings on the same
// prompt and seed, open the beam tree, and run the repetition sweep.

import { useEffect, useMemo, useState } from 'react';
import { Trans, useTranslation } from 'react-i18next';
import type { BeamResultData, DecodeResultData, PromptLogitsResult, SampledToken } from '../../engine/samplingProtocol.ts';
import type { TokenPiece } from '../../engine/protocol.ts';
import type { Notice } from '../../sampling/notices.ts';
import { explanationFor } from '../../lessons/explanationsByLocale.ts';
import { isLocale } from '../../i18n/index.ts';
import { createDistributionChart } from '../../charts/distributionBars.ts';
import { PROCESSOR_ORDER } from '../../sampling/processors.ts';
import { checkSettings, SettingsError, type SamplingSettings } from '../../sampling/settings.ts';
import { COMPARE_PRESETS, type ComparePreset } from '../../state/schema.ts';
import type { PanelProps } from '../panelProps.ts';
import { Panel } from '../Panel.tsx';
import { ChartView } from '../ChartView.tsx';
import { createLineChart } from '../../charts/lineChart.ts';
import { type EngineJob, useEngineJob } from '../useEngineJob.ts';
import { Controls } from './Controls.tsx';
import { distributionView } from './distribution.ts';
import { GeneratedText } from './GeneratedText.tsx';
import { BeamView } from './BeamView.tsx';
import { SweepView } from './SweepView.tsx';
import { PostFilterView } from './PostFilterView.tsx';
import { beamSettingsFrom, presetSettings, samplingSettingsFrom } from '../../state/samplingSettings.ts';
import { formatFixed, formatNumber, formatPercent } from '../format.ts';
import { compareLabel, settingsSummary } from './words.ts';
import { noticeText } from '../noticeText.ts';
import { errorText } from '../errorText.ts';

/** One decoded continuation, whichever way it was produced. */
interface Outcome {
  /** What was decoded, named when shown (so it follows the locale): the learner's settings or a preset. */
  source: { settings: SamplingSettings } | { preset: ComparePreset };
  promptTokens: TokenPiece[];
  tokens: (TokenPiece & Partial<SampledToken>)[];
  report: DecodeResultData['report'] | null;
  beam: BeamResultData | null;
  notices: Notice[];
}

export function SamplingPanel({ client, state, set, model }: PanelProps) {
  const { t, i18n } = useTranslation('sampling');
  const locale = isLocale(i18n.language) ? i18n.language : 'en';
  const [vocab, setVocab] = useState<string[]>([]);
  const [prompt, setPrompt] = useState<PromptLogitsResult | null>(null);
  const [promptError, setPromptError] = useState<string | null>(null);
  // Your setting and the one it is compared with, decoded side by side.
  const mainJob = useEngineJob<Outcome>(client);
  const otherJob = useEngineJob<Outcome>(client);
  const main = mainJob.run;
  const other = otherJob.run;
  const [ngram, setNgram] = useState(3);
  const ready = Boolean(client && model);

  useEffect(() => {
    setVocab([]);
    if (!client || !model) return;
    let live = true;
    client.call('vocabulary', { slot: 'active' }).result.then((r) => live && setVocab(r.tokens)).catch(() => {});
    return () => {
      live = false;
    };
  }, [client, model?.name]);

  // The prompt's logits, fetched once per prompt (after typing pauses); sliders then reuse them.
  useEffect(() => {
    if (!client || !model) return;
    let live = true;
    const timer = setTimeout(() => {
      client
        .call('promptLogits', { slot: 'active', prompt: state.prompt })
        .result.then((r) => live && (setPrompt(r), setPromptError(null)))
        .catch((e: Error) => live && (setPrompt(null), setPromptError(errorText(e))));
    }, 250);
    return () => {
      live = false;
      clearTimeout(timer);
    };
  }, [client, model?.name, state.prompt]);

  const settings: SamplingSettings = useMemo(() => samplingSettingsFrom(state), [state]);
  const checked = useMemo(() => {
    try {
      return { ...checkSettings(settings, model?.config.vocabSize ?? 1), error: null };
    } catch (e) {
      if (e instanceof SettingsError) return { settings, notices: [], error: errorText(e) };
      throw e;
    }
  }, [settings, model?.config.vocabSize]);

  const dist = useMemo(
    () => (prompt && vocab.length && !checked.error ? distributionView(prompt.logits, prompt.promptIds, checked.settings, state.seed, vocab) : null),
    [prompt, vocab, checked, state.seed],
  );

  const decodeInto = (s: SamplingSettings, source: Outcome['source'], job: EngineJob<Outcome>) => {
    const initial: Outcome = { source, promptTokens: [], tokens: [], report: null, beam: null, notices: [] };
    if (s.num_beams > 1) {
      const beamSettings = {
        ...beamSettingsFrom(state),
        num_beams: s.num_beams,
        no_repeat_ngram_size: s.no_repeat_ngram_size,
        repetition_penalty: s.repetition_penalty,
        length_penalty: s.length_penalty,
        early_stopping: s.early_stopping,
        num_beam_groups: s.num_beam_groups,
        diversity_penalty: s.diversity_penalty,
      };
      job.start('beam', { slot: 'active', prompt: state.prompt, settings: beamSettings, eosText: state.eosText }, initial, {
        result: (o, r) => ({ ...o, promptTokens: r.promptTokens, tokens: r.bestTokens, report: r.report, beam: r, notices: r.notices }),
      });
      return;
    }
    job.start('decode', { slot: 'active', prompt: state.prompt, settings: s, maxNewTokens: state.maxNewTokens, seed: state.seed }, initial, {
      event: (o, ev) => (ev.type === 'prompt' ? { ...o, promptTokens: ev.tokens } : { ...o, tokens: [...o.tokens, ev.token] }),
      result: (o, r) => ({ ...o, tokens: r.tokens, report: r.report, notices: r.notices }),
    });
  };
  const generate = () => {
    if (checked.error) return;
    decodeInto(checked.settings, { settings: checked.settings }, mainJob);
    decodeInto(presetSettings(state.compare), { preset: state.compare }, otherJob);
  };
  const stop = () => {
    mainJob.stop();
    otherJob.stop();
  };
  const busy = mainJob.running || otherJob.running;

  const repeatChart = useMemo(() => {
    const toks = main?.tokens ?? [];
    if (!toks.length || toks[0].repeatMass === undefined) return null;
    return {
      series: [
        { id: 'raw', label: t('repeat.raw'), color: 'var(--orange)', points: toks.map((tok, i) => ({ x: i + 1, y: tok.rawRepeatMass ?? 0 })), faint: true },
        { id: 'processed', label: t('repeat.processed'), color: 'var(--accent)', points: toks.map((tok, i) => ({ x: i + 1, y: tok.repeatMass ?? 0 })) },
      ],
      xMax: state.maxNewTokens,
    };
  }, [main?.tokens, state.maxNewTokens, t]);
  const outcomeLabel = (o: Outcome) => ('preset' in o.source ? compareLabel(o.source.preset) : settingsSummary(o.source.settings));

  return (
    <Panel
      id="sampling"
      title={t('title')}
      explanation={
        <>
          {explanationFor('repetition', locale).paragraphs.map((p) => (
            <p key={p.slice(0, 24)}>{p}</p>
          ))}
        </>
      }
    >
      <Controls state={state} set={set} />
      {checked.error && <div className="alert error" data-testid="settings-error">{checked.error}</div>}
      {checked.notices.map((n) => (
        <div key={n.message} className="alert warning">
          {noticeText(n)}
        </div>
      ))}

      <section className="subsection">
        <h3>{t('next.heading')}</h3>
        <ol className="processor-order" data-testid="processor-order" aria-label={t('next.processorOrder')}>
          {(dist?.processors ?? PROCESSOR_ORDER.map((name) => ({ name, active: false, removed: 0 }))).map((p) => (
            <li key={p.name} className={p.active ? 'active' : ''} data-active={p.active}>
              <code>{p.name}</code>
              {p.active && p.removed > 0 && <span className="removed">−{p.removed}</span>}
            </li>
          ))}
        </ol>
        {promptError && <div className="alert error">{promptError}</div>}
        {prompt?.notices.map((n) => (
          <div key={n.message} className="alert warning">
            {noticeText(n)}
          </div>
        ))}
        {dist ? (
          <>
            <ChartView create={(el) => createDistributionChart(el, t('next.chartTitle'))} recreate={[locale]} data={dist.chart} data-testid="distribution" />
            <p className="hint" data-testid="distribution-summary">
              <Trans
                t={t}
                i18nKey="next.summary"
                values={{ allowed: formatNumber(dist.allowed), total: formatNumber(vocab.length), token: (vocab[dist.chosen] ?? '').replace(/ /g, '␣') }}
                components={{ token: <strong /> }}
              />
            </p>
            {dist.allBanned && <div className="alert warning">{t('next.allBanned')}</div>}
          </>
        ) : (
          !promptError && <p className="hint">{ready ? t('next.computing') : t('next.waiting')}</p>
        )}
      </section>

      <section className="subsection">
        <div className="row">
          <button type="button" className="primary" data-testid="sampling-generate" disabled={!ready || busy || Boolean(checked.error)} onClick={generate}>
            {t('generate.generate')}
          </button>
          <button type="button" data-testid="sampling-stop" disabled={!busy} onClick={stop}>
            {t('generate.stop')}
          </button>
          <label className="inline">
            {t('generate.compareWith')}{' '}
            <select value={state.compare} data-testid="compare" onChange={(e) => set('compare', e.target.value as ComparePreset)}>
              {COMPARE_PRESETS.map((p) => (
                <option key={p} value={p}>
                  {compareLabel(p)}
                </option>
              ))}
            </select>
          </label>
          <label className="inline">
            {t('generate.highlight')}{' '}
            <select value={ngram} onChange={(e) => setNgram(Number(e.target.value))} data-testid="highlight-n">
              {[2, 3, 4].map((n) => (
                <option key={n} value={n}>
                  {t('generate.ngrams', { n })}
                </option>
              ))}
            </select>
          </label>
        </div>
        <div className="side-by-side">
          {[main, other].map((o, i) =>
            o ? (
              <div key={i} className="outcome" data-testid={i === 0 ? 'outcome-main' : 'outcome-compare'} data-status={o.status}>
                <h4>{i === 0 ? t('generate.yours', { label: outcomeLabel(o) }) : t('generate.compared', { label: outcomeLabel(o) })}</h4>
                {o.error && <div className="alert error" role="alert">{o.error}</div>}
                {o.notices.map((n) => (
                  <div key={n.message} className="alert warning">
                    {noticeText(n)}
                  </div>
                ))}
                <GeneratedText prompt={o.promptTokens} tokens={o.tokens} n={ngram} testId={i === 0 ? 'text-main' : 'text-compare'} />
                {o.report && <Measures report={o.report} testId={i === 0 ? 'measures-main' : 'measures-compare'} />}
              </div>
            ) : null,
          )}
        </div>
        {main?.report && <p className="hint">{t('measures.copyingHint')}</p>}
        {repeatChart && (
          <>
            <h4>{t('repeat.heading')}</h4>
            <ChartView
              create={(el) => createLineChart(el, { xLabel: t('repeat.xLabel'), yLabel: t('repeat.yLabel'), title: t('repeat.title'), height: 180 })}
              recreate={[locale]}
              data={repeatChart}
              data-testid="repeat-chart"
            />
            <p className="hint">{t('repeat.hint')}</p>
          </>
        )}
        {main?.beam && <BeamView result={main.beam} vocab={vocab} lengthPenalty={state.lengthPenalty} />}
      </section>

      <section className="subsection">
        <h3>{t('postFilter.heading')}</h3>
        <PostFilterView
          client={client}
          ready={ready}
          prompt={state.prompt}
          generated={main && main.status !== 'running' && main.tokens.length > 0 ? main.tokens.map((tok) => tok.id) : null}
          settings={main && 'settings' in main.source ? main.source.settings : checked.settings}
          maxNewTokens={state.maxNewTokens}
          seed={state.seed}
        />
      </section>

      <section className="subsection">
        <h3>{t('sweep.heading')}</h3>
        <SweepView client={client} model={state.model} prompt={state.prompt} seed={state.seed} ready={ready} />
      </section>
    </Panel>
  );
}

function Measures({ report, testId }: { report: NonNullable<Outcome['report']>; testId: string }) {
  const { t } = useTranslation('sampling');
  return (
    <dl className="measures-inline" data-testid={testId} data-seq-rep-4={report.seqRep[4]} data-seq-rep-2={report.seqRep[2]}>
      <div>
        <dt>{t('measures.seqRep4')}</dt>
        <dd>{formatFixed(report.seqRep[4], 3)}</dd>
      </div>
      <div>
        <dt>{t('measures.seqRep2')}</dt>
        <dd>{formatFixed(report.seqRep[2], 3)}</dd>
      </div>
      <div>
        <dt>{t('measures.distinct2')}</dt>
        <dd>{formatFixed(report.distinct[2], 3)}</dd>
      </div>
      <div>
        <dt>{t('measures.rep16')}</dt>
        <dd>{formatFixed(report.repWindow16, 3)}</dd>
      </div>
      <div>
        <dt>{t('measures.longestLoop')}</dt>
        <dd>{t('measures.tokens', { count: report.longestLoop })}</dd>
      </div>
      <div title={t('measures.copyingHint')} data-testid={`${testId}-from-input`} data-value={report.copying.fromInput}>
        <dt>{t('measures.fromInput')}</dt>
        <dd>{formatPercent(report.copying.fromInput)}</dd>
      </div>
      <div title={t('measures.copyingHint')} data-testid={`${testId}-from-self`} data-value={report.copying.fromSelf}>
        <dt>{t('measures.fromSelf')}</dt>
        <dd>{formatPercent(report.copying.fromSelf)}</dd>
      </div>
    </dl>
  );
}
