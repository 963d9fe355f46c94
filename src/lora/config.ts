/**
 * A LoRA configuration under PEFT's field names (LoraConfig), so that
 * adapter_config.json files move between this playground and Python's PEFT.
 */
import type { GPTConfig } from '../model/config.ts';

export type TargetModule = 'attn.c_attn' | 'attn.c_proj' | 'mlp.c_fc' | 'mlp.c_proj';

export const TARGET_MODULES: readonly TargetModule[] = ['attn.c_attn', 'attn.c_proj', 'mlp.c_fc', 'mlp.c_proj'];

export interface LoraConfig {
  /** Rank of the update ΔW = B·A. */
  r: number;
  /** ΔW is scaled by lora_alpha / r (or lora_alpha / √r with rsLoRA). */
  lora_alpha: number;
  /** Dropout on the adapter's input during training only. */
  lora_dropout: number;
  target_modules: TargetModule[];
  /** rsLoRA (Kalajdzievski 2023): scaling α/√r keeps updates stable as r grows. */
  use_rslora: boolean;
  /** Layers to adapt; null means every layer. */
  layers_to_transform: number[] | null;
}

export const DEFAULT_LORA: LoraConfig = {
  r: 4,
  lora_alpha: 8,
  lora_dropout: 0,
  target_modules: ['attn.c_attn', 'attn.c_proj'],
  use_rslora: false,
  layers_to_transform: null,
};

/** PEFT's scaling: α/r, or α/√r with rsLoRA. */
export function loraScaling(c: Pick<LoraConfig, 'r' | 'lora_alpha' | 'use_rslora'>): number {
  return c.use_rslora ? c.lora_alpha / Math.sqrt(c.r) : c.lora_alpha / c.r;
}

export class LoraError extends Error {
  override name = 'LoraError';
}

/** [in, out] of a module's weight, as GPT-2 stores it (Conv1D, fan_in_fan_out). */
export function moduleShape(c: Pick<GPTConfig, 'nEmbd' | 'nInner'>, m: TargetModule): [number, number] {
  switch (m) {
    case 'attn.c_attn':
      return [c.nEmbd, 3 * c.nEmbd];
    case 'attn.c_proj':
      return [c.nEmbd, c.nEmbd];
    case 'mlp.c_fc':
      return [c.nEmbd, c.nInner];
    case 'mlp.c_proj':
      return [c.nInner, c.nEmbd];
  }
}

/**
 * The largest rank worth having: B·A can reach rank min(in, out) of the
 * smallest targeted matrix and no more; a larger r only adds parameters
 * (and PEFT's own docs stop well short of it).
 */
export function maxLoraRank(base: Pick<GPTConfig, 'nEmbd' | 'nInner'>, targets: readonly TargetModule[]): number {
  const ranks = targets.filter((m) => TARGET_MODULES.includes(m)).map((m) => Math.min(...moduleShape(base, m)));
  return ranks.length ? Math.min(...ranks) : Math.min(base.nEmbd, base.nInner);
}

const show = (v: unknown): string => (typeof v === 'string' ? JSON.stringify(v) : Array.isArray(v) ? `[${v.map(show).join(', ')}]` : String(v));

/**
 * Every field checked, each error naming its field, before anything touches
 * the base model: a config from the panel's settings or from an
 * adapter_config.json is refused here, not by a shape error further on.
 */
export function checkLoraConfig(c: LoraConfig, base: Pick<GPTConfig, 'nLayer' | 'nEmbd' | 'nInner'>): void {
  const nLayer = base.nLayer;
  if (typeof c.r !== 'number' || !Number.isInteger(c.r) || c.r < 1) throw new LoraError(`r (the rank) must be a whole number ≥ 1; got ${show(c.r)}.`);
  if (typeof c.lora_alpha !== 'number' || !Number.isFinite(c.lora_alpha) || c.lora_alpha <= 0) {
    throw new LoraError(`lora_alpha must be a positive number; got ${show(c.lora_alpha)}.`);
  }
  if (typeof c.lora_dropout !== 'number' || !(c.lora_dropout >= 0 && c.lora_dropout < 1)) {
    throw new LoraError(`lora_dropout must be a number in [0, 1); got ${show(c.lora_dropout)}.`);
  }
  if (typeof c.use_rslora !== 'boolean') throw new LoraError(`use_rslora must be true or false; got ${show(c.use_rslora)}.`);
  if (!Array.isArray(c.target_modules)) throw new LoraError(`target_modules must be a list of module names; got ${show(c.target_modules)}.`);
  if (c.target_modules.length === 0) throw new LoraError('target_modules is empty: choose at least one module to adapt.');
  for (const m of c.target_modules) {
    if (!TARGET_MODULES.includes(m)) throw new LoraError(`target_modules has "${m}", which GPT-2 does not have; it has ${TARGET_MODULES.join(', ')}.`);
  }
  if (new Set(c.target_modules).size !== c.target_modules.length) throw new LoraError(`target_modules names a module twice: ${show(c.target_modules)}.`);
  const maxR = maxLoraRank(base, c.target_modules);
  if (c.r > maxR) {
    throw new LoraError(
      `r = ${c.r} is larger than the targeted matrices allow: ΔW = B·A has rank at most min(in, out) = ${maxR} here, so r must be 1…${maxR}.`,
    );
  }
  if (c.layers_to_transform !== null) {
    if (!Array.isArray(c.layers_to_transform)) throw new LoraError(`layers_to_transform must be a list of layer numbers or null; got ${show(c.layers_to_transform)}.`);
    if (c.layers_to_transform.length === 0) throw new LoraError('layers_to_transform is empty: list at least one layer, or use null for every layer.');
    for (const l of c.layers_to_transform) {
      if (typeof l !== 'number' || !Number.isInteger(l) || l < 0 || l >= nLayer) {
        throw new LoraError(`layers_to_transform has layer ${show(l)}; the model has layers 0…${nLayer - 1}.`);
      }
    }
    if (new Set(c.layers_to_transform).size !== c.layers_to_transform.length) throw new LoraError(`layers_to_transform names a layer twice: ${show(c.layers_to_transform)}.`);
  }
}
