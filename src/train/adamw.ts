import * as tf from '@tensorflow/tfjs';
import { webglKernel } from '../model/ops.ts';
import { adamWUpdateFused } from '../model/webgl/trainKernels.ts';

/**
 * AdamW (Loshchilov & Hutter), with PyTorch's semantics: the weight decay is
 * decoupled from the gradient — p ← p·(1 − lr·λ) − lr·m̂/(√v̂ + ε) — and applies
 * only to matrices (weights, embeddings), never to biases or LayerNorm gains,
 * as nanoGPT's configure_optimizers does. TF.js ships Adam without decoupled
 * decay, hence this small optimizer; its state is plain named tensors so a
 * checkpoint can save and restore it.
 */
export interface AdamWSettings {
  beta1: number;
  beta2: number;
  eps: number;
  weightDecay: number;
}

export const DEFAULT_ADAMW: AdamWSettings = { beta1: 0.9, beta2: 0.99, eps: 1e-8, weightDecay: 0.1 };

export interface AdamWState {
  step: number;
  /** First and second moments per parameter name: exp_avg and exp_avg_sq in PyTorch. */
  moments: Map<string, { m: Float32Array; v: Float32Array }>;
}

export class AdamW {
  private m = new Map<string, tf.Variable>();
  private v = new Map<string, tf.Variable>();
  /** Number of updates applied so far (t in the bias corrections). */
  step = 0;

  constructor(
    private readonly vars: [string, tf.Variable][],
    readonly settings: AdamWSettings = DEFAULT_ADAMW,
  ) {
    for (const [name, p] of vars) {
      // tidy frees the zeros; the variable keeps its own reference to the data.
      this.m.set(name, tf.tidy(() => tf.variable(tf.zerosLike(p), false)));
      this.v.set(name, tf.tidy(() => tf.variable(tf.zerosLike(p), false)));
    }
  }

  /**
   * Applies one update. `grads` are already clipped; `lr` comes from the schedule.
   * The step's constants are made once as scalars: a plain number in tf.mul
   * becomes a new scalar tensor on every call, a write into the backend (on
   * wasm, a heap allocation) — ~10 per parameter, more work than the small
   * parameters' arithmetic. The bias corrections are folded into two scalars,
   * p ← p·(1 − lr·λ) − (lr/bc1)·m / (√(v·(1/bc2)) + ε): PyTorch's update, to float rounding.
   * `gradScale` multiplies every gradient first (the trainer's clip): on WebGL
   * inside the fused programs, elsewhere as a Multiply per gradient.
   */
  apply(grads: Map<string, tf.Tensor>, lr: number, gradScale = 1): void {
    const { beta1, beta2, eps, weightDecay } = this.settings;
    this.step += 1;
    const bc1 = 1 - Math.pow(beta1, this.step);
    const bc2 = 1 - Math.pow(beta2, this.step);
    tf.tidy(() => {
      const [b1, oneMinusB1, b2, oneMinusB2, invBc2, epsilon, stepSize, decay] = [
        beta1, 1 - beta1, beta2, 1 - beta2, 1 / bc2, eps, lr / bc1, 1 - lr * weightDecay,
      ].map((x) => tf.scalar(x));
      const fused = webglKernel('adamWKernel');
      const constants = { b1: beta1, oneMinusB1: 1 - beta1, b2: beta2, oneMinusB2: 1 - beta2, invBc2: 1 / bc2, epsilon: eps, stepSize: lr / bc1, gradScale };
      const scale = gradScale === 1 || fused ? null : tf.scalar(gradScale);
      for (const [name, p] of this.vars) {
        const given = grads.get(name);
        if (!given) continue;
        const g = scale ? tf.mul(given, scale) : given;
        const m = this.m.get(name)!;
        const v = this.v.get(name)!;
        if (fused) {
          // On WebGL three draws (model/webgl/trainKernels.ts) where the ops below run ~14 kernels: the same formulas.
          const next = adamWUpdateFused(p, m, v, g, constants, p.rank >= 2 && weightDecay > 0 ? 1 - lr * weightDecay : 1);
          m.assign(next.m);
          v.assign(next.v);
          p.assign(next.p);
          continue;
        }
        const mNew = tf.add(tf.mul(m, b1), tf.mul(g, oneMinusB1));
        const vNew = tf.add(tf.mul(v, b2), tf.mul(tf.square(g), oneMinusB2));
        m.assign(mNew);
        v.assign(vNew);
        const update = tf.div(mNew, tf.add(tf.sqrt(tf.mul(vNew, invBc2)), epsilon)); // m̂/(√v̂ + ε)·bc1
        const decayed = p.rank >= 2 && weightDecay > 0 ? tf.mul(p, decay) : p;
        p.assign(tf.sub(decayed, tf.mul(update, stepSize)));
      }
    });
  }

  /** Bytes of optimizer state (two float32 moments per trainable value). */
  get stateBytes(): number {
    let n = 0;
    for (const t of this.m.values()) n += t.size;
    return n * 2 * 4;
  }

  async getState(): Promise<AdamWState> {
    const moments = new Map<string, { m: Float32Array; v: Float32Array }>();
    for (const [name] of this.vars) {
      moments.set(name, { m: (await this.m.get(name)!.data()) as Float32Array, v: (await this.v.get(name)!.data()) as Float32Array });
    }
    return { step: this.step, moments };
  }

  setState(state: AdamWState): void {
    for (const [name, p] of this.vars) {
      const s = state.moments.get(name);
      if (!s) throw new Error(`optimizer state has no moments for ${name}`);
      if (s.m.length !== p.size || s.v.length !== p.size) {
        throw new Error(`optimizer state for ${name} has ${s.m.length} values, the parameter has ${p.size}`);
      }
    }
    tf.tidy(() => {
      for (const [name, p] of this.vars) {
        const s = state.moments.get(name)!;
        this.m.get(name)!.assign(tf.tensor(s.m, p.shape));
        this.v.get(name)!.assign(tf.tensor(s.v, p.shape));
      }
    });
    this.step = state.step;
  }

  dispose(): void {
    for (const t of this.m.values()) t.dispose();
    for (const t of this.v.values()) t.dispose();
    this.m.clear();
    this.v.clear();
  }
}
