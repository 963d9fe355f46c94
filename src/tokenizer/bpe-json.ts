// Reading and writing Hugging Face `tokenizer.json` files for byte-level BPE:
// the format GPT-2, RoBERTa and everything trained with the `tokenizers` library
// ship, so a tokenizer trained here loads in Python or transformers.js and back.

import type { ByteLevelOptions } from './byte-level.ts';
import { TokenizerJSONError } from './tokenizer.ts';

/** An added token: matched whole in the input before pre-tokenization, never merged. */
export interface AddedToken {
  id: number;
  content: string;
  /** Special tokens (`<|endoftext|>`) mark structure rather than text. */
  special: boolean;
}

/** Everything that defines a byte-level BPE tokenizer, in tokenizer.json's own terms. */
export interface ByteLevelBPEModel {
  /** Token strings by id: byte-level spelling ("Ġthe") or, for added tokens, their content. */
  vocab: readonly string[];
  /** Merges in rank order: lower ranks are applied first. */
  merges: ReadonlyArray<readonly [string, string]>;
  addedTokens: readonly AddedToken[];
  byteLevel: ByteLevelOptions;
  /** Llama-3 style: a word already in the vocabulary is emitted whole, skipping merges. */
  ignoreMerges: boolean;
}

type ByteLevelComponent = { type: 'ByteLevel'; add_prefix_space: boolean; trim_offsets: boolean; use_regex: boolean };

/** The tokenizer.json subset we write; field names are the file format's. */
export interface HFTokenizerJSON {
  version: '1.0';
  truncation: null;
  padding: null;
  added_tokens: Array<{
    id: number;
    content: string;
    single_word: boolean;
    lstrip: boolean;
    rstrip: boolean;
    normalized: boolean;
    special: boolean;
  }>;
  normalizer: null;
  pre_tokenizer: ByteLevelComponent;
  post_processor: ByteLevelComponent;
  decoder: ByteLevelComponent;
  model: {
    type: 'BPE';
    dropout: null;
    unk_token: null;
    continuing_subword_prefix: null;
    end_of_word_suffix: null;
    fuse_unk: boolean;
    byte_fallback: boolean;
    ignore_merges: boolean;
    vocab: Record<string, number>;
    merges: Array<[string, string]>;
  };
}

export function bpeModelToJSON(model: ByteLevelBPEModel): HFTokenizerJSON {
  const vocab: Record<string, number> = {};
  model.vocab.forEach((token, id) => { vocab[token] = id; });
  return {
    version: '1.0',
    truncation: null,
    padding: null,
    added_tokens: model.addedTokens.map((t) => ({
      id: t.id,
      content: t.content,
      single_word: false,
      lstrip: false,
      rstrip: false,
      // No normalizer runs, so this only records that the content is matched as written.
      normalized: false,
      special: t.special,
    })),
    normalizer: null,
    pre_tokenizer: {
      type: 'ByteLevel',
      add_prefix_space: model.byteLevel.addPrefixSpace,
      trim_offsets: true,
      use_regex: model.byteLevel.useRegex,
    },
    // GPT-2's own post-processor and decoder settings; neither changes ids or text,
    // only character offsets, which we do not report.
    post_processor: { type: 'ByteLevel', add_prefix_space: true, trim_offsets: false, use_regex: true },
    decoder: { type: 'ByteLevel', add_prefix_space: true, trim_offsets: true, use_regex: true },
    model: {
      type: 'BPE',
      dropout: null,
      unk_token: null,
      continuing_subword_prefix: null,
      end_of_word_suffix: null,
      fuse_unk: false,
      byte_fallback: false,
      ignore_merges: model.ignoreMerges,
      vocab,
      // The newer pair format (tokenizers ≥ 0.20); fromJSON also reads GPT-2's "a b".
      merges: model.merges.map(([a, b]) => [a, b]),
    },
  };
}

type JSONObject = Record<string, unknown>;

const isObject = (x: unknown): x is JSONObject => typeof x === 'object' && x !== null && !Array.isArray(x);

const describe = (x: unknown) =>
  x === null ? 'null' : Array.isArray(x) ? 'an array' : typeof x === 'string' ? JSON.stringify(x) : typeof x;

function fail(message: string): never {
  throw new TokenizerJSONError(`tokenizer.json: ${message}`);
}

function optionalBoolean(obj: JSONObject, key: string, where: string, fallback: boolean): boolean {
  const value = obj[key];
  if (value === undefined || value === null) return fallback;
  if (typeof value !== 'boolean') fail(`${where}.${key} should be true or false, not ${describe(value)}`);
  return value;
}

/** A component we cannot run must be absent: silently skipping it would give other ids. */
function requireByteLevel(obj: JSONObject, key: 'pre_tokenizer' | 'decoder' | 'post_processor', allowNull: boolean) {
  const component = obj[key];
  if ((component === null || component === undefined) && allowNull) return null;
  if (!isObject(component)) fail(`${key} should be a ByteLevel ${key.replace('_', '-')}, not ${describe(component)}`);
  if (component.type !== 'ByteLevel') {
    fail(`${key} of type ${describe(component.type)} is not supported: only byte-level BPE (type "ByteLevel") can be loaded`);
  }
  return component;
}

