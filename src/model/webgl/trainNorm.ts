import * as tf from '@tensorflow/tfjs';
import type { GPGPUProgram, MathBackendWebGL } from '@tensorflow/tfjs-backend-webgl';

/**
 * The step's loss and global gradient norm, √Σ‖g‖², in a few WebGL draws
 * (train/trainer.ts reads them to clip and to catch divergence). Op by op it is
 * a Square and a Sum per parameter — 104 kernels for the playground's 52
 * parameters, each Sum itself several draws — then AddN, Sqrt and Stack.
 *
 * Here `TrainSumSquares` reads up to GROUP gradients in one draw: each of its
 * PARTS fragments sums the squares of one band of rows of every input, so a
 * large matrix is shared out over fragments (SwiftShader runs them on all
 * cores) and a small bias is read by fragment 0 alone. `TrainLossAndNorm` then
 * adds the bands of every group and writes [loss, √Σ] in one more draw.
 * Gradients are read in TF.js's packed layout (a texel holds the 2×2 block at
 * an even row and column), as the matrix products that make them write it, and
 * the block's entries past an odd edge are left out.
 */

/** Gradients per TrainSumSquares draw: inputs each take a texture unit, and WebGL 2 promises 16. */
const GROUP = 8;
/** Fragments per TrainSumSquares draw, each summing one band of rows. */
const PARTS = 128;
/** Band sums TrainLossAndNorm reads in one draw, besides the loss. */
const FINISH_INPUTS = 14;

/** Σ g² over bands of rows of each packed 2D input, into [PARTS] float sums. */
class SumSquaresProgram implements GPGPUProgram {
  readonly packedInputs = true;
  readonly packedOutput = false;
  readonly outputShape = [PARTS];
  readonly variableNames: string[];
  readonly userCode: string;

  constructor(shapes: [number, number][]) {
    this.variableNames = shapes.map((_, i) => `g${i}`);
    const loops = shapes.map(([rows, cols], i) => {
      const band = 2 * Math.ceil(Math.ceil(rows / 2) / PARTS); // rows per fragment, even: whole texels
      // A 2×2 block past the last row or column holds whatever the writer left there: keep only real entries.
      const edge = rows % 2 || cols % 2
        ? `v = vec4(v.x, c + 1 < ${cols} ? v.y : 0.0, r + 1 < ${rows} ? v.z : 0.0, c + 1 < ${cols} && r + 1 < ${rows} ? v.w : 0.0);`
        : '';
      return `
        for (int r = k * ${band}; r < min((k + 1) * ${band}, ${rows}); r += 2) {
          for (int c = 0; c < ${cols}; c += 2) {
            vec4 v = getG${i}(r, c);
            ${edge}
            s += dot(v, v);
          }
        }`;
    });
    this.userCode = `
      void main() {
        int k = getOutputCoords();
        float s = 0.0;
        ${loops.join('')}
        setOutput(s);
      }`;
  }
}

/** [loss, √(Σ of every band sum)] from the loss scalar and the [PARTS] sums of each group. */
class LossAndNormProgram implements GPGPUProgram {
  readonly packedInputs = false;
  readonly packedOutput = false;
  readonly outputShape = [2];
  readonly variableNames: string[];
  readonly userCode: string;

  constructor(groups: number) {
    const names = Array.from({ length: groups }, (_, i) => `p${i}`);
    this.variableNames = ['loss', ...names];
    this.userCode = `
      void main() {
        if (getOutputCoords() == 0) {
          setOutput(getLoss());
        } else {
          float s = 0.0;
          for (int k = 0; k < ${PARTS}; k++) {
            s += ${names.map((n) => `get${n.toUpperCase()}(k)`).join(' + ')};
          }
          setOutput(sqrt(s));
        }
      }`;
  }
}

/** Inputs in their numbered order (g0, g1, … or p0, p1, …). */
function numbered(inputs: tf.NamedTensorMap, prefix: string): tf.Tensor[] {
  const out: tf.Tensor[] = [];
  for (let i = 0; inputs[`${prefix}${i}`]; i++) out.push(inputs[`${prefix}${i}`]);
  return out;
}

let registered = false;

function register(): void {
  if (registered) return;
  if (!tf.getKernel('TrainSumSquares', 'webgl')) {
    tf.registerKernel({
      kernelName: 'TrainSumSquares',
      backendName: 'webgl',
      kernelFunc: ({ inputs, backend }) => {
        const gs = numbered(inputs as tf.NamedTensorMap, 'g');
        const program = new SumSquaresProgram(gs.map((g) => g.shape as [number, number]));
        return (backend as MathBackendWebGL).compileAndRun(program, gs, 'float32');
      },
    });
  }
  if (!tf.getKernel('TrainLossAndNorm', 'webgl')) {
    tf.registerKernel({
      kernelName: 'TrainLossAndNorm',
      backendName: 'webgl',
      kernelFunc: ({ inputs, backend }) => {
        const parts = numbered(inputs as tf.NamedTensorMap, 'p');
        return (backend as MathBackendWebGL).compileAndRun(new LossAndNormProgram(parts.length), [inputs.loss!, ...parts], 'float32');
      },
    });
  }
  registered = true;
}

/** A gradient as the 2D tensor the program reads: a vector [n] as [1, n] (free for a packed texture). */
function as2d(g: tf.Tensor): tf.Tensor {
  if (g.rank === 2) return g;
  return g.rank === 1 ? tf.reshape(g, [1, g.size]) : tf.reshape(g, [-1, g.shape[g.rank - 1]]);
}

/**
 * [loss, global gradient norm] as one float32 tensor [2]: the same sum as
 * √(Σ_params Σ g²), in a different order (float rounding apart). Call inside tf.tidy.
 */
export function lossAndGradNormFused(loss: tf.Scalar, grads: tf.Tensor[]): tf.Tensor1D {
  register();
  const engine = tf.engine();
  let parts: tf.Tensor[] = [];
  for (let i = 0; i < grads.length; i += GROUP) {
    const group = grads.slice(i, i + GROUP).map(as2d);
    parts.push(engine.runKernel('TrainSumSquares', Object.fromEntries(group.map((g, j) => [`g${j}`, g]))) as tf.Tensor);
  }
  // Many trainable tensors (more than FINISH_INPUTS groups): add the band sums first, a few per AddN.
  while (parts.length > FINISH_INPUTS) {
    const next: tf.Tensor[] = [];
    for (let i = 0; i < parts.length; i += FINISH_INPUTS) next.push(tf.addN(parts.slice(i, i + FINISH_INPUTS)));
    parts = next;
  }
  return engine.runKernel('TrainLossAndNorm', { loss, ...Object.fromEntries(parts.map((p, j) => [`p${j}`, p])) }) as tf.Tensor1D;
}
