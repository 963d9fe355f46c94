/**
 * AdaLoRA's settings (Zhang et al. 2023, "Adaptive Budget Allocation for
 * Parameter-Efficient Fine-Tuning") under PEFT's field names, and its budget
 * schedule. Read from huggingface/peft: `src/peft/tuners/adalora/config.py`
 * (AdaLoraConfig, PEFT 0.18.1 — the total_step and schedule checks) and
 * `tuners/adalora/layer.py` (RankAllocator.budget_schedule).
 */
import type { GPTConfig } from '../model/config.ts';
import { type MessageParams, codesOf } from '../util/codes.ts';
import { type LoraConfig, type TargetModule, TARGET_MODULES, LoraError, maxLoraRank } from './config.ts';

export interface AdaLoraConfig {
  /** Rank every matrix starts with: P·Λ·Q with `init_r` triplets (PEFT's default 12). */
  init_r: number;
  /** Average rank the budget ends at: the final budget is target_r × the number of adapted matrices (default 8). */
  target_r: number;
  /** Steps of warm-up at the full budget before any triplet is pruned (default 0). */
  tinit: number;
  /** Last steps trained at the final allocation, the mask fixed (default 0). */
  tfinal: number;
  /** Steps between two allocations during the budget's decline (default 1). */
  deltaT: number;
  /** EMA factor of the sensitivity |w·∇w| (default 0.85). */
  beta1: number;
  /** EMA factor of its uncertainty |I − Ī| (default 0.85). */
  beta2: number;
  /** Weight of the orthogonality penalty ‖PᵀP − I‖_F + ‖QQᵀ − I‖_F added to the loss (default 0.5). */
  orth_reg_weight: number;
  /** Steps the schedule is planned for; PEFT refuses to train without it. */
  total_step: number;
  /** ΔW is scaled by lora_alpha / (ranknum + 1e-5), ranknum = init_r (0 means scaling = init_r, as PEFT). */
  lora_alpha: number;
  lora_dropout: number;
  target_modules: TargetModule[];
  layers_to_transform: number[] | null;
}

/** PEFT's AdaLoraConfig defaults, with the LoRA panel's modules; total_step is the caller's. */
export const DEFAULT_ADALORA: Omit<AdaLoraConfig, 'total_step'> = {
  init_r: 12,
  target_r: 8,
  tinit: 0,
  tfinal: 0,
  deltaT: 1,
  beta1: 0.85,
  beta2: 0.85,
  orth_reg_weight: 0.5,
  lora_alpha: 8, // LoraConfig's default, inherited by AdaLoraConfig
  lora_dropout: 0,
  target_modules: ['attn.c_attn', 'attn.c_proj'],
  layers_to_transform: null,
};

/** SVDLinear's `scaling`: lora_alpha when positive, else the rank (layer.py update_layer). */
export function adaloraScaling(c: Pick<AdaLoraConfig, 'lora_alpha' | 'init_r'>): number {
  return c.lora_alpha > 0 ? c.lora_alpha : c.init_r;
}

/** Why an AdaLoRA setting, file or call was refused; the page words it from the code and params. */
export type AdaLoraErrorCode =
  | 'not-whole-positive'
  | 'not-whole-non-negative'
  | 'not-open-unit'
  | 'not-positive'
  | 'not-non-negative'
  | 'not-dropout'
  | 'target-not-below-init'
  | 'rank-too-large'
  | 'no-budgeting-phase'
  | 'bad-target-modules'
  | 'bad-layers'
  | 'not-adalora'
  | 'missing-field'
  | 'unsupported'
  | 'bad-rank-pattern'
  | 'missing-tensor'
  | 'shape-mismatch'
  | 'unexpected-tensors'
  | 'adapter-attached'
  | 'merged'
  | 'disposed';