function readMerge(merge: unknown, rank: number): [string, string] {
  if (typeof merge === 'string') {
    // GPT-2's merges.txt line format; byte-level tokens never contain a space.
    const parts = merge.split(' ');
    if (parts.length !== 2 || parts[0] === '' || parts[1] === '') {
      fail(`model.merges[${rank}] = ${JSON.stringify(merge)} should be two tokens separated by one space`);
    }
    return [parts[0], parts[1]];
  }
  if (Array.isArray(merge) && merge.length === 2 && typeof merge[0] === 'string' && typeof merge[1] === 'string') {
    return [merge[0], merge[1]];
  }
  fail(`model.merges[${rank}] should be "left right" or ["left", "right"], not ${JSON.stringify(merge)}`);
}

/** Validates a tokenizer.json object (ours or GPT-2's) and extracts the model. */
export function bpeModelFromJSON(obj: unknown): ByteLevelBPEModel {
  if (!isObject(obj)) fail(`expected a JSON object, got ${describe(obj)}`);
  const model = obj.model;
  if (!isObject(model)) fail(`"model" should be an object, not ${describe(model)}`);
  // GPT-2's file predates the "type" field; a vocab with merges is a BPE model.
  if (model.type !== undefined && model.type !== 'BPE') {
    fail(`model type ${describe(model.type)} is not supported: only byte-level BPE ("BPE") can be loaded`);
  }
  if (obj.normalizer !== null && obj.normalizer !== undefined) {
    const type = isObject(obj.normalizer) ? describe(obj.normalizer.type) : describe(obj.normalizer);
    fail(`normalizers are not supported (found ${type}); byte-level BPE files such as GPT-2's have "normalizer": null`);
  }
  const preTokenizer = requireByteLevel(obj, 'pre_tokenizer', false) as JSONObject;
  requireByteLevel(obj, 'decoder', false);
  requireByteLevel(obj, 'post_processor', true);
  for (const key of ['continuing_subword_prefix', 'end_of_word_suffix'] as const) {
    const value = model[key];
    if (value !== undefined && value !== null && value !== '') {
      fail(`model.${key} = ${JSON.stringify(value)} is not supported by byte-level BPE`);
    }
  }
  if (typeof model.dropout === 'number' && model.dropout > 0) fail('BPE dropout is not supported');

  if (!isObject(model.vocab)) fail(`model.vocab should map token strings to ids, not ${describe(model.vocab)}`);
  if (!Array.isArray(model.merges)) fail(`model.merges should be an array, not ${describe(model.merges)}`);
  const addedJSON = obj.added_tokens ?? [];
  if (!Array.isArray(addedJSON)) fail(`added_tokens should be an array, not ${describe(addedJSON)}`);

  const byId = new Map<number, string>();
  const setId = (id: unknown, token: string, where: string) => {
    if (typeof id !== 'number' || !Number.isInteger(id) || id < 0) fail(`${where} should be a non-negative integer id, not ${describe(id)}`);
    const existing = byId.get(id);
    if (existing !== undefined && existing !== token) {
      fail(`id ${id} is given to both ${JSON.stringify(existing)} and ${JSON.stringify(token)}`);
    }
    byId.set(id, token);
  };
  for (const [token, id] of Object.entries(model.vocab)) setId(id, token, `model.vocab[${JSON.stringify(token)}]`);

  const addedTokens: AddedToken[] = addedJSON.map((t: unknown, i: number) => {
    const where = `added_tokens[${i}]`;
    if (!isObject(t) || typeof t.content !== 'string') fail(`${where} should be an object with a string "content"`);
    for (const flag of ['single_word', 'lstrip', 'rstrip'] as const) {
      if (optionalBoolean(t, flag, where, false)) fail(`${where} (${JSON.stringify(t.content)}) uses ${flag}, which is not supported`);
    }
    setId(t.id, t.content, `${where}.id`);
    return { id: t.id as number, content: t.content, special: optionalBoolean(t, 'special', where, false) };
  });

  // Ids index the model's embedding rows, so they must be exactly 0..n-1.
  const vocab: string[] = new Array(byId.size);
  for (const [id, token] of byId) {
    if (id >= byId.size) fail(`ids should run from 0 to ${byId.size - 1} without gaps, but ${JSON.stringify(token)} has id ${id}`);
    vocab[id] = token;
  }

  return {
    vocab,
    merges: model.merges.map(readMerge),
    addedTokens,
    byteLevel: {
      // The Rust library always writes these; the defaults follow transformers.js.
      addPrefixSpace: optionalBoolean(preTokenizer, 'add_prefix_space', 'pre_tokenizer', false),
      useRegex: optionalBoolean(preTokenizer, 'use_regex', 'pre_tokenizer', true),
    },
    ignoreMerges: optionalBoolean(model, 'ignore_merges', 'model', false),
  };
}
