import * as tf from '@tensorflow/tfjs';
import type { GPT } from '../model/gpt.ts';
import type { GPTConfig } from '../model/config.ts';
import { parseSafetensors } from '../io/safetensors.ts';
import { serializeSafetensors } from '../io/safetensorsWrite.ts';
import { type PromptLearningSettings, checkPromptLearning, encoderHiddenSize, promptEmbeddingWidth } from './config.ts';
import { PromptLearningError } from './errors.ts';
import { PromptLearningAdapter } from './adapter.ts';
import { variable } from './layers.ts';

/**
 * PEFT's files for the prompt-learning methods, as PeftModel.save_pretrained
 * writes them (PEFT v0.20.0: peft_model.py save_pretrained,
 * utils/save_and_load.py get_peft_model_state_dict / set_peft_model_state_dict,
 * config.py PeftConfigMixin.save_pretrained):
 *
 * - adapter_model.safetensors holds one tensor, `prompt_embeddings` — no
 *   `base_model.model.` prefix, no adapter name — with metadata {"format": "pt"}.
 *   It is get_prompt_embedding_to_save: the encoder's *output* for the n
 *   virtual tokens, [n·num_transformer_submodules, token_dim] for prompt tuning
 *   and P-tuning, [n, num_layers·2·token_dim] for prefix tuning (with or
 *   without the projection). The encoder's own weights are not saved.
 * - adapter_config.json is every field of the config dataclass
 *   (`asdict`), written by json.dumps(indent=2, sort_keys=True), with
 *   `inference_mode` set to true. Loading puts `prompt_embeddings` into the
 *   embedding table of an inference-mode encoder (no MLP, LSTM or projection),
 *   and PEFT refuses to make a loaded prompt trainable.
 */

/** The PEFT release whose files these are (its config classes' fields and defaults). */
export const PEFT_VERSION = '0.20.0';

export const PROMPT_EMBEDDINGS_KEY = 'prompt_embeddings';

type Json = string | number | boolean | null | Json[] | { [k: string]: Json };

/** Fields PEFT types as float: Python writes them with a decimal point (0.0). */
const FLOAT_FIELDS = new Set(['encoder_dropout']);

/**
 * JSON as Python's json.dumps(obj, indent=2, sort_keys=True) writes it:
 * sorted keys, ", "/": " separators at line ends, non-ASCII escaped as \uXXXX
 * (ensure_ascii), floats with a decimal point. The file then matches PEFT's byte for byte.
 */
