// Where one training step (batch 8 × 128, AdamW, the playground model) spends
// its time on WebGL, mode by mode in the same run: the kernels it runs by name,
// their count and time, the draw calls, and the step's time. The browser
// counterpart of ../trainProfile.ts (Node wasm). tf.profile cannot time WebGL
// kernels here (SwiftShader has no timer queries), so each kernel is timed by
// wall clock with the GPU drained after it (gl.finish): the sum is a little
// above an unprofiled step, whose draws overlap the next kernel's JavaScript.
// Used by ./playground.ts on the webgl backend.
import * as tf from '@tensorflow/tfjs';
import type { MathBackendWebGL } from '@tensorflow/tfjs-backend-webgl';
import { useHandWrittenGradients, useWebGLTrainPieces, type WebGLTrainPiece } from '../../src/model/ops.ts';
import type { Trainer } from '../../src/train/trainer.ts';
import { median } from '../timing.ts';

type Log = (line: string) => void;

/** One way of running the step: `apply` sets it up (the switches of src/model/ops.ts). */
export interface TrainMode {
  label: string;
  apply: () => void;
}

/**
 * TF.js autodiff of every piece; wasm's hand-written pieces (src/model/grads.ts);
 * the default less one piece at a time; and last the default (src/model/ops.ts),
 * which the bench leaves in place.
 */
export function webglTrainModes(): TrainMode[] {
  const defaults = useWebGLTrainPieces([]);
  useWebGLTrainPieces(defaults);
  const pieces = (list: WebGLTrainPiece[]) => () => {
    useHandWrittenGradients(true);
    useWebGLTrainPieces(list);
  };
  const without = (p: WebGLTrainPiece) => defaults.filter((d) => d !== p);
  return [
    { label: 'autodiff', apply: pieces([]) },
    { label: "wasm's hand-written pieces (layerNorm, gelu, bias, crossEntropy)", apply: pieces(['layerNorm', 'gelu', 'bias', 'crossEntropy']) },
    ...(['layerNorm', 'bias', 'geluKernel', 'adamWKernel', 'gradNormKernel'] as const).filter((p) => defaults.includes(p)).map((p) => ({ label: `default without ${p}`, apply: pieces(without(p)) })),
    { label: `default (${defaults.join(', ') || 'autodiff'})`, apply: pieces(defaults) },
  ];
}

interface Row { ms: number; n: number }

/** Per kernel name, calls and milliseconds (each kernel's GPU work drained before the clock stops), and the draw calls of one step. */
function profileStep(trainer: Trainer): { kernels: Map<string, Row>; draws: number; ms: number } {
  const backend = tf.backend() as MathBackendWebGL;
  const gpgpu = backend.getGPGPUContext();
  const engine = tf.engine();
  const runKernel = engine.runKernel;
  const draw = gpgpu.executeProgram;
  const kernels = new Map<string, Row>();
  let draws = 0;
  let depth = 0;
  engine.runKernel = function (this: typeof engine, name: string, inputs: tf.NamedTensorMap, attrs?: Record<string, unknown>) {
    if (depth > 0) return runKernel.call(this, name, inputs, attrs as never);
    depth++;
    const t0 = performance.now();
    try {
      const out = runKernel.call(this, name, inputs, attrs as never);
      gpgpu.gl.finish();
      const row = kernels.get(name) ?? { ms: 0, n: 0 };
      row.ms += performance.now() - t0;
      row.n += 1;
      kernels.set(name, row);
      return out;
    } finally {
      depth--;
    }
  } as typeof engine.runKernel;
  gpgpu.executeProgram = function (this: typeof gpgpu) {
    draws++;
    return draw.call(this);
  };
  const t0 = performance.now();
  try {
    trainer.trainStep();
  } finally {
    engine.runKernel = runKernel;
    gpgpu.executeProgram = draw;
  }
  return { kernels, draws, ms: performance.now() - t0 };
}

/** Steps in a row, then the median: the last step's queued work is drained by the next step's read of its loss. */
function stepMs(trainer: Trainer, n: number): number {
  const times = Array.from({ length: n }, () => trainer.trainStep().ms);
  return median(times);
}

/**
 * For each mode: a warm-up step (compiles its shader programs), a profiled
 * step, then the unprofiled step time; modes alternate over `rounds` so that
 * they see the same machine load. Returns the median step ms per mode.
 */
export function profileTrainSteps(trainer: Trainer, modes: TrainMode[], log: Log, rows = 14, rounds = 2): Map<string, number> {
  for (const mode of modes) {
    mode.apply();
    trainer.trainStep();
    const p = profileStep(trainer);
    const kernelCount = [...p.kernels.values()].reduce((s, r) => s + r.n, 0);
    const kernelMs = [...p.kernels.values()].reduce((s, r) => s + r.ms, 0);
    const sorted = [...p.kernels].sort((a, b) => b[1].ms - a[1].ms).slice(0, rows);
    log(`  profiled step [${mode.label}]: ${kernelCount} kernels, ${p.draws} draw calls, ${kernelMs.toFixed(0)} ms in kernels of a ${p.ms.toFixed(0)} ms step — ` +
      sorted.map(([name, r]) => `${name} ${r.n}× ${r.ms.toFixed(0)} ms`).join(', '));
  }
  const times = new Map<string, number[]>(modes.map((m) => [m.label, []]));
  for (let r = 0; r < rounds; r++) {
    for (const mode of modes) {
      mode.apply();
      times.get(mode.label)!.push(stepMs(trainer, 2));
    }
  }
  const out = new Map<string, number>();
  const base = median(times.get(modes[0].label)!);
  for (const mode of modes) {
    const ms = median(times.get(mode.label)!);
    out.set(mode.label, ms);
    log(`  training step [${mode.label}]: ${ms.toFixed(0)} ms = ${(base / ms).toFixed(2)}× the speed of [${modes[0].label}]`);
  }
  return out;
}
