import { GPT } from '../model/gpt.ts';
import { type GPTConfig, validateConfig, ConfigError } from '../model/config.ts';
import { type NamedArray, parameterShapes } from '../model/params.ts';
import { parseSafetensors, type TensorRecord } from './safetensors.ts';
import { serializeSafetensors } from './safetensorsWrite.ts';
import { type ByteSource, type ProgressCallback, readBytes, readJSON } from './source.ts';

/**
 * Checkpoints in Hugging Face's GPT-2 format — `config.json` (GPT2Config) and
 * `model.safetensors` under GPT-2's tensor names — so a model trained here
 * loads in `transformers`, and a real GPT-2 checkpoint loads here.
 */

export type CheckpointErrorCode = 'bad-config' | 'unsupported-config' | 'missing-tensors' | 'unexpected-tensors' | 'shape-mismatch' | 'config-mismatch';

/** A checkpoint whose parts do not fit together. Nothing already loaded is touched. */
export class CheckpointError extends Error {
  override name = 'CheckpointError';
  constructor(readonly code: CheckpointErrorCode, message: string) {
    super(message);
  }
}

/** The subset of Hugging Face's GPT2Config this model reads and writes. */
export interface HFGPT2Config {
  model_type?: string;
  architectures?: string[];
  vocab_size: number;
  n_positions: number;
  n_ctx?: number;
  n_embd: number;
  n_layer: number;
  n_head: number;
  n_inner?: number | null;
  activation_function?: string;
  layer_norm_epsilon?: number;
  initializer_range?: number;
  tie_word_embeddings?: boolean;
  scale_attn_weights?: boolean;
  scale_attn_by_inverse_layer_idx?: boolean;
  [extra: string]: unknown;
}

/** Reads a GPT2Config, refusing the variants this model does not compute. */
export function configFromHF(json: unknown): GPTConfig {
  if (typeof json !== 'object' || json === null || Array.isArray(json)) {
    throw new CheckpointError('bad-config', 'config.json must be a JSON object with GPT-2 fields (vocab_size, n_embd, …).');
  }
  const j = json as Partial<HFGPT2Config>;
  if (j.model_type !== undefined && j.model_type !== 'gpt2') {
    throw new CheckpointError('unsupported-config', `config.json describes a "${j.model_type}" model; only "gpt2" is supported.`);
  }
  for (const k of ['vocab_size', 'n_positions', 'n_embd', 'n_layer', 'n_head'] as const) {
    if (typeof j[k] !== 'number') throw new CheckpointError('bad-config', `config.json lacks a numeric "${k}".`);
  }
  const act = j.activation_function ?? 'gelu_new';
  if (act !== 'gelu_new' && act !== 'gelu_pytorch_tanh') {
    throw new CheckpointError('unsupported-config', `activation_function "${act}" is not supported; this model computes GPT-2's gelu_new (tanh approximation).`);
  }
  if (j.tie_word_embeddings === false) {
    throw new CheckpointError('unsupported-config', 'tie_word_embeddings is false; this model always ties the output head to the token embeddings.');
  }
  if (j.scale_attn_weights === false || j.scale_attn_by_inverse_layer_idx === true) {
    throw new CheckpointError('unsupported-config', 'Only the standard attention scaling 1/√d_head is supported (scale_attn_weights true, scale_attn_by_inverse_layer_idx false).');
  }
  const config: GPTConfig = {
    vocabSize: j.vocab_size!,
    blockSize: j.n_positions!,
    nLayer: j.n_layer!,
    nHead: j.n_head!,
    nEmbd: j.n_embd!,
    nInner: j.n_inner ?? 4 * j.n_embd!,
    layerNormEps: j.layer_norm_epsilon ?? 1e-5,
    initStd: j.initializer_range ?? 0.02,
  };
  try {
    validateConfig(config);
  } catch (e) {
    if (e instanceof ConfigError) throw new CheckpointError('bad-config', `config.json: ${e.message}`);
    throw e;
  }
  return config;
}

export function configToHF(c: GPTConfig): HFGPT2Config {
  return {
    model_type: 'gpt2',
    architectures: ['GPT2LMHeadModel'],
    vocab_size: c.vocabSize,
    n_positions: c.blockSize,
    n_ctx: c.blockSize,
    n_embd: c.nEmbd,
    n_layer: c.nLayer,
    n_head: c.nHead,
    n_inner: c.nInner === 4 * c.nEmbd ? null : c.nInner,
    activation_function: 'gelu_new',
    layer_norm_epsilon: c.layerNormEps,
    initializer_range: c.initStd,
    tie_word_embeddings: true,
    scale_attn_weights: true,
  };
}

/** Buffers some GPT-2 checkpoints carry that are not parameters (the causal mask, its fill value). */
const IGNORED = /(^|\.)attn\.(bias|masked_bias)$/;

function shapeText(s: number[]): string {
  return `[${s.join(', ')}]`;
}

/**
 * Checks a file's tensors against a config and returns them under canonical
 * names. Accepts GPT2LMHeadModel names (`transformer.h.0…`) and GPT2Model names
 * (`h.0…`, as the original `gpt2` repository stores them).
 */
