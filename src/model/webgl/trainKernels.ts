import * as tf from '@tensorflow/tfjs';
import type { GPGPUProgram, MathBackendWebGL } from '@tensorflow/tfjs-backend-webgl';

/**
 * WebGL programs for the training pass, each one draw where TF.js runs a chain
 * of elementwise kernels. On SwiftShader every kernel costs a draw's fixed
 * price and a full pass over its operands' textures, so a chain of eight
 * multiplies and adds over a [1024, 512] activation costs eight passes where
 * one would do (bench/browser/trainProfile.ts measures it).
 *
 * - gelu_new forward and backward, as grads.ts writes them (x·σ(2u) and its
 *   derivative), the backward recomputing σ(2u) from x rather than saving it.
 * - AdamW's update of one parameter (src/train/adamw.ts): the new first and
 *   second moments and the new parameter, three draws instead of ~14 kernels,
 *   the gradient clip's factor applied inside (no Multiply per gradient).
 *
 * The formulas are grads.ts's and adamw.ts's, operation by operation, in
 * float32; tests/model/trainKernels.browser.test.ts checks them against the
 * op-by-op path. Every program reads and writes TF.js's packed textures (four
 * values per texel, as the backend's own elementwise kernels do), so no
 * layout conversion is drawn between them and the matrix products.
 */

/** An elementwise program over same-shape packed inputs; constants that change between calls are float uniforms (no recompile). */
class ElementwiseProgram implements GPGPUProgram {
  readonly packedInputs = true;
  readonly packedOutput = true;
  readonly outputShape: number[];
  readonly userCode: string;
  readonly customUniforms: { name: string; type: 'float' }[];

  constructor(readonly variableNames: string[], shape: number[], uniforms: string[], body: string) {
    this.outputShape = shape;
    this.customUniforms = uniforms.map((name) => ({ name, type: 'float' }));
    const reads = variableNames.map((n) => `vec4 ${n} = get${n[0].toUpperCase()}${n.slice(1)}AtOutCoords();`).join('\n        ');
    this.userCode = `
      vec4 sigmoid4(vec4 z) { return 1.0 / (1.0 + exp(-1.0 * z)); }
      void main() {
        ${reads}
        ${body}
      }`;
  }
}

const GELU_C = Math.sqrt(2 / Math.PI);
const GELU_A = 0.044715;

/** The programs by kernel name: inputs, uniforms, and the body that ends in setOutput. */
const PROGRAMS = {
  // grads.ts geluNewSigmoid: s = σ(x·(x²·A + 1)·2C), y = x·s.
  TrainGeluNew: {
    inputs: ['x'],
    uniforms: ['geluA', 'twoC'],
    body: `vec4 s = sigmoid4(x * (x * x * geluA + 1.0) * twoC);
        setOutput(x * s);`,
  },
  // dx = dy·(s + x·s·(1 − s)·(x²·3A + 1)·2C).
  TrainGeluNewGrad: {
    inputs: ['x', 'dy'],
    uniforms: ['geluA', 'twoC'],
    body: `vec4 s = sigmoid4(x * (x * x * geluA + 1.0) * twoC);
        vec4 du = (x * x * (3.0 * geluA) + 1.0) * twoC;
        vec4 ds = s * (1.0 - s) * du;
        setOutput(dy * (s + x * ds));`,
  },
  // adamw.ts: m ← m·β1 + g·(1 − β1), with g the clipped gradient g·gradScale (trainer.ts's clip).
  TrainAdamWFirstMoment: {
    inputs: ['m', 'g'],
    uniforms: ['b1', 'oneMinusB1', 'gradScale'],
    body: `setOutput(m * b1 + (g * gradScale) * oneMinusB1);`,
  },
  // v ← v·β2 + g²·(1 − β2), g clipped as above.
  TrainAdamWSecondMoment: {
    inputs: ['v', 'g'],
    uniforms: ['b2', 'oneMinusB2', 'gradScale'],
    body: `vec4 gc = g * gradScale;
        setOutput(v * b2 + (gc * gc) * oneMinusB2);`,
  },
  // p ← p·decay − (m / (√(v·(1/bc2)) + ε))·(lr/bc1), on the new moments.
  TrainAdamWParameter: {
    inputs: ['p', 'm', 'v'],
    uniforms: ['invBc2', 'epsilon', 'stepSize', 'decay'],
    body: `vec4 update = m / (sqrt(v * invBc2) + epsilon);
        setOutput(p * decay - update * stepSize);`,
  },
} as const;

