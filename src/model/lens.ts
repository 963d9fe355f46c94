import * as tf from '@tensorflow/tfjs';
import type { GPT } from './gpt.ts';
import type { ForwardTrace, Matrix } from './trace.ts';
import { layerNorm, matMul2d, tidyRead } from './ops.ts';
import { softmax } from '../util/softmax.ts';

/**
 * The "logit lens" (nostalgebraist, 2020): read the residual stream after each
 * block through the model's own final LayerNorm and output head, as if the
 * model stopped there. Early layers guess roughly; later ones sharpen.
 */
export interface LensGuess {
  id: number;
  prob: number;
}

/** Logits the final LayerNorm + tied head give for any residual-stream rows: [rows, vocab]. */
export function readOut(model: GPT, hidden: Matrix): Matrix {
  const { vocabSize, layerNormEps } = model.config;
  const data = tidyRead(() => {
    const x = tf.tensor2d(hidden.data, [hidden.rows, hidden.cols]);
    const p = model.params.ln_f;
    const h = layerNorm(x, p.weight as tf.Tensor1D, p.bias as tf.Tensor1D, layerNormEps);
    return matMul2d(h, model.params.wte as tf.Tensor2D, false, true).dataSync() as Float32Array;
  });
  return { rows: hidden.rows, cols: vocabSize, data };
}

/**
 * Top-k next-token guesses at one position after the embeddings (layer 0) and
 * after each block (layers 1…nLayer). The last row equals the model's output.
 */
export function logitLens(model: GPT, trace: ForwardTrace, position: number, k = 5): LensGuess[][] {
  const stages = [trace.embeddings, ...trace.layers.map((l) => l.hidden)];
  return stages.map((m) => {
    const row: Matrix = { rows: 1, cols: m.cols, data: m.data.slice(position * m.cols, (position + 1) * m.cols) };
    const probs = softmax(readOut(model, row).data);
    return Array.from(probs.keys()).sort((a, b) => probs[b] - probs[a]).slice(0, k).map((id) => ({ id, prob: probs[id] }));
  });
}