export function pythonJSON(value: Json, indent = 0, key = ''): string {
  const pad = ' '.repeat(indent + 2);
  if (value === null) return 'null';
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  if (typeof value === 'number') return FLOAT_FIELDS.has(key) && Number.isInteger(value) ? value.toFixed(1) : String(value);
  if (typeof value === 'string') return JSON.stringify(value).replace(/[\u0080-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
  if (Array.isArray(value)) {
    if (value.length === 0) return '[]';
    return `[\n${value.map((v) => pad + pythonJSON(v, indent + 2)).join(',\n')}\n${' '.repeat(indent)}]`;
  }
  const keys = Object.keys(value).sort();
  if (keys.length === 0) return '{}';
  return `{\n${keys.map((k) => `${pad}${pythonJSON(k)}: ${pythonJSON(value[k], indent + 2, k)}`).join(',\n')}\n${' '.repeat(indent)}}`;
}

export interface PromptFileOptions {
  /** base_model_name_or_path (and, for TEXT init, tokenizer_name_or_path): the base the prompt was trained on. */
  baseModel?: string;
}

/** adapter_config.json's fields for an adapter on `base`, every one PEFT v0.20.0's dataclass has. */
export function promptLearningConfigJSON(s: PromptLearningSettings, base: Pick<GPTConfig, 'nEmbd' | 'nLayer' | 'nHead'>, opts: PromptFileOptions = {}): Record<string, Json> {
  const baseModel = opts.baseModel ?? 'transformer-playground';
  const common: Record<string, Json> = {
    auto_mapping: null,
    base_model_name_or_path: baseModel,
    inference_mode: true,
    modules_to_save: null,
    num_attention_heads: base.nHead,
    num_layers: base.nLayer,
    num_transformer_submodules: 1,
    num_virtual_tokens: s.num_virtual_tokens,
    peft_type: s.peft_type,
    peft_version: PEFT_VERSION,
    revision: null,
    task_type: 'CAUSAL_LM',
    token_dim: base.nEmbd,
  };
  switch (s.peft_type) {
    case 'PROMPT_TUNING':
      return {
        ...common,
        prompt_tuning_init: s.prompt_tuning_init,
        prompt_tuning_init_text: s.prompt_tuning_init_text,
        // PEFT refuses a TEXT config without a tokenizer to read the text with.
        tokenizer_kwargs: null,
        tokenizer_name_or_path: s.prompt_tuning_init === 'TEXT' ? baseModel : null,
      };
    case 'P_TUNING':
      return {
        ...common,
        encoder_dropout: s.encoder_dropout,
        encoder_hidden_size: encoderHiddenSize(s, base),
        encoder_num_layers: s.encoder_num_layers,
        encoder_reparameterization_type: s.encoder_reparameterization_type,
      };
    case 'PREFIX_TUNING':
      return { ...common, encoder_hidden_size: encoderHiddenSize(s, base), init_weights: s.init_weights, prefix_projection: s.prefix_projection };
  }
}

/** adapter_config.json and adapter_model.safetensors for an adapter, as PEFT's save_pretrained writes them. */
export async function exportPromptLearning(adapter: PromptLearningAdapter, opts: PromptFileOptions = {}): Promise<{ config: Record<string, Json>; configText: string; weights: Uint8Array }> {
  const { shape, data } = await adapter.promptEmbeddings();
  const config = promptLearningConfigJSON(adapter.settings, adapter.model.config, opts);
  const weights = serializeSafetensors(new Map([[PROMPT_EMBEDDINGS_KEY, { shape, data }]]), { metadata: { format: 'pt' } });
  return { config, configText: pythonJSON(config), weights };
}

const show = (v: unknown): string => (typeof v === 'string' ? JSON.stringify(v) : JSON.stringify(v) ?? String(v));

function field<T>(c: Record<string, unknown>, name: string, ok: (v: unknown) => v is T, expected: string, fallback?: T): T {
  const v = c[name] === undefined ? fallback : c[name];
  if (!ok(v)) throw new PromptLearningError(`${name} must be ${expected}; got ${show(c[name])}.`, 'bad-config', { field: name, value: show(c[name]), expected });
  return v;
}

const isInt = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v);
const isIntOrNull = (v: unknown): v is number | null => v === null || isInt(v);
const isBool = (v: unknown): v is boolean => typeof v === 'boolean';
const isNum = (v: unknown): v is number => typeof v === 'number';
const isStrOrNull = (v: unknown): v is string | null => v === null || typeof v === 'string';
const oneOf = <T extends string>(...xs: T[]) => (v: unknown): v is T => xs.includes(v as T);

/** Refuses a file made for another base: each mismatch named, with both numbers. */
function checkBase(c: Record<string, unknown>, s: PromptLearningSettings, base: Pick<GPTConfig, 'nEmbd' | 'nLayer' | 'nHead'>): void {
  const tokenDim = field(c, 'token_dim', isIntOrNull, 'a whole number', null);
  if (tokenDim !== null && tokenDim !== base.nEmbd) {
    throw new PromptLearningError(`The prompt was made for a model of width ${tokenDim} (token_dim); this model's is ${base.nEmbd}.`, 'token-dim-mismatch', { file: tokenDim, model: base.nEmbd });
  }
  if (s.peft_type !== 'PREFIX_TUNING') return; // input tokens depend on the width only
  const layers = field(c, 'num_layers', isIntOrNull, 'a whole number', null);
  if (layers !== null && layers !== base.nLayer) {
    throw new PromptLearningError(`The prefix was made for ${layers} layers (num_layers); this model has ${base.nLayer}.`, 'layers-mismatch', { file: layers, model: base.nLayer });
  }
  const heads = field(c, 'num_attention_heads', isIntOrNull, 'a whole number', null);
  if (heads !== null && heads !== base.nHead) {
    throw new PromptLearningError(`The prefix was made for ${heads} attention heads (num_attention_heads); this model has ${base.nHead}.`, 'heads-mismatch', { file: heads, model: base.nHead });
  }
}

/** adapter_config.json as settings for `base`, every field checked before anything is built. */
export function promptLearningSettingsFromPeft(json: unknown, base: Pick<GPTConfig, 'nEmbd' | 'nLayer' | 'nHead' | 'blockSize'>): PromptLearningSettings {
  if (typeof json !== 'object' || json === null || Array.isArray(json)) {
    throw new PromptLearningError('adapter_config.json must be a JSON object.', 'bad-config', { field: 'adapter_config.json', value: show(json), expected: 'a JSON object' });
  }
  const c = json as Record<string, unknown>;
  const type = c.peft_type;
  if (type !== 'PROMPT_TUNING' && type !== 'P_TUNING' && type !== 'PREFIX_TUNING') {
    throw new PromptLearningError(`adapter_config.json has peft_type ${show(type)}; a prompt-learning adapter is PROMPT_TUNING, P_TUNING or PREFIX_TUNING.`, 'unsupported-peft-type', { peftType: show(type) });
  }
  field(c, 'task_type', oneOf('CAUSAL_LM'), '"CAUSAL_LM" (a decoder-only language model)', 'CAUSAL_LM' as const);
  field(c, 'num_transformer_submodules', (v): v is 1 | null => v === 1 || v === null, '1 (one decoder; 2 is for encoder–decoder models)', null);
  const n = field(c, 'num_virtual_tokens', isInt, 'a whole number');
  let s: PromptLearningSettings;
  if (type === 'PROMPT_TUNING') {
    s = {
      peft_type: type,
      num_virtual_tokens: n,
      prompt_tuning_init: field(c, 'prompt_tuning_init', oneOf('RANDOM', 'TEXT'), '"RANDOM" or "TEXT"', 'RANDOM' as const),
      prompt_tuning_init_text: field(c, 'prompt_tuning_init_text', isStrOrNull, 'a text or null', null),
    };
  } else if (type === 'P_TUNING') {
    s = {
      peft_type: type,
      num_virtual_tokens: n,
      encoder_reparameterization_type: field(c, 'encoder_reparameterization_type', oneOf('MLP', 'LSTM'), '"MLP" or "LSTM"', 'MLP' as const),
      encoder_hidden_size: field(c, 'encoder_hidden_size', isIntOrNull, 'a whole number or null', null),
      encoder_num_layers: field(c, 'encoder_num_layers', isInt, 'a whole number', 2),
      encoder_dropout: field(c, 'encoder_dropout', isNum, 'a number', 0),
    };
  } else {
    s = {
      peft_type: type,
      num_virtual_tokens: n,
      prefix_projection: field(c, 'prefix_projection', isBool, 'true or false', false),
      encoder_hidden_size: field(c, 'encoder_hidden_size', isIntOrNull, 'a whole number or null', null),
      init_weights: field(c, 'init_weights', (v): v is 'zero' | null => v === null || v === 'zero', 'null or "zero"', null),
    };
  }
  checkBase(c, s, base);
  checkPromptLearning(s, base);
  return s;
}

/**
 * Reads PEFT's prompt-learning files for `model`: an inference-mode adapter
 * whose virtual tokens are the saved `prompt_embeddings` (detached until the
 * caller enables it). Everything is checked before a variable is made.
 */
export function importPromptLearning(model: GPT, configJSON: unknown, weights: Uint8Array): PromptLearningAdapter {
  const settings = promptLearningSettingsFromPeft(configJSON, model.config);
  const { tensors } = parseSafetensors(weights, { fileName: 'adapter_model.safetensors' });
  const t = tensors.get(PROMPT_EMBEDDINGS_KEY);
  if (!t) throw new PromptLearningError(`The adapter file has no "${PROMPT_EMBEDDINGS_KEY}" tensor.`, 'missing-tensor', { key: PROMPT_EMBEDDINGS_KEY });
  const extra = [...tensors.keys()].find((k) => k !== PROMPT_EMBEDDINGS_KEY);
  if (extra !== undefined) {
    throw new PromptLearningError(`The adapter file holds "${extra}", which a prompt-learning adapter has no place for.`, 'unexpected-tensor', { key: extra });
  }
  const expected = [settings.num_virtual_tokens, promptEmbeddingWidth(settings.peft_type, model.config)];
  if (t.shape.length !== 2 || t.shape[0] !== expected[0] || t.shape[1] !== expected[1]) {
    throw new PromptLearningError(
      `${PROMPT_EMBEDDINGS_KEY} is ${t.shape.join('×')}; this model needs ${expected.join('×')}.`,
      'shape-mismatch',
      { key: PROMPT_EMBEDDINGS_KEY, got: t.shape.join('×'), expected: expected.join('×') },
    );
  }
  const embedding = variable('prompt_encoder.embedding.weight', t.data, expected);
  try {
    return new PromptLearningAdapter(model, settings, embedding, null, true);
  } catch (e) {
    tf.dispose(embedding);
    throw e;
  }
}
