// GPT-2 written out in plain numbers (float64), independent of the TF.js model,
// with the two doors prompt learning uses in Hugging Face transformers'
// GPT2Model.forward: `inputs_embeds` (any rows, position embeddings added at the
// given positions) and `past_key_values` (per layer, keys and values of earlier
// positions that every query attends to). Used to check the model's hook by hand.

import type { NamedArray } from '../../src/model/params.ts';

export interface RefConfig {
  nLayer: number;
  nHead: number;
  nEmbd: number;
  layerNormEps: number;
}

/** Per layer and head, [n][hs] keys and values. */
export type RefPast = { k: number[][][]; v: number[][][] }[];

const row = (a: NamedArray, r: number, cols: number) => Array.from(a.data.subarray(r * cols, (r + 1) * cols));

function layerNorm(x: number[], w: NamedArray, b: NamedArray, eps: number): number[] {
  const mean = x.reduce((s, v) => s + v, 0) / x.length;
  const variance = x.reduce((s, v) => s + (v - mean) ** 2, 0) / x.length;
  return x.map((v, i) => ((v - mean) / Math.sqrt(variance + eps)) * w.data[i] + b.data[i]);
}

/** x·W + b with GPT-2's Conv1D layout W [in, out]. */
function conv1d(x: number[], w: NamedArray, b: NamedArray): number[] {
  const [inF, outF] = w.shape;
  const out = Array.from(b.data);
  for (let i = 0; i < inF; i++) for (let o = 0; o < outF; o++) out[o] += x[i] * w.data[i * outF + o];
  return out;
}

const gelu = (x: number) => 0.5 * x * (1 + Math.tanh(Math.sqrt(2 / Math.PI) * (x + 0.044715 * x ** 3)));

/** The wte row of a token. */
export function wteRow(w: Map<string, NamedArray>, id: number): number[] {
  const wte = w.get('transformer.wte.weight')!;
  return row(wte, id, wte.shape[1]);
}

/**
 * Logits for every row of `inputsEmbeds` (before position embeddings), the
 * rows at `positions`, causal among themselves, every row also attending to
 * all of `past` (when given).
 */
export function referenceLogits(w: Map<string, NamedArray>, c: RefConfig, inputsEmbeds: number[][], positions: number[], past?: RefPast): number[][] {
  const C = c.nEmbd;
  const nh = c.nHead;
  const hs = C / nh;
  const wpe = w.get('transformer.wpe.weight')!;
  const g = (name: string) => w.get(name)!;
  let xs = inputsEmbeds.map((e, i) => e.map((v, j) => v + wpe.data[positions[i] * C + j]));
  for (let l = 0; l < c.nLayer; l++) {
    const p = `transformer.h.${l}`;
    const qkv = xs.map((x) => conv1d(layerNorm(x, g(`${p}.ln_1.weight`), g(`${p}.ln_1.bias`), c.layerNormEps), g(`${p}.attn.c_attn.weight`), g(`${p}.attn.c_attn.bias`)));
    const head = (v: number[], part: number, h: number) => v.slice(part * C + h * hs, part * C + (h + 1) * hs);
    const attended = xs.map((_, i) => {
      const merged: number[] = [];
      for (let h = 0; h < nh; h++) {
        const q = head(qkv[i], 0, h);
        const keys = [...(past?.[l].k[h] ?? []), ...qkv.slice(0, i + 1).map((r) => head(r, 1, h))];
        const values = [...(past?.[l].v[h] ?? []), ...qkv.slice(0, i + 1).map((r) => head(r, 2, h))];
        const scores = keys.map((k) => k.reduce((s, kv, d) => s + kv * q[d], 0) / Math.sqrt(hs));
        const max = Math.max(...scores);
        const e = scores.map((s) => Math.exp(s - max));
        const z = e.reduce((s, v) => s + v, 0);
        for (let d = 0; d < hs; d++) merged.push(values.reduce((s, v, j) => s + (e[j] / z) * v[d], 0));
      }
      return conv1d(merged, g(`${p}.attn.c_proj.weight`), g(`${p}.attn.c_proj.bias`));
    });
    xs = xs.map((x, i) => x.map((v, j) => v + attended[i][j]));
    xs = xs.map((x) => {
      const h = conv1d(layerNorm(x, g(`${p}.ln_2.weight`), g(`${p}.ln_2.bias`), c.layerNormEps), g(`${p}.mlp.c_fc.weight`), g(`${p}.mlp.c_fc.bias`)).map(gelu);
      const m = conv1d(h, g(`${p}.mlp.c_proj.weight`), g(`${p}.mlp.c_proj.bias`));
      return x.map((v, j) => v + m[j]);
    });
  }
  const wte = g('transformer.wte.weight');
  return xs.map((x) => {
    const y = layerNorm(x, g('transformer.ln_f.weight'), g('transformer.ln_f.bias'), c.layerNormEps);
    return Array.from({ length: wte.shape[0] }, (_, t) => y.reduce((s, v, j) => s + v * wte.data[t * C + j], 0));
  });
}

/**
 * A prefix's saved rows [n][L·2·C] as past keys and values, read the way
 * PEFT's get_prompt reads them: view(n, L·2, nh, hs), block 2l the keys and
 * 2l+1 the values of layer l — written out index by index.
 */
export function prefixAsPast(rows: Float32Array, n: number, c: RefConfig): RefPast {
  const nh = c.nHead;
  const hs = c.nEmbd / nh;
  const width = c.nLayer * 2 * c.nEmbd;
  const at = (t: number, block: number, h: number, d: number) => rows[t * width + (block * nh + h) * hs + d];
  return Array.from({ length: c.nLayer }, (_, l) => {
    const part = (block: number) => Array.from({ length: nh }, (_, h) => Array.from({ length: n }, (_, t) => Array.from({ length: hs }, (_, d) => at(t, block, h, d))));
    return { k: part(2 * l), v: part(2 * l + 1) };
  });
}
