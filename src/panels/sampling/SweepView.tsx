// The repetition sweep: seq-rep-4 per decoding strategy (with the published
// figures as ticks) and against temperature, all measured on this model.

import { useMemo } from 'react';
import type { EngineClient } from '../../engine/client.ts';
import type { SweepResultData } from '../../engine/samplingProtocol.ts';
import { createBarChart, type Bar } from '../../charts/barChart.ts';
import { ChartView } from '../ChartView.tsx';
import { createLineChart } from '../../charts/lineChart.ts';
import { useEngineJob } from '../useEngineJob.ts';
import { PUBLISHED_SEQ_REP_4, SWEEP_PROMPTS } from '../../state/samplingSettings.ts';

const TEMPERATURES = [0, 0.25, 0.5, 0.75, 1, 1.25, 1.5];

export function SweepView({ client, prompt, seed, ready }: { client: EngineClient | null; prompt: string; seed: number; ready: boolean }) {
  // The last sweep's table stays on screen while the next one runs.
  const job = useEngineJob<{ progress: { done: number; total: number }; result: SweepResultData | null }>(client);
  const { running } = job;
  const progress = job.run?.progress;
  const result = job.run?.result ?? null;
  const error = job.run?.error ?? null;

  const start = () => {
    if (running) return;
    const prompts = prompt && !SWEEP_PROMPTS.includes(prompt) ? [prompt, ...SWEEP_PROMPTS.slice(0, 5)] : SWEEP_PROMPTS;
    job.start('sweep', { slot: 'active', prompts, maxNewTokens: 48, seed, temperatures: TEMPERATURES }, { progress: { done: 0, total: 1 }, result }, {
      event: (r, e) => ({ ...r, progress: { done: e.done, total: e.total } }),
      result: (r, next) => ({ ...r, result: next }),
    });
  };

  const bars: Bar[] = useMemo(
    () => (result?.rows ?? []).map((r) => ({ label: r.label, value: r.seqRep4, reference: PUBLISHED_SEQ_REP_4[r.label] })),
    [result],
  );
  const tempData = useMemo(
    () => ({ series: [{ id: 'seq-rep-4', label: 'seq-rep-4 (sampling at temperature T)', color: 'var(--accent)', points: (result?.temperatures ?? []).map((t) => ({ x: t.temperature, y: t.seqRep4 })), dots: true }] }),
    [result],
  );

  return (
    <div className="sweep" data-testid="sweep">
      <div className="row">
        <button type="button" className="primary" data-testid="run-sweep" disabled={!ready || running} onClick={start}>
          Run the sweep
        </button>
        {running && progress && (
          <>
            <progress max={progress.total} value={progress.done} aria-label="Sweep progress" />
            <button type="button" onClick={job.stop}>
              Stop
            </button>
          </>
        )}
        <span className="hint">
          {SWEEP_PROMPTS.length} prompts × 6 strategies and {TEMPERATURES.length} temperatures, 48 tokens each, seed {seed}.
        </span>
      </div>
      {error && <div className="alert error" role="alert">{error}</div>}
      {result && (
        <>
          <h4>Repetition by strategy (seq-rep-4: share of repeated 4-grams in the continuation)</h4>
          <ChartView create={(el) => createBarChart(el, { title: 'seq-rep-4 per strategy', yLabel: 'seq-rep-4', yMax: 1 })} data={bars} data-testid="sweep-bars" />
          <p className="hint">Dashes: the values Welleck et al. (2019) published for their 16-layer Transformer language model on wikitext-103 (beam 10, top-k 50).</p>
          <table className="measures" data-testid="sweep-table">
            <thead>
              <tr>
                <th>strategy</th>
                <th>seq-rep-4</th>
                <th>seq-rep-2</th>
                <th>distinct-2</th>
                <th>rep/16</th>
              </tr>
            </thead>
            <tbody>
              {result.rows.map((r) => (
                <tr key={r.label}>
                  <td>{r.label}</td>
                  <td>{r.seqRep4.toFixed(3)}</td>
                  <td>{r.seqRep2.toFixed(3)}</td>
                  <td>{r.distinct2.toFixed(3)}</td>
                  <td>{r.repWindow16.toFixed(3)}</td>
                </tr>
              ))}
            </tbody>
          </table>
          <h4>Repetition against temperature</h4>
          <ChartView create={(el) => createLineChart(el, { xLabel: 'temperature', yLabel: 'seq-rep-4', title: 'seq-rep-4 against temperature', height: 200 })} data={tempData} data-testid="sweep-temperature" />
          <p className="hint">Measured in {result.seconds.toFixed(1)} s{result.stopped ? ' (stopped early)' : ''}.</p>
        </>
      )}
    </div>
  );
}
