import * as tf from '@tensorflow/tfjs';
import { describe, expect, it, beforeAll, afterAll } from 'vitest';
import { loadGPT } from '../../src/io/checkpoint.ts';
import type { GPT } from '../../src/model/gpt.ts';
import { AdaLoraAdapter } from '../../src/lora/adalora.ts';
import { type AdaLoraConfig, DEFAULT_ADALORA, budgetSchedule } from '../../src/lora/adaloraConfig.ts';
import { RankAllocator, type RankRecord } from '../../src/lora/adaloraAllocator.ts';
import { Rng } from '../../src/util/random.ts';
import { useBackend } from '../helpers/backend.ts';
import { fixturePath } from '../helpers/fixtures.ts';

describe("the budget schedule (RankAllocator.budget_schedule)", () => {
  // 4 matrices at init_r 12 → b⁽⁰⁾ = 48; target_r 4 → b⁽ᵀ⁾ = 16. tinit 10, tfinal 20, T 100, deltaT 5:
  // the cubic runs over T − tfinal − tinit = 70 steps. Worked by hand from PEFT's formula
  // budget = int((48 − 16)·(1 − (t − 10)/70)³ + 16), mask when t % 5 == 0.
  const c = { tinit: 10, tfinal: 20, total_step: 100, deltaT: 5 };
  it.each([
    [0, 48, false], // warm-up: t ≤ tinit
    [10, 48, false],
    [11, 46, false], // 32·(69/70)³ = 30.648 → 46.648 → 46; 11 % 5 ≠ 0
    [15, 41, true], // 32·(65/70)³ = 25.621 → 41.621 → 41
    [45, 20, true], // 32·(1/2)³ = 4 → 20
    [79, 16, false], // 32·(1/70)³ ≈ 0.00009 → 16
    [80, 16, true], // the end of the cubic: t = T − tfinal
    [81, 16, true], // final fine-tuning: the target, masked every step
    [99, 16, true],
  ])('step %i: budget %i, mask %s', (step, budget, mask) => {
    expect(budgetSchedule(c, 48, 16, step)).toEqual({ budget, mask });
  });
});

/** Gradients as tensors shaped like the adapter's variables, disposed after `f`. */
function withTensors<T>(adapter: AdaLoraAdapter, grads: Map<string, Float32Array>, f: (t: Map<string, tf.Tensor>) => T): T {
  const shapes = new Map(adapter.trainableVariables().map(([n, v]) => [n, v.shape]));
  const t = new Map([...grads].map(([n, d]) => [n, tf.tensor(d, shapes.get(n)!)]));
  try {
    return f(t);
  } finally {
    t.forEach((x) => x.dispose());
  }
}

