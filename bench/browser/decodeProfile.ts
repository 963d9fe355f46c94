// Where one cached decoding step's time goes on WebGL, fused (src/model/webgl/)
// and op by op: the kernels tf.profile sees, the draw calls the GPU is asked
// for (kernels plus the backend's own layout conversions, uploads and the read
// back), the step's time, and the fixed costs that explain it — one small draw,
// and reading the logits back. Used by ./playground.ts on the webgl backend.
import * as tf from '@tensorflow/tfjs';
import type { MathBackendWebGL } from '@tensorflow/tfjs-backend-webgl';
import type { GPT } from '../../src/model/gpt.ts';
import { generate } from '../../src/sampling/generate.ts';
import { FUSED_PROMPT_MAX_TOKENS } from '../../src/model/webgl/decode.ts';
import { median } from '../timing.ts';

type Log = (line: string) => void;

/** Runs f and counts the draw calls (GPGPUContext.executeProgram) it makes. */
function countDraws(f: () => void): number {
  const gpgpu = (tf.backend() as MathBackendWebGL).getGPGPUContext();
  const draw = gpgpu.executeProgram;
  let n = 0;
  gpgpu.executeProgram = function (this: typeof gpgpu) {
    n++;
    return draw.call(this);
  };
  try {
    f();
  } finally {
    gpgpu.executeProgram = draw;
  }
  return n;
}

/** "Add 55, Multiply 46, …": kernel names by how often they ran. */
function kernelCounts(names: string[]): string {
  const counts = new Map<string, number>();
  for (const n of names) counts.set(n, (counts.get(n) ?? 0) + 1);
  return [...counts].sort((a, b) => b[1] - a[1]).map(([n, c]) => `${n.replace(/^GPT2Decode/, '')} ${c}`).join(', ');
}

/** Milliseconds per call of f, f run `n` times in a row and then one value read back (which waits for the GPU). */
function msPerCall(f: () => tf.Tensor, n: number): number {
  const t0 = performance.now();
  let last: tf.Tensor | null = null;
  for (let i = 0; i < n; i++) {
    last?.dispose();
    last = f();
  }
  last!.dataSync();
  last!.dispose();
  return (performance.now() - t0) / n;
}

export async function profileDecodeStep(model: GPT, prompt: number[], log: Log): Promise<void> {
  const fusedBefore = model.fusedDecoding;
  const stepMs: Record<string, number> = {};
  for (const fused of [true, false]) {
    model.fusedDecoding = fused;
    const label = fused ? 'fused' : 'op by op';
    const cache = model.createCache();
    model.run(prompt, { cache });
    model.run([1], { cache }); // compiles this path's programs
    const draws = countDraws(() => model.run([2], { cache }));
    const info = await tf.profile(() => void model.run([3], { cache }));
    const names = info.kernels.map((k) => k.name);
    log(`  one cached step, ${label}: ${names.length} kernels, ${draws} draw calls — ${kernelCounts(names)}`);
    const times: number[] = [];
    for (let i = 0; i < 24; i++) {
      const t0 = performance.now();
      model.run([4 + i], { cache });
      times.push(performance.now() - t0);
    }
    stepMs[label] = median(times);
    log(`    step time (median of 24, logits read back): ${stepMs[label].toFixed(2)} ms = ${(1000 / stepMs[label]).toFixed(1)} tokens/s`);
    cache.dispose();
  }
  model.fusedDecoding = fusedBefore;

  // A prompt into a fresh cache, programs compiled: token by token through the fused step, or one op-by-op pass.
  const programs = () => Object.keys((tf.backend() as unknown as { binaryCache: object }).binaryCache).length;
  const promptMs = (ids: number[]) => {
    const before = programs();
    const times = Array.from({ length: 6 }, () => {
      const cache = model.createCache();
      const t0 = performance.now();
      model.run(ids, { cache });
      const ms = performance.now() - t0;
      cache.dispose();
      return ms;
    });
    return { ms: median(times.slice(1)), compiled: programs() - before }; // the first call compiles
  };
  const lengths = [1, 4, 16, FUSED_PROMPT_MAX_TOKENS].filter((n) => n <= model.config.blockSize);
  const rows = lengths.map((n) => {
    const ids = Array.from({ length: n }, (_, i) => (i * 37 + 11) % model.config.vocabSize);
    const [fused, op] = [true, false].map((f) => ((model.fusedDecoding = f), promptMs(ids)));
    return `${n}: ${fused.ms.toFixed(1)} vs ${op.ms.toFixed(1)} (programs compiled for this length: ${fused.compiled} vs ${op.compiled})`;
  });
  model.fusedDecoding = fusedBefore;
  log(`  a prompt into a fresh cache, ms (tokens: fused token by token vs op by op; median of 5 after a first call that compiles): ${rows.join('; ')}`);

  // A whole generation, token by token: the prompt's pass and then the cached steps.
  for (const fused of [true, false]) {
    model.fusedDecoding = fused;
    const stamps: number[] = [performance.now()];
    generate(model, prompt, { maxNewTokens: 64, onToken: () => stamps.push(performance.now()) });
    const gaps = stamps.slice(1).map((t, i) => t - stamps[i]);
    log(`  a 64-token generation, ${fused ? 'fused' : 'op by op'}: prompt pass + first token ${gaps[0].toFixed(1)} ms; ` +
      `then per token median ${median(gaps.slice(1)).toFixed(2)} ms, mean ${(gaps.slice(1).reduce((a, b) => a + b, 0) / (gaps.length - 1)).toFixed(2)} ms, ` +
      `max ${Math.max(...gaps.slice(1)).toFixed(1)} ms`);
  }
  model.fusedDecoding = fusedBefore;

  // The fixed costs: a draw that does almost nothing, and the read back of the logits.
  const x = tf.randomNormal([1, 128]);
  const y = tf.randomNormal([1, 128]);
  for (const t of [x, y]) (tf.backend() as MathBackendWebGL).uploadToGPU(t.dataId); // else a small add may run on the CPU
  const drawMs = msPerCall(() => tf.add(x, y), 200);
  const logits = tf.randomNormal([1, model.config.vocabSize]);
  logits.dataSync();
  const readMs = median(Array.from({ length: 20 }, () => {
    const z = tf.add(logits, 1); // a fresh texture each time, as a step's logits
    const t0 = performance.now();
    z.dataSync();
    const ms = performance.now() - t0;
    z.dispose();
    return ms;
  }));
  tf.dispose([x, y, logits]);
  log(`  fixed costs: one small draw (add of 128 floats, 200 in a row) ${drawMs.toFixed(3)} ms; reading [1, ${model.config.vocabSize}] logits back ${readMs.toFixed(2)} ms`);

  // Each fused program on its own, at this model's shapes.
  const kernelMs = await fusedKernelTimes(model);
  if (kernelMs) {
    log(`  fused programs, ms per call (run 50× in a row, then one read): ${kernelMs.map(([n, ms]) => `${n} ${ms.toFixed(3)}`).join(', ')}`);
  }
}

