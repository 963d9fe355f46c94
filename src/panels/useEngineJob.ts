// A run the learner starts with a button and may stop (generate, train, compare):
// the job in flight, what it has shown so far and where it stands. One run at a
// time per hook; starting again, or a new engine client (another backend), drops
// the old run, and its late events and answer are ignored. For an answer that
// simply follows its parameters, see useEngineCall.ts.

import { useEffect, useRef, useState } from 'react';
import type { EngineClient, Job } from '../engine/client.ts';
import type { EventOf, MethodName, ParamsOf, ResultOf } from '../engine/protocol.ts';
import { errorText } from './errorText.ts';

export type JobStatus = 'running' | 'done' | 'stopped' | 'error';

/** The caller's own record of a run, plus where it stands and why it failed. */
export type JobRun<S> = S & { status: JobStatus; error: string | null };

export interface JobSteps<M extends MethodName, S> {
  /** Folds a progress event into the run. Pure: React may call it twice. */
  event?: (run: S, event: EventOf<M>) => S;
  /** Folds the answer into the run when the job ends. Pure. */
  result?: (run: S, result: ResultOf<M>) => S;
  /** Effects outside the run (telling the parent), called for the current run only. */
  onEvent?: (event: EventOf<M>) => void;
  onResult?: (result: ResultOf<M>) => void;
  /** After the answer or the error. */
  onSettled?: () => void;
}

export interface EngineJob<S> {
  /** The latest run, or null before the first (and after the engine changed). */
  run: JobRun<S> | null;
  running: boolean;
  /** Starts `method`; the run begins as `initial`. Does nothing without a client. */
  start<M extends MethodName>(method: M, params: ParamsOf<M>, initial: S, steps?: JobSteps<M, S>): void;
  /** Asks the worker to end the run early; its answer then arrives with `stopped: true`. */
  stop(): void;
  /** Shows a run that failed before it reached the engine (e.g. no text chosen). */
  fail(initial: S, message: string): void;
}

/** A result that says it was stopped early (every long-running method's does). */
function stoppedEarly(result: unknown): boolean {
  return typeof result === 'object' && result !== null && (result as { stopped?: unknown }).stopped === true;
}

export function useEngineJob<S>(client: EngineClient | null): EngineJob<S> {
  const [run, setRun] = useState<JobRun<S> | null>(null);
  const job = useRef<Job<unknown> | null>(null);

  // A new engine starts without the runs of the old one.
  useEffect(() => {
    job.current = null;
    setRun(null);
  }, [client]);

  function start<M extends MethodName>(method: M, params: ParamsOf<M>, initial: S, steps: JobSteps<M, S> = {}): void {
    if (!client) return;
    setRun({ ...initial, status: 'running', error: null });
    const j: Job<ResultOf<M>> = client.call(method, params, (event) => {
      if (job.current !== j) return;
      steps.onEvent?.(event);
      const fold = steps.event;
      if (fold) setRun((r) => r && { ...fold(r, event), status: r.status, error: r.error });
    });
    job.current = j;
    j.result
      .then((result) => {
        if (job.current !== j) return;
        const fold = steps.result;
        setRun((r) => r && { ...(fold ? fold(r, result) : r), status: stoppedEarly(result) ? 'stopped' : 'done', error: null });
        steps.onResult?.(result);
      })
      .catch((e: Error) => job.current === j && setRun((r) => r && { ...r, status: 'error', error: errorText(e) }))
      .finally(() => job.current === j && steps.onSettled?.());
  }

  return {
    run,
    running: run?.status === 'running',
    start,
    stop: () => job.current?.stop(),
    fail(initial, message) {
      job.current = null;
      setRun({ ...initial, status: 'error', error: message });
    },
  };
}
