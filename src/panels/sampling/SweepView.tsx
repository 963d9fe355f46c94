// The repetition sweep: seq-rep-4 and the share of continuations that end in a
// loop per decoding strategy, against temperature and against beam width, all
// measured on this model, with the published figures beside them
// (lessons/published.ts: ticks where a paper ran the same decoding).

import { useMemo } from 'react';
import { useTranslation } from 'react-i18next';
import type { EngineClient } from '../../engine/client.ts';
import type { SweepResultData } from '../../engine/samplingProtocol.ts';
import { createBarChart, type Bar } from '../../charts/barChart.ts';
import { ChartView } from '../ChartView.tsx';
import { createLineChart } from '../../charts/lineChart.ts';
import { useEngineJob } from '../useEngineJob.ts';
import { modelDefaults } from '../../state/modelDefaults.ts';
import { formatFixed, formatNumber, formatPercent } from '../format.ts';
import { PublishedCell, PublishedHeader, PublishedNotes, publishedTick } from './PublishedFigures.tsx';
import { SWEEP_LABELS, sweepLabel } from './words.ts';

const TEMPERATURES = [0, 0.25, 0.5, 0.75, 1, 1.25, 1.5];
/** num_beams of the beam-width sweep (sampling/sweep.ts BEAM_WIDTHS; that module brings the decoders, so not imported here). */
const BEAM_WIDTHS = [1, 2, 4, 8, 16];
const NEW_TOKENS = 48;

