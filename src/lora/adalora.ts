import * as tf from '@tensorflow/tfjs';
import type { GPT } from '../model/gpt.ts';
import type { Linear } from '../model/params.ts';
import { type AdapterLayer, type AdapterSetProblem, AdapterSet } from './adapterSet.ts';
import { matMul2d } from '../model/ops.ts';
import { Rng } from '../util/random.ts';
import { type AdaLoraConfig, AdaLoraError, adaloraScaling, checkAdaLoraConfig } from './adaloraConfig.ts';
import { targets } from './lora.ts';

/**
 * AdaLoRA's SVD-form update (Zhang et al. 2023) on one linear layer, as PEFT's
 * `tuners/adalora/layer.py` SVDLinear (PEFT 0.18) computes it:
 *   y = x·W + b + (dropout(x) · (A ⊙ E)ᵀ · Bᵀ) · scaling / (ranknum + 1e-5)
 * lora_A [r, in] holds the right singular vectors Q, lora_E [r, 1] the singular
 * values Λ, lora_B [out, r] the left ones P; `ranknum` stays init_r for the whole
 * run (it is not a trained parameter and is not saved), and `scaling` is
 * lora_alpha itself, not alpha / r. Pruning a triplet zeroes its entry of E.
 */
export class SVDLinear implements AdapterLayer {
  training = false;

  constructor(
    readonly name: string, // e.g. transformer.h.0.attn.c_attn
    readonly base: Linear,
    readonly loraA: tf.Variable, // [r, in]
    readonly loraB: tf.Variable, // [out, r]
    readonly loraE: tf.Variable, // [r, 1]
    readonly ranknum: number,
    readonly scaling: number,
    readonly dropout: number,
  ) {}

  get initRank(): number {
    return this.loraA.shape[0] as number;
  }

  get inFeatures(): number {
    return this.loraA.shape[1] as number;
  }

  get outFeatures(): number {
    return this.loraB.shape[0] as number;
  }

  /** scaling / (ranknum + 1e-5), the factor PEFT applies after B·(A ⊙ E). */
  get factor(): number {
    return this.scaling / (this.ranknum + 1e-5);
  }

  delta(x: tf.Tensor2D): tf.Tensor2D {
    const input = this.training && this.dropout > 0 ? (tf.dropout(x, this.dropout) as tf.Tensor2D) : x;
    const ae = tf.mul(this.loraA, this.loraE) as tf.Tensor2D; // [r, in]: row i of Q scaled by λᵢ
    const down = matMul2d(input, ae, false, true); // [N, r]
    return tf.mul(matMul2d(down, this.loraB as tf.Tensor2D, false, true), this.factor); // [N, out]
  }

  /** ΔW in GPT-2's [in, out] layout: (B·(A ⊙ E))ᵀ·scaling/(ranknum + 1e-5) — get_delta_weight with fan_in_fan_out. */
  deltaWeight(): tf.Tensor2D {
    return tf.tidy(() => {
      const ae = tf.mul(this.loraA, this.loraE) as tf.Tensor2D;
      return tf.mul(tf.transpose(matMul2d(this.loraB as tf.Tensor2D, ae)), this.factor) as tf.Tensor2D;
    });
  }

  variables(): tf.Variable[] {
    return [this.loraA, this.loraB, this.loraE];
  }
}

/** The three trained tensors of one layer as plain data (E as [r]). */
export interface SVDValues {
  a: Float32Array;
  b: Float32Array;
  e: Float32Array;
}

let adapterCounter = 0;

/**
 * A set of SVDLinear layers on one base model, with the rank pattern the
 * allocator has reached. Attached, it adds its update to the forward pass;
 * detached, the base model is exactly itself.
 */
export class AdaLoraAdapter extends AdapterSet<SVDLinear> {
  /**
   * Which triplets each matrix keeps, by module name, as PEFT's `rank_pattern`;
   * null until the first allocation (every matrix holds init_r).
   */
  rankPattern: Map<string, boolean[]> | null = null;

  private constructor(model: GPT, readonly config: AdaLoraConfig, layers: SVDLinear[]) {
    super(model, layers);
  }

  protected problem(kind: AdapterSetProblem, message: string, layer?: string): Error {
    return new AdaLoraError(kind, message, layer === undefined ? {} : { name: layer });
  }

  /** PEFT's init (AdaLoraLayer.reset_lora_parameters): A, B ~ N(0, 0.02), E = 0 — the model's outputs are unchanged. */
  static create(model: GPT, config: AdaLoraConfig, seed = 0): AdaLoraAdapter {
    const rng = new Rng(seed);
    return AdaLoraAdapter.build(model, config, (_name, r, fanIn, fanOut) => ({
      a: rng.normalArray(r * fanIn, 0.02),
      b: rng.normalArray(fanOut * r, 0.02),
      e: new Float32Array(r),
    }));
  }

