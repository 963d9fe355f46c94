// The messages between the page and the engine worker. The worker owns every
// tensor; the page sends calls and receives plain data (numbers, strings,
// typed arrays) — never a tensor.
//
// A call is `{kind: 'call', id, method, params}`; while it runs the worker may
// send any number of `{kind: 'event', id, event}` and ends it with exactly one
// `{kind: 'result', id, result}` or `{kind: 'error', id, error}`. The page can
// send `{kind: 'stop', id}`: long methods check for it between steps and then
// return a result marked `stopped`. After every call the worker also reports
// its tensor memory (`{kind: 'memory'}`), so a leak shows on the page.
//
// To add a method: add an entry to the panel's table (samplingProtocol.ts,
// attentionProtocol.ts, loraProtocol.ts) and a handler of the same name in
// handlers/<panel>.ts; the client's `call` is typed from the combined table.

import type { GPTConfig } from '../model/config.ts';
import type { Notice } from '../sampling/notices.ts';
import type { BackendName, BackendUnavailable, BackendWhy } from './backend.ts';
import type { BackendMeasurement, BackendTiming, BackendVerdict, BestSoFar } from './backendChoice.ts';
import type { ModelSlot, TokenPiece } from './protocolCommon.ts';
import type { SamplingMethods } from './samplingProtocol.ts';
import type { AttentionMethods } from './attentionProtocol.ts';
import type { LoraMethods } from './loraProtocol.ts';
import type { VocabMethods } from './vocabProtocol.ts';
import type { TokenizerKind } from '../tokenizer/tokenizer.ts';
import type { MessageParams } from '../util/codes.ts';

export type { ModelSlot, TokenPiece };

export type BackendRequest = 'auto' | BackendName;

export interface BackendReport {
  backend: BackendName;
  /** Why this backend, in a sentence: the fallback reason when it is not the first choice. */
  reason: string;
  /** Why the first choice was first, by code (the page says it in the reader's language). */
  why: BackendWhy;
  /** Backends tried before this one that could not start, by code: a link's backend=webgpu without WebGPU. */
  unavailable: BackendUnavailable[];
  /** webgpu only: its adapter, and whether it computes on the CPU (SwiftShader). */
  webgpuAdapter?: { name: string; software: boolean };
  /** WebGL's renderer string, when WebGL could be probed ("ANGLE (… SwiftShader …)"). */
  webglRenderer: string | null;
  /** True when that renderer draws in software (SwiftShader, llvmpipe): WebGL without a GPU. */
  webglSoftware: boolean;
  /** wasm only: threads its thread pool runs — more than 1 where the page is cross-origin isolated (COOP/COEP). */
  threads?: number;
  /** What the link's `threads` asked for (every backend: `auto`'s measurement times wasm with it). */
  threadsAsked?: ThreadsRequest;
  /** wasm only: whether the page is cross-origin isolated, and the device's logical cores. */
  isolated?: boolean;
  logicalCores?: number;
  /** The device's GPUs as a measured verdict's key names them (backendChoice.ts, gpuName). */
  gpu?: string;
}

/** The link's `threads` (src/state/schema.ts): `auto` (one per physical core) or a count. */
export type ThreadsRequest = 'auto' | number;

export interface ModelInfo {
  slot: ModelSlot;
  /** A name to show: the embedded folder's, the Hub repo's, a saved model's, or a description of one in training. */
  name: string;
  /** The link's `model` value that loaded it (src/state/modelRef.ts); empty for a model still training. */
  ref: string;
  /** Where the files came from: the network, this browser's download cache, or the browser store / local files. */
  from: 'network' | 'cache' | 'browser' | 'trained';
  /** Set when a downloaded model could not be cached for the next visit, saying why. */
  cacheProblem: string | null;
  /** Bytes of its weights file (model.safetensors). */
  weightBytes: number;
  config: GPTConfig;
  parameterCount: number;
  tokenizerKind: TokenizerKind;
  /** From training.json when the model ships one. */
  training: { steps: number | null; valLossPerToken: number | null; valPerplexity: number | null } | null;
}

