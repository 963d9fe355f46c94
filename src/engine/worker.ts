/// <reference lib="webworker" />
// The engine: a Web Worker that owns every tensor of the playground. It starts
// TensorFlow.js, loads and holds the models, generates and trains, and answers
// the page with plain data only (see protocol.ts). Long work runs in slices
// and yields to the event loop between them, so a "stop" message gets through.

import * as tf from '@tensorflow/tfjs';
import { selectBackend } from './backend.ts';
import { bundledWasmPaths } from './wasmPaths.ts';
import type {
  BackendName, BackendReport, BackendRequest, EventOf, FromWorker, GenerateResult, LoadEvent, LoadStage,
  MethodName, ModelInfo, ModelSlot, ParamsOf, PreparedSummary, ResultOf, ToWorker, TokenPiece, TrainParams, TrainResult,
} from './protocol.ts';
import { GPT, InputError } from '../model/gpt.ts';
import { countParameters, makeConfig, type GPTConfig } from '../model/config.ts';
import { loadGPT } from '../io/checkpoint.ts';
import { readJSON, readText } from '../io/source.ts';
import { tokenizerFromJSON, ByteLevelBPE, CharTokenizer, type Tokenizer } from '../tokenizer/index.ts';
import { splitCorpus } from '../data/corpus.ts';
import { Trainer } from '../train/trainer.ts';
import { generate } from '../sampling/generate.ts';

const scope = self as unknown as DedicatedWorkerGlobalScope;

// ---- jobs: one per call, stoppable --------------------------------------------

interface JobContext<E> {
  emit(event: E): void;
  /** True once the page asked this call to stop. */
  readonly stopped: boolean;
}

type Handler<M extends MethodName> = (params: ParamsOf<M>, job: JobContext<EventOf<M>>) => Promise<ResultOf<M>>;

/** Calls in progress, and those of them the page asked to stop. */
const running = new Set<number>();
const stopRequests = new Set<number>();
/** Set once a backend runs: from then on tf.memory() is meaningful. */
let backendStarted = false;

function post(message: FromWorker): void {
  scope.postMessage(message);
}

scope.addEventListener('message', (e: MessageEvent<ToWorker>) => {
  const message = e.data;
  if (message.kind === 'stop') {
    if (running.has(message.id)) stopRequests.add(message.id); // a stop that crossed the result is moot
    return;
  }
  const { id, method, params } = message;
  const handler = handlers[method] as unknown as Handler<MethodName> | undefined;
  if (!handler) {
    post({ kind: 'error', id, error: { name: 'UnknownMethod', message: `The engine has no method "${String(method)}".` } });
    return;
  }
  const job: JobContext<unknown> = {
    emit: (event) => post({ kind: 'event', id, event }),
    get stopped() {
      return stopRequests.has(id);
    },
  };
  running.add(id);
  handler(params as never, job as never)
    .then((result) => post({ kind: 'result', id, result }))
    .catch((error: unknown) => {
      const err = error instanceof Error ? error : new Error(String(error));
      post({ kind: 'error', id, error: { name: err.name, message: err.message } });
    })
    .finally(() => {
      running.delete(id);
      stopRequests.delete(id);
      if (backendStarted) {
        const { numTensors, numBytes } = tf.memory();
        post({ kind: 'memory', memory: { numTensors, numBytes } });
      }
    });
});

/** Lets queued messages (a stop, another call) run before the next slice of work. */
const yieldToEvents = () => new Promise<void>((resolve) => setTimeout(resolve, 0));

// ---- backend -------------------------------------------------------------------

let backendReady: Promise<BackendReport> | null = null;

function engineReady(): Promise<BackendReport> {
  if (!backendReady) throw new Error('The engine has not been started: call init first.');
  return backendReady;
}

interface WebGLProbe {
  available: boolean;
  renderer: string | null;
  software: boolean;
}

/**
 * Asks WebGL (through an OffscreenCanvas, as TF.js will) who draws. Software
 * renderers — SwiftShader in headless Chromium, llvmpipe on Linux without a
 * GPU — run WebGL on the CPU, and are slow for one-token-at-a-time work.
 */
