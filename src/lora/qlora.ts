import { GPT } from '../model/gpt.ts';
import { dequantizeNF4, nf4Bytes, quantizeNF4 } from './nf4.ts';

/** Which weights QLoRA stores in 4 bits: the linear layers' matrices (embeddings, biases and norms stay). */
const QUANTIZED = /\.(attn\.c_attn|attn\.c_proj|mlp\.c_fc|mlp\.c_proj)\.weight$/;

export interface QuantizedBase {
  /** A model whose linear weights are the NF4-rounded values (what QLoRA computes with). */
  model: GPT;
  /** Bytes of the linear weights in float32, and in NF4 with double quantisation. */
  float32Bytes: number;
  nf4Bytes: number;
  /** Root-mean-square change the rounding made to those weights. */
  rmsError: number;
}

/**
 * A copy of `model` with its linear weights rounded through NF4 (block 64,
 * double quantisation), for training a QLoRA adapter on top. The computation
 * dequantises to float32, as QLoRA computes in bf16 after dequantising; what it
 * saves is storage, which the returned byte counts show.
 */
export async function quantizedCopy(model: GPT): Promise<QuantizedBase> {
  const weights = await model.weights();
  let f32 = 0;
  let q4 = 0;
  let sq = 0;
  let n = 0;
  for (const [name, w] of weights) {
    if (!QUANTIZED.test(name)) continue;
    const q = quantizeNF4(w.data, { doubleQuant: true });
    const back = dequantizeNF4(q);
    for (let i = 0; i < back.length; i++) sq += (back[i] - w.data[i]) ** 2;
    n += back.length;
    f32 += w.data.length * 4;
    q4 += nf4Bytes(q);
    weights.set(name, { shape: w.shape, data: back });
  }
  return { model: GPT.fromWeights(model.config, weights), float32Bytes: f32, nf4Bytes: q4, rmsError: Math.sqrt(sq / Math.max(1, n)) };
}
