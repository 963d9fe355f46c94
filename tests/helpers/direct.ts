// Attention computed directly in plain JavaScript from the weights, without
// TensorFlow.js: embeddings → ln_1 → Q, K → QKᵀ/√d → mask → softmax, for
// layer 0. An independent reference for the traces the panel draws.

import type { GPT } from '../../src/model/gpt.ts';
import { type MaskMode, canAttend } from '../../src/model/masks.ts';

/** Layer 0's attention weights [head][query][key] for `ids` under `mask`. */
export async function directLayer0(model: GPT, ids: readonly number[], mask: MaskMode): Promise<number[][][]> {
  const { nEmbd: C, nHead, layerNormEps } = model.config;
  const hs = C / nHead;
  const block = model.params.h[0];
  const [wte, wpe, g, b, W, bias] = await Promise.all([
    model.params.wte.data(),
    model.params.wpe.data(),
    block.ln_1.weight.data(),
    block.ln_1.bias.data(),
    block.attn.c_attn.weight.data(), // [C, 3C]
    block.attn.c_attn.bias.data(),
  ]);
  const x = ids.map((id, t) => Array.from({ length: C }, (_, j) => wte[id * C + j] + wpe[t * C + j]));
  const ln = x.map((row) => {
    const mean = row.reduce((s, v) => s + v, 0) / C;
    const variance = row.reduce((s, v) => s + (v - mean) ** 2, 0) / C;
    return row.map((v, j) => ((v - mean) / Math.sqrt(variance + layerNormEps)) * g[j] + b[j]);
  });
  const project = (row: number[], col: number) => row.reduce((s, v, i) => s + v * W[i * 3 * C + col], bias[col]);
  return Array.from({ length: nHead }, (_, h) => {
    const q = ln.map((r) => Array.from({ length: hs }, (_, d) => project(r, h * hs + d)));
    const k = ln.map((r) => Array.from({ length: hs }, (_, d) => project(r, C + h * hs + d)));
    return q.map((qi, i) => {
      const s = k.map((kj, j) => (canAttend(mask, i, j) ? qi.reduce((acc, v, d) => acc + v * kj[d], 0) / Math.sqrt(hs) : -Infinity));
      const m = Math.max(...s);
      const e = s.map((v) => Math.exp(v - m));
      const z = e.reduce((a, c) => a + c, 0);
      return e.map((v) => v / z);
    });
  });
}