// ---- loadModel -------------------------------------------------------------

export type LoadStage = 'config' | 'tokenizer' | 'weights' | 'building' | 'warming-up';

export interface LoadEvent {
  stage: LoadStage;
  /** Bytes of the current file received so far. */
  loadedBytes: number;
  /** Size of the current file, or null when the server did not say. */
  totalBytes: number | null;
  file: string;
}

/** Where a model's files are: a folder by URL, or the files themselves (from the browser store or a file picker). */
export type ModelSource =
  | {
      kind: 'url';
      /** Absolute URL of the model folder, ending in "/" (config.json, model.safetensors, tokenizer.json inside). */
      baseUrl: string;
      /** Keep the files in this browser's download cache and read them from there next time (models from other sites). */
      cache: boolean;
    }
  | { kind: 'files'; files: Record<string, Blob | Uint8Array> };

export interface LoadParams {
  source: ModelSource;
  name: string;
  /** The link's value for this model, returned in ModelInfo.ref. */
  ref: string;
}

// ---- generate --------------------------------------------------------------

export type GenerateEvent =
  | { type: 'prompt'; tokens: TokenPiece[]; notices: Notice[] }
  | { type: 'token'; index: number; token: TokenPiece };

export interface GenerateParams {
  slot: ModelSlot;
  prompt: string;
  maxNewTokens: number;
}

export interface GenerateResult {
  /** The generated text, decoded as a whole (correct across split characters). */
  text: string;
  tokenCount: number;
  stopped: boolean;
  notices: Notice[];
  tokensPerSecond: number;
}

// ---- countTokens -----------------------------------------------------------

export interface CountTokensParams {
  slot: ModelSlot;
  text: string;
}

export interface CountTokensResult {
  /** Tokens the whole text costs under the model's tokenizer (as generate encodes it). */
  tokens: number;
  /** Characters of the Han script (`\p{Script=Han}`: 汉字, kanji, hanja), counted in code points. */
  hanCharacters: number;
  /**
   * Tokens the Han characters cost on their own: each run of consecutive Han
   * characters is encoded alone and the counts summed. A merge across a run's
   * edge (汉字 glued to a neighbouring space or punctuation mark) is not counted,
   * so this can differ from the whole text's count by a token or two per run.
   */
  hanTokens: number;
  /**
   * Positions left for the text: the model's window (blockSize, GPT-2's
   * n_positions) less the virtual tokens of a prompt-learning adapter switched on.
   */
  contextWindow: number;
  /** The model's whole window (blockSize): `blockSize − contextWindow` positions hold virtual tokens. */
  blockSize: number;
  /**
   * Characters this model's vocabulary lacks, which it reads as its unknown token
   * (a character tokenizer with a frequency cut, as the Tang model's): the
   * distinct characters, in order of first appearance, and how many times they
   * occur in all. Empty for tokenizers that can spell every text (byte-level BPE).
   */
  unknown: { characters: string[]; occurrences: number };
}

// ---- train -----------------------------------------------------------------

export type TrainSource = { kind: 'file'; file: Blob & { name?: string } } | { kind: 'text'; text: string };

export interface TrainParams {
  source: TrainSource;
  tokenizer: 'bpe' | 'char';
  /** BPE only: 256 byte tokens plus learned merges. */
  vocabSize: number;
  steps: number;
  size: 'tiny' | 'small';
  seed: number;
  /** Refuse (training-slot-taken) rather than replace a model already in the training slot: a lesson's run must not drop the learner's. */
  keepSlot?: boolean;
}

export interface PreparedSummary {
  characters: number;
  /** Set when the text was cut to the size limit. */
  truncatedFrom: number | null;
  tokenizerKind: TokenizerKind;
  vocabSize: number;
  trainTokens: number;
  /** 0 when the text was too short to hold out a validation part. */
  valTokens: number;
  parameterCount: number;
  description: string;
  batchSize: number;
  blockSize: number;
}

export type TrainEvent =
  | { type: 'status'; message: string }
  /** The input passed every check and the new model sits in the training slot, which no other panel uses. */
  | { type: 'prepared'; summary: PreparedSummary; model: ModelInfo }
  | { type: 'step'; step: number; loss: number; learningRate: number; ms: number }
  | { type: 'eval'; step: number; valLoss: number | null; sample: string };

