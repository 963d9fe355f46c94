// The Sampling & repetition panel: move the sliders and watch the next-token
// distribution change (from cached logits, no model rerun), generate and see
// repeated n-grams highlighted and measured, compare two settings on the same
// prompt and seed, open the beam tree, and run the repetition sweep.

import { useEffect, useMemo, useState } from 'react';
import type { BeamResultData, DecodeResultData, PromptLogitsResult, SampledToken } from '../../engine/samplingProtocol.ts';
import type { TokenPiece } from '../../engine/protocol.ts';
import type { Notice } from '../../sampling/notices.ts';
import { REPETITION } from '../../lessons/explanations.ts';
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
import { beamSettingsFrom, COMPARE_LABELS, describeSettings, presetSettings, samplingSettingsFrom } from '../../state/samplingSettings.ts';

/** One decoded continuation, whichever way it was produced. */
interface Outcome {
  label: string;
  promptTokens: TokenPiece[];
  tokens: (TokenPiece & Partial<SampledToken>)[];
  report: DecodeResultData['report'] | null;
  beam: BeamResultData | null;
  notices: Notice[];
}

export function SamplingPanel({ client, state, set, model }: PanelProps) {
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
    const t = setTimeout(() => {
      client
        .call('promptLogits', { slot: 'active', prompt: state.prompt })
        .result.then((r) => live && (setPrompt(r), setPromptError(null)))
        .catch((e: Error) => live && (setPrompt(null), setPromptError(e.message)));
    }, 250);
    return () => {
      live = false;
      clearTimeout(t);
    };
  }, [client, model?.name, state.prompt]);

  const settings: SamplingSettings = useMemo(() => samplingSettingsFrom(state), [state]);
  const checked = useMemo(() => {
    try {
      return { ...checkSettings(settings, model?.config.vocabSize ?? 1), error: null };
    } catch (e) {
      if (e instanceof SettingsError) return { settings, notices: [], error: e.message };
      throw e;
    }
  }, [settings, model?.config.vocabSize]);

  const dist = useMemo(
    () => (prompt && vocab.length && !checked.error ? distributionView(prompt.logits, prompt.promptIds, checked.settings, state.seed, vocab) : null),
    [prompt, vocab, checked, state.seed],
  );

  const decodeInto = (s: SamplingSettings, label: string, job: EngineJob<Outcome>) => {
    const initial: Outcome = { label, promptTokens: [], tokens: [], report: null, beam: null, notices: [] };
    if (s.num_beams > 1) {
      const beamSettings = { ...beamSettingsFrom(state), num_beams: s.num_beams, no_repeat_ngram_size: s.no_repeat_ngram_size, repetition_penalty: s.repetition_penalty, length_penalty: s.length_penalty, early_stopping: s.early_stopping };
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
    decodeInto(checked.settings, describeSettings(checked.settings), mainJob);
    decodeInto(presetSettings(state.compare), COMPARE_LABELS[state.compare], otherJob);
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
        { id: 'raw', label: "the model's own P(continue a repeated 3-gram)", color: 'var(--orange)', points: toks.map((t, i) => ({ x: i + 1, y: t.rawRepeatMass ?? 0 })), faint: true },
        { id: 'processed', label: 'after the processors (what was sampled from)', color: 'var(--accent)', points: toks.map((t, i) => ({ x: i + 1, y: t.repeatMass ?? 0 })) },
      ],
      xMax: state.maxNewTokens,
    };
  }, [main?.tokens, state.maxNewTokens]);

  return (
    <Panel
      id="sampling"
      title="Sampling & repetition"
      explanation={
        <>
          {REPETITION.paragraphs.map((p) => (
            <p key={p.slice(0, 24)}>{p}</p>
          ))}
        </>
      }
    >
      <Controls state={state} set={set} />
      {checked.error && <div className="alert error" data-testid="settings-error">{checked.error}</div>}
      {checked.notices.map((n) => (
        <div key={n.message} className="alert warning">
          {n.message}
        </div>
      ))}

      <section className="subsection">
        <h3>Next token after the prompt</h3>
        <ol className="processor-order" data-testid="processor-order" aria-label="Processors, in the order they run">
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
            {n.message}
          </div>
        ))}
        {dist ? (
          <>
            <ChartView create={(el) => createDistributionChart(el, 'Next-token distribution')} data={dist.chart} data-testid="distribution" />
            <p className="hint" data-testid="distribution-summary">
              Faint bars: the model's own probabilities. Solid: after the processors above. {dist.allowed} of {vocab.length} tokens remain
              allowed; the seeded draw picks <strong>{(vocab[dist.chosen] ?? '').replace(/ /g, '␣')}</strong> — the first token Generate will write.
            </p>
            {dist.error && <div className="alert warning">{dist.error}</div>}
          </>
        ) : (
          !promptError && <p className="hint">{ready ? 'Computing…' : 'Waiting for the model…'}</p>
        )}
      </section>

      <section className="subsection">
        <div className="row">
          <button type="button" className="primary" data-testid="sampling-generate" disabled={!ready || busy || Boolean(checked.error)} onClick={generate}>
            Generate
          </button>
          <button type="button" data-testid="sampling-stop" disabled={!busy} onClick={stop}>
            Stop
          </button>
          <label className="inline">
            side by side with{' '}
            <select value={state.compare} data-testid="compare" onChange={(e) => set('compare', e.target.value as ComparePreset)}>
              {COMPARE_PRESETS.map((p) => (
                <option key={p} value={p}>
                  {COMPARE_LABELS[p]}
                </option>
              ))}
            </select>
          </label>
          <label className="inline">
            highlight repeated{' '}
            <select value={ngram} onChange={(e) => setNgram(Number(e.target.value))} data-testid="highlight-n">
              {[2, 3, 4].map((n) => (
                <option key={n} value={n}>
                  {n}-grams
                </option>
              ))}
            </select>
          </label>
        </div>
        <div className="side-by-side">
          {[main, other].map((o, i) =>
            o ? (
              <div key={i} className="outcome" data-testid={i === 0 ? 'outcome-main' : 'outcome-compare'} data-status={o.status}>
                <h4>{i === 0 ? `Your setting: ${o.label}` : `Compared with: ${o.label}`}</h4>
                {o.error && <div className="alert error" role="alert">{o.error}</div>}
                {o.notices.map((n) => (
                  <div key={n.message} className="alert warning">
                    {n.message}
                  </div>
                ))}
                <GeneratedText prompt={o.promptTokens} tokens={o.tokens} n={ngram} testId={i === 0 ? 'text-main' : 'text-compare'} />
                {o.report && <Measures report={o.report} testId={i === 0 ? 'measures-main' : 'measures-compare'} />}
              </div>
            ) : null,
          )}
        </div>
        {repeatChart && (
          <>
            <h4>Probability of repeating, step by step</h4>
            <ChartView create={(el) => createLineChart(el, { xLabel: 'generated token', yLabel: 'P(repeat)', title: 'Probability of continuing a repeated 3-gram', height: 180 })} data={repeatChart} data-testid="repeat-chart" />
            <p className="hint">
              The probability mass on tokens that would complete a 3-gram already in the text. In a loop it climbs towards 1: each repetition
              makes the next one likelier.
            </p>
          </>
        )}
        {main?.beam && <BeamView result={main.beam} vocab={vocab} lengthPenalty={state.lengthPenalty} />}
      </section>

      <section className="subsection">
        <h3>Sweep: how much does each strategy repeat?</h3>
        <SweepView client={client} prompt={state.prompt} seed={state.seed} ready={ready} />
      </section>
    </Panel>
  );
}

function Measures({ report, testId }: { report: NonNullable<Outcome['report']>; testId: string }) {
  return (
    <dl className="measures-inline" data-testid={testId} data-seq-rep-4={report.seqRep[4]} data-seq-rep-2={report.seqRep[2]}>
      <div>
        <dt>seq-rep-4</dt>
        <dd>{report.seqRep[4].toFixed(3)}</dd>
      </div>
      <div>
        <dt>seq-rep-2</dt>
        <dd>{report.seqRep[2].toFixed(3)}</dd>
      </div>
      <div>
        <dt>distinct-2</dt>
        <dd>{report.distinct[2].toFixed(3)}</dd>
      </div>
      <div>
        <dt>rep/16</dt>
        <dd>{report.repWindow16.toFixed(3)}</dd>
      </div>
      <div>
        <dt>longest loop</dt>
        <dd>{report.longestLoop} tokens</dd>
      </div>
    </dl>
  );
}
