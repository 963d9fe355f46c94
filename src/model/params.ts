import * as tf from '@tensorflow/tfjs';
import type { GPTConfig } from './config.ts';
import { Rng } from '../util/random.ts';

/** GPT-2's Conv1D: weight stored [in, out], so y = x·W + b. */
export interface Linear {
  weight: tf.Variable; // [in, out]
  bias: tf.Variable; // [out]
  /** An optional low-rank update added to the output (LoRA), owned by lora/. */
  adapter?: LinearAdapter | null;
}

/** Something that adds ΔW·x to a linear layer's output without touching W. */
export interface LinearAdapter {
  delta(x: tf.Tensor2D): tf.Tensor2D; // [N, in] → [N, out]
}

export interface LayerNormParams {
  weight: tf.Variable; // [nEmbd]  (γ)
  bias: tf.Variable; // [nEmbd]  (β)
}

export interface BlockParams {
  ln_1: LayerNormParams;
  attn: { c_attn: Linear; c_proj: Linear };
  ln_2: LayerNormParams;
  mlp: { c_fc: Linear; c_proj: Linear };
}

export interface GPTParams {
  wte: tf.Variable; // [vocabSize, nEmbd]; also the output head (tied)
  wpe: tf.Variable; // [blockSize, nEmbd]
  h: BlockParams[];
  ln_f: LayerNormParams;
}

/** A weight as plain data: the unit io/ reads and writes. */
export interface NamedArray {
  shape: number[];
  data: Float32Array;
}

/** Every parameter's Hugging Face GPT-2 name and shape, in the model's reading order. */
export function parameterShapes(c: GPTConfig): [string, number[]][] {
  const C = c.nEmbd;
  const out: [string, number[]][] = [
    ['transformer.wte.weight', [c.vocabSize, C]],
    ['transformer.wpe.weight', [c.blockSize, C]],
  ];
  for (let i = 0; i < c.nLayer; i++) {
    const p = `transformer.h.${i}`;
    out.push(
      [`${p}.ln_1.weight`, [C]],
      [`${p}.ln_1.bias`, [C]],
      [`${p}.attn.c_attn.weight`, [C, 3 * C]],
      [`${p}.attn.c_attn.bias`, [3 * C]],
      [`${p}.attn.c_proj.weight`, [C, C]],
      [`${p}.attn.c_proj.bias`, [C]],
      [`${p}.ln_2.weight`, [C]],
      [`${p}.ln_2.bias`, [C]],
      [`${p}.mlp.c_fc.weight`, [C, c.nInner]],
      [`${p}.mlp.c_fc.bias`, [c.nInner]],
      [`${p}.mlp.c_proj.weight`, [c.nInner, C]],
      [`${p}.mlp.c_proj.bias`, [C]],
    );
  }
  out.push(['transformer.ln_f.weight', [C]], ['transformer.ln_f.bias', [C]]);
  return out;
}

/**
 * GPT-2's initialisation: N(0, 0.02) for embeddings and linear weights, with
 * the residual projections (attn.c_proj, mlp.c_proj) scaled by 1/√(2·nLayer) so
 * the residual stream's variance does not grow with depth; zero biases; unit γ.
 * Drawn from a seeded generator in JS so every backend starts from the same weights.
 */
export function initialWeights(c: GPTConfig, seed: number): Map<string, NamedArray> {
  const rng = new Rng(seed);
  const out = new Map<string, NamedArray>();
  const residualStd = c.initStd / Math.sqrt(2 * c.nLayer);
  for (const [name, shape] of parameterShapes(c)) {
    const size = shape.reduce((a, b) => a * b, 1);
    let data: Float32Array;
    if (name.endsWith('.bias')) data = new Float32Array(size);
    else if (/ln_[12f]\.weight$/.test(name)) data = new Float32Array(size).fill(1);
    else if (name.endsWith('c_proj.weight')) data = rng.normalArray(size, residualStd);
    else data = rng.normalArray(size, c.initStd);
    out.set(name, { shape, data });
  }
  return out;
}

// TF.js keeps one global registry of variable names; a counter keeps several models apart.
let modelCounter = 0;

function variable(w: NamedArray, name: string, modelId: number): tf.Variable {
  return tf.tidy(() => tf.variable(tf.tensor(w.data, w.shape, 'float32'), true, `gpt${modelId}/${name}`));
}

/** Builds the variables from named arrays; the caller has checked names and shapes. */
export function buildParams(c: GPTConfig, weights: Map<string, NamedArray>): GPTParams {
  const modelId = ++modelCounter;
  const get = (name: string) => {
    const w = weights.get(name);
    if (!w) throw new Error(`missing weight ${name}`);
    return variable(w, name, modelId);
  };
  const lin = (p: string): Linear => ({ weight: get(`${p}.weight`), bias: get(`${p}.bias`) });
  const h: BlockParams[] = [];
  for (let i = 0; i < c.nLayer; i++) {
    const p = `transformer.h.${i}`;
    h.push({
      ln_1: lin(`${p}.ln_1`),
      attn: { c_attn: lin(`${p}.attn.c_attn`), c_proj: lin(`${p}.attn.c_proj`) },
      ln_2: lin(`${p}.ln_2`),
      mlp: { c_fc: lin(`${p}.mlp.c_fc`), c_proj: lin(`${p}.mlp.c_proj`) },
    });
  }
  return { wte: get('transformer.wte.weight'), wpe: get('transformer.wpe.weight'), h, ln_f: lin('transformer.ln_f') };
}

/** [Hugging Face name, variable] for every parameter, in the order of parameterShapes. */
export function namedParameters(p: GPTParams): [string, tf.Variable][] {
  const out: [string, tf.Variable][] = [
    ['transformer.wte.weight', p.wte],
    ['transformer.wpe.weight', p.wpe],
  ];
  p.h.forEach((b, i) => {
    const pre = `transformer.h.${i}`;
    const add = (n: string, l: Linear | LayerNormParams) => out.push([`${pre}.${n}.weight`, l.weight], [`${pre}.${n}.bias`, l.bias]);
    add('ln_1', b.ln_1);
    add('attn.c_attn', b.attn.c_attn);
    add('attn.c_proj', b.attn.c_proj);
    add('ln_2', b.ln_2);
    add('mlp.c_fc', b.mlp.c_fc);
    add('mlp.c_proj', b.mlp.c_proj);
  });
  out.push(['transformer.ln_f.weight', p.ln_f.weight], ['transformer.ln_f.bias', p.ln_f.bias]);
  return out;
}