/** A trained model as a Hugging Face GPT-2 folder's files, for the page to keep. */
export interface TrainedFiles {
  'config.json': string;
  'model.safetensors': Uint8Array;
  'tokenizer.json': string;
}

export interface TrainResult {
  stopped: boolean;
  steps: number;
  lastLoss: number;
  valLoss: number | null;
  model: ModelInfo;
  /** The trained model's files: the worker frees the model once they are written. */
  files: TrainedFiles;
}

// ---- the method table --------------------------------------------------------

/** The shell's methods; each panel declares its own table in <panel>Protocol.ts. */
export interface CoreMethods {
  /** Starts TensorFlow.js on the best backend allowed by the request. Call once, first. */
  init: {
    params: {
      backend: BackendRequest;
      threads?: ThreadsRequest;
      /** `auto`: verdicts the page kept for this browser and model; the one measured on this GPU picks the backend (backendChoice.ts). */
      measured?: BackendVerdict[];
    };
    event: never;
    result: BackendReport;
  };
  /**
   * Times one KV-cached decode step and one small training step of a model of `config`'s shape on every
   * backend that starts but `skip` (backendChoiceMeasure.ts); `best`: figures to beat, to stop a clearly slower one early.
   * Switches the worker's backend: call it on a worker of its own.
   */
  measureBackends: { params: { config: GPTConfig; threads: ThreadsRequest; skip?: BackendName[]; best?: BestSoFar }; event: never; result: BackendMeasurement };
  /** Times the backend this engine runs in place, on the active slot's warm model (backendChoiceMeasure.ts). */
  measureRunningBackend: { params: Record<string, never>; event: never; result: BackendTiming };
  /** Loads a model into the active slot (the one every panel uses), replacing the model there only on success. */
  loadModel: { params: LoadParams; event: LoadEvent; result: ModelInfo };
  /** Greedy continuation of a prompt, one token event at a time. */
  generate: { params: GenerateParams; event: GenerateEvent; result: GenerateResult };
  /** What a text costs in tokens under a slot's tokenizer, and what its 汉字 cost: the prompt box's count. */
  countTokens: { params: CountTokensParams; event: never; result: CountTokensResult };
  /**
   * Fits a tokenizer and trains a small model from scratch on a text, in the training slot; the active
   * model is never touched. Ends with the model's files, and frees it (and everything a failed run made).
   */
  train: { params: TrainParams; event: TrainEvent; result: TrainResult };
}

export interface EngineMethods extends CoreMethods, SamplingMethods, AttentionMethods, LoraMethods, VocabMethods {}

export type MethodName = keyof EngineMethods;
export type ParamsOf<M extends MethodName> = EngineMethods[M]['params'];
export type EventOf<M extends MethodName> = EngineMethods[M]['event'];
export type ResultOf<M extends MethodName> = EngineMethods[M]['result'];

export type CallMessage = { [M in MethodName]: { kind: 'call'; id: number; method: M; params: ParamsOf<M> } }[MethodName];
export type StopMessage = { kind: 'stop'; id: number };
export type ToWorker = CallMessage | StopMessage;

/**
 * An error as plain data: `name` says which kind (InputError, SourceError,
 * TrainingInputError…), `message` says it in English, and `code` with `params`
 * (when the error has them) let the page say it in the reader's language.
 */
export interface EngineErrorData {
  name: string;
  message: string;
  code?: string;
  params?: MessageParams;
}

/** TensorFlow.js memory in the worker, as `tf.memory()` reports it. */
export interface EngineMemory {
  numTensors: number;
  numBytes: number;
}

export type FromWorker =
  | { kind: 'event'; id: number; event: unknown }
  | { kind: 'result'; id: number; result: unknown }
  | { kind: 'error'; id: number; error: EngineErrorData }
  /** Sent after every call ends, unasked: a count that keeps growing is a leak. */
  | { kind: 'memory'; memory: EngineMemory };
