import * as tf from '@tensorflow/tfjs';
import { tidyRead } from '../model/ops.ts';
import type { AdaLoraAdapter } from './adalora.ts';
import { budgetSchedule } from './adaloraConfig.ts';

/**
 * AdaLoRA's budget allocation, as PEFT's RankAllocator (`tuners/adalora/layer.py`)
 * and AdaLoraModel.update_and_allocate (`tuners/adalora/model.py`), PEFT 0.18:
 *
 * - after every optimizer step, each trained entry w gets the sensitivity
 *   I = |w·∇w| (w after the step, ∇w the step's gradient, as PEFT reads
 *   `p * p.grad` after `optimizer.step()`), smoothed Ī ← β₁Ī + (1−β₁)I, with
 *   uncertainty Ū ← β₂Ū + (1−β₂)|I − Ī|; an entry's score is Ī·Ū;
 * - a triplet (row i of A, λᵢ of E, column i of B) scores
 *   S_E(i) + mean_j S_A(i, j) + mean_j S_B(j, i);
 * - at a masking step the k = b⁽⁰⁾ − b(t) lowest-scoring triplets are found
 *   (torch.kthvalue: the k-th smallest score is the threshold) and every
 *   triplet scoring ≤ it has λᵢ set to 0;
 * - at step total_step − tfinal the final allocation is forced and the scores
 *   reset; after it the saved pattern is re-applied every step.
 */

/** One allocation call: the step PEFT was given, the budget then, and each matrix's rank after it. */
export interface RankRecord {
  /** PEFT's global_step: 0 for the first update. */
  step: number;
  budget: number;
  /** Whether this call pruned (a masking step, the final allocation, or the fixed pattern re-applied). */
  masked: boolean;
  /** Rank each matrix holds after the call, by module name. */
  ranks: Record<string, number>;
}

export class RankAllocator {
  /** b⁽⁰⁾: Σ init_r over the adapted matrices. */
  readonly initBudget: number;
  /** b⁽ᵀ⁾ = target_r × the number of adapted matrices. */
  readonly targetBudget: number;
  readonly history: RankRecord[] = [];
  private expAvgIpt = new Map<string, tf.Tensor>();
  private expAvgUnc = new Map<string, tf.Tensor>();

  constructor(readonly adapter: AdaLoraAdapter) {
    const c = adapter.config;
    if (!(c.beta1 > 0 && c.beta1 < 1) || !(c.beta2 > 0 && c.beta2 < 1)) throw new RangeError('beta1 and beta2 must lie in (0, 1).');
    this.initBudget = adapter.layers.reduce((n, l) => n + l.initRank, 0);
    this.targetBudget = c.target_r * adapter.layers.length;
  }

  /** update_ipt: I = |w·∇w| for every lora_A, lora_B and lora_E, then the two EMAs. */
  updateIpt(grads: ReadonlyMap<string, tf.Tensor>): void {
    const { beta1, beta2 } = this.adapter.config;
    for (const [name, p] of this.adapter.trainableVariables()) {
      const g = grads.get(name);
      if (!g) throw new RangeError(`No gradient for ${name}: the allocator needs every adapter tensor's gradient.`);
      const [avg, unc] = tf.tidy(() => {
        const ipt = tf.abs(tf.mul(p, g));
        const prevAvg = this.expAvgIpt.get(name) ?? tf.zerosLike(p);
        const prevUnc = this.expAvgUnc.get(name) ?? tf.zerosLike(p);
        const a = tf.add(tf.mul(prevAvg, beta1), tf.mul(ipt, 1 - beta1));
        const u = tf.add(tf.mul(prevUnc, beta2), tf.mul(tf.abs(tf.sub(ipt, a)), 1 - beta2));
        return [tf.keep(a), tf.keep(u)];
      });
      this.expAvgIpt.get(name)?.dispose();
      this.expAvgUnc.get(name)?.dispose();
      this.expAvgIpt.set(name, avg);
      this.expAvgUnc.set(name, unc);
    }
  }

