// The panel's sequence: opened in the engine when the prompt, the sampling
// settings or the seed change (regenerating as many tokens as the link's
// step asks for), extended when the step moves past what was generated. The
// page keeps the tokens and each step's window; the worker keeps the traced
// rows, and the views ask it for what they draw, so stepping back reruns nothing.

import { useCallback, useEffect, useRef, useState } from 'react';
import type { EngineClient, Job } from '../../engine/client.ts';
import type { ByteFallback, SequenceResult, StepResult } from '../../engine/attentionProtocol.ts';
import type { SamplingSettings } from '../../sampling/settings.ts';
import type { Notice } from '../../sampling/notices.ts';
import type { SequenceData } from './frames.ts';
import { errorText } from '../errorText.ts';

export interface LiveSequence extends SequenceData {
  id: number;
  key: string;
  notices: Notice[];
  fallback: ByteFallback[];
  promptTokenCount: number;
  /** Bytes of attention the worker keeps for the sequence. */
  storedBytes: number;
}

export interface SequenceState {
  seq: LiveSequence | null;
  /** What the engine is doing for the panel right now. */
  busy: 'opening' | 'stepping' | null;
  /** While opening a link with many steps: how far the replay is. */
  progress: { done: number; total: number } | null;
  error: { name: string; message: string } | null;
}

export interface SequenceRequest {
  client: EngineClient | null;
  /** False while the panel is hidden or the model is not loaded: nothing runs. */
  active: boolean;
  key: string;
  prompt: string;
  settings: SamplingSettings;
  seed: number;
  step: number;
}

const LENS_TOP_K = 5;
/** Pause after the last keystroke before a new prompt is run. */
const DEBOUNCE_MS = 250;
/** Tokens one attentionStep call generates at most, so the page keeps updating while it catches up. */
const MAX_STEPS_PER_CALL = 16;

const empty: SequenceState = { seq: null, busy: null, progress: null, error: null };

/**
 * The panel's sequence, and `reopen`: for a view whose call found the engine
 * no longer holds it (a reloaded model, a prompt attached or taken off).
 */
export function useSequence(req: SequenceRequest): SequenceState & { reopen: () => void } {
  const [state, setState] = useState<SequenceState>(empty);
  const [reopen, setReopen] = useState(0);
  const latest = useRef(req);
  latest.current = req;
  const seqRef = useRef<LiveSequence | null>(null);
  seqRef.current = state.seq;
  /** `${key}#${reopen}` of the sequence opened (or being opened): the open effect runs once per value. */
  const openedFor = useRef('');
  /** The sequence an attentionStep call is running for. */
  const stepping = useRef<number | null>(null);
  /**
   * Steps the engine has sent for the live sequence, counted when they arrive:
   * a render can still show fewer (its state update is on the way), and must
   * not ask for those steps again.
   */
  const received = useRef(0);
  const { client, active, key, step } = req;

  // A new engine holds none of the old one's sequences.
  useEffect(() => {
    setState(empty);
    openedFor.current = '';
    stepping.current = null;
    received.current = 0;
    return () => {
      const seq = seqRef.current;
      if (client && seq) client.call('attentionClose', { sequence: seq.id }).result.catch(() => undefined);
    };
  }, [client]);

  // Open when what the sequence depends on changes.
  useEffect(() => {
    if (!client || !active) return;
    const target = `${key}#${reopen}`;
    if (openedFor.current === target) return;
    const { prompt, settings, seed } = latest.current;
    if (prompt.length === 0) {
      openedFor.current = target;
      setState({ ...empty, error: { name: 'EmptyPrompt', message: 'The prompt is empty: type a prompt in the box above to see where its tokens look.' } });
      return;
    }
    let job: Job<SequenceResult> | null = null;
    let alive = true;
    const timer = setTimeout(() => {
      openedFor.current = target;
      stepping.current = null;
      setState((s) => ({ ...s, busy: 'opening', progress: null, error: null }));
      job = client.call(
        'attentionOpen',
        { slot: 'active', prompt, settings, seed, steps: latest.current.step, lensTopK: LENS_TOP_K },
        (e) => alive && setState((s) => ({ ...s, progress: { done: e.done, total: e.total } })),
      );
      job.result.then(
        (r) => {
          if (!alive) return;
          const seq: LiveSequence = {
            id: r.sequence,
            key,
            tokens: r.tokens,
            promptLength: r.promptLength,
            promptTokenCount: r.promptTokenCount,
            steps: r.steps,
            picks: r.picks,
            notices: r.notices,
            fallback: r.fallback,
            storedBytes: r.storedBytes,
            virtual: r.virtual,
          };
          received.current = r.steps.length;
          setState({ seq, busy: null, progress: null, error: null });
        },
        (e: Error) => alive && setState({ ...empty, error: { name: e.name, message: errorText(e) } }),
      );
    }, seqRef.current ? DEBOUNCE_MS : 0);
    return () => {
      alive = false;
      clearTimeout(timer);
      if (job) {
        job.stop();
        openedFor.current = ''; // superseded before it finished: the next run opens again
      }
    };
  }, [client, active, key, reopen]);

  // Generate when the step moves past the steps held.
  const seq = state.seq;
  const have = seq?.steps.length ?? 0;
  useEffect(() => {
    if (!client || !active || !seq || seq.key !== key || state.busy !== null || state.error || stepping.current !== null) return;
    if (seq.steps.length < received.current) return; // this render predates steps already received
    const missing = step - (seq.steps.length - 1);
    if (missing <= 0) return;
    stepping.current = seq.id;
    setState((s) => ({ ...s, busy: 'stepping' }));
    const job: Job<StepResult> = client.call('attentionStep', { sequence: seq.id, have: seq.steps.length, count: Math.min(missing, MAX_STEPS_PER_CALL) });
    job.result.then(
      (r) => {
        if (stepping.current !== seq.id) return;
        stepping.current = null;
        received.current = seq.steps.length + r.steps.length;
        setState((s) =>
          s.seq?.id !== seq.id
            ? s
            : {
                ...s,
                busy: null,
                seq: { ...s.seq, tokens: [...s.seq.tokens, ...r.tokens], steps: [...s.seq.steps, ...r.steps], picks: [...s.seq.picks, ...r.picks], notices: r.notices, storedBytes: r.storedBytes },
              },
        );
      },
      (e: Error) => {
        if (stepping.current !== seq.id) return;
        stepping.current = null;
        if (e.name === 'SequenceGone') {
          // The engine dropped it (the model was reloaded): rebuild it from the link's state.
          setState(empty);
          setReopen((n) => n + 1);
        } else {
          setState((s) => ({ ...s, busy: null, error: { name: e.name, message: errorText(e) } }));
        }
      },
    );
  }, [client, active, key, seq, have, step, state.busy, state.error]);

  const reopenNow = useCallback(() => {
    setState(empty);
    setReopen((n) => n + 1);
  }, []);
  return { ...state, reopen: reopenNow };
}
