// Starts the engine worker, picks its backend and loads the model the link
// names (src/state/modelRef.ts): an embedded folder, a GPT-2 folder by URL
// (its size said first when large; cached for the next visit), a model kept in
// this browser, or files just opened. The model in use stays until another has
// loaded: a failed or cancelled load leaves it, and the link goes back to it.

import { useCallback, useEffect, useRef, useState } from 'react';
import { EngineClient } from '../engine/client.ts';
import type { BackendReport, BackendRequest, EngineMemory, LoadEvent, LoadParams, ModelInfo, ThreadsRequest } from '../engine/protocol.ts';
import { type ModelRef, describeModelRef, parseModelRef } from '../state/modelRef.ts';
import { t } from '../i18n/index.ts';
import { cacheForOffline } from './offline.ts';
import { probeDownload } from './models/catalog.ts';
import { openedFiles } from './models/openedFiles.ts';
import { workStore } from './models/workStore.ts';
import { errorText } from './errorText.ts';
import { embeddedLoadParams, initParams, modelBaseUrl, takeBootedEngine, takeEarlyLoad } from './engineBoot.ts';

/** Above this, the page says the size and waits for a yes before downloading. */
export const LARGE_DOWNLOAD_BYTES = 50 * 1024 * 1024;

/** Text for the reader, worked out when it is shown, so it follows a change of language. */
export type Said = () => string;

export type LoadState =
  | { status: 'starting' }
  /** A large download waits for the learner's yes. */
  | { status: 'confirm'; name: string; sizeBytes: number }
  | { status: 'loading'; name: string; progress: LoadEvent | null }
  | { status: 'ready'; model: ModelInfo }
  | { status: 'error'; message: Said };

export interface Engine {
  client: EngineClient | null;
  backend: BackendReport | null;
  load: LoadState;
  /** The model every panel uses: the last one that loaded, kept through a later load that fails. */
  active: ModelInfo | null;
  /** Why the last load did not replace the model in use (failed, or cancelled), shown until the next load. */
  notice: Said | null;
  /** The app shell and this model are stored by the service worker: the next visit works offline. */
  offlineReady: boolean;
  /** Tensors the worker holds after its last call. */
  memory: EngineMemory | null;
  /** Goes ahead with a large download the page asked about. */
  confirmDownload(): void;
  /** Stops the load in progress (or declines the download); the model in use stays. */
  cancelLoad(): void;
}

export { modelBaseUrl } from './engineBoot.ts';

export const MODEL_FILES = ['config.json', 'tokenizer.json', 'model.safetensors', 'training.json', 'original-sample.txt'];

/** What to send the worker for a reference, after asking whatever must be asked. */
async function loadParams(ref: ModelRef, refText: string, confirm: (name: string, size: number) => Promise<boolean>): Promise<LoadParams | null> {
  switch (ref.kind) {
    case 'embedded':
      return embeddedLoadParams(refText);
    case 'url': {
      const name = describeModelRef(ref);
      const { sizeBytes, cached } = await probeDownload(ref.url);
      if (!cached && sizeBytes !== null && sizeBytes > LARGE_DOWNLOAD_BYTES && !(await confirm(name, sizeBytes))) return null;
      return { source: { kind: 'url', baseUrl: ref.url, cache: true }, name, ref: refText };
    }
    case 'stored': {
      const { entry, files } = await (await workStore()).readFiles(ref.id);
      return { source: { kind: 'files', files }, name: entry.name, ref: refText };
    }
    case 'local': {
      const opened = openedFiles.get(ref.n);
      if (!opened) {
        throw new Error(t('load.localGone'));
      }
      return { source: { kind: 'files', files: opened.files }, name: opened.name, ref: refText };
    }
  }
}

/**
 * `onRevert(ref)` is called with the model in use when a load fails or is
 * cancelled, so the link names what every panel shows.
 */
