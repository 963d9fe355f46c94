/// <reference lib="webworker" />
// The engine: a Web Worker that owns every tensor of the playground. It starts
// TensorFlow.js, loads and holds the models, generates and trains, and answers
// the page with plain data only (see protocol.ts). Long work runs in slices
// and yields to the event loop between them, so a "stop" message gets through.
// This file only routes messages; each panel's handlers live in handlers/.

import * as tf from '@tensorflow/tfjs';
import type { FromWorker, MethodName, ToWorker } from './protocol.ts';
import { type Handler, type JobContext, initBackend } from './runtime.ts';
import { errorData } from './errorData.ts';
import { loadModel } from './handlers/load.ts';
import { generateHandler } from './handlers/generate.ts';
import { train } from './handlers/train.ts';
import { countTokensHandler } from './handlers/tokens.ts';
import { samplingHandlers } from './handlers/sampling.ts';
import { attentionHandlers } from './handlers/attention.ts';
import { loraHandlers } from './handlers/lora.ts';
import { vocabHandlers } from './handlers/vocab.ts';
import { measureBackends, measureRunningBackend } from './backendChoiceMeasure.ts';

// Page-ready timeline (bench/page-ready.ts reads the worker's marks): its script, tfjs included, has run.
performance.mark('engine:script');

const scope = self as unknown as DedicatedWorkerGlobalScope;

/** Calls in progress (each with the abort controller its downloads listen to), and those the page asked to stop. */
const running = new Map<number, AbortController>();
const stopRequests = new Set<number>();
/** Set once a backend runs: from then on tf.memory() is meaningful. */
let backendStarted = false;

function post(message: FromWorker): void {
  scope.postMessage(message);
}

scope.addEventListener('message', (e: MessageEvent<ToWorker>) => {
  const message = e.data;
  if (message.kind === 'stop') {
    const controller = running.get(message.id);
    if (controller) {
      stopRequests.add(message.id); // a stop that crossed the result is moot
      controller.abort();
    }
    return;
  }
  const { id, method, params } = message;
  const handler = handlers[method] as unknown as Handler<MethodName> | undefined;
  if (!handler) {
    post({ kind: 'error', id, error: { name: 'UnknownMethod', message: `The engine has no method "${String(method)}".` } });
    return;
  }
  const controller = new AbortController();
  const job: JobContext<unknown> = {
    emit: (event) => post({ kind: 'event', id, event }),
    get stopped() {
      return stopRequests.has(id);
    },
    signal: controller.signal,
  };
  running.set(id, controller);
  handler(params as never, job as never)
    .then((result) => post({ kind: 'result', id, result }))
    .catch((error: unknown) => post({ kind: 'error', id, error: errorData(error) }))
    .finally(() => {
      running.delete(id);
      stopRequests.delete(id);
      if (backendStarted) {
        const { numTensors, numBytes } = tf.memory();
        post({ kind: 'memory', memory: { numTensors, numBytes } });
      }
    });
});

// ---- the handler table (one entry per method in protocol.ts) ---------------------------

const handlers: { [M in MethodName]: Handler<M> } = {
  init: async ({ backend, threads, measured }) => {
    const report = await initBackend(backend, threads, measured);
    backendStarted = true;
    return report;
  },
  loadModel,
  measureBackends,
  measureRunningBackend,
  generate: generateHandler,
  countTokens: countTokensHandler,
  train,
  ...samplingHandlers,
  ...attentionHandlers,
  ...loraHandlers,
  ...vocabHandlers,
};
