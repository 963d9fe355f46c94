// `auto`'s measurement, from the page's side (issue 15): once the model is
// ready, and only when no verdict was kept for this device and model shape,
// a second engine worker times every backend (src/engine/backendChoiceMeasure.ts)
// in the background and is ended; the verdict is kept for the next start
// (backendVerdictStore.ts). The backend in use is never switched under a
// loaded model: the next start begins on the fastest.

import { useCallback, useEffect, useState } from 'react';
import { EngineClient } from '../engine/client.ts';
import { type BackendMeasurement, type BackendVerdict, modelShape, verdictFrom, verdictKey } from '../engine/backendChoice.ts';
import type { BackendReport, ModelInfo } from '../engine/protocol.ts';
import { browserStorage, keepVerdict, thisBrowser, verdictByKey } from './backendVerdictStore.ts';
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
  /** `justNow`: measured in this visit (else kept from an earlier one). */
  | { status: 'measured'; verdict: BackendVerdict; justNow: boolean }
  | { status: 'failed'; message: () => string };

/**
 * Times every backend in a worker of its own, ended when the measurement ends
 * or `end()` is called (its tensors and its backends go with it).
 */
export function measureInWorker(config: ModelInfo['config'], threads: BackendReport['threadsAsked']): { result: Promise<BackendMeasurement>; end(): void } {
  const client = EngineClient.start();
  const result = client.call('measureBackends', { config, threads: threads ?? 'auto' }).result;
  const end = () => client.dispose();
  result.then(end, end);
  return { result, end };
}

export function useBackendVerdict(backend: BackendReport | null, model: ModelInfo | null): { state: VerdictState; measureAgain: () => void } {
  const [state, setState] = useState<VerdictState>({ status: 'off' });
  const [asked, setAsked] = useState(0);
  const auto = backend !== null && backend.why.code !== 'asked' && backend.gpu !== undefined;
  const shape = model ? modelShape(model.config) : null;
  const key = auto && shape ? verdictKey({ ...thisBrowser(), gpu: backend.gpu!, shape }) : null;

  useEffect(() => {
    if (!key || !model || !backend) return setState({ status: 'off' });
    const kept = asked === 0 ? verdictByKey(browserStorage(), key, Date.now()) : null;
    if (kept) return setState({ status: 'measured', verdict: kept, justNow: false });
    let alive = true;
    let end: (() => void) | null = null;
    setState({ status: 'waiting' });
    const timer = setTimeout(() => {
      setState({ status: 'measuring' });
      const measuring = measureInWorker(model.config, backend.threadsAsked);
      end = measuring.end;
      measuring.result
        .then((measurement) => {
          if (!alive) return;
          const now = Date.now();
          const verdict = verdictFrom(measurement, { ...thisBrowser(), shape: shape! }, model.ref, now);
          if (!verdict) {
            const skipped = measurement.skipped.map((s) => s.message).join('; ');
            return setState({ status: 'failed', message: () => skipped });
          }
          keepVerdict(browserStorage(), verdict, now);
          setState({ status: 'measured', verdict, justNow: true });
        })
        .catch((e: Error) => alive && setState({ status: 'failed', message: () => errorText(e) }));
    }, asked === 0 ? MEASURE_DELAY_MS : 0);
    return () => {
      alive = false;
      clearTimeout(timer);
      end?.();
    };
    // The model and report objects change with every load; the key says all that matters.
  }, [key, asked]);

  const measureAgain = useCallback(() => setAsked((n) => n + 1), []);
  return { state, measureAgain };
}
