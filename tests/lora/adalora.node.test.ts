import * as tf from '@tensorflow/tfjs';
import { describe, expect, it, beforeAll, afterAll } from 'vitest';
import { loadGPT } from '../../src/io/checkpoint.ts';
import { GPT } from '../../src/model/gpt.ts';
import { makeConfig } from '../../src/model/config.ts';
import { AdaLoraAdapter } from '../../src/lora/adalora.ts';
import { type AdaLoraConfig, AdaLoraError, DEFAULT_ADALORA, checkAdaLoraConfig } from '../../src/lora/adaloraConfig.ts';
import { AdaLoraRun } from '../../src/lora/adaloraTrain.ts';
import { LoraAdapter } from '../../src/lora/lora.ts';
import { DEFAULT_LORA } from '../../src/lora/config.ts';
import { Trainer } from '../../src/train/trainer.ts';
import { Rng } from '../../src/util/random.ts';
import { useBackend } from '../helpers/backend.ts';
import { fixtureCases, fixturePath, maxAbsDiff } from '../helpers/fixtures.ts';

const ids = fixtureCases().cases[1].input_ids;
const CONFIG: AdaLoraConfig = { ...DEFAULT_ADALORA, init_r: 3, target_r: 1, lora_alpha: 8, total_step: 20, tinit: 2, tfinal: 4 };

/** Plain-JS matrix product, [m, k]·[k, n], float64. */
function matmul(a: ArrayLike<number>, b: ArrayLike<number>, m: number, k: number, n: number): Float64Array {
  const out = new Float64Array(m * n);
  for (let i = 0; i < m; i++) for (let j = 0; j < n; j++) for (let t = 0; t < k; t++) out[i * n + j] += a[i * k + t] * b[t * n + j];
  return out;
}

function transpose(a: ArrayLike<number>, m: number, n: number): Float64Array {
  const out = new Float64Array(m * n);
  for (let i = 0; i < m; i++) for (let j = 0; j < n; j++) out[j * m + i] = a[i * n + j];
  return out;
}

/** Seeded values for every tensor of an adapter, E non-zero (as after training). */
function randomValues(seed: number) {
  const rng = new Rng(seed);
  return (_name: string, r: number, fanIn: number, fanOut: number) => ({
    a: rng.normalArray(r * fanIn, 0.3),
    b: rng.normalArray(fanOut * r, 0.3),
    e: rng.normalArray(r, 1),
  });
}

