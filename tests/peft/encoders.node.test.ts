// The prompt encoders as PEFT builds them, checked against PyTorch's equations
// written out in plain numbers (nn.Linear y = x·Wᵀ + b; nn.LSTM's gates in the
// order i, f, g, o, bidirectional, h₀ = c₀ = 0), the parameter names and
// counts PEFT reports (its own docs' "trainable params" figures), and TEXT
// initialisation as PromptEmbedding does it.

import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GPT } from '../../src/model/gpt.ts';
import { makeConfig } from '../../src/model/config.ts';
import { trainableParameterCount, type PromptLearningSettings, DEFAULT_P_TUNING, DEFAULT_PREFIX_TUNING, DEFAULT_PROMPT_TUNING } from '../../src/peft/config.ts';
import { createPromptTuning, promptTuningInitIds } from '../../src/peft/promptTuning.ts';
import { createPTuning } from '../../src/peft/pTuning.ts';
import { createPrefixTuning } from '../../src/peft/prefixTuning.ts';
import { PromptLearningError } from '../../src/peft/errors.ts';
import { useBackend } from '../helpers/backend.ts';
import { maxAbsDiff } from '../helpers/fixtures.ts';

type Vals = Map<string, Float32Array>;
const P = 'prompt_encoder.default.';

/** nn.Linear on rows: x·Wᵀ + b, W [out, in]. */
function linear(x: number[][], v: Vals, name: string, fanIn: number): number[][] {
  const w = v.get(`${P}${name}.weight`)!;
  const b = v.get(`${P}${name}.bias`)!;
  return x.map((r) => Array.from(b, (bo, o) => r.reduce((s, xi, i) => s + xi * w[o * fanIn + i], bo)));
}
const relu = (x: number[][]) => x.map((r) => r.map((v) => Math.max(0, v)));
const sigmoid = (z: number) => 1 / (1 + Math.exp(-z));
const rows = (data: Float32Array, cols: number) => Array.from({ length: data.length / cols }, (_, i) => Array.from(data.subarray(i * cols, (i + 1) * cols)));

/** One LSTM direction, PyTorch's equations, index by index. */
function lstmDirection(x: number[][], v: Vals, suffix: string, H: number, reverse: boolean): number[][] {
  const wIh = v.get(`${P}lstm_head.weight_ih${suffix}`)!;
  const wHh = v.get(`${P}lstm_head.weight_hh${suffix}`)!;
  const bIh = v.get(`${P}lstm_head.bias_ih${suffix}`)!;
  const bHh = v.get(`${P}lstm_head.bias_hh${suffix}`)!;
  const inF = x[0].length;
  let h = new Array(H).fill(0);
  let c = new Array(H).fill(0);
  const out: number[][] = new Array(x.length);
  const order = x.map((_, t) => (reverse ? x.length - 1 - t : t));
  for (const t of order) {
    const gate = (k: number, j: number) => {
      const r = k * H + j;
      let z = bIh[r] + bHh[r];
      for (let i = 0; i < inF; i++) z += wIh[r * inF + i] * x[t][i];
      for (let i = 0; i < H; i++) z += wHh[r * H + i] * h[i];
      return z;
    };
    const ig = h.map((_, j) => sigmoid(gate(0, j)));
    const fg = h.map((_, j) => sigmoid(gate(1, j)));
    const gg = h.map((_, j) => Math.tanh(gate(2, j)));
    const og = h.map((_, j) => sigmoid(gate(3, j)));
    c = c.map((cj, j) => fg[j] * cj + ig[j] * gg[j]);
    h = c.map((cj, j) => og[j] * Math.tanh(cj));
    out[t] = h;
  }
  return out;
}