function probeWebGL(): WebGLProbe {
  if (typeof OffscreenCanvas === 'undefined') return { available: false, renderer: null, software: false };
  try {
    const canvas = new OffscreenCanvas(1, 1);
    const gl = (canvas.getContext('webgl2') ?? canvas.getContext('webgl')) as WebGLRenderingContext | null;
    if (!gl) return { available: false, renderer: null, software: false };
    const info = gl.getExtension('WEBGL_debug_renderer_info');
    const renderer = String(gl.getParameter(info ? info.UNMASKED_RENDERER_WEBGL : gl.RENDERER));
    gl.getExtension('WEBGL_lose_context')?.loseContext();
    return { available: true, renderer, software: /swiftshader|llvmpipe|softpipe|software|basic render/i.test(renderer) };
  } catch {
    return { available: false, renderer: null, software: false };
  }
}

async function startBackend(request: BackendRequest): Promise<BackendReport> {
  const probe = probeWebGL();
  const all: BackendName[] = ['webgl', 'wasm', 'cpu'];
  let preference: BackendName[];
  let why: string;
  if (request !== 'auto') {
    preference = [request, ...all.filter((b) => b !== request)];
    why = `${request} was asked for in the link`;
  } else if (!probe.available) {
    preference = ['wasm', 'cpu'];
    why = 'WebGL is not available in this browser, so wasm runs instead';
  } else if (probe.software) {
    preference = ['wasm', 'webgl', 'cpu'];
    why = `WebGL here is drawn in software (${shortRenderer(probe.renderer)}), which is slow for generating one token at a time, so wasm runs instead`;
  } else {
    preference = all;
    why = `WebGL runs on the GPU (${shortRenderer(probe.renderer)})`;
  }
  const choice = await selectBackend(preference, bundledWasmPaths);
  const reason = choice.backend === preference[0] ? why : `${why}; but ${choice.reason}, so ${choice.backend} runs`;
  return { backend: choice.backend, reason, webglRenderer: probe.renderer, webglSoftware: probe.software };
}

/** The part of a renderer string a reader recognises: "SwiftShader", "llvmpipe", or the GPU's name. */
function shortRenderer(renderer: string | null): string {
  if (!renderer) return 'unknown renderer';
  for (const name of ['SwiftShader', 'llvmpipe', 'softpipe', 'Microsoft Basic Render']) {
    if (renderer.toLowerCase().includes(name.toLowerCase())) return name;
  }
  // "ANGLE (NVIDIA, NVIDIA GeForce RTX 3060 Direct3D11 …)" → the device part.
  const angle = /^ANGLE \([^,]*,\s*([^,)]*)/.exec(renderer);
  const name = angle ? angle[1] : renderer;
  return name.length > 60 ? name.slice(0, 57) + '…' : name;
}

// ---- the models this worker holds ---------------------------------------------

interface LoadedModel {
  model: GPT;
  tokenizer: Tokenizer;
  info: ModelInfo;
}

const models = new Map<ModelSlot, LoadedModel>();

/** Puts a model in a slot and frees the one it replaces (its variables are not tidied by anyone else). */
function installModel(slot: ModelSlot, loaded: LoadedModel): void {
  const old = models.get(slot);
  models.set(slot, loaded);
  if (old && old.model !== loaded.model) old.model.dispose();
}

function modelIn(slot: ModelSlot): LoadedModel {
  const loaded = models.get(slot);
  if (!loaded) {
    throw new InputError(slot === 'custom' ? 'No model has been trained on your text yet.' : 'The model has not finished loading.');
  }
  return loaded;
}

// ---- loadModel -------------------------------------------------------------------

/** A model folder that is not there: the preview server answers a missing file with the app's index.html. */
class ModelNotFoundError extends Error {
  override name = 'ModelNotFoundError';
}