describe('AdaLoRA SVDLinear with PEFT semantics', () => {
  let base: GPT;
  let baseLogits: Float32Array[];
  beforeAll(async () => {
    await useBackend('cpu');
    base = await loadGPT({ config: fixturePath('config.json'), weights: fixturePath('model.safetensors') });
    baseLogits = base.logitsAt(ids);
  });
  afterAll(() => base.dispose());

  it("delta = x·(A⊙E)ᵀ·Bᵀ·lora_alpha/(ranknum + 1e-5), with ranknum = init_r, against a hand computation", async () => {
    const adapter = AdaLoraAdapter.build(base, { ...CONFIG, target_modules: ['mlp.c_fc'], layers_to_transform: [1] }, randomValues(7));
    const layer = adapter.layers[0];
    expect(layer.name).toBe('transformer.h.1.mlp.c_fc');
    const { a, b, e } = (await adapter.values()).get(layer.name)!;
    const [r, nIn, nOut, N] = [3, 32, 128, 5];
    const x = new Rng(3).normalArray(N * nIn, 1);
    const ae = Float64Array.from(a, (v, i) => v * e[Math.floor(i / nIn)]); // row i of A times λᵢ
    const hand = matmul(matmul(x, transpose(ae, r, nIn), N, nIn, r), transpose(b, nOut, r), N, r, nOut).map((v) => (v * 8) / (3 + 1e-5));
    const got = tf.tidy(() => layer.delta(tf.tensor2d(x, [N, nIn])).dataSync());
    expect(maxAbsDiff(got, hand)).toBeLessThan(1e-4);
    // scaling is lora_alpha itself (not alpha / r), or init_r when lora_alpha is 0.
    expect(layer.scaling).toBe(8);
    const zeroAlpha = AdaLoraAdapter.build(base, { ...CONFIG, lora_alpha: 0 }, randomValues(1));
    expect(zeroAlpha.layers[0].scaling).toBe(3);
    zeroAlpha.dispose();
    // ΔW in GPT-2's [in, out] layout is the same map.
    const dW = tf.tidy(() => layer.deltaWeight().dataSync());
    const handW = transpose(matmul(b, ae, nOut, r, nIn), nOut, nIn).map((v) => (v * 8) / (3 + 1e-5));
    expect(maxAbsDiff(dW, handW)).toBeLessThan(1e-5);
    adapter.dispose();
  });

  it("PEFT's init: A and B ~ N(0, 0.02), E = 0, so a fresh adapter changes nothing; trains init_r·(in + out + 1) values", async () => {
    const adapter = AdaLoraAdapter.create(base, { ...CONFIG, init_r: 12, target_r: 4 }, 5);
    adapter.enabled = true;
    base.logitsAt(ids).forEach((row, i) => expect(maxAbsDiff(row, baseLogits[i])).toBe(0));
    const v = (await adapter.values()).get('transformer.h.0.attn.c_attn')!;
    const std = Math.sqrt(v.a.reduce((s, x) => s + x * x, 0) / v.a.length);
    expect(std).toBeGreaterThan(0.018);
    expect(std).toBeLessThan(0.022);
    expect(Math.sqrt(v.b.reduce((s, x) => s + x * x, 0) / v.b.length)).toBeCloseTo(0.02, 2);
    expect([...v.e]).toEqual(new Array(12).fill(0));
    expect(adapter.trainableCount).toBe(2 * 12 * ((32 + 96 + 1) + (32 + 32 + 1)));
    expect(adapter.trainableVariables().map(([n]) => n).slice(0, 3)).toEqual([
      'transformer.h.0.attn.c_attn.lora_A',
      'transformer.h.0.attn.c_attn.lora_B',
      'transformer.h.0.attn.c_attn.lora_E',
    ]);
    adapter.dispose();
  });

  it('merge and unmerge: logits before == merged == after within 1e-5, and the base comes back', () => {
    const adapter = AdaLoraAdapter.build(base, { ...CONFIG, target_modules: ['attn.c_attn', 'attn.c_proj', 'mlp.c_fc', 'mlp.c_proj'] }, randomValues(11));
    adapter.enabled = true;
    const before = base.logitsAt(ids);
    expect(maxAbsDiff(before[3], baseLogits[3])).toBeGreaterThan(1e-2); // the adapter does something
    adapter.merge();
    expect(adapter.enabled).toBe(false);
    const merged = base.logitsAt(ids);
    adapter.unmerge();
    expect(adapter.enabled).toBe(true);
    const after = base.logitsAt(ids);
    before.forEach((row, i) => {
      expect(maxAbsDiff(row, merged[i])).toBeLessThan(1e-5);
      expect(maxAbsDiff(row, after[i])).toBeLessThan(1e-5);
    });
    adapter.enabled = false;
    base.logitsAt(ids).forEach((row, i) => expect(maxAbsDiff(row, baseLogits[i])).toBeLessThan(1e-5));
    adapter.dispose();
  });

  it('orthogonal regularisation: the mean over A and B of ‖AAᵀ − I‖_F and ‖BᵀB − I‖_F, by hand', async () => {
    const adapter = AdaLoraAdapter.build(base, { ...CONFIG, target_modules: ['attn.c_proj'] }, randomValues(13));
    const vals = await adapter.values();
    const fro = (cov: Float64Array, r: number) => Math.sqrt(cov.reduce((s, v, i) => s + (v - (i % (r + 1) === 0 ? 1 : 0)) ** 2, 0));
    let sum = 0;
    for (const { a, b } of vals.values()) {
      sum += fro(matmul(a, transpose(a, 3, 32), 3, 32, 3), 3); // A·Aᵀ, [r, r]
      sum += fro(matmul(transpose(b, 32, 3), b, 3, 32, 3), 3); // Bᵀ·B, [r, r]
    }
    const expected = sum / (2 * vals.size); // two layers × (A, B)
    const got = tf.tidy(() => adapter.orthRegularization().dataSync()[0]);
    expect(got).toBeCloseTo(expected, 4);
    adapter.dispose();
  });

  it('refuses bad settings with a code naming the field, before building anything', () => {
    const n = tf.memory().numTensors;
    const cases: [Partial<AdaLoraConfig>, string, string][] = [
      [{ init_r: 0 }, 'not-whole-positive', 'init_r'],
      [{ total_step: 2.5 }, 'not-whole-positive', 'total_step'],
      [{ tinit: -1 }, 'not-whole-non-negative', 'tinit'],
      [{ beta1: 1 }, 'not-open-unit', 'beta1'],
      [{ orth_reg_weight: 0 }, 'not-positive', 'orth_reg_weight'],
      [{ target_r: 3 }, 'target-not-below-init', 'target_r'],
      [{ tinit: 10, tfinal: 10 }, 'no-budgeting-phase', 'tinit'],
      [{ init_r: 33, target_r: 2 }, 'rank-too-large', 'init_r'],
      [{ target_modules: ['q_proj' as never] }, 'bad-target-modules', 'target_modules'],
      [{ layers_to_transform: [2] }, 'bad-layers', 'layers_to_transform'],
    ];
    for (const [patch, code, field] of cases) {
      let err: unknown;
      try {
        AdaLoraAdapter.create(base, { ...CONFIG, ...patch });
      } catch (e) {
        err = e;
      }
      expect(err, code).toBeInstanceOf(AdaLoraError);
      expect((err as AdaLoraError).code).toBe(code);
      expect((err as AdaLoraError).params.field).toBe(field);
    }
    expect(() => checkAdaLoraConfig(CONFIG, base.config)).not.toThrow();
    expect(tf.memory().numTensors).toBe(n);
  });
});

