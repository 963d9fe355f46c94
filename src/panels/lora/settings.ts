// The LoRA settings of the link, turned into what the core and the charts
// need. Pure functions: no React, no engine.

import { type LoraConfig, type TargetModule, TARGET_MODULES, checkLoraConfig, loraScaling, moduleShape } from '../../lora/config.ts';
import type { GPTConfig } from '../../model/config.ts';
import type { PlaygroundState } from '../../state/schema.ts';
import type { TrainObjective } from '../../train/unlikelihood.ts';

/** `lora_targets` ("attn.c_attn,attn.c_proj") as modules in model order; names GPT-2 lacks are reported. */
export function parseTargets(text: string): { targets: TargetModule[]; unknown: string[] } {
  const names = text.split(',').map((s) => s.trim()).filter(Boolean);
  return {
    targets: TARGET_MODULES.filter((m) => names.includes(m)),
    unknown: names.filter((n) => !(TARGET_MODULES as readonly string[]).includes(n)),
  };
}

/** The targets text with one module switched on or off (in model order; unknown names dropped). */
export function withTarget(text: string, module: TargetModule, on: boolean): string {
  const { targets } = parseTargets(text);
  return TARGET_MODULES.filter((m) => (m === module ? on : targets.includes(m))).join(',');
}

export function loraConfigFromState(state: PlaygroundState): LoraConfig {
  return {
    r: state.loraR,
    lora_alpha: state.loraAlpha,
    lora_dropout: 0, // the runs here are short; dropout would only slow them
    target_modules: parseTargets(state.loraTargets).targets,
    use_rslora: state.loraRslora === 'on',
    layers_to_transform: null,
  };
}

/** What is wrong with the link's LoRA settings for this model, in the core's words (naming the field); null when nothing. */
export function loraConfigProblem(state: PlaygroundState, model: GPTConfig): string | null {
  try {
    checkLoraConfig(loraConfigFromState(state), model);
    return null;
  } catch (e) {
    return (e as Error).message;
  }
}

/** r·(in + out) per adapted module, over every layer: what LoRA trains. */
export function adapterParameterCount(c: GPTConfig, targets: readonly TargetModule[], r: number): number {
  return c.nLayer * targets.reduce((n, m) => n + r * moduleShape(c, m).reduce((a, b) => a + b, 0), 0);
}

/** "α / r = 8 / 4 = 2", or with rsLoRA "α / √r = 8 / 2 = 4". */
export function scalingFormula(c: Pick<LoraConfig, 'r' | 'lora_alpha' | 'use_rslora'>): string {
  const value = loraScaling(c);
  const shown = Number.isInteger(value) ? String(value) : value.toFixed(3);
  return c.use_rslora
    ? `α / √r = ${c.lora_alpha} / ${Number.isInteger(Math.sqrt(c.r)) ? Math.sqrt(c.r) : Math.sqrt(c.r).toFixed(3)} = ${shown}`
    : `α / r = ${c.lora_alpha} / ${c.r} = ${shown}`;
}

/**
 * Full fine-tuning's learning rate in the comparison: LoRA's, capped at 1e-3
 * (nanoGPT's rate for small models). LoRA's update starts at zero and has few
 * directions, so it takes rates several times larger; at those, full
 * fine-tuning would throw every weight of the model far too far.
 */
export function fullFineTuningRate(loraRate: number): number {
  return Math.min(loraRate, 1e-3);
}


/** The link's training objective: maximum likelihood, or with unlikelihood at weight `lora_ul_alpha`. */
export function objectiveFromState(state: PlaygroundState): TrainObjective {
  return state.loraObjective === 'unlikelihood' ? { kind: 'unlikelihood', alpha: state.loraUlAlpha } : { kind: 'mle' };
}