export function weightsFromTensors(config: GPTConfig, tensors: Map<string, TensorRecord>): Map<string, NamedArray> {
  const expected = new Map(parameterShapes(config));
  const found = new Map<string, NamedArray>();
  const unexpected: string[] = [];
  let lmHead: TensorRecord | undefined;
  for (const [raw, t] of tensors) {
    if (IGNORED.test(raw)) continue;
    if (raw === 'lm_head.weight') {
      lmHead = t;
      continue;
    }
    const name = raw.startsWith('transformer.') ? raw : `transformer.${raw}`;
    if (!expected.has(name)) unexpected.push(raw);
    else found.set(name, { shape: t.shape, data: t.data });
  }
  // Mismatched sizes usually mean config.json belongs to another model: say so first.
  const wte = found.get('transformer.wte.weight');
  if (wte && (wte.shape[0] !== config.vocabSize || wte.shape[1] !== config.nEmbd)) {
    throw new CheckpointError('config-mismatch',
      `The weights do not match config.json: transformer.wte.weight is ${shapeText(wte.shape)}, but the config says vocab_size ${config.vocabSize} × n_embd ${config.nEmbd}.`);
  }
  const wpe = found.get('transformer.wpe.weight');
  if (wpe && wpe.shape[0] !== config.blockSize) {
    throw new CheckpointError('config-mismatch',
      `The weights do not match config.json: transformer.wpe.weight has ${wpe.shape[0]} positions, the config says n_positions ${config.blockSize}.`);
  }
  if (unexpected.length) {
    const layers = unexpected.map((n) => /h\.(\d+)\./.exec(n)?.[1]).filter((x): x is string => x !== undefined);
    const hint = layers.length && Math.max(...layers.map(Number)) >= config.nLayer ? ` (the file has more layers than n_layer ${config.nLayer})` : '';
    throw new CheckpointError('unexpected-tensors', `The weight file has tensors this model does not use${hint}: ${unexpected.slice(0, 8).join(', ')}${unexpected.length > 8 ? ', …' : ''}.`);
  }
  const missing = [...expected.keys()].filter((n) => !found.has(n));
  if (missing.length) {
    throw new CheckpointError('missing-tensors', `The weight file lacks ${missing.length} tensor(s): ${missing.slice(0, 8).join(', ')}${missing.length > 8 ? ', …' : ''}.`);
  }
  for (const [name, shape] of expected) {
    const got = found.get(name)!.shape;
    if (got.length !== shape.length || got.some((d, i) => d !== shape[i])) {
      throw new CheckpointError('shape-mismatch', `${name} is ${shapeText(got)} in the file; the config needs ${shapeText(shape)}.`);
    }
  }
  if (lmHead) {
    const w = found.get('transformer.wte.weight')!;
    const same = lmHead.data.length === w.data.length && lmHead.data.every((x, i) => x === w.data[i]);
    if (!same) throw new CheckpointError('unsupported-config', 'lm_head.weight differs from transformer.wte.weight: this model needs a tied output head.');
  }
  return found;
}

export interface CheckpointSource {
  /** config.json: a URL/path/File, or the parsed object. */
  config: ByteSource | HFGPT2Config;
  /** model.safetensors: a URL/path/File/bytes. */
  weights: ByteSource;
}

function isConfigObject(x: unknown): x is HFGPT2Config {
  return typeof x === 'object' && x !== null && !(x instanceof Blob) && !(x instanceof ArrayBuffer) && !ArrayBuffer.isView(x) && !(x instanceof URL) && 'n_embd' in x;
}

/**
 * Loads a checkpoint into a new model. Everything is read and checked before
 * any tensor is created, so a bad file throws and leaves the caller's current
 * model as it was.
 */
export async function loadGPT(source: CheckpointSource, onProgress?: ProgressCallback): Promise<GPT> {
  const configJSON = isConfigObject(source.config) ? source.config : await readJSON(source.config as ByteSource);
  const config = configFromHF(configJSON);
  const bytes = await readBytes(source.weights, onProgress);
  const { tensors } = parseSafetensors(bytes, { fileName: 'model.safetensors' });
  return GPT.fromWeights(config, weightsFromTensors(config, tensors));
}

/** The model as the two files of a Hugging Face checkpoint. F16 halves the size. */
export async function saveGPT(model: GPT, opts: { dtype?: 'F32' | 'F16' } = {}): Promise<{ config: HFGPT2Config; weights: Uint8Array }> {
  const weights = serializeSafetensors(await model.weights(), { dtype: opts.dtype ?? 'F32', metadata: { format: 'pt' } });
  return { config: configToHF(model.config), weights };
}

/** Node only: writes config.json and model.safetensors into a folder. */
export async function saveGPTToDirectory(model: GPT, dir: string, opts: { dtype?: 'F32' | 'F16' } = {}): Promise<void> {
  const fs = await import('node:fs/promises');
  const path = await import('node:path');
  const { config, weights } = await saveGPT(model, opts);
  await fs.mkdir(dir, { recursive: true });
  await fs.writeFile(path.join(dir, 'config.json'), JSON.stringify(config, null, 2) + '\n');
  await fs.writeFile(path.join(dir, 'model.safetensors'), weights);
}
