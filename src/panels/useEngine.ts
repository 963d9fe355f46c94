// Starts the engine worker, picks its backend and loads the embedded model
// named in the state. Panels receive the client and plain data from here.

import { useEffect, useState } from 'react';
import { EngineClient } from '../engine/client.ts';
import type { BackendReport, BackendRequest, EngineMemory, LoadEvent, ModelInfo } from '../engine/protocol.ts';
import { cacheForOffline } from './offline.ts';

export type LoadState =
  | { status: 'starting' }
  | { status: 'loading'; progress: LoadEvent | null }
  | { status: 'ready'; model: ModelInfo }
  | { status: 'error'; message: string };

export interface Engine {
  client: EngineClient | null;
  backend: BackendReport | null;
  load: LoadState;
  /** The app shell and this model are stored by the service worker: the next visit works offline. */
  offlineReady: boolean;
  /** Tensors the worker holds after its last call. */
  memory: EngineMemory | null;
}

/** The model folder as an absolute URL (the worker resolves relative URLs against its own script). */
export function modelBaseUrl(name: string): string {
  return new URL(`${import.meta.env.BASE_URL}models/${name}/`, window.location.href).href;
}

export const MODEL_FILES = ['config.json', 'tokenizer.json', 'model.safetensors', 'training.json', 'original-sample.txt'];

export function useEngine(modelName: string, backendRequest: BackendRequest): Engine {
  const [client, setClient] = useState<EngineClient | null>(null);
  const [backend, setBackend] = useState<BackendReport | null>(null);
  const [load, setLoad] = useState<LoadState>({ status: 'starting' });
  const [offlineReady, setOfflineReady] = useState(false);
  const [memory, setMemory] = useState<EngineMemory | null>(null);

  // A new backend means a new worker: tensors cannot move between backends mid-session.
  useEffect(() => {
    const engine = EngineClient.start();
    let alive = true;
    setLoad({ status: 'starting' });
    setBackend(null);
    setMemory(null);
    engine.onMemory((m) => alive && setMemory(m));
    engine
      .call('init', { backend: backendRequest })
      .result.then((report) => {
        if (!alive) return;
        setBackend(report);
        setClient(engine);
      })
      .catch((e: Error) => alive && setLoad({ status: 'error', message: e.message }));
    return () => {
      alive = false;
      setClient(null);
      engine.dispose();
    };
  }, [backendRequest]);

  useEffect(() => {
    if (!client) return;
    let alive = true;
    setLoad({ status: 'loading', progress: null });
    setOfflineReady(false);
    const baseUrl = modelBaseUrl(modelName);
    const job = client.call('loadModel', { baseUrl, name: modelName }, (progress) => alive && setLoad({ status: 'loading', progress }));
    job.result
      .then((model) => {
        if (!alive) return;
        setLoad({ status: 'ready', model });
        return cacheForOffline(MODEL_FILES.map((f) => baseUrl + f)).then((ok) => alive && setOfflineReady(ok));
      })
      .catch((e: Error) => alive && setLoad({ status: 'error', message: e.message }));
    return () => {
      alive = false;
      job.stop(); // a model asked for later must not be replaced by this one finishing late
    };
  }, [client, modelName]);

  return { client, backend, load, offlineReady, memory };
}