  /** Builds an adapter with given A, B and E (loading a PEFT file, restoring a snapshot). */
  static build(model: GPT, config: AdaLoraConfig, values: (name: string, r: number, fanIn: number, fanOut: number) => SVDValues): AdaLoraAdapter {
    checkAdaLoraConfig(config, model.config);
    const id = ++adapterCounter;
    const r = config.init_r;
    const scaling = adaloraScaling(config);
    // Compute every value first: a throwing `values` must not leave half-built variables.
    const init = targets(model, { ...config, r, use_rslora: false }).map(({ name, linear }) => {
      const [fanIn, fanOut] = linear.weight.shape as [number, number];
      return { name, linear, fanIn, fanOut, ...values(name, r, fanIn, fanOut) };
    });
    const layers = init.map(({ name, linear, fanIn, fanOut, a, b, e }) => {
      const v = (data: Float32Array, shape: [number, number], part: string) =>
        tf.tidy(() => tf.variable(tf.tensor2d(data, shape), true, `adalora${id}/${name}.${part}`));
      return new SVDLinear(name, linear, v(a, [r, fanIn], 'lora_A'), v(b, [fanOut, r], 'lora_B'), v(e, [r, 1], 'lora_E'), r, scaling, config.lora_dropout);
    });
    return new AdaLoraAdapter(model, config, layers);
  }

  /** [name, variable] of every trained tensor: lora_A, lora_B and lora_E (PEFT's parameter names without the adapter name). */
  trainableVariables(): [string, tf.Variable][] {
    return this.layers.flatMap((l) => [[`${l.name}.lora_A`, l.loraA], [`${l.name}.lora_B`, l.loraB], [`${l.name}.lora_E`, l.loraE]] as [string, tf.Variable][]);
  }

  /** init_r·(in + out + 1) per adapted matrix: what trains (and what AdamW keeps moments for). */
  get trainableCount(): number {
    return this.layers.reduce((n, l) => n + l.loraA.size + l.loraB.size + l.loraE.size, 0);
  }

  /** The rank each matrix holds now, by module name: its kept triplets (init_r before any allocation). */
  heldRanks(): Map<string, number> {
    return new Map(this.layers.map((l) => [l.name, this.rankPattern?.get(l.name)?.filter(Boolean).length ?? l.initRank]));
  }

  /** Values the saved adapter holds: rᵢ·(in + out + 1) per matrix after pruning. */
  get heldCount(): number {
    const ranks = this.heldRanks();
    return this.layers.reduce((n, l) => n + ranks.get(l.name)! * (l.inFeatures + l.outFeatures + 1), 0);
  }

  /**
   * AdaLoraModel.forward's regulariser (before orth_reg_weight): the mean over
   * every lora_A and lora_B of ‖P·Pᵀ − I‖_F, with P·Pᵀ = A·Aᵀ [r, r] for A and
   * BᵀB [r, r] for B — it keeps P and Q near-orthogonal, so E acts as singular values.
   */
  orthRegularization(): tf.Scalar {
    return tf.tidy(() => {
      const r = this.config.init_r;
      const eye = tf.eye(r);
      const fro = (cov: tf.Tensor) => tf.sqrt(tf.sum(tf.square(tf.sub(cov, eye))));
      const terms = this.layers.flatMap((l) => [
        fro(matMul2d(l.loraA as tf.Tensor2D, l.loraA as tf.Tensor2D, false, true)),
        fro(matMul2d(l.loraB as tf.Tensor2D, l.loraB as tf.Tensor2D, true, false)),
      ]);
      return tf.div(tf.addN(terms), terms.length) as tf.Scalar;
    });
  }

  /** Zeroes the singular values of every triplet the pattern drops (`masked_fill_` on lora_E). */
  applyRankPattern(pattern: Map<string, boolean[]>): void {
    this.checkAlive();
    tf.tidy(() => {
      for (const l of this.layers) {
        const keep = pattern.get(l.name);
        if (!keep) continue;
        l.loraE.assign(tf.where(tf.tensor2d(keep, [keep.length, 1], 'bool'), l.loraE, tf.zerosLike(l.loraE)));
      }
    });
    this.rankPattern = new Map([...pattern].map(([k, v]) => [k, v.slice()]));
  }

  /** A, B and E as plain arrays, by module name (charts, snapshots, export). */
  async values(): Promise<Map<string, SVDValues>> {
    const out = new Map<string, SVDValues>();
    for (const l of this.layers) {
      out.set(l.name, { a: (await l.loraA.data()) as Float32Array, b: (await l.loraB.data()) as Float32Array, e: (await l.loraE.data()) as Float32Array });
    }
    return out;
  }

  /** The singular values |λᵢ| of each matrix, for a chart of what the allocator keeps. */
  async singularValues(): Promise<Map<string, Float32Array>> {
    const out = new Map<string, Float32Array>();
    for (const l of this.layers) out.set(l.name, ((await l.loraE.data()) as Float32Array).map(Math.abs));
    return out;
  }
}