describe('RankAllocator', () => {
  let base: GPT;
  beforeAll(async () => {
    await useBackend('cpu');
    base = await loadGPT({ config: fixturePath('config.json'), weights: fixturePath('model.safetensors') });
  });
  afterAll(() => base.dispose());

  const config: AdaLoraConfig = { ...DEFAULT_ADALORA, init_r: 5, target_r: 2, tinit: 0, tfinal: 2, total_step: 10, beta1: 0.85, beta2: 0.7, target_modules: ['attn.c_attn', 'mlp.c_proj'] };

  function setup(seed: number) {
    const rng = new Rng(seed);
    const adapter = AdaLoraAdapter.build(base, config, (_n, r, fanIn, fanOut) => ({ a: rng.normalArray(r * fanIn, 0.5), b: rng.normalArray(fanOut * r, 0.5), e: rng.normalArray(r, 1) }));
    // Gradients drawn once per step, the same for the allocator and for the reference below.
    const grads = (s: number) => {
      const g = new Rng(1000 + s);
      return new Map(adapter.trainableVariables().map(([n, v]) => [n, g.normalArray(v.size, 1)] as const));
    };
    return { adapter, grads };
  }

  /** update_ipt and the triplet score, written from PEFT's layer.py in float64. */
  async function referenceScores(adapter: AdaLoraAdapter, grads: Map<string, Float32Array>[]) {
    const { beta1, beta2 } = config;
    const avg = new Map<string, Float64Array>();
    const unc = new Map<string, Float64Array>();
    const params = new Map<string, Float32Array>();
    for (const [n, v] of adapter.trainableVariables()) params.set(n, (await v.data()) as Float32Array);
    for (const g of grads) {
      for (const [n, p] of params) {
        const a = avg.get(n) ?? new Float64Array(p.length);
        const u = unc.get(n) ?? new Float64Array(p.length);
        for (let i = 0; i < p.length; i++) {
          const ipt = Math.abs(p[i] * g.get(n)![i]);
          a[i] = beta1 * a[i] + (1 - beta1) * ipt;
          u[i] = beta2 * u[i] + (1 - beta2) * Math.abs(ipt - a[i]);
        }
        avg.set(n, a);
        unc.set(n, u);
      }
    }
    const scores = new Map<string, number[]>();
    for (const l of adapter.layers) {
      const s = (part: string) => avg.get(`${l.name}.${part}`)!.map((x, i) => x * unc.get(`${l.name}.${part}`)![i]);
      const [sA, sB, sE] = [s('lora_A'), s('lora_B'), s('lora_E')];
      const r = l.initRank;
      scores.set(l.name, Array.from({ length: r }, (_, i) => {
        let meanA = 0;
        for (let j = 0; j < l.inFeatures; j++) meanA += sA[i * l.inFeatures + j] / l.inFeatures;
        let meanB = 0;
        for (let j = 0; j < l.outFeatures; j++) meanB += sB[j * r + i] / l.outFeatures;
        return sE[i] + meanA + meanB;
      }));
    }
    return scores;
  }

  it('scores triplets from |w·∇w| smoothed (β₁) and its uncertainty (β₂), as a float64 reference computes them', async () => {
    const { adapter, grads } = setup(1);
    const allocator = new RankAllocator(adapter);
    const gs = [grads(0), grads(1), grads(2)];
    for (const g of gs) withTensors(adapter, g, (t) => allocator.updateIpt(t));
    const ref = await referenceScores(adapter, gs);
    for (const [name, s] of allocator.tripletScores()) {
      ref.get(name)!.forEach((x, i) => expect(s[i] / x).toBeCloseTo(1, 4));
    }
    allocator.dispose();
    adapter.dispose();
  });

  it('mask_to_budget keeps exactly the highest-scoring triplets and zeroes λ of the rest', async () => {
    const { adapter, grads } = setup(2);
    const allocator = new RankAllocator(adapter);
    expect(allocator.initBudget).toBe(4 * 5); // 2 layers × 2 modules × init_r
    expect(allocator.targetBudget).toBe(4 * 2);
    const g = grads(0);
    withTensors(adapter, g, (t) => allocator.updateIpt(t));
    const eBefore = new Map((await adapter.values()).entries());
    const ref = await referenceScores(adapter, [g]);
    const budget = 11;
    const pattern = allocator.maskToBudget(budget);
    // The 11 highest of the 20 reference scores are the ones kept.
    const ranked = [...ref].flatMap(([name, s]) => s.map((x, i) => ({ name, i, x }))).sort((p, q) => q.x - p.x);
    const kept = new Set(ranked.slice(0, budget).map(({ name, i }) => `${name}#${i}`));
    const got = new Set([...pattern].flatMap(([name, keep]) => keep.flatMap((k, i) => (k ? [`${name}#${i}`] : []))));
    expect(got).toEqual(kept);
    expect([...adapter.heldRanks().values()].reduce((a, b) => a + b, 0)).toBe(budget);
    const after = await adapter.values();
    for (const [name, keep] of pattern) {
      keep.forEach((k, i) => expect(after.get(name)!.e[i]).toBe(k ? eBefore.get(name)!.e[i] : 0));
      expect(after.get(name)!.a).toEqual(eBefore.get(name)!.a); // only E is masked
    }
    allocator.dispose();
    adapter.dispose();
  });

  it('update_and_allocate: scores and prunes on the schedule, forces the final mask at total_step − tfinal, then holds it; no tensors leak', async () => {
    const { adapter, grads } = setup(3);
    const start = tf.memory().numTensors;
    const allocator = new RankAllocator(adapter);
    const records: RankRecord[] = [];
    for (let step = 0; step < config.total_step; step++) {
      const g = grads(step);
      // What AdamW would do between allocations: move every λ, pruned ones included, off where it was.
      tf.tidy(() => adapter.layers.forEach((l) => l.loraE.assign(tf.add(l.loraE, 0.01))));
      records.push(withTensors(adapter, g, (t) => allocator.updateAndAllocate(step, t)));
    }
    const total = (r: RankRecord) => Object.values(r.ranks).reduce((a, b) => a + b, 0);
    // tinit 0: step 0 keeps everything; from step 1 the cubic over T − tfinal = 8 steps: int(12·(1 − t/8)³ + 8).
    // 12·(7/8)³ = 8.04, 12·(6/8)³ = 5.06, 12·(5/8)³ = 2.93, 12·(4/8)³ = 1.5, 12·(3/8)³ = 0.63, …
    expect(records.map((r) => r.budget)).toEqual([20, 16, 13, 10, 9, 8, 8, 8, 8, 8]);
    expect(records.map(total)).toEqual([20, 16, 13, 10, 9, 8, 8, 8, 8, 8]);
    expect(records[8].masked && records[9].masked).toBe(true);
    // After the final allocation (step 8) the pattern is fixed and re-applied: pruned λ stay 0 despite the drift.
    const pattern = adapter.rankPattern!;
    const e = await adapter.values();
    for (const [name, keep] of pattern) keep.forEach((k, i) => k || expect(e.get(name)!.e[i]).toBe(0));
    expect(records[9].ranks).toEqual(records[8].ranks);
    allocator.dispose();
    expect(tf.memory().numTensors).toBe(start);
    adapter.dispose();
  });
});
