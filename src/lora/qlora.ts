import { GPT } from '../model/gpt.ts';
import type { LoraConfig } from './config.ts';
import { LoraAdapter } from './lora.ts';
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

/** QLoRA: what storing the base in 4 bits saved, and what it cost in loss. */
export interface QloraReport {
  /** Bytes of the adapted models' linear weights in float32 and in NF4 (double-quantised constants included). */
  float32Bytes: number;
  nf4Bytes: number;
  /** RMS change the rounding made to those weights. */
  rmsError: number;
  /** New-text validation loss of the base with no adapter: float32 and NF4-rounded weights. */
  baseLossFloat: number;
  baseLossNf4: number;
  /** The trained adapter's new-text validation loss over the NF4 base (as trained) and over the float32 base. */
  adaptedLossNf4: number;
  adaptedLossFloat: number;
}

/**
 * Training a LoRA adapter the QLoRA way (Dettmers et al. 2023): the adapter
 * trains over an NF4-rounded copy of the base, then its A and B are copied
 * back into the same adapter on the float32 base, where the page uses it.
 *
 *   const run = await QloraRun.start(model, config, continued, seed, loss);
 *   await adapt(run.base.model, data, options, { kind: 'lora', adapter: run.trainee });
 *   await run.copyBack(adapterOnModel);
 *   run.report(...); run.dispose();
 */
export class QloraRun {
  private constructor(
    /** The NF4-rounded copy and what rounding saved. */
    readonly base: QuantizedBase,
    /** The adapter that trains, attached to the copy. */
    readonly trainee: LoraAdapter,
    /** `loss` of the copy with no adapter: what rounding alone cost. */
    readonly baseLossNf4: number,
  ) {}

  /**
   * Rounds `model` into a copy and attaches an adapter to it: `continued`'s
   * values when continuing an adapter of `model`, else a fresh one seeded with
   * `seed`. `loss` measures a model (the caller's validation loss).
   */
  static async start(model: GPT, config: LoraConfig, continued: LoraAdapter | null, seed: number, loss: (m: GPT) => number): Promise<QloraRun> {
    const base = await quantizedCopy(model);
    try {
      const baseLossNf4 = loss(base.model);
      const values = continued ? await continued.values() : null;
      const trainee = values ? LoraAdapter.build(base.model, config, (name) => values.get(name)!) : LoraAdapter.create(base.model, config, seed);
      trainee.enabled = true;
      return new QloraRun(base, trainee, baseLossNf4);
    } catch (e) {
      base.model.dispose();
      throw e;
    }
  }

  /** A zero adapter on the float32 base with the same layers: it receives the trained values. */
  static receiver(model: GPT, config: LoraConfig): LoraAdapter {
    return LoraAdapter.build(model, config, (_n, r, fanIn, fanOut) => ({ a: new Float32Array(r * fanIn), b: new Float32Array(fanOut * r) }));
  }

  /** Copies the trained A and B into `target`, the adapter of the same config on the float32 base. */
  async copyBack(target: LoraAdapter): Promise<void> {
    target.restore(await this.trainee.values());
  }

  report(losses: { baseLossFloat: number; adaptedLossNf4: number; adaptedLossFloat: number }): QloraReport {
    const { float32Bytes, nf4Bytes, rmsError } = this.base;
    return { float32Bytes, nf4Bytes, rmsError, baseLossFloat: losses.baseLossFloat, baseLossNf4: this.baseLossNf4, adaptedLossNf4: losses.adaptedLossNf4, adaptedLossFloat: losses.adaptedLossFloat };
  }

  dispose(): void {
    this.trainee.dispose();
    this.base.model.dispose();
  }
}
