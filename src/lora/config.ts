/**
 * A LoRA configuration under PEFT's field names (LoraConfig), so that
 * adapter_config.json files move between this playground and Python's PEFT.
 */
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

export function checkLoraConfig(c: LoraConfig, nLayer: number): void {
  if (!Number.isInteger(c.r) || c.r < 1) throw new LoraError(`r must be a whole number ≥ 1; got ${c.r}.`);
  if (!Number.isFinite(c.lora_alpha) || c.lora_alpha <= 0) throw new LoraError(`lora_alpha must be a positive number; got ${c.lora_alpha}.`);
  if (!(c.lora_dropout >= 0 && c.lora_dropout < 1)) throw new LoraError(`lora_dropout must be in [0, 1); got ${c.lora_dropout}.`);
  if (c.target_modules.length === 0) throw new LoraError('target_modules is empty: choose at least one module to adapt.');
  for (const m of c.target_modules) {
    if (!TARGET_MODULES.includes(m)) throw new LoraError(`Unknown target module "${m}"; GPT-2 has ${TARGET_MODULES.join(', ')}.`);
  }
  for (const l of c.layers_to_transform ?? []) {
    if (!Number.isInteger(l) || l < 0 || l >= nLayer) throw new LoraError(`layers_to_transform has layer ${l}; the model has layers 0…${nLayer - 1}.`);
  }
}