async function loadModel({ baseUrl, name }: ParamsOf<'loadModel'>, job: JobContext<LoadEvent>): Promise<ModelInfo> {
  await engineReady();
  const url = (file: string) => new URL(file, baseUrl).href;
  let last = 0;
  const report = (stage: LoadStage, file: string, loadedBytes: number, totalBytes: number | null, force = false) => {
    const now = performance.now();
    if (!force && now - last < 50) return; // progress arrives per network chunk; the page needs ~20 updates a second
    last = now;
    job.emit({ stage, file, loadedBytes, totalBytes });
  };

  report('config', 'config.json', 0, null, true);
  const configText = await readText(url('config.json'), (p) => report('config', 'config.json', p.loadedBytes, p.totalBytes));
  if (/^\s*</.test(configText)) {
    throw new ModelNotFoundError(`There is no model "${name}" at ${url('')}: config.json is missing (the server answered with a web page).`);
  }
  let config: object;
  try {
    config = JSON.parse(configText) as object;
  } catch (e) {
    throw new ModelNotFoundError(`${url('config.json')} is not valid JSON (${(e as Error).message}).`);
  }

  report('tokenizer', 'tokenizer.json', 0, null, true);
  const tokenizer = tokenizerFromJSON(await readJSON(url('tokenizer.json'), (p) => report('tokenizer', 'tokenizer.json', p.loadedBytes, p.totalBytes)));
  const training = await readJSON<Record<string, unknown>>(url('training.json')).catch(() => null); // optional

  report('weights', 'model.safetensors', 0, null, true);
  const model = await loadGPT({ config: config as never, weights: url('model.safetensors') }, (p) => {
    if (p.stage === 'done') report('building', 'model.safetensors', p.loadedBytes, p.totalBytes, true);
    else report('weights', 'model.safetensors', p.loadedBytes, p.totalBytes);
  });
  try {
    if (tokenizer.vocabSize > model.config.vocabSize) {
      throw new InputError(`tokenizer.json has ${tokenizer.vocabSize} tokens but the model only ${model.config.vocabSize}: they do not belong together.`);
    }
    // The first forward pass compiles shaders (WebGL) or kernels: pay for it now, not on the first click.
    report('warming-up', 'model.safetensors', 0, null, true);
    await yieldToEvents();
    model.run([0]);
  } catch (e) {
    model.dispose();
    throw e;
  }
  if (job.stopped) {
    model.dispose(); // superseded: the page asked for another model meanwhile
    throw new Error(`Loading "${name}" was cancelled.`);
  }
  const num = (k: string) => (typeof training?.[k] === 'number' ? (training[k] as number) : null);
  const info: ModelInfo = {
    slot: 'embedded',
    name,
    config: model.config,
    parameterCount: model.parameterCount,
    tokenizerKind: tokenizer.kind,
    training: training ? { steps: num('steps'), valLossPerToken: num('val_loss_per_token'), valPerplexity: num('val_perplexity') } : null,
  };
  installModel('embedded', { model, tokenizer, info });
  return info;
}

// ---- generate ----------------------------------------------------------------------

/** How long one slice of decoding may run before the worker checks its messages. */
const SLICE_MS = 200;

/**
 * Greedy decoding with the core's `generate`, run in time slices so that a stop
 * request is seen within ~SLICE_MS. Each slice is given the same context window
 * the one-shot `generate` would hold at that point (the prompt cut to the
 * window; when the window fills, it slides by half), and is kept short enough
 * that it never slides inside the slice — so the tokens match one uninterrupted
 * call (up to rounding: a prefill and token-by-token decoding differ by ~5e-7 in
 * the logits on wasm), with one extra prefill per slice.
 */
