import * as tf from '@tensorflow/tfjs';
import type { GPT } from '../model/gpt.ts';
import type { Linear } from '../model/params.ts';
import { type AdapterLayer, type AdapterSetProblem, AdapterSet } from './adapterSet.ts';
import { matMul2d } from '../model/ops.ts';
import { Rng } from '../util/random.ts';
import { type LoraConfig, type TargetModule, checkLoraConfig, loraScaling, LoraError } from './config.ts';

/**
 * LoRA (Hu et al. 2021) wrapped around a linear layer as PEFT's
 * tuners/lora/layer.py does: y = x·W + b + dropout(x)·Aᵀ·Bᵀ·scaling, with
 * lora_A [r, in] kaiming-uniform, lora_B [out, r] zeros (so a fresh adapter
 * changes nothing), and only A and B trainable. GPT-2 stores W as [in, out]
 * (fan_in_fan_out), so ΔW in W's layout is (B·A)ᵀ·scaling.
 */
export class LoraLayer implements AdapterLayer {
  training = false;

  constructor(
    readonly name: string, // e.g. transformer.h.0.attn.c_attn
    readonly base: Linear,
    readonly loraA: tf.Variable, // [r, in]
    readonly loraB: tf.Variable, // [out, r]
    readonly scaling: number,
    readonly dropout: number,
  ) {}

  get inFeatures(): number {
    return this.loraA.shape[1] as number;
  }

  get outFeatures(): number {
    return this.loraB.shape[0] as number;
  }

  delta(x: tf.Tensor2D): tf.Tensor2D {
    const input = this.training && this.dropout > 0 ? (tf.dropout(x, this.dropout) as tf.Tensor2D) : x;
    const down = matMul2d(input, this.loraA as tf.Tensor2D, false, true); // [N, r]
    return tf.mul(matMul2d(down, this.loraB as tf.Tensor2D, false, true), this.scaling); // [N, out]
  }

  /** ΔW in GPT-2's [in, out] layout: (B·A)ᵀ·scaling. */
  deltaWeight(): tf.Tensor2D {
    return tf.tidy(() => tf.mul(tf.transpose(matMul2d(this.loraB as tf.Tensor2D, this.loraA as tf.Tensor2D)), this.scaling) as tf.Tensor2D);
  }

  variables(): tf.Variable[] {
    return [this.loraA, this.loraB];
  }
}

function kaimingUniformA(r: number, fanIn: number, rng: Rng): Float32Array {
  // PEFT: nn.init.kaiming_uniform_(lora_A, a=√5) → U(−1/√fan_in, 1/√fan_in).
  const bound = 1 / Math.sqrt(fanIn);
  return Float32Array.from({ length: r * fanIn }, () => (rng.next() * 2 - 1) * bound);
}

let adapterCounter = 0;

/**
 * A set of LoRA layers on one base model. Attached, it adds its update to the
 * forward pass; detached (`enabled = false`), the base model is exactly itself.
 */
export class LoraAdapter extends AdapterSet<LoraLayer> {
  private constructor(model: GPT, readonly config: LoraConfig, layers: LoraLayer[]) {
    super(model, layers);
  }

  protected problem(_kind: AdapterSetProblem, message: string): Error {
    return new LoraError(message);
  }

  /** A fresh adapter: A random (seeded), B zero — the model's outputs are unchanged. */
  static create(model: GPT, config: LoraConfig, seed = 0): LoraAdapter {
    const rng = new Rng(seed);
    return LoraAdapter.build(model, config, (_name, r, fanIn, fanOut) => ({
      a: kaimingUniformA(r, fanIn, rng),
      b: new Float32Array(fanOut * r),
    }));
  }

  /** Builds an adapter with given A and B values (loading a PEFT file, restoring a snapshot). */
  static build(
    model: GPT,
    config: LoraConfig,
    values: (name: string, r: number, fanIn: number, fanOut: number) => { a: Float32Array; b: Float32Array },
  ): LoraAdapter {
    checkLoraConfig(config, model.config);
    const id = ++adapterCounter;
    const scaling = loraScaling(config);
    const specs = targets(model, config);
    // Compute every value first: a throwing `values` must not leave half-built variables.
    const init = specs.map(({ name, linear }) => {
      const [fanIn, fanOut] = linear.weight.shape as [number, number];
      return { name, linear, fanIn, fanOut, ...values(name, config.r, fanIn, fanOut) };
    });
    const layers = init.map(({ name, linear, fanIn, fanOut, a, b }) => {
      const loraA = tf.tidy(() => tf.variable(tf.tensor2d(a, [config.r, fanIn]), true, `lora${id}/${name}.lora_A`));
      const loraB = tf.tidy(() => tf.variable(tf.tensor2d(b, [fanOut, config.r]), true, `lora${id}/${name}.lora_B`));
      return new LoraLayer(name, linear, loraA, loraB, scaling, config.lora_dropout);
    });
    return new LoraAdapter(model, config, layers);
  }

  /** [PEFT-style name, variable] of every trainable tensor: lora_A and lora_B only. */
  trainableVariables(): [string, tf.Variable][] {
    return this.layers.flatMap((l) => [[`${l.name}.lora_A.weight`, l.loraA], [`${l.name}.lora_B.weight`, l.loraB]] as [string, tf.Variable][]);
  }

  /** r·(in + out) per adapted module. */
  get trainableCount(): number {
    return this.layers.reduce((n, l) => n + l.loraA.size + l.loraB.size, 0);
  }

  /** A and B as plain arrays (for charts, snapshots and export). */
  async values(): Promise<Map<string, { a: Float32Array; b: Float32Array; shapeA: number[]; shapeB: number[] }>> {
    const out = new Map<string, { a: Float32Array; b: Float32Array; shapeA: number[]; shapeB: number[] }>();
    for (const l of this.layers) {
      out.set(l.name, { a: (await l.loraA.data()) as Float32Array, b: (await l.loraB.data()) as Float32Array, shapeA: l.loraA.shape, shapeB: l.loraB.shape });
    }
    return out;
  }

  /** Overwrites A and B from a snapshot (e.g. the last good step after a NaN). */
  restore(values: Map<string, { a: Float32Array; b: Float32Array }>): void {
    tf.tidy(() => {
      for (const l of this.layers) {
        const v = values.get(l.name);
        if (!v) throw new LoraError(`The snapshot has no values for ${l.name}.`);
        l.loraA.assign(tf.tensor2d(v.a, l.loraA.shape as [number, number]));
        l.loraB.assign(tf.tensor2d(v.b, l.loraB.shape as [number, number]));
      }
    });
  }
}

/** The linear layers a config adapts, in model order, under GPT-2 names. */
export function targets(model: GPT, config: LoraConfig): { name: string; module: TargetModule; layer: number; linear: Linear }[] {
  const out: { name: string; module: TargetModule; layer: number; linear: Linear }[] = [];
  model.params.h.forEach((block, i) => {
    if (config.layers_to_transform && !config.layers_to_transform.includes(i)) return;
    const modules: Record<TargetModule, Linear> = {
      'attn.c_attn': block.attn.c_attn,
      'attn.c_proj': block.attn.c_proj,
      'mlp.c_fc': block.mlp.c_fc,
      'mlp.c_proj': block.mlp.c_proj,
    };
    for (const m of config.target_modules) out.push({ name: `transformer.h.${i}.${m}`, module: m, layer: i, linear: modules[m] });
  });
  return out;
}