describe('prompt encoders', () => {
  let model: GPT;
  let baseline: number;
  beforeAll(async () => {
    await useBackend('cpu');
    model = GPT.create(makeConfig('nano'), 7); // width 16, 2 layers × 2 heads, window 16
    baseline = tf.memory().numTensors;
  });
  afterAll(() => model.dispose());

  it('P-tuning MLP: Linear(C,H) → ReLU → Linear(H,H) → ReLU → Linear(H,C) on the embedding, under mlp_head.0/2/4', async () => {
    const a = createPTuning(model, { num_virtual_tokens: 3, encoder_hidden_size: 5 }, { seed: 1 });
    const v = await a.values();
    expect([...v.keys()]).toEqual([`${P}embedding.weight`, ...[0, 2, 4].flatMap((i) => [`${P}mlp_head.${i}.weight`, `${P}mlp_head.${i}.bias`])]);
    const e = rows(v.get(`${P}embedding.weight`)!, 16);
    const want = linear(relu(linear(relu(linear(e, v, 'mlp_head.0', 16)), v, 'mlp_head.2', 5)), v, 'mlp_head.4', 5);
    const got = (await a.promptEmbeddings()).data;
    expect(maxAbsDiff(got, want.flat())).toBeLessThan(1e-5);
    a.dispose();
  });

  it("P-tuning LSTM: a two-layer bidirectional LSTM then Linear(2H,2H) → ReLU → Linear(2H,C), as PyTorch's equations give it", async () => {
    const H = 4;
    const a = createPTuning(model, { num_virtual_tokens: 5, encoder_reparameterization_type: 'LSTM', encoder_hidden_size: H }, { seed: 2 });
    const v = await a.values();
    expect(v.get(`${P}lstm_head.weight_ih_l0`)!.length).toBe(4 * H * 16);
    expect(v.get(`${P}lstm_head.weight_ih_l1_reverse`)!.length).toBe(4 * H * 2 * H);
    let x = rows(v.get(`${P}embedding.weight`)!, 16);
    for (const l of [0, 1]) {
      const f = lstmDirection(x, v, `_l${l}`, H, false);
      const b = lstmDirection(x, v, `_l${l}_reverse`, H, true);
      x = f.map((r, t) => [...r, ...b[t]]);
    }
    const want = linear(relu(linear(x, v, 'mlp_head.0', 2 * H)), v, 'mlp_head.2', 2 * H);
    expect(maxAbsDiff((await a.promptEmbeddings()).data, want.flat())).toBeLessThan(1e-5);
    a.dispose();
  });

  it('prefix projection: Embedding(n, C) → Linear(C, H) → Tanh → Linear(H, L·2·C); "zero" zeroes the last layer or the prefix', async () => {
    const a = createPrefixTuning(model, { num_virtual_tokens: 2, prefix_projection: true, encoder_hidden_size: 6 }, { seed: 3 });
    const v = await a.values();
    const e = rows(v.get(`${P}embedding.weight`)!, 16);
    const want = linear(linear(e, v, 'transform.0', 16).map((r) => r.map(Math.tanh)), v, 'transform.2', 6);
    const got = await a.promptEmbeddings();
    expect(got.shape).toEqual([2, 2 * 2 * 16]);
    expect(maxAbsDiff(got.data, want.flat())).toBeLessThan(1e-5);
    a.dispose();
    for (const projection of [true, false]) {
      const z = createPrefixTuning(model, { num_virtual_tokens: 2, prefix_projection: projection, init_weights: 'zero' });
      expect(Math.max(...(await z.promptEmbeddings()).data.map(Math.abs))).toBe(0);
      z.dispose();
    }
  });

  it("counts trainable values as PEFT's docs report them for real models", () => {
    // PromptEncoderConfig(num_virtual_tokens=20, encoder_hidden_size=128) on bloomz-560m (width 1024): 300,288.
    expect(trainableParameterCount({ ...DEFAULT_P_TUNING, num_virtual_tokens: 20, encoder_hidden_size: 128 }, { nEmbd: 1024, nLayer: 24 })).toBe(300_288);
    // PromptTuningConfig with an 8-token init text on bloomz-560m: 8,192.
    expect(trainableParameterCount({ ...DEFAULT_PROMPT_TUNING, num_virtual_tokens: 8 }, { nEmbd: 1024, nLayer: 24 })).toBe(8_192);
    // PREFIX_TUNING, 20 virtual tokens, no projection, on gpt2-large (36 layers, width 1280): 1,843,200.
    expect(trainableParameterCount({ ...DEFAULT_PREFIX_TUNING, num_virtual_tokens: 20 }, { nEmbd: 1280, nLayer: 36 })).toBe(1_843_200);
  });

  it("each built adapter trains exactly the values the count promises, and says so in PEFT's names", () => {
    const variants: [PromptLearningSettings, ReturnType<typeof createPTuning>][] = [];
    const make = <S extends PromptLearningSettings>(s: S, f: (m: GPT, s: S) => ReturnType<typeof createPTuning>) => variants.push([s, f(model, s)]);
    make({ ...DEFAULT_PROMPT_TUNING, num_virtual_tokens: 3 }, createPromptTuning);
    make({ ...DEFAULT_P_TUNING, num_virtual_tokens: 3, encoder_hidden_size: 7 }, createPTuning);
    make({ ...DEFAULT_P_TUNING, num_virtual_tokens: 3, encoder_reparameterization_type: 'LSTM', encoder_hidden_size: 7, encoder_num_layers: 3 }, createPTuning);
    make({ ...DEFAULT_PREFIX_TUNING, num_virtual_tokens: 3 }, createPrefixTuning);
    make({ ...DEFAULT_PREFIX_TUNING, num_virtual_tokens: 3, prefix_projection: true }, createPrefixTuning);
    for (const [s, a] of variants) {
      expect(a.trainableCount, s.peft_type).toBe(trainableParameterCount(s, model.config));
      expect(a.trainableVariables().every(([name]) => name.startsWith(P))).toBe(true);
      a.dispose();
    }
    expect(trainableParameterCount({ ...DEFAULT_PROMPT_TUNING, num_virtual_tokens: 3 }, model.config)).toBe(3 * 16);
    expect(tf.memory().numTensors).toBe(baseline);
  });

  it("TEXT init repeats or cuts the init text's ids to n and copies their word embeddings", async () => {
    expect(promptTuningInitIds([5, 6, 7], 8)).toEqual([5, 6, 7, 5, 6, 7, 5, 6]);
    expect(promptTuningInitIds([5, 6, 7], 2)).toEqual([5, 6]);
    const tokenizer = { encode: (t: string) => Array.from(t, (ch) => ch.charCodeAt(0) - 97) }; // 'a' → 0 …
    const a = createPromptTuning(model, { num_virtual_tokens: 5, prompt_tuning_init: 'TEXT', prompt_tuning_init_text: 'bdc' }, { tokenizer });
    const wte = await model.params.wte.data();
    const want = [1, 3, 2, 1, 3].flatMap((id) => Array.from(wte.subarray(id * 16, (id + 1) * 16)));
    expect(Array.from((await a.promptEmbeddings()).data)).toEqual(want);
    a.dispose();
    expect(() => createPromptTuning(model, { prompt_tuning_init: 'TEXT', prompt_tuning_init_text: 'ab' })).toThrow(PromptLearningError);
    expect(() => createPromptTuning(model, { prompt_tuning_init: 'TEXT' }, { tokenizer })).toThrow(/prompt_tuning_init_text/);
  });

  it('refuses settings PEFT could not build, naming the field', () => {
    expect(() => createPTuning(model, { encoder_reparameterization_type: 'GRU' as 'MLP' })).toThrow(expect.objectContaining({ code: 'bad-config', params: expect.objectContaining({ field: 'encoder_reparameterization_type' }) }));
    expect(() => createPrefixTuning(model, { num_virtual_tokens: 16 })).toThrow(expect.objectContaining({ code: 'too-many-virtual-tokens' }));
    expect(() => createPromptTuning(model, { num_virtual_tokens: 0 })).toThrow(expect.objectContaining({ code: 'bad-config' }));
    expect(tf.memory().numTensors).toBe(baseline);
  });
});