async function generateHandler(params: ParamsOf<'generate'>, job: JobContext<EventOf<'generate'>>): Promise<GenerateResult> {
  await engineReady();
  const { model, tokenizer } = modelIn(params.slot);
  if (params.prompt.length === 0) throw new InputError('The prompt is empty: type at least one character.');
  const blockSize = model.config.blockSize;
  const promptIds = tokenizer.encode(params.prompt);
  if (promptIds.length === 0) throw new InputError('The prompt gave no tokens.');
  const notices: string[] = [];
  const piece = (id: number): TokenPiece => ({ id, text: tokenizer.decode([id]) });

  let start = 0; // first token of the context window
  if (promptIds.length > blockSize) {
    start = promptIds.length - blockSize;
    notices.push(`The prompt has ${promptIds.length} tokens; only the last ${blockSize} fit the context window, so the start was cut.`);
  }
  job.emit({ type: 'prompt', tokens: promptIds.map(piece), notices: notices.slice() });

  const tokens = promptIds.slice();
  const generated: number[] = [];
  const t0 = performance.now();
  while (generated.length < params.maxNewTokens && !job.stopped) {
    if (tokens.length - start > blockSize) {
      start = tokens.length - Math.floor(blockSize / 2);
      if (!notices.some((n) => n.includes('slid'))) {
        notices.push(`The context window (${blockSize} tokens) filled up; it slid forward and the oldest tokens were dropped.`);
      }
    }
    const context = tokens.slice(start);
    const sliceEnd = performance.now() + SLICE_MS;
    generate(model, context, {
      maxNewTokens: Math.min(params.maxNewTokens - generated.length, blockSize - context.length + 1),
      useCache: true,
      shouldStop: () => performance.now() > sliceEnd,
      onToken: (id) => {
        job.emit({ type: 'token', index: generated.length, token: piece(id) });
        tokens.push(id);
        generated.push(id);
      },
    });
    await yieldToEvents();
  }
  const seconds = (performance.now() - t0) / 1000;
  return {
    text: tokenizer.decode(generated),
    tokenCount: generated.length,
    stopped: job.stopped,
    notices,
    tokensPerSecond: seconds > 0 ? generated.length / seconds : 0,
  };
}

// ---- train on the user's own text -----------------------------------------------------

/** Text that cannot be trained on: empty, binary, not UTF-8, or too short. Nothing loaded is touched. */
class TrainingInputError extends Error {
  override name = 'TrainingInputError';
}

/** Larger texts are cut: BPE fitting and tokenizing stay within a few seconds. */
const MAX_CHARACTERS = 2_000_000;

async function readTrainingText(source: TrainParams['source']): Promise<{ text: string; truncatedFrom: number | null }> {
  let text: string;
  if (source.kind === 'file') {
    const label = source.file.name ? `The file "${source.file.name}"` : 'The file';
    const bytes = new Uint8Array(await source.file.arrayBuffer());
    if (bytes.length === 0) throw new TrainingInputError(`${label} is empty: choose a file with some text in it.`);
    const head = bytes.subarray(0, 1 << 16);
    if (head.includes(0)) {
      throw new TrainingInputError(`${label} looks like a binary file (it contains zero bytes), not plain text. Choose a .txt file saved as UTF-8.`);
    }
    try {
      text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
    } catch {
      throw new TrainingInputError(`${label} is not UTF-8 text. If it is text, save it as UTF-8 (most editors offer this under "Save as") and try again.`);
    }
    const controls = text.slice(0, 65536).match(/[\u0001-\u0008\u000e-\u001f\u007f]/g)?.length ?? 0;
    if (controls > 0.01 * Math.min(text.length, 65536)) {
      throw new TrainingInputError(`${label} looks like a binary file (many control characters), not plain text.`);
    }
  } else {
    text = source.text;
  }
  if (text.trim().length === 0) throw new TrainingInputError('The text is empty: paste some text or choose a text file.');
  if (text.length > MAX_CHARACTERS) return { text: text.slice(0, MAX_CHARACTERS), truncatedFrom: text.length };
  return { text, truncatedFrom: null };
}

function configFor(size: TrainParams['size'], vocabSize: number): GPTConfig {
  // tiny: ~0.1M parameters, a step in well under a second on wasm; small: the embedded model's shape.
  return size === 'tiny'
    ? makeConfig('playground', { vocabSize, blockSize: 64, nLayer: 2, nHead: 4, nEmbd: 64 })
    : makeConfig('playground', { vocabSize });
}

