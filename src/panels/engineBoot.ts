// The engine started before React renders (src/main.tsx): its worker script
// (tfjs and all) is fetched and run, the backend chosen and the link's model
// fetched while the page's first render is still being worked out. useEngine
// takes this engine when the settings match, and the model load in flight
// with it; otherwise it starts its own, as it always did.

import { EngineClient, type Job } from '../engine/client.ts';
import type { BackendReport, BackendRequest, LoadEvent, LoadParams, ModelInfo, ParamsOf, ThreadsRequest } from '../engine/protocol.ts';
import { parseModelRef } from '../state/modelRef.ts';
import { type KeyValueStore, browserStorage, verdictsForStart } from './backendVerdictStore.ts';

/** The model folder as an absolute URL (the worker resolves relative URLs against its own script); null for a model with no folder. */
export function modelBaseUrl(ref: string): string | null {
  const parsed = parseModelRef(ref);
  if (!parsed.ok) return null;
  if (parsed.ref.kind === 'url') return parsed.ref.url;
  if (parsed.ref.kind !== 'embedded') return null;
  return new URL(`${import.meta.env.BASE_URL}models/${parsed.ref.name}/`, window.location.href).href;
}

/** What to send the worker for a model of this site (it needs no question first); null for any other. */
export function embeddedLoadParams(refText: string): LoadParams | null {
  const parsed = parseModelRef(refText);
  if (!parsed.ok || parsed.ref.kind !== 'embedded') return null;
  return { source: { kind: 'url', baseUrl: modelBaseUrl(refText)!, cache: false }, name: parsed.ref.name, ref: refText };
}

export interface EarlyLoad {
  params: LoadParams;
  /** Hands progress to `onProgress` from now on (the latest event at once) and returns the job. */
  follow(onProgress: (event: LoadEvent) => void): Job<ModelInfo>;
}

/**
 * The engine's init call: with `auto`, the verdicts measured earlier in this
 * browser with the model `ref` (backendVerdictStore.ts), so the engine starts on
 * the backend measured fastest on its GPU.
 */
export function initParams(
  backend: BackendRequest, threads: ThreadsRequest, ref: string | null, store: KeyValueStore | null = browserStorage(), now = Date.now(),
): ParamsOf<'init'> {
  const measured = backend === 'auto' && ref !== null ? verdictsForStart(store, ref, threads, now) : [];
  return measured.length ? { backend, threads, measured } : { backend, threads };
}

interface Booted {
  engine: EngineClient;
  backend: BackendRequest;
  threads: ThreadsRequest;
  init: Promise<BackendReport>;
}

/** Each waits here until useEngine takes it. */
let booted: Booted | null = null;
let early: { engine: EngineClient; load: EarlyLoad } | null = null;

/**
 * Starts the engine and its backend — with `auto`, on the verdict kept for the
 * link's model `modelRef`, whatever kind of link it is — and, for a model of
 * this site, loading it (the worker fetches it while the backend starts).
 */
export function bootEngine(backend: BackendRequest, threads: ThreadsRequest, modelRef: string): void {
  const engine = EngineClient.start();
  const init = engine.call('init', initParams(backend, threads, modelRef)).result;
  const model = embeddedLoadParams(modelRef);
  init.catch(() => {}); // reported by useEngine, which awaits it
  booted = { engine, backend, threads, init };
  if (model) {
    let latest: LoadEvent | null = null;
    let listener: ((event: LoadEvent) => void) | null = null;
    const job = engine.call('loadModel', model, (event) => {
      latest = event;
      listener?.(event);
    });
    job.result.catch(() => {}); // reported by useEngine when it follows the job
    const follow = (onProgress: (event: LoadEvent) => void) => {
      listener = onProgress;
      if (latest) onProgress(latest);
      return job;
    };
    early = { engine, load: { params: model, follow } };
  }
}

/**
 * The booted engine and its init result, when it was started with these
 * settings; once only. A later call (the link changed the backend, or React's
 * StrictMode ran the effect again after disposing the first engine) gets null.
 */
export function takeBootedEngine(backend: BackendRequest, threads: ThreadsRequest): { engine: EngineClient; init: Promise<BackendReport> } | null {
  const b = booted;
  if (!b || b.backend !== backend || b.threads !== threads) return null;
  booted = null;
  return { engine: b.engine, init: b.init };
}

/** The model load started with the booted engine, when `client` is that engine and `ref` is the model it loads; once only. */
export function takeEarlyLoad(client: EngineClient, ref: string): EarlyLoad | null {
  const e = early;
  if (!e || e.engine !== client || e.load.params.ref !== ref) return null;
  early = null;
  return e.load;
}