describe('training AdaLoRA', () => {
  beforeAll(() => useBackend('cpu'));

  it('lowers the loss, changes only A, B and E, prunes to target_r × matrices by total_step − tfinal, and leaks nothing', async () => {
    const model = GPT.create(makeConfig('nano', { initStd: 0.3 }), 3);
    const before = await model.weights();
    const text = Int32Array.from({ length: 400 }, (_, i) => [5, 9, 13, 2][i % 4]);
    // lora_alpha 32 as PEFT's AdaLoRA examples: with E starting at zero the update grows slowly.
    const config: AdaLoraConfig = { ...CONFIG, lora_alpha: 32, init_r: 4, target_r: 2, tinit: 5, tfinal: 10, total_step: 40, deltaT: 2, target_modules: ['attn.c_attn', 'mlp.c_fc'] };
    const adapter = AdaLoraAdapter.create(model, config, 2);
    const baseline = tf.memory().numTensors;
    const run = new AdaLoraRun(model, adapter, text, { batchSize: 4, blockSize: 16, learningRate: 3e-2, warmupSteps: 2 });
    const adapterBefore = await adapter.values();
    const first = run.evaluate(text, 2);
    for (let i = 0; i < 40; i++) run.trainStep();
    const last = run.evaluate(text, 2);
    expect(last).toBeLessThan(0.5 * first);
    for (const [name, w] of await model.weights()) expect(maxAbsDiff(w.data, before.get(name)!.data)).toBe(0);
    const adapterAfter = await adapter.values();
    for (const [name, v] of adapterAfter) expect(maxAbsDiff(v.a, adapterBefore.get(name)!.a)).toBeGreaterThan(0);
    // E learns (a matrix the allocator pruned to rank 0 holds only zeros again).
    expect([...adapterAfter.values()].some((v) => v.e.some((x) => x !== 0))).toBe(true);
    // The schedule: full budget (4 × 4 matrices) through tinit, the final budget (2 × 4) from global step 30 on.
    const h = run.history;
    expect(h.map((r) => r.step)).toEqual(Array.from({ length: 40 }, (_, i) => i));
    const total = (r: (typeof h)[number]) => Object.values(r.ranks).reduce((s, x) => s + x, 0);
    expect(h.slice(0, 6).every((r) => total(r) === 16 && !r.masked)).toBe(true);
    expect(h.slice(30).every((r) => total(r) === 8 && r.masked)).toBe(true);
    // A masking step (every deltaT = 2 steps while the budget falls) prunes to the budget; between them the ranks hold.
    h.forEach((r, i) => expect(total(r)).toBe(r.masked ? r.budget : i === 0 ? 16 : total(h[i - 1])));
    expect(h.filter((r) => r.step > 5 && r.step < 30).map((r) => r.masked)).toEqual(Array.from({ length: 24 }, (_, i) => (i + 6) % 2 === 0));
    // Pruned triplets hold λ = 0 at the end.
    const values = await adapter.values();
    for (const [name, keep] of adapter.rankPattern!) keep.forEach((k, i) => k || expect(values.get(name)!.e[i]).toBe(0));
    const timeline = run.rankTimeline();
    expect(timeline.map((s) => s.name)).toEqual(adapter.layers.map((l) => l.name));
    expect(timeline[0].points).toHaveLength(40);
    run.dispose();
    expect(tf.memory().numTensors).toBe(baseline);
    adapter.dispose();
    model.dispose();
  });

  it("Trainer's hooks: the extra term is in the step's loss and gradient; afterStep sees the step and the clipped gradients", () => {
    const text = Int32Array.from({ length: 200 }, (_, i) => [5, 9, 13, 2][i % 4]);
    const firstStep = (hooks?: ConstructorParameters<typeof Trainer>[4]) => {
      const model = GPT.create(makeConfig('nano', { initStd: 0.3 }), 3);
      const lora = LoraAdapter.create(model, { ...DEFAULT_LORA, r: 2 }, 1);
      lora.enabled = true;
      const t = new Trainer(model, text, { batchSize: 2, blockSize: 8, steps: 5, learningRate: 1e-2, gradClip: 1e9 }, lora.trainableVariables(), hooks);
      const stats = t.trainStep();
      t.dispose();
      lora.dispose();
      model.dispose();
      return stats;
    };
    const plain = firstStep();
    const seen: { step: number; names: string[]; norm: number }[] = [];
    const hooked = firstStep({
      // A constant adds to the loss and nothing to the gradient.
      extraLoss: () => tf.scalar(0.25),
      afterStep: (step, grads) => {
        const norm = Math.sqrt([...grads.values()].reduce((s, g) => s + tf.tidy(() => tf.sum(tf.square(g)).dataSync()[0]), 0));
        seen.push({ step, names: [...grads.keys()], norm });
      },
    });
    expect(hooked.loss).toBeCloseTo(plain.loss + 0.25, 5);
    expect(hooked.gradNorm).toBeCloseTo(plain.gradNorm, 5);
    expect(seen).toHaveLength(1);
    expect(seen[0].step).toBe(1);
    expect(seen[0].names[0]).toBe('transformer.h.0.attn.c_attn.lora_A.weight');
    expect(seen[0].norm).toBeCloseTo(plain.gradNorm, 4);
  });
});
