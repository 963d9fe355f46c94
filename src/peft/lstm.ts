import * as tf from '@tensorflow/tfjs';
import { matMul2d } from '../model/ops.ts';
import type { Rng } from '../util/random.ts';
import { type Encoder, type NamedVariable, uniform, variable } from './layers.ts';

/**
 * torch.nn.LSTM(input_size, hidden_size, num_layers, dropout, bidirectional=True,
 * batch_first=True) for one sequence, written with differentiable TF.js ops, as
 * PEFT's P-tuning builds it (tuners/p_tuning/model.py, PEFT v0.20.0). PyTorch's
 * equations, gates stacked in the order i, f, g, o in weight_ih_l{k} [4H, in]
 * and weight_hh_l{k} [4H, H], both biases added, h₀ = c₀ = 0:
 *   i = σ(W_ii x + b_ii + W_hi h + b_hi)   f = σ(W_if x + b_if + W_hf h + b_hf)
 *   g = tanh(W_ig x + b_ig + W_hg h + b_hg) o = σ(W_io x + b_io + W_ho h + b_ho)
 *   c' = f⊙c + i⊙g                          h' = o⊙tanh(c')
 * The reverse direction (`_reverse` names) reads the sequence from its end;
 * each position's output is [h_forward, h_backward] (2H), the next layer's
 * input, with dropout between layers while training. Every weight and bias
 * starts U(−1/√H, 1/√H) (LSTM.reset_parameters).
 */
interface Direction {
  wIh: tf.Variable; // [4H, in]
  wHh: tf.Variable; // [4H, H]
  bIh: tf.Variable; // [4H]
  bHh: tf.Variable; // [4H]
}

function runDirection(x: tf.Tensor2D, d: Direction, hidden: number, reverse: boolean): tf.Tensor2D {
  const n = x.shape[0];
  const inputGates = tf.add(tf.add(matMul2d(x, d.wIh as tf.Tensor2D, false, true), d.bIh), d.bHh) as tf.Tensor2D; // [n, 4H]
  let h: tf.Tensor2D = tf.zeros([1, hidden]);
  let c: tf.Tensor2D = tf.zeros([1, hidden]);
  const outputs: tf.Tensor2D[] = new Array(n);
  for (let step = 0; step < n; step++) {
    const t = reverse ? n - 1 - step : step;
    const gates = tf.add(tf.slice(inputGates, [t, 0], [1, 4 * hidden]), matMul2d(h, d.wHh as tf.Tensor2D, false, true)) as tf.Tensor2D; // [1, 4H]
    const [i, f, g, o] = tf.split(gates, 4, 1) as tf.Tensor2D[];
    c = tf.add(tf.mul(tf.sigmoid(f), c), tf.mul(tf.sigmoid(i), tf.tanh(g)));
    h = tf.mul(tf.sigmoid(o), tf.tanh(c));
    outputs[t] = h;
  }
  return tf.concat(outputs, 0); // [n, H]
}

/** A bidirectional multi-layer LSTM over [n, inputSize] → [n, 2·hiddenSize], under nn.LSTM's state-dict names. */
export function bidirectionalLSTM(name: string, inputSize: number, hiddenSize: number, numLayers: number, dropout: number, rng: Rng): Encoder {
  const bound = 1 / Math.sqrt(hiddenSize);
  const variables: NamedVariable[] = [];
  const layers: [Direction, Direction][] = [];
  for (let l = 0; l < numLayers; l++) {
    const fanIn = l === 0 ? inputSize : 2 * hiddenSize;
    const direction = (suffix: string): Direction => {
      const make = (part: string, shape: number[]) => {
        const key = `${name}.${part}_l${l}${suffix}`;
        const v = variable(key, uniform(shape.reduce((a, b) => a * b, 1), bound, rng), shape);
        variables.push([key, v]);
        return v;
      };
      // Declared in nn.LSTM's order: weight_ih, weight_hh, bias_ih, bias_hh.
      return { wIh: make('weight_ih', [4 * hiddenSize, fanIn]), wHh: make('weight_hh', [4 * hiddenSize, hiddenSize]), bIh: make('bias_ih', [4 * hiddenSize]), bHh: make('bias_hh', [4 * hiddenSize]) };
    };
    layers.push([direction(''), direction('_reverse')]);
  }
  return {
    variables,
    forward(x, training) {
      let input = x;
      layers.forEach(([fwd, bwd], l) => {
        if (l > 0 && training && dropout > 0) input = tf.dropout(input, dropout) as tf.Tensor2D;
        input = tf.concat([runDirection(input, fwd, hiddenSize, false), runDirection(input, bwd, hiddenSize, true)], 1); // [n, 2H]
      });
      return input;
    },
  };
}