export const ADALORA_ERROR_CODES = codesOf<AdaLoraErrorCode>({
  'not-whole-positive': 0,
  'not-whole-non-negative': 0,
  'not-open-unit': 0,
  'not-positive': 0,
  'not-non-negative': 0,
  'not-dropout': 0,
  'target-not-below-init': 0,
  'rank-too-large': 0,
  'no-budgeting-phase': 0,
  'bad-target-modules': 0,
  'bad-layers': 0,
  'not-adalora': 0,
  'missing-field': 0,
  'unsupported': 0,
  'bad-rank-pattern': 0,
  'missing-tensor': 0,
  'shape-mismatch': 0,
  'unexpected-tensors': 0,
  'adapter-attached': 0,
  'merged': 0,
  'disposed': 0,
});

/** A LoraError with a code: code-blind callers still catch it as a LoRA error. */
export class AdaLoraError extends LoraError {
  override name = 'AdaLoraError';
  constructor(readonly code: AdaLoraErrorCode, message: string, readonly params: MessageParams = {}) {
    super(message);
  }
}

const show = (v: unknown): string => (typeof v === 'string' ? JSON.stringify(v) : Array.isArray(v) ? `[${v.map(show).join(', ')}]` : String(v));

const isWhole = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v);

/**
 * Every field checked before anything is built, each error naming its field.
 * Beyond PEFT: target_r must be below init_r — with target_r = init_r PEFT's
 * allocator asks torch.kthvalue for k = 0 and fails mid-training.
 */
export function checkAdaLoraConfig(c: AdaLoraConfig, base: Pick<GPTConfig, 'nLayer' | 'nEmbd' | 'nInner'>): void {
  const fail = (code: AdaLoraErrorCode, field: string, message: string, extra: MessageParams = {}): never => {
    throw new AdaLoraError(code, message, { field, value: show((c as unknown as Record<string, unknown>)[field]), ...extra });
  };
  for (const f of ['init_r', 'target_r', 'deltaT', 'total_step'] as const) {
    if (!isWhole(c[f]) || c[f] < 1) fail('not-whole-positive', f, `${f} must be a whole number ≥ 1; got ${show(c[f])}.`);
  }
  for (const f of ['tinit', 'tfinal'] as const) {
    if (!isWhole(c[f]) || c[f] < 0) fail('not-whole-non-negative', f, `${f} must be a whole number ≥ 0; got ${show(c[f])}.`);
  }
  for (const f of ['beta1', 'beta2'] as const) {
    // RankAllocator asserts 0 < beta < 1.
    if (typeof c[f] !== 'number' || !(c[f] > 0 && c[f] < 1)) fail('not-open-unit', f, `${f} must be a number between 0 and 1 (both excluded); got ${show(c[f])}.`);
  }
  // AdaLoraModel.forward raises when orth_reg_weight <= 0.
  if (typeof c.orth_reg_weight !== 'number' || !Number.isFinite(c.orth_reg_weight) || c.orth_reg_weight <= 0) {
    fail('not-positive', 'orth_reg_weight', `orth_reg_weight must be a positive number; got ${show(c.orth_reg_weight)}.`);
  }
  if (typeof c.lora_alpha !== 'number' || !Number.isFinite(c.lora_alpha) || c.lora_alpha < 0) {
    fail('not-non-negative', 'lora_alpha', `lora_alpha must be a number ≥ 0 (0 scales by init_r); got ${show(c.lora_alpha)}.`);
  }
  if (typeof c.lora_dropout !== 'number' || !(c.lora_dropout >= 0 && c.lora_dropout < 1)) {
    fail('not-dropout', 'lora_dropout', `lora_dropout must be a number in [0, 1); got ${show(c.lora_dropout)}.`);
  }
  if (c.target_r >= c.init_r) {
    fail('target-not-below-init', 'target_r', `target_r (${c.target_r}) must be below init_r (${c.init_r}): AdaLoRA prunes from init_r down to target_r.`, {
      init_r: c.init_r,
      target_r: c.target_r,
    });
  }
  if (c.tinit >= c.total_step - c.tfinal) {
    fail('no-budgeting-phase', 'tinit', `tinit (${c.tinit}) + tfinal (${c.tfinal}) leave no budgeting phase in total_step (${c.total_step}) steps; decrease tinit or tfinal, or increase total_step.`, {
      tinit: c.tinit,
      tfinal: c.tfinal,
      total_step: c.total_step,
    });
  }
  if (!Array.isArray(c.target_modules) || c.target_modules.length === 0 || c.target_modules.some((m) => !TARGET_MODULES.includes(m)) || new Set(c.target_modules).size !== c.target_modules.length) {
    fail('bad-target-modules', 'target_modules', `target_modules must name one or more of GPT-2's modules (${TARGET_MODULES.join(', ')}), each once; got ${show(c.target_modules)}.`, {
      modules: TARGET_MODULES.join(', '),
    });
  }
  const maxR = maxLoraRank(base, c.target_modules);
  if (c.init_r > maxR) {
    fail('rank-too-large', 'init_r', `init_r = ${c.init_r} is larger than the targeted matrices allow: P·Λ·Q has rank at most min(in, out) = ${maxR} here.`, { max: maxR });
  }
  const layers = c.layers_to_transform;
  if (layers !== null) {
    const ok = Array.isArray(layers) && layers.length > 0 && new Set(layers).size === layers.length && layers.every((l) => isWhole(l) && l >= 0 && l < base.nLayer);
    if (!ok) fail('bad-layers', 'layers_to_transform', `layers_to_transform must be null or distinct layers 0…${base.nLayer - 1}; got ${show(layers)}.`, { maxLayer: base.nLayer - 1 });
  }
}

