// PEFT's prompt-learning files, built here by hand from PEFT v0.20.0's own code
// (utils/save_and_load.py get_peft_model_state_dict: one tensor,
// "prompt_embeddings", the encoder's output; config.py save_pretrained:
// json.dumps(asdict(config), indent=2, sort_keys=True) with inference_mode
// true; peft_model.py save_pretrained: safetensors metadata {"format": "pt"}),
// read back; our writer produces exactly those bytes; round trips keep the
// logits; files for another base, or broken ones, are refused with codes.

import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadGPT } from '../../src/io/checkpoint.ts';
import type { GPT } from '../../src/model/gpt.ts';
import { WeightFileError } from '../../src/io/errors.ts';
import { createPromptTuning } from '../../src/peft/promptTuning.ts';
import { createPTuning } from '../../src/peft/pTuning.ts';
import { createPrefixTuning } from '../../src/peft/prefixTuning.ts';
import type { PromptLearningAdapter } from '../../src/peft/adapter.ts';
import { exportPromptLearning, importPromptLearning, pythonJSON } from '../../src/peft/promptFiles.ts';
import { useBackend } from '../helpers/backend.ts';
import { fixturePath } from '../helpers/fixtures.ts';

/** A safetensors file written out byte by byte: 8-byte little-endian header length, the header padded with spaces to 8, F32 data. */
function handSafetensors(key: string, shape: number[], data: Float32Array): Uint8Array {
  const n = data.length * 4;
  let header = `{"__metadata__":{"format":"pt"},"${key}":{"dtype":"F32","shape":[${shape.join(',')}],"data_offsets":[0,${n}]}}`;
  while (header.length % 8 !== 0) header += ' ';
  const out = new Uint8Array(8 + header.length + n);
  new DataView(out.buffer).setUint32(0, header.length, true);
  out.set(new TextEncoder().encode(header), 8);
  out.set(new Uint8Array(data.buffer, data.byteOffset, n), 8 + header.length);
  return out;
}

// adapter_config.json as PEFT v0.20.0 writes it for P-tuning on the fixture model (width 32, 2 layers, 4 heads).
const P_TUNING_CONFIG = `{
  "auto_mapping": null,
  "base_model_name_or_path": "gpt2-tiny",
  "encoder_dropout": 0.0,
  "encoder_hidden_size": 32,
  "encoder_num_layers": 2,
  "encoder_reparameterization_type": "MLP",
  "inference_mode": true,
  "modules_to_save": null,
  "num_attention_heads": 4,
  "num_layers": 2,
  "num_transformer_submodules": 1,
  "num_virtual_tokens": 3,
  "peft_type": "P_TUNING",
  "peft_version": "0.20.0",
  "revision": null,
  "task_type": "CAUSAL_LM",
  "token_dim": 32
}`;

const PROMPT_TUNING_TEXT_CONFIG = `{
  "auto_mapping": null,
  "base_model_name_or_path": "gpt2-tiny",
  "inference_mode": true,
  "modules_to_save": null,
  "num_attention_heads": 4,
  "num_layers": 2,
  "num_transformer_submodules": 1,
  "num_virtual_tokens": 4,
  "peft_type": "PROMPT_TUNING",
  "peft_version": "0.20.0",
  "prompt_tuning_init": "TEXT",
  "prompt_tuning_init_text": "\\u5e8a\\u524d",
  "revision": null,
  "task_type": "CAUSAL_LM",
  "token_dim": 32,
  "tokenizer_kwargs": null,
  "tokenizer_name_or_path": "gpt2-tiny"
}`;

const PREFIX_CONFIG = {
  auto_mapping: null,
  base_model_name_or_path: 'gpt2-tiny',
  encoder_hidden_size: 32,
  inference_mode: true,
  init_weights: null,
  modules_to_save: null,
  num_attention_heads: 4,
  num_layers: 2,
  num_transformer_submodules: 1,
  num_virtual_tokens: 2,
  peft_type: 'PREFIX_TUNING',
  peft_version: '0.20.0',
  prefix_projection: false,
  revision: null,
  task_type: 'CAUSAL_LM',
  token_dim: 32,
};

