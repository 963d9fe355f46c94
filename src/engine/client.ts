// The page's side of the engine: typed calls to the worker that owns every
// tensor. `call` returns a Job whose promise settles with the method's result
// and whose `stop()` asks the worker to end the work early.

import type { EngineErrorData, EngineMemory, EventOf, FromWorker, MethodName, ParamsOf, ResultOf, ToWorker } from './protocol.ts';
import type { MessageParams } from '../util/codes.ts';

/**
 * An error raised in the worker, with its kind kept (`name`), so the page can
 * branch on it, and its code and values (when it had them), so the page can say
 * it in the reader's language (src/panels/errorText.ts).
 */
export class EngineError extends Error {
  readonly code: string | undefined;
  readonly params: MessageParams | undefined;
  constructor(data: EngineErrorData) {
    super(data.message);
    this.name = data.name;
    this.code = data.code;
    this.params = data.params;
  }
}

export interface Job<R> {
  readonly id: number;
  readonly result: Promise<R>;
  /** Asks the worker to stop; the result then arrives with `stopped: true`. */
  stop(): void;
}

interface Pending {
  method: MethodName;
  onEvent?: (event: never) => void;
  resolve: (result: unknown) => void;
  reject: (error: Error) => void;
}

export class EngineClient {
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();
  private crashed: Error | null = null;
  private readonly memoryListeners = new Set<(memory: EngineMemory) => void>();
  private readonly endListeners = new Set<(method: MethodName) => void>();

  constructor(private readonly worker: Worker) {
    worker.addEventListener('message', (e: MessageEvent<FromWorker>) => this.receive(e.data));
    worker.addEventListener('error', (e: ErrorEvent) => {
      this.fail(new EngineError({ name: 'WorkerError', message: `The engine stopped working: ${e.message || 'the worker failed to start'}.` }));
    });
  }

  /** Starts the engine worker (bundled by Vite as a module worker). */
  static start(): EngineClient {
    return new EngineClient(new Worker(new URL('./worker.ts', import.meta.url), { type: 'module', name: 'engine' }));
  }

  call<M extends MethodName>(method: M, params: ParamsOf<M>, onEvent?: (event: EventOf<M>) => void): Job<ResultOf<M>> {
    const id = this.nextId++;
    const result = new Promise<ResultOf<M>>((resolve, reject) => {
      if (this.crashed) return reject(this.crashed);
      this.pending.set(id, { method, onEvent: onEvent as Pending['onEvent'], resolve: resolve as Pending['resolve'], reject });
      this.post({ kind: 'call', id, method, params } as ToWorker);
    });
    return { id, result, stop: () => this.pending.has(id) && this.post({ kind: 'stop', id }) };
  }

  /** Called with the worker's tensor memory after each call ends; returns an unsubscribe function. */
  onMemory(listener: (memory: EngineMemory) => void): () => void {
    this.memoryListeners.add(listener);
    return () => this.memoryListeners.delete(listener);
  }

  /**
   * Called with a call's method when its answer (result or error) arrives, from
   * any panel: what a part of the page that depends on the worker's state (an
   * adapter switched on shrinks the window) listens to. Returns an unsubscribe function.
   */
  onCallEnd(listener: (method: MethodName) => void): () => void {
    this.endListeners.add(listener);
    return () => this.endListeners.delete(listener);
  }

  /** Ends the worker and every call in flight; the tensors go with it. */
  dispose(): void {
    this.worker.terminate();
    this.fail(new EngineError({ name: 'Disposed', message: 'The engine was shut down.' }));
  }

  private post(message: ToWorker): void {
    this.worker.postMessage(message);
  }

  private receive(message: FromWorker): void {
    if (message.kind === 'memory') {
      for (const listener of this.memoryListeners) listener(message.memory);
      return;
    }
    const job = this.pending.get(message.id);
    if (!job) return;
    if (message.kind === 'event') {
      job.onEvent?.(message.event as never);
    } else {
      this.pending.delete(message.id);
      if (message.kind === 'result') job.resolve(message.result);
      else job.reject(new EngineError(message.error));
      for (const listener of this.endListeners) listener(job.method);
    }
  }

  private fail(error: Error): void {
    this.crashed = error;
    for (const job of this.pending.values()) job.reject(error);
    this.pending.clear();
  }
}