  /** Each matrix's triplet scores [init_r], from the smoothed sensitivity and uncertainty. */
  tripletScores(): Map<string, Float32Array> {
    return tidyRead(() => {
      const out = new Map<string, Float32Array>();
      for (const l of this.adapter.layers) {
        const score = (part: string) => {
          const a = this.expAvgIpt.get(`${l.name}.${part}`);
          const u = this.expAvgUnc.get(`${l.name}.${part}`);
          return a && u ? tf.mul(a, u) : tf.zeros(part === 'lora_B' ? [l.outFeatures, l.initRank] : [l.initRank, part === 'lora_A' ? l.inFeatures : 1]);
        };
        const sA = tf.mean(score('lora_A'), 1); // [r]: mean over each row of A
        const sB = tf.mean(score('lora_B'), 0); // [r]: mean over each column of B
        const sE = tf.reshape(score('lora_E'), [-1]); // [r]
        out.set(l.name, tf.add(sE, tf.add(sA, sB)).dataSync() as Float32Array);
      }
      return out;
    });
  }

  /** mask_to_budget: prunes the lowest-scoring triplets down to `budget`; returns the pattern it applied. */
  maskToBudget(budget: number): Map<string, boolean[]> {
    const scores = this.tripletScores();
    const all = Float32Array.from([...scores.values()].flatMap((s) => [...s])).sort();
    const k = this.initBudget - budget;
    if (k < 1 || k > all.length) throw new RangeError(`A budget of ${budget} triplets out of ${this.initBudget} leaves nothing to prune (k = ${k}).`);
    const threshold = all[k - 1]; // torch.kthvalue(…, k): the k-th smallest
    const pattern = new Map<string, boolean[]>();
    for (const [name, s] of scores) pattern.set(name, Array.from(s, (v) => !(v <= threshold)));
    this.adapter.applyRankPattern(pattern);
    return pattern;
  }

  /**
   * AdaLoraModel.update_and_allocate(global_step), called after each optimizer
   * step with that step's gradients; global_step is 0 for the first update.
   */
  updateAndAllocate(globalStep: number, grads: ReadonlyMap<string, tf.Tensor>): RankRecord {
    const c = this.adapter.config;
    const finalStep = c.total_step - c.tfinal;
    let budget: number;
    let masked: boolean;
    if (globalStep < finalStep) {
      this.updateIpt(grads);
      const at = budgetSchedule(c, this.initBudget, this.targetBudget, globalStep);
      budget = at.budget;
      masked = at.mask;
      if (masked) this.maskToBudget(budget);
    } else if (globalStep === finalStep) {
      // The final allocation (force_mask): the cubic is at its end, b(t) = b⁽ᵀ⁾; the scores are then dropped.
      budget = budgetSchedule(c, this.initBudget, this.targetBudget, globalStep).budget;
      masked = true;
      this.maskToBudget(budget);
      this.resetIpt();
    } else {
      // mask_using_rank_pattern: the fixed allocation, re-applied (AdamW may have moved a pruned λ off zero).
      budget = this.targetBudget;
      masked = this.adapter.rankPattern !== null;
      if (this.adapter.rankPattern) this.adapter.applyRankPattern(this.adapter.rankPattern);
    }
    const record: RankRecord = { step: globalStep, budget, masked, ranks: Object.fromEntries(this.adapter.heldRanks()) };
    this.history.push(record);
    return record;
  }

  resetIpt(): void {
    for (const t of [...this.expAvgIpt.values(), ...this.expAvgUnc.values()]) t.dispose();
    this.expAvgIpt.clear();
    this.expAvgUnc.clear();
  }

  dispose(): void {
    this.resetIpt();
  }
}

/**
 * The rank each adapted matrix holds at each step, as plain data for a chart:
 * one series per matrix (in model order), one point per allocation call.
 */
export function rankTimeline(history: readonly RankRecord[], names: readonly string[]): { name: string; points: { step: number; rank: number }[] }[] {
  return names.map((name) => ({ name, points: history.map((h) => ({ step: h.step, rank: h.ranks[name] })) }));
}