type KernelName = keyof typeof PROGRAMS;

let registered = false;

/** Registers the programs as webgl kernels (once; a second copy of this module finds them there). */
function registerTrainKernels(): void {
  if (registered) return;
  for (const [name, spec] of Object.entries(PROGRAMS) as [KernelName, (typeof PROGRAMS)[KernelName]][]) {
    if (tf.getKernel(name, 'webgl')) continue;
    tf.registerKernel({
      kernelName: name,
      backendName: 'webgl',
      kernelFunc: ({ inputs, backend, attrs }) => {
        const ordered = spec.inputs.map((n) => inputs[n]!);
        const program = new ElementwiseProgram([...spec.inputs], ordered[0].shape, [...spec.uniforms], spec.body);
        const values = spec.uniforms.map((u) => [(attrs as Record<string, number>)[u]]);
        return (backend as MathBackendWebGL).compileAndRun(program, ordered, 'float32', values);
      },
    });
  }
  registered = true;
}

function run(name: KernelName, inputs: Record<string, tf.Tensor>, attrs: Record<string, number>): tf.Tensor {
  registerTrainKernels();
  return tf.engine().runKernel(name, inputs, attrs) as tf.Tensor;
}

/** Whether the training kernels here can run: the active backend is webgl. */
export function trainKernelsAvailable(): boolean {
  return tf.getBackend() === 'webgl';
}

const GELU_ATTRS = { geluA: GELU_A, twoC: 2 * GELU_C };

/** gelu_new(x) = x·σ(2u) in one draw, its gradient in one more (grads.ts's formulas). */
export const geluNewFused = tf.customGrad(((x: tf.Tensor, save: tf.GradSaveFunc) => {
  save([x]);
  return {
    value: run('TrainGeluNew', { x }, GELU_ATTRS),
    gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => [run('TrainGeluNewGrad', { x: saved[0], dy }, GELU_ATTRS)],
  };
}) as unknown as Parameters<typeof tf.customGrad>[0]) as unknown as (x: tf.Tensor) => tf.Tensor;

/** AdamW's constants for one step, shared by every parameter (adamw.ts makes them). */
export interface AdamWStepConstants {
  b1: number;
  oneMinusB1: number;
  b2: number;
  oneMinusB2: number;
  invBc2: number;
  epsilon: number;
  stepSize: number;
  /** The gradient clip's factor, min(1, clip/‖g‖): the clipped gradient is never made as a tensor. */
  gradScale: number;
}

/** One parameter's AdamW update in three draws: the new moments and the new parameter (the caller assigns them). */
export function adamWUpdateFused(p: tf.Tensor, m: tf.Tensor, v: tf.Tensor, g: tf.Tensor, c: AdamWStepConstants, decay: number): { p: tf.Tensor; m: tf.Tensor; v: tf.Tensor } {
  const mNew = run('TrainAdamWFirstMoment', { m, g }, { b1: c.b1, oneMinusB1: c.oneMinusB1, gradScale: c.gradScale });
  const vNew = run('TrainAdamWSecondMoment', { v, g }, { b2: c.b2, oneMinusB2: c.oneMinusB2, gradScale: c.gradScale });
  const pNew = run('TrainAdamWParameter', { p, m: mNew, v: vNew }, { invBc2: c.invBc2, epsilon: c.epsilon, stepSize: c.stepSize, decay });
  return { p: pNew, m: mNew, v: vNew };
}