export interface BudgetAt {
  /** Triplets (rank-1 components) the model may keep in all. */
  budget: number;
  /** Whether this step prunes to the budget. */
  mask: boolean;
}

/**
 * RankAllocator.budget_schedule: the full budget through `tinit`, then a cubic
 * decline to target_r × matrices by step total_step − tfinal, pruning every
 * `deltaT` steps; after that the final budget, masked every step.
 * budget = ⌊(b⁽⁰⁾ − b⁽ᵀ⁾)·(1 − (t − tinit)/(T − tfinal − tinit))³ + b⁽ᵀ⁾⌋.
 */
export function budgetSchedule(c: Pick<AdaLoraConfig, 'tinit' | 'tfinal' | 'total_step' | 'deltaT'>, initBudget: number, targetBudget: number, step: number): BudgetAt {
  if (step <= c.tinit) return { budget: initBudget, mask: false };
  if (step > c.total_step - c.tfinal) return { budget: targetBudget, mask: true };
  const mulCoeff = 1 - (step - c.tinit) / (c.total_step - c.tfinal - c.tinit);
  // Python's int() truncates toward zero; the value is never negative here.
  return { budget: Math.trunc((initBudget - targetBudget) * mulCoeff ** 3 + targetBudget), mask: step % c.deltaT === 0 };
}

/**
 * AdaLoRA beside a LoRA configuration, at the same final budget: target_r is
 * LoRA's r, and it starts at 1.5 × r (PEFT's defaults, 12 → 8, have that
 * ratio), on the same modules, layers, α and dropout; the full budget for the
 * first tenth of the run, the final allocation fixed for the last fifth.
 */
export function comparisonAdaLoraConfig(lora: LoraConfig, steps: number, base: Pick<GPTConfig, 'nLayer' | 'nEmbd' | 'nInner'>): AdaLoraConfig {
  const initR = Math.min(Math.max(lora.r + 1, Math.ceil(1.5 * lora.r)), maxLoraRank(base, lora.target_modules));
  return {
    ...DEFAULT_ADALORA,
    init_r: initR,
    target_r: Math.min(lora.r, initR - 1),
    tinit: Math.floor(steps / 10),
    tfinal: Math.floor(steps / 5),
    total_step: steps,
    lora_alpha: lora.lora_alpha,
    lora_dropout: lora.lora_dropout,
    target_modules: [...lora.target_modules],
    layers_to_transform: lora.layers_to_transform ? [...lora.layers_to_transform] : null,
  };
}
