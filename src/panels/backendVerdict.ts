// `auto`'s measurement, from the page's side (issue 15): once the model is
// ready, and only when no verdict was kept for this device, the link's threads
// and the model's shape, the engine times the backend it runs on its warm model
// (measureRunningBackend), then a second engine worker times every other backend
// (src/engine/backendChoiceMeasure.ts) in the background and is ended; the
// verdict is kept for the next start (backendVerdictStore.ts). The backend in
// use is never switched under a loaded model: the next start begins on the fastest.

import { useCallback, useEffect, useState } from 'react';
import { EngineClient } from '../engine/client.ts';
import { type BackendMeasurement, type BackendVerdict, type BestSoFar, bestOf, combineMeasurements, modelShape, verdictFrom, verdictKey } from '../engine/backendChoice.ts';
import type { BackendName } from '../engine/backend.ts';
import type { BackendReport, ModelInfo, ThreadsRequest } from '../engine/protocol.ts';
import { browserStorage, keepVerdict, rememberShape, thisBrowser, verdictByKey } from './backendVerdictStore.ts';
import { errorText } from './errorText.ts';

/**
 * How long after the model is ready the measurement starts: the first frames
 * and a first click go before it, and on a machine with few cores its worker
 * (tfjs started again, programs compiled) would otherwise compete with them.
 */
export const MEASURE_DELAY_MS = 1500;

export type VerdictState =
  /** The link asks for a backend, or no model is ready: nothing to measure. */
  | { status: 'off' }
  | { status: 'waiting' }
  | { status: 'measuring' }
  /** `justNow`: measured in this visit (else kept from an earlier one), in `costMs` of wall time, the second worker's start included. */
  | { status: 'measured'; verdict: BackendVerdict; justNow: boolean; costMs?: number }
  | { status: 'failed'; message: () => string };

/**
 * Times every backend but `skip` in a worker of its own, ended when the
 * measurement ends or `end()` is called (its tensors and its backends go with it).
 */
export function measureInWorker(
  config: ModelInfo['config'], threads: ThreadsRequest, skip: BackendName[] = [], best?: BestSoFar,
): { result: Promise<BackendMeasurement>; end(): void } {
  const client = EngineClient.start();
  const result = client.call('measureBackends', { config, threads, skip, ...(best ? { best } : {}) }).result;
  const end = () => client.dispose();
  result.then(end, end);
  return { result, end };
}

/**
 * The whole measurement: the engine's backend in place, then the others in a
 * worker (skipped when the engine's part fails: then the worker times them all).
 * `onWorker` gets the worker's `end` as soon as it starts.
 */
export async function measureAll(engine: EngineClient, config: ModelInfo['config'], threads: ThreadsRequest, onWorker: (end: () => void) => void): Promise<BackendMeasurement> {
  const running = await engine.call('measureRunningBackend', {}).result.catch(() => null);
  const others = measureInWorker(config, threads, running ? [running.backend] : [], running ? bestOf([running]) : undefined);
  onWorker(others.end);
  const measurement = await others.result;
  return running ? combineMeasurements(running, measurement) : measurement;
}

export function useBackendVerdict(
  client: EngineClient | null, backend: BackendReport | null, model: ModelInfo | null,
): { state: VerdictState; measureAgain: () => void } {
  const [state, setState] = useState<VerdictState>({ status: 'off' });
  const [asked, setAsked] = useState(0);
  const auto = client !== null && backend !== null && backend.why.code !== 'asked' && backend.gpu !== undefined;
  const shape = model ? modelShape(model.config) : null;
  const threads = backend?.threadsAsked ?? 'auto';
  const key = auto && shape ? verdictKey({ ...thisBrowser(), threads, gpu: backend.gpu!, shape }) : null;

  useEffect(() => {
    if (!key || !model || !backend || !client) return setState({ status: 'off' });
    const kept = asked === 0 ? verdictByKey(browserStorage(), key, Date.now()) : null;
    if (kept) {
      rememberShape(browserStorage(), model.ref, shape!); // the next start of this link begins on it
      return setState({ status: 'measured', verdict: kept, justNow: false });
    }
    let alive = true;
    let end: (() => void) | null = null;
    setState({ status: 'waiting' });
    const timer = setTimeout(() => {
      setState({ status: 'measuring' });
      const t0 = performance.now();
      measureAll(client, model.config, threads, (e) => (alive ? (end = e) : e()))
        .then((measurement) => {
          if (!alive) return;
          const now = Date.now();
          const verdict = verdictFrom(measurement, { ...thisBrowser(), threads, shape: shape! }, model.ref, now);
          if (!verdict) {
            const skipped = measurement.skipped.map((s) => s.message).join('; ');
            return setState({ status: 'failed', message: () => skipped });
          }
          keepVerdict(browserStorage(), verdict, now);
          rememberShape(browserStorage(), model.ref, shape!);
          setState({ status: 'measured', verdict, justNow: true, costMs: performance.now() - t0 });
        })
        .catch((e: Error) => alive && setState({ status: 'failed', message: () => errorText(e) }));
    }, asked === 0 ? MEASURE_DELAY_MS : 0);
    return () => {
      alive = false;
      clearTimeout(timer);
      end?.();
    };
    // The model and report objects change with every load; the key (and the engine) say all that matters.
  }, [key, asked, client]);

  const measureAgain = useCallback(() => setAsked((n) => n + 1), []);
  return { state, measureAgain };
}
