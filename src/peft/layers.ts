import * as tf from '@tensorflow/tfjs';
import { matMul2d } from '../model/ops.ts';
import type { Rng } from '../util/random.ts';

/**
 * The small PyTorch modules PEFT's prompt encoders are made of, with
 * PyTorch's layouts and default initialisations, so that their parameters
 * carry PEFT's names and shapes: nn.Linear (weight [out, in]), nn.Embedding,
 * nn.LSTM (lstm.ts).
 */

/** A named trainable tensor, as a state dict names it (e.g. `mlp_head.0.weight`). */
export type NamedVariable = [string, tf.Variable];

let counter = 0;

/** A variable named uniquely in TF.js's registry (`peft<k>/<name>`), built from plain values. */
export function variable(name: string, values: Float32Array, shape: number[]): tf.Variable {
  const id = ++counter;
  return tf.tidy(() => tf.variable(tf.tensor(values, shape), true, `peft${id}/${name}`));
}

/** U(−bound, bound) draws. */
export function uniform(n: number, bound: number, rng: Rng): Float32Array {
  return Float32Array.from({ length: n }, () => (rng.next() * 2 - 1) * bound);
}

/** nn.Embedding's default initialisation: N(0, 1). */
export function standardNormal(n: number, rng: Rng): Float32Array {
  return rng.normalArray(n, 1);
}

/** nn.Linear: y = x·Wᵀ + b, W [out, in]. */
export interface Linear {
  weight: tf.Variable; // [out, in]
  bias: tf.Variable; // [out]
}

/**
 * nn.Linear's default initialisation (reset_parameters): kaiming_uniform(a=√5)
 * on the weight, which is U(−1/√in, 1/√in), and the bias U(−1/√in, 1/√in).
 * `zero` starts both at zero (PEFT's init_weights="zero" on a prefix projection's last layer).
 */
export function createLinear(name: string, fanIn: number, fanOut: number, rng: Rng, zero = false): { linear: Linear; named: NamedVariable[] } {
  const bound = 1 / Math.sqrt(fanIn);
  const w = zero ? new Float32Array(fanOut * fanIn) : uniform(fanOut * fanIn, bound, rng);
  const b = zero ? new Float32Array(fanOut) : uniform(fanOut, bound, rng);
  const linear = { weight: variable(`${name}.weight`, w, [fanOut, fanIn]), bias: variable(`${name}.bias`, b, [fanOut]) };
  return { linear, named: [[`${name}.weight`, linear.weight], [`${name}.bias`, linear.bias]] };
}

export function applyLinear(x: tf.Tensor2D, l: Linear): tf.Tensor2D {
  return tf.add(matMul2d(x, l.weight as tf.Tensor2D, false, true), l.bias); // [N, out]
}

/** An encoder from [n, in] to [n, out], and the variables it trains. */
export interface Encoder {
  forward(x: tf.Tensor2D, training: boolean): tf.Tensor2D;
  readonly variables: NamedVariable[];
}

/**
 * nn.Sequential of Linear layers with an activation between each pair, as
 * PEFT writes its MLP heads; the state-dict indices count the activations too
 * (`mlp_head.0`, `mlp_head.2`, `mlp_head.4`).
 */
export function sequentialMLP(
  name: string,
  sizes: number[],
  activation: (x: tf.Tensor2D) => tf.Tensor2D,
  rng: Rng,
  opts: { zeroLast?: boolean } = {},
): Encoder {
  const layers: Linear[] = [];
  const variables: NamedVariable[] = [];
  for (let i = 0; i + 1 < sizes.length; i++) {
    const last = i + 2 === sizes.length;
    const { linear, named } = createLinear(`${name}.${2 * i}`, sizes[i], sizes[i + 1], rng, last && opts.zeroLast);
    layers.push(linear);
    variables.push(...named);
  }
  return {
    variables,
    forward(x) {
      let h = x;
      layers.forEach((l, i) => {
        h = applyLinear(h, l);
        if (i + 1 < layers.length) h = activation(h);
      });
      return h;
    },
  };
}

export const relu = (x: tf.Tensor2D): tf.Tensor2D => tf.relu(x);
export const tanh = (x: tf.Tensor2D): tf.Tensor2D => tf.tanh(x);