/**
 * Per fused program of one step: ms per call, each distinct call (kernel,
 * input shapes, attributes) of a real step replayed on that step's inputs.
 */
async function fusedKernelTimes(model: GPT): Promise<[string, number][] | null> {
  const cache = model.createCache();
  model.run([1, 2, 3, 4], { cache });
  const engine = tf.engine();
  const runKernel = engine.runKernel;
  const calls = new Map<string, { name: string; inputs: Record<string, tf.Tensor>; attrs: Record<string, number | boolean> }>();
  engine.runKernel = function (this: typeof engine, name: string, inputs: tf.NamedTensorMap, attrs?: Record<string, unknown>) {
    if (name.startsWith('GPT2Decode')) {
      const shapes = Object.entries(inputs).map(([n, t]) => `${n}[${t.shape}]`).join(' ');
      const flags = Object.entries(attrs ?? {}).filter(([n]) => ['gelu', 'residual', 'offset'].includes(n)).map(([n, v]) => `${n}=${v}`).join(' ');
      const key = `${name} ${shapes} ${flags}`;
      // Clones share the data and outlive the step's tidy and the cache's disposal of replaced tensors.
      if (!calls.has(key)) calls.set(key, { name, inputs: Object.fromEntries(Object.entries(inputs).map(([n, t]) => [n, tf.keep(tf.clone(t))])), attrs: { ...(attrs as object) } as never });
    }
    return runKernel.call(this, name, inputs, attrs as never);
  } as typeof engine.runKernel;
  try {
    model.run([5], { cache });
  } finally {
    engine.runKernel = runKernel;
  }
  cache.dispose();
  if (calls.size === 0) return null;
  const out: [string, number][] = [];
  for (const { name, inputs, attrs } of calls.values()) {
    const w = inputs.weight ?? inputs.wte ?? inputs.cache ?? inputs.k ?? inputs.v ?? inputs.gamma;
    const what = [inputs.wte && name.endsWith('LayerNorm') ? 'from the tables' : '', attrs.gelu ? '+GELU' : '', attrs.residual ? '+residual' : '', attrs.offset !== undefined ? `offset ${attrs.offset}` : '']
      .filter(Boolean).join(' ');
    out.push([`${name.replace(/^GPT2Decode/, '')} [${w.shape}]${what ? ` ${what}` : ''}`, msPerCall(() => engine.runKernel(name, inputs, attrs) as tf.Tensor, 50)]);
    if (name.endsWith('AttentionScores') || name.endsWith('AttentionValues')) {
      const all = { ...attrs, keyCount: (inputs.k ?? inputs.v).shape[1]! };
      out.push([`${name.replace(/^GPT2Decode/, '')} over all ${all.keyCount} keys`, msPerCall(() => engine.runKernel(name, inputs, all) as tf.Tensor, 50)]);
    }
    tf.dispose(Object.values(inputs));
  }
  return out;
}