export function SweepView({ client, model, prompt, seed, ready }: { client: EngineClient | null; model: string; prompt: string; seed: number; ready: boolean }) {
  // The model's own format: speaker names for the play models, poem titles for the Tang model.
  const sweepPrompts = modelDefaults(model).sweepPrompts;
  const { t, i18n } = useTranslation('sampling');
  const locale = i18n.language;
  // The last sweep's table stays on screen while the next one runs.
  const job = useEngineJob<{ progress: { done: number; total: number }; result: SweepResultData | null }>(client);
  const { running } = job;
  const progress = job.run?.progress;
  const result = job.run?.result ?? null;
  const error = job.run?.error ?? null;

  const start = () => {
    if (running) return;
    const prompts = prompt && !sweepPrompts.includes(prompt) ? [prompt, ...sweepPrompts.slice(0, 5)] : [...sweepPrompts];
    job.start('sweep', { slot: 'active', prompts, maxNewTokens: NEW_TOKENS, seed, temperatures: TEMPERATURES, beamWidths: BEAM_WIDTHS }, { progress: { done: 0, total: 1 }, result }, {
      event: (r, e) => ({ ...r, progress: { done: e.done, total: e.total } }),
      result: (r, next) => ({ ...r, result: next }),
    });
  };

  const bars: Bar[] = useMemo(
    () => (result?.rows ?? []).map((r) => ({ id: r.label, label: sweepLabel(r.label), value: r.seqRep4, reference: publishedTick('seqRep4', { sweep: 'strategies', label: r.label }) })),
    [result, locale],
  );
  const loopBars: Bar[] = useMemo(
    () => (result?.rows ?? []).map((r) => ({ id: r.label, label: sweepLabel(r.label), value: r.loopShare, reference: publishedTick('loopShare', { sweep: 'strategies', label: r.label }) })),
    [result, locale],
  );
  const widthBars: Bar[] = useMemo(
    () =>
      (result?.beamWidths ?? []).map((r) => ({
        id: `beams-${r.numBeams}`,
        label: formatNumber(r.numBeams),
        value: r.seqRep4,
        reference: publishedTick('seqRep4', { sweep: 'widths', numBeams: r.numBeams }),
      })),
    [result, locale],
  );
  const tempData = useMemo(
    () => ({ series: [{ id: 'seq-rep-4', label: t('sweep.temperatureSeries'), color: 'var(--accent)', points: (result?.temperatures ?? []).map((t) => ({ x: t.temperature, y: t.seqRep4 })), dots: true }] }),
    [result, t],
  );

  return (
    <div className="sweep" data-testid="sweep">
      <div className="row">
        <button type="button" className="primary" data-testid="run-sweep" disabled={!ready || running} onClick={start}>
          {t('sweep.run')}
        </button>
        {running && progress && (
          <>
            <progress max={progress.total} value={progress.done} aria-label={t('sweep.progress')} />
            <button type="button" data-testid="sweep-stop" onClick={job.stop}>
              {t('sweep.stop')}
            </button>
          </>
        )}
        <span className="hint">
          {t('sweep.plan', { prompts: sweepPrompts.length, strategies: SWEEP_LABELS.length, temperatures: TEMPERATURES.length, widths: BEAM_WIDTHS.length, tokens: NEW_TOKENS, seed })}
        </span>
      </div>
      {error && <div className="alert error" role="alert">{error}</div>}
      {result && (
        <>
          <h4>{t('sweep.barsHeading')}</h4>
          <ChartView
            create={(el) => createBarChart(el, { title: t('sweep.barsTitle'), yLabel: t('measures.seqRep4'), yMax: 1 })}
            recreate={[locale]}
            data={bars}
            data-testid="sweep-bars"
          />
          <p className="hint">{t('sweep.published')}</p>
          <table className="measures" data-testid="sweep-table">
            <thead>
              <tr>
                <th>{t('sweep.strategy')}</th>
                <th>{t('measures.seqRep4')}</th>
                <PublishedHeader measure="seqRep4" />
                <th>{t('measures.seqRep2')}</th>
                <th>{t('measures.distinct2')}</th>
                <th>{t('measures.rep16')}</th>
                <th>{t('sweep.loopShare')}</th>
                <PublishedHeader measure="loopShare" />
              </tr>
            </thead>
            <tbody>
              {result.rows.map((r) => (
                <tr key={r.label} data-label={r.label}>
                  <td>{sweepLabel(r.label)}</td>
                  <td>{formatFixed(r.seqRep4, 3)}</td>
                  <PublishedCell measure="seqRep4" target={{ sweep: 'strategies', label: r.label }} />
                  <td>{formatFixed(r.seqRep2, 3)}</td>
                  <td>{formatFixed(r.distinct2, 3)}</td>
                  <td>{formatFixed(r.repWindow16, 3)}</td>
                  <td data-loop-share={r.loopShare}>{formatPercent(r.loopShare, 1)}</td>
                  <PublishedCell measure="loopShare" target={{ sweep: 'strategies', label: r.label }} />
                </tr>
              ))}
            </tbody>
          </table>
          <h4>{t('sweep.loopsHeading')}</h4>
          <ChartView
            create={(el) => createBarChart(el, { title: t('sweep.loopsTitle'), yLabel: t('sweep.loopShare'), yMax: 1, height: 200 })}
            recreate={[locale]}
            data={loopBars}
            data-testid="sweep-loops"
          />
          <p className="hint">{t('sweep.loopsHint')}</p>
          <h4>{t('sweep.temperatureHeading')}</h4>
          <ChartView
            create={(el) => createLineChart(el, { xLabel: t('sweep.temperatureLabel'), yLabel: t('measures.seqRep4'), title: t('sweep.temperatureTitle'), height: 200 })}
            recreate={[locale]}
            data={tempData}
            data-testid="sweep-temperature"
          />
          {(result.beamWidths?.length ?? 0) > 0 && (
            <>
              <h4>{t('sweep.widthsHeading')}</h4>
              <ChartView
                create={(el) => createBarChart(el, { title: t('sweep.widthsTitle'), yLabel: t('measures.seqRep4'), yMax: 1, height: 180 })}
                recreate={[locale]}
                data={widthBars}
                data-testid="sweep-widths"
              />
              <table className="measures" data-testid="sweep-widths-table">
                <thead>
                  <tr>
                    <th>{t('sweep.widthsLabel')}</th>
                    <th>{t('measures.seqRep4')}</th>
                    <PublishedHeader measure="seqRep4" />
                    <th>{t('sweep.meanLogProb')}</th>
                    <th>{t('sweep.loopShare')}</th>
                    <PublishedHeader measure="loopShare" />
                  </tr>
                </thead>
                <tbody>
                  {result.beamWidths.map((r) => (
                    <tr key={r.numBeams} data-beams={r.numBeams}>
                      <td>{formatNumber(r.numBeams)}</td>
                      <td>{formatFixed(r.seqRep4, 3)}</td>
                      <PublishedCell measure="seqRep4" target={{ sweep: 'widths', numBeams: r.numBeams }} />
                      <td>{formatFixed(r.meanLogProb, 3)}</td>
                      <td data-loop-share={r.loopShare}>{formatPercent(r.loopShare, 1)}</td>
                      <PublishedCell measure="loopShare" target={{ sweep: 'widths', numBeams: r.numBeams }} />
                    </tr>
                  ))}
                </tbody>
              </table>
              <p className="hint">{t('sweep.widthsHint')}</p>
            </>
          )}
          <PublishedNotes tokens={NEW_TOKENS} />
          <p className="hint">
            {t('sweep.measured', { seconds: formatFixed(result.seconds, 1) })}
            {result.stopped ? t('sweep.stoppedEarly') : ''}
          </p>
        </>
      )}
    </div>
  );
}
