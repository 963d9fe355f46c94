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
import { lossAndGradNormFused } from '../../src/model/webgl/trainNorm.ts';
import { AdamW } from '../../src/train/adamw.ts';
import { Trainer } from '../../src/train/trainer.ts';
import fixtureConfig from '../fixtures/gpt2-tiny/config.json';
import weightsUrl from '../fixtures/gpt2-tiny/model.safetensors?url';

const ALL: WebGLTrainPiece[] = ['layerNorm', 'gelu', 'bias', 'crossEntropy', 'geluKernel', 'adamWKernel', 'gradNormKernel'];

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

  it('applies AdamW in three draws per parameter with the op-by-op update\'s numbers', async () => {
    const p = tf.variable(tf.randomNormal([6, 10], 0, 1, 'float32', 1));
    const b = tf.variable(tf.randomNormal([10], 0, 1, 'float32', 2));
    const start = [p.dataSync().slice(), b.dataSync().slice()] as Float32Array[];
    const grads = new Map<string, tf.Tensor>([['w', tf.randomNormal([6, 10], 0, 1, 'float32', 3)], ['b', tf.randomNormal([10], 0, 1, 'float32', 4)]]);
    const run = async (pieces: WebGLTrainPiece[], gradScale = 1) => {
      useWebGLTrainPieces(pieces);
      p.assign(tf.tensor(start[0], [6, 10]));
      b.assign(tf.tensor(start[1], [10]));
      const opt = new AdamW([['w', p], ['b', b]]);
      const base = tf.memory().numTensors;
      const { kernels } = withKernels(() => {
        for (let i = 0; i < 3; i++) opt.apply(grads, 1e-2 * (i + 1), gradScale);
      });
      expect(tf.memory().numTensors).toBe(base);
      const out = [p.dataSync().slice(), b.dataSync().slice()] as Float32Array[];
      const { moments } = await opt.getState();
      opt.dispose();
      return { out, kernels, moments: [moments.get('w')!.m, moments.get('b')!.m] };
    };
    const reference = await run([]);
    const fused = await run(['adamWKernel']);
    // The clip's factor given to apply: inside the fused programs, or a Multiply per gradient op by op.
    const scaledReference = await run([], 0.3);
    const scaledFused = await run(['adamWKernel'], 0.3);
    for (let i = 0; i < 2; i++) expect(relErr(scaledFused.out[i], scaledReference.out[i])).toBeLessThan(1e-5);
    // Adam's step hardly changes with the gradients' scale; its moments do, by the factor.
    for (let i = 0; i < 2; i++) expect(relErr(scaledFused.moments[i], scaledReference.moments[i])).toBeLessThan(1e-5);
    expect(relErr(scaledFused.moments[0], fused.moments[0])).toBeGreaterThan(0.5);
    useWebGLTrainPieces(defaults);
    for (let i = 0; i < 2; i++) expect(relErr(fused.out[i], reference.out[i])).toBeLessThan(1e-5);
    // Three programs per parameter and step where the op-by-op update runs ~14 kernels.
    expect(fused.kernels.filter((k) => k.startsWith('TrainAdamW')).length).toBe(3 * 2 * 3);
    expect(fused.kernels.length).toBeLessThan(reference.kernels.length / 2);
    expect(relErr(fused.out[0], start[0])).toBeGreaterThan(1e-3); // the parameters did move
    tf.dispose([p, b, ...grads.values()]);
  });

  it('computes the loss and global gradient norm in a few draws, odd shapes and many tensors included', () => {
    const shapes = [[7, 5], [3], [1, 9], [16, 8], [130, 3], [2, 2], [5], [9, 1], [257, 6], [4]];
    for (const count of [1, 10, 130]) {
      const grads = Array.from({ length: count }, (_, i) => tf.randomNormal(shapes[i % shapes.length], 0, 1 + (i % 3), 'float32', i));
      // Through a matrix product and a transposed one, so that some inputs are packed as the real gradients are.
      const packed = grads.map((g) => (g.rank === 2 ? tf.matMul(g, tf.eye(g.shape[1]!)) : g));
      const loss = tf.scalar(2.5);
      const base = tf.memory().numTensors;
      const { out, kernels } = withKernels(() => tf.tidy(() => lossAndGradNormFused(loss, packed).dataSync()));
      expect(tf.memory().numTensors).toBe(base);
      const expected = Math.sqrt(grads.reduce((s, g) => s + (g.dataSync() as Float32Array).reduce((a, v) => a + v * v, 0), 0));
      expect(out[0]).toBe(2.5);
      expect(Math.abs(out[1] - expected) / expected).toBeLessThan(1e-5);
      expect(kernels.filter((k) => k === 'TrainSumSquares').length).toBe(Math.ceil(count / 8));
      tf.dispose([...grads, ...packed, loss]);
    }
  });

  it('clips inside the fused AdamW update as the op-by-op clip does, and leaks nothing', async () => {
    const named = model.namedParameters();
    const start = named.map(([, v]) => v.dataSync().slice() as Float32Array);
    const tokens = Array.from({ length: 400 }, (_, i) => (i * 13 + 7) % model.config.vocabSize);
    const run = async (pieces: WebGLTrainPiece[]) => {
      useWebGLTrainPieces(pieces);
      named.forEach(([, v], i) => v.assign(tf.tensor(start[i], v.shape)));
      // A clip far below the norm: every step is scaled.
      const trainer = new Trainer(model, tokens, { batchSize: 2, blockSize: 16, gradClip: 0.05, seed: 3, warmupSteps: 0, learningRate: 1e-2 });
      trainer.trainStep(); // compiles the programs
      const base = tf.memory().numTensors;
      const { out: stats, kernels } = withKernels(() => trainer.trainStep());
      expect(tf.memory().numTensors).toBe(base);
      const { moments } = (await trainer.getState()).optimizer;
      trainer.dispose();
      return { stats, kernels, moments, weights: named.map(([, v]) => v.dataSync().slice() as Float32Array) };
    };
    const opByOp = await run(defaults.filter((p) => p !== 'gradNormKernel' && p !== 'adamWKernel'));
    const fused = await run(defaults);
    named.forEach(([, v], i) => v.assign(tf.tensor(start[i], v.shape)));
    useWebGLTrainPieces(defaults);
    expect(opByOp.stats.gradNorm).toBeGreaterThan(0.05 * 2);
    expect(Math.abs(fused.stats.gradNorm - opByOp.stats.gradNorm) / opByOp.stats.gradNorm).toBeLessThan(1e-5);
    expect(fused.stats.loss).toBeCloseTo(opByOp.stats.loss, 5);
    named.forEach(([name], i) => {
      expect(relErr(fused.weights[i], opByOp.weights[i]), name).toBeLessThan(1e-5);
      expect(relErr(fused.weights[i], start[i]), name).toBeGreaterThan(1e-6); // every weight moved
      // The moments hold the clipped gradients (Adam's step alone would hardly show a missing clip).
      expect(relErr(fused.moments.get(name)!.m, opByOp.moments.get(name)!.m), name).toBeLessThan(1e-4);
    });
    // No Square/Sum per gradient and no Multiply for the clip.
    expect(fused.kernels.filter((k) => k === 'TrainSumSquares').length).toBe(Math.ceil(named.length / 8));
    const count = (run: { kernels: string[] }, name: string) => run.kernels.filter((k) => k === name).length;
    // Op by op a Square per gradient for the norm and one in AdamW; LayerNorm's own squares remain.
    expect(count(fused, 'Square')).toBe(count(opByOp, 'Square') - 2 * named.length);
    expect(fused.kernels.length).toBeLessThan(opByOp.kernels.length - 2 * named.length);
  });
});