export function useEngine(modelRef: string, backendRequest: BackendRequest, threads: ThreadsRequest, onRevert: (ref: string) => void): Engine {
  const [client, setClient] = useState<EngineClient | null>(null);
  const [backend, setBackend] = useState<BackendReport | null>(null);
  const [load, setLoad] = useState<LoadState>({ status: 'starting' });
  const [active, setActive] = useState<ModelInfo | null>(null);
  const [notice, setNotice] = useState<Said | null>(null);
  const [offlineReady, setOfflineReady] = useState(false);
  const [memory, setMemory] = useState<EngineMemory | null>(null);
  const answer = useRef<((yes: boolean) => void) | null>(null);
  const stopCurrent = useRef<(() => void) | null>(null);
  const activeRef = useRef<ModelInfo | null>(null);
  activeRef.current = active;
  const revert = useRef(onRevert);
  revert.current = onRevert;
  /** The link's model when the engine starts: `auto` looks up its measured verdict by it (engineBoot.ts, initParams). */
  const modelRefNow = useRef(modelRef);
  modelRefNow.current = modelRef;

  // A new backend (or thread count) means a new worker: tensors cannot move between backends mid-session.
  // The first one was started before React rendered (src/main.tsx, engineBoot.ts).
  useEffect(() => {
    const booted = takeBootedEngine(backendRequest, threads);
    const engine = booted?.engine ?? EngineClient.start();
    let alive = true;
    setLoad({ status: 'starting' });
    setBackend(null);
    setMemory(null);
    setActive(null);
    engine.onMemory((m) => alive && setMemory(m));
    (booted?.init ?? engine.call('init', initParams(backendRequest, threads, modelRefNow.current)).result)
      .then((report) => {
        if (!alive) return;
        setBackend(report);
        setClient(engine);
      })
      .catch((e: Error) => alive && setLoad({ status: 'error', message: () => errorText(e) }));
    return () => {
      alive = false;
      setClient(null);
      engine.dispose();
    };
  }, [backendRequest, threads]);

  useEffect(() => {
    if (!client) return;
    const current = activeRef.current;
    if (current && current.ref === modelRef) {
      setLoad({ status: 'ready', model: current }); // the link came back to the model in use: nothing to load
      return;
    }
    let alive = true;
    let cancelled = false;
    const parsed = parseModelRef(modelRef);
    const name = parsed.ok ? describeModelRef(parsed.ref) : modelRef;
    const fail = (message: Said) => {
      if (!alive) return;
      const inUse = activeRef.current;
      if (inUse) {
        setNotice(() => () => t('load.stillUsing', { message: message(), name: inUse.name }));
        setLoad({ status: 'ready', model: inUse });
        revert.current(inUse.ref);
      } else {
        setLoad({ status: 'error', message });
      }
    };
    setNotice(null);
    setOfflineReady(false);
    setLoad({ status: 'loading', name, progress: null });
    let job: ReturnType<EngineClient['call']> | null = null;
    stopCurrent.current = () => {
      cancelled = true;
      answer.current?.(false);
      job?.stop();
    };
    const confirm = (n: string, sizeBytes: number) =>
      new Promise<boolean>((resolve) => {
        if (!alive || cancelled) return resolve(false);
        answer.current = (yes) => {
          answer.current = null;
          if (yes && alive) setLoad({ status: 'loading', name: n, progress: null });
          resolve(yes);
        };
        setLoad({ status: 'confirm', name: n, sizeBytes });
      });
    (async () => {
      if (!parsed.ok) throw new Error(parsed.message);
      // The link's first model may be loading already, started with the engine (engineBoot.ts).
      const early = takeEarlyLoad(client, modelRef);
      const params = early?.params ?? (await loadParams(parsed.ref, modelRef, confirm));
      if (!params || cancelled) return fail(() => t('load.cancelled', { name }));
      if (!alive) return;
      const onProgress = (progress: LoadEvent) => alive && setLoad({ status: 'loading', name: params.name, progress });
      const loadJob = early ? early.follow(onProgress) : client.call('loadModel', params, onProgress);
      job = loadJob;
      const model = await loadJob.result;
      if (!alive) return;
      setActive(model);
      setLoad({ status: 'ready', model });
      const problem = model.cacheProblem;
      if (problem) setNotice(() => () => t('load.notKept', { name: model.name, problem }));
      if (parsed.ref.kind === 'embedded') {
        const baseUrl = modelBaseUrl(modelRef)!;
        const ok = await cacheForOffline(MODEL_FILES.map((f) => baseUrl + f));
        if (alive) setOfflineReady(ok);
      }
    })().catch((e: Error) =>
      fail(cancelled || e.name === 'LoadCancelled' ? () => t('load.cancelled', { name }) : () => t('load.didNotLoad', { name, message: errorText(e) })),
    );
    return () => {
      alive = false;
      answer.current?.(false);
      job?.stop(); // a model asked for later must not be replaced by this one finishing late
    };
  }, [client, modelRef]);

  const confirmDownload = useCallback(() => answer.current?.(true), []);
  const cancelLoad = useCallback(() => stopCurrent.current?.(), []);
  return { client, backend, load, active, notice, offlineReady, memory, confirmDownload, cancelLoad };
}