describe("PEFT's prompt-learning files", () => {
  let model: GPT;
  let baseline: number;
  const ids = [4, 9, 33, 2];
  beforeAll(async () => {
    await useBackend('cpu');
    model = await loadGPT({ config: fixturePath('config.json'), weights: fixturePath('model.safetensors') });
    baseline = tf.memory().numTensors;
  });
  afterAll(() => model.dispose());
  const logitsWith = (a: PromptLearningAdapter) => {
    a.enabled = true;
    const out = model.run(ids, { allLogits: true }).logits!.data;
    a.enabled = false;
    return out;
  };

  it('writes adapter_config.json as PEFT does, byte for byte (Python json.dumps: sorted, indent 2, 0.0, \\u escapes)', async () => {
    const p = createPTuning(model, { num_virtual_tokens: 3 }, { seed: 1 });
    expect((await exportPromptLearning(p, { baseModel: 'gpt2-tiny' })).configText).toBe(P_TUNING_CONFIG);
    p.dispose();
    const tokenizer = { encode: (t: string) => Array.from(t, (ch) => ch.charCodeAt(0) % 48) };
    const t = createPromptTuning(model, { num_virtual_tokens: 4, prompt_tuning_init: 'TEXT', prompt_tuning_init_text: '床前' }, { tokenizer });
    const out = await exportPromptLearning(t, { baseModel: 'gpt2-tiny' });
    expect(out.configText).toBe(PROMPT_TUNING_TEXT_CONFIG);
    expect(JSON.parse(out.configText)).toEqual(out.config);
    t.dispose();
    expect(pythonJSON({ b: [1, 'é'], a: {} })).toBe('{\n  "a": {},\n  "b": [\n    1,\n    "\\u00e9"\n  ]\n}');
  });

  it('writes adapter_model.safetensors as one "prompt_embeddings" tensor — the encoder output — exactly as built by hand', async () => {
    const adapters: [PromptLearningAdapter, number[]][] = [
      [createPromptTuning(model, { num_virtual_tokens: 3 }), [3, 32]],
      [createPTuning(model, { num_virtual_tokens: 3, encoder_reparameterization_type: 'LSTM', encoder_hidden_size: 5 }), [3, 32]],
      [createPrefixTuning(model, { num_virtual_tokens: 2 }), [2, 2 * 2 * 32]],
      [createPrefixTuning(model, { num_virtual_tokens: 2, prefix_projection: true, encoder_hidden_size: 8 }), [2, 2 * 2 * 32]],
    ];
    for (const [a, shape] of adapters) {
      const { shape: got, data } = await a.promptEmbeddings();
      expect(got).toEqual(shape);
      expect((await exportPromptLearning(a)).weights).toEqual(handSafetensors('prompt_embeddings', shape, data));
      a.dispose();
    }
  });

  it('reads hand-built files: the virtual tokens are the saved rows, in inference mode, and re-export gives the same files', async () => {
    const rows = Float32Array.from({ length: 2 * 128 }, (_, i) => Math.sin(i) * 0.5);
    const bytes = handSafetensors('prompt_embeddings', [2, 128], rows);
    const a = importPromptLearning(model, PREFIX_CONFIG, bytes);
    expect(a.peftType).toBe('PREFIX_TUNING');
    expect(a.enabled).toBe(false);
    expect(Array.from((await a.promptEmbeddings()).data)).toEqual(Array.from(rows));
    expect(a.trainableVariables()).toEqual([]); // PEFT: a loaded prompt is not trainable
    const again = await exportPromptLearning(a, { baseModel: 'gpt2-tiny' });
    expect(again.config).toEqual(PREFIX_CONFIG);
    expect(again.weights).toEqual(bytes);
    a.dispose();
    const p = importPromptLearning(model, JSON.parse(P_TUNING_CONFIG), handSafetensors('prompt_embeddings', [3, 32], new Float32Array(96).fill(0.25)));
    expect((await exportPromptLearning(p, { baseModel: 'gpt2-tiny' })).configText).toBe(P_TUNING_CONFIG);
    p.dispose();
  });

  it('round trip: an exported adapter, read back, gives the same logits (bitwise)', async () => {
    for (const a of [
      createPromptTuning(model, { num_virtual_tokens: 3 }, { seed: 2 }),
      createPTuning(model, { num_virtual_tokens: 2, encoder_hidden_size: 6 }, { seed: 3 }),
      createPrefixTuning(model, { num_virtual_tokens: 3, prefix_projection: true, encoder_hidden_size: 6 }, { seed: 4 }),
    ]) {
      const before = logitsWith(a);
      const { config, weights } = await exportPromptLearning(a);
      const back = importPromptLearning(model, JSON.parse(JSON.stringify(config)), weights);
      expect(Array.from(logitsWith(back))).toEqual(Array.from(before));
      back.dispose();
      a.dispose();
    }
    expect(tf.memory().numTensors).toBe(baseline);
  });

  it('refuses files for another base and broken files, with a code naming what is wrong, and builds nothing', () => {
    const good = handSafetensors('prompt_embeddings', [2, 128], new Float32Array(256));
    const refuse = (config: object, bytes: Uint8Array, code: string) =>
      expect(() => importPromptLearning(model, config, bytes)).toThrow(expect.objectContaining({ name: 'PromptLearningError', code }));
    refuse({ ...PREFIX_CONFIG, token_dim: 768 }, good, 'token-dim-mismatch');
    refuse({ ...PREFIX_CONFIG, num_layers: 12 }, good, 'layers-mismatch');
    refuse({ ...PREFIX_CONFIG, num_attention_heads: 12 }, good, 'heads-mismatch');
    refuse({ ...PREFIX_CONFIG, peft_type: 'LORA' }, good, 'unsupported-peft-type');
    refuse({ ...PREFIX_CONFIG, num_transformer_submodules: 2 }, good, 'bad-config');
    refuse({ ...PREFIX_CONFIG, prefix_projection: 'yes' }, good, 'bad-config');
    refuse({ ...PREFIX_CONFIG, num_virtual_tokens: 40 }, handSafetensors('prompt_embeddings', [40, 128], new Float32Array(40 * 128)), 'too-many-virtual-tokens');
    refuse(PREFIX_CONFIG, handSafetensors('prompt_embedding', [2, 128], new Float32Array(256)), 'missing-tensor');
    refuse(PREFIX_CONFIG, handSafetensors('prompt_embeddings', [2, 64], new Float32Array(128)), 'shape-mismatch');
    refuse({ ...PREFIX_CONFIG, peft_type: 'PROMPT_TUNING' }, good, 'shape-mismatch'); // a prefix's rows are not input tokens
    // A second tensor besides prompt_embeddings (a header written by hand: two tensors, sorted by name).
    const header = '{"__metadata__":{"format":"pt"},"base_model.model.transformer.wte.weight":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},"prompt_embeddings":{"dtype":"F32","shape":[2,128],"data_offsets":[4,1028]}}';
    const padded = header + ' '.repeat((8 - (header.length % 8)) % 8);
    const bytes = new Uint8Array(8 + padded.length + 1028);
    new DataView(bytes.buffer).setUint32(0, padded.length, true);
    bytes.set(new TextEncoder().encode(padded), 8);
    refuse(PREFIX_CONFIG, bytes, 'unexpected-tensor');
    expect(() => importPromptLearning(model, PREFIX_CONFIG, good.slice(0, 40))).toThrow(WeightFileError);
    expect(tf.memory().numTensors).toBe(baseline);
  });
});
