// The WebGL training pass with its hand-written pieces (src/model/grads.ts) and
// its fused programs (src/model/webgl/trainKernels.ts) against TF.js autodiff
// of the op-by-op model, on WebGL in headless Chromium, on the PyTorch fixture
// model: the same loss, gradients and AdamW update, and nothing leaked.
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { selectBackend } from '../../src/engine/backend.ts';
import { bundledWasmPaths } from '../../src/engine/wasmPaths.ts';
import { loadGPT } from '../../src/io/checkpoint.ts';
import type { GPT } from '../../src/model/gpt.ts';
import { crossEntropy, useHandWrittenGradients, useWebGLTrainPieces, type WebGLTrainPiece } from '../../src/model/ops.ts';
import { AdamW } from '../../src/train/adamw.ts';
import fixtureConfig from '../fixtures/gpt2-tiny/config.json';
import weightsUrl from '../fixtures/gpt2-tiny/model.safetensors?url';

const ALL: WebGLTrainPiece[] = ['layerNorm', 'gelu', 'bias', 'crossEntropy', 'geluKernel', 'adamWKernel'];

/** max |a − b| / max |b|: the error relative to the tensor's scale (elements near zero do not blow it up). */
function relErr(a: Float32Array, b: Float32Array): number {
  expect(a.length).toBe(b.length);
  let diff = 0;
  let scale = 0;
  for (let i = 0; i < a.length; i++) {
    diff = Math.max(diff, Math.abs(a[i] - b[i]));
    scale = Math.max(scale, Math.abs(b[i]));
  }
  return diff / Math.max(scale, 1e-12);
}

/** Runs f and lists the kernels it ran, by name. */
function withKernels<T>(f: () => T): { out: T; kernels: string[] } {
  const engine = tf.engine();
  const runKernel = engine.runKernel;
  const kernels: string[] = [];
  engine.runKernel = function (this: typeof engine, name: string, inputs: tf.NamedTensorMap, attrs?: Record<string, unknown>) {
    kernels.push(name);
    return runKernel.call(this, name, inputs, attrs as never);
  } as typeof engine.runKernel;
  try {
    return { out: f(), kernels };
  } finally {
    engine.runKernel = runKernel;
  }
}

/** Loss and every parameter's gradient on a fixed batch [2, 16], with WebGL's pieces set to `pieces` (null: autodiff of every piece). */
function lossAndGrads(model: GPT, pieces: WebGLTrainPiece[] | null): { loss: number; grads: Map<string, Float32Array>; kernels: string[] } {
  useHandWrittenGradients(pieces !== null);
  useWebGLTrainPieces(pieces ?? []);
  const ids = Array.from({ length: 32 }, (_, i) => (i * 7 + 3) % model.config.vocabSize);
  const targets = Array.from({ length: 32 }, (_, i) => (i * 5 + 1) % model.config.vocabSize);
  const named = model.namedParameters();
  const { out, kernels } = withKernels(() => {
    const { value, grads } = tf.variableGrads(() =>
      crossEntropy(model.forward(tf.tensor2d(ids, [2, 16], 'int32')), tf.tensor1d(targets, 'int32')), named.map(([, v]) => v));
    const result = { loss: value.dataSync()[0], grads: new Map(named.map(([name, v]) => [name, grads[v.name].dataSync() as Float32Array])) };
    tf.dispose([value, grads]);
    return result;
  });
  return { ...out, kernels };
}

describe('the WebGL training pass', () => {
  let model: GPT;
  let defaults: WebGLTrainPiece[];
  beforeAll(async () => {
    await selectBackend(['webgl'], bundledWasmPaths);
    expect(tf.getBackend()).toBe('webgl');
    model = await loadGPT({ config: fixtureConfig as never, weights: weightsUrl });
    defaults = useWebGLTrainPieces([]);
    useWebGLTrainPieces(defaults);
  });

  it('gives autodiff\'s loss and gradients with every hand-written piece and fused program, and leaks nothing', () => {
    lossAndGrads(model, null); // compiles the reference path's programs
    const before = tf.memory().numTensors;
    const reference = lossAndGrads(model, null);
    expect(tf.memory().numTensors).toBe(before);
    for (const pieces of [ALL, defaults]) {
      const fast = lossAndGrads(model, pieces);
      expect(tf.memory().numTensors).toBe(before);
      expect(Math.abs(fast.loss - reference.loss) / reference.loss).toBeLessThan(1e-5);
      for (const [name, g] of reference.grads) expect(relErr(fast.grads.get(name)!, g), name).toBeLessThan(1e-4);
      if (pieces === ALL) {
        expect(fast.kernels).toContain('TrainGeluNew');
        expect(fast.kernels).toContain('TrainGeluNewGrad');
        expect(fast.kernels.length).toBeLessThan(reference.kernels.length);
      }
    }
    useWebGLTrainPieces(defaults);
    useHandWrittenGradients(true);
  });

  it('applies AdamW in three draws per parameter with the op-by-op update\'s numbers', () => {
    const p = tf.variable(tf.randomNormal([6, 10], 0, 1, 'float32', 1));
    const b = tf.variable(tf.randomNormal([10], 0, 1, 'float32', 2));
    const start = [p.dataSync().slice(), b.dataSync().slice()] as Float32Array[];
    const grads = new Map<string, tf.Tensor>([['w', tf.randomNormal([6, 10], 0, 1, 'float32', 3)], ['b', tf.randomNormal([10], 0, 1, 'float32', 4)]]);
    const run = (pieces: WebGLTrainPiece[]) => {
      useWebGLTrainPieces(pieces);
      p.assign(tf.tensor(start[0], [6, 10]));
      b.assign(tf.tensor(start[1], [10]));
      const opt = new AdamW([['w', p], ['b', b]]);
      const base = tf.memory().numTensors;
      const { kernels } = withKernels(() => {
        for (let i = 0; i < 3; i++) opt.apply(grads, 1e-2 * (i + 1));
      });
      expect(tf.memory().numTensors).toBe(base);
      const out = [p.dataSync().slice(), b.dataSync().slice()] as Float32Array[];
      opt.dispose();
      return { out, kernels };
    };
    const reference = run([]);
    const fused = run(['adamWKernel']);
    useWebGLTrainPieces(defaults);
    for (let i = 0; i < 2; i++) expect(relErr(fused.out[i], reference.out[i])).toBeLessThan(1e-5);
    // Three programs per parameter and step where the op-by-op update runs ~14 kernels.
    expect(fused.kernels.filter((k) => k.startsWith('TrainAdamW')).length).toBe(3 * 2 * 3);
    expect(fused.kernels.length).toBeLessThan(reference.kernels.length / 2);
    expect(relErr(fused.out[0], start[0])).toBeGreaterThan(1e-3); // the parameters did move
    tf.dispose([p, b, ...grads.values()]);
  });
});