async function train(params: TrainParams, job: JobContext<EventOf<'train'>>): Promise<TrainResult> {
  await engineReady();
  job.emit({ type: 'status', message: 'Reading the text…' });
  const { text, truncatedFrom } = await readTrainingText(params.source);

  job.emit({ type: 'status', message: params.tokenizer === 'bpe' ? 'Fitting a byte-level BPE tokenizer…' : 'Collecting the characters…' });
  await yieldToEvents();
  const { train: trainText, val: valText } = splitCorpus(text, 0.9);
  let tokenizer: Tokenizer;
  if (params.tokenizer === 'bpe') {
    // Fitted on the training part only: validation text must stay unseen.
    tokenizer = ByteLevelBPE.train(trainText, { vocabSize: params.vocabSize });
  } else {
    // The alphabet comes from the whole text, so no validation character is unknown;
    // a character set says next to nothing about the text's statistics.
    tokenizer = CharTokenizer.fromText(text);
  }
  let trainIds = Int32Array.from(tokenizer.encode(trainText));
  let valIds = Int32Array.from(tokenizer.encode(valText));
  const config = configFor(params.size, tokenizer.vocabSize);
  const { blockSize } = config;
  if (valIds.length < blockSize + 1) {
    // Too short to hold out a window: train on everything and say there is no validation loss.
    trainIds = Int32Array.from(tokenizer.encode(text));
    valIds = new Int32Array(0);
  }
  if (trainIds.length < blockSize + 1) {
    throw new TrainingInputError(
      `The text is too short: ${text.length} characters make ${trainIds.length} tokens, and one training window needs ` +
        `${blockSize + 1} (a context of ${blockSize} tokens plus the next one). Add more text — a few thousand characters at least.`,
    );
  }

  const batchSize = 8;
  const steps = params.steps;
  const model = GPT.create(config, params.seed);
  let trainer: Trainer;
  try {
    trainer = new Trainer(model, trainIds, {
      batchSize,
      blockSize,
      steps,
      learningRate: 2e-3,
      minLearningRate: 2e-4,
      warmupSteps: Math.max(1, Math.min(50, Math.floor(steps / 10))),
      seed: params.seed,
    });
  } catch (e) {
    model.dispose();
    throw e;
  }
  const name = `your text (${params.tokenizer === 'bpe' ? 'BPE' : 'characters'}, ${params.size})`;
  const info: ModelInfo = {
    slot: 'custom',
    name,
    config,
    parameterCount: countParameters(config),
    tokenizerKind: tokenizer.kind,
    training: null,
  };
  // The input passed every check: only now does the new model replace an earlier one trained here.
  installModel('custom', { model, tokenizer, info });
  const summary: PreparedSummary = {
    characters: text.length,
    truncatedFrom,
    tokenizerKind: tokenizer.kind,
    vocabSize: tokenizer.vocabSize,
    trainTokens: trainIds.length,
    valTokens: valIds.length,
    parameterCount: info.parameterCount,
    description: model.describe(),
    batchSize,
    blockSize,
  };
  job.emit({ type: 'prepared', summary, model: info });

  const evalEvery = Math.max(10, Math.round(steps / 20));
  const samplePrompt = Array.from(trainIds.subarray(0, 4));
  let lastEvalStep = -1;
  const evaluate = (step: number) => {
    lastEvalStep = step;
    const valLoss = valIds.length > 0 ? trainer.evaluate(valIds, 2) : null;
    const sample = generate(model, samplePrompt, { maxNewTokens: 48 }).tokens;
    job.emit({ type: 'eval', step, valLoss, sample: tokenizer.decode(sample) });
    return valLoss;
  };
  let lastLoss = NaN;
  let valLoss: number | null = null;
  try {
    evaluate(0);
    await trainer.run({
      shouldStop: () => job.stopped,
      onStep: (s) => {
        lastLoss = s.loss;
        job.emit({ type: 'step', step: s.step, loss: s.loss, learningRate: s.learningRate, ms: s.ms });
        if (s.step % evalEvery === 0) valLoss = evaluate(s.step);
      },
    });
    if (lastEvalStep !== trainer.step) valLoss = evaluate(trainer.step);
  } finally {
    trainer.dispose(); // AdamW moments; the model stays in its slot
  }
  info.training = { steps: trainer.step, valLossPerToken: valLoss, valPerplexity: valLoss === null ? null : Math.exp(valLoss) };
  return { stopped: job.stopped, steps: trainer.step, lastLoss, valLoss, model: info };
}

// ---- the handler table (one entry per method in protocol.ts) ---------------------------

const handlers: { [M in MethodName]: Handler<M> } = {
  init: async ({ backend }) => {
    backendReady ??= startBackend(backend);
    const report = await backendReady;
    backendStarted = true;
    return report;
  },
  loadModel,
  generate: generateHandler,
  train,
};
