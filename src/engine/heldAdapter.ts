// An adapter of any of PEFT's five methods as the worker holds it: LoRA and
// AdaLoRA hook the linear layers (lora/adapterSet.ts), the prompt-learning
// methods set the model's virtual tokens (model/virtual.ts). What differs by
// method — its name, its files, whether it merges — is decided here, so the
// store and the handlers treat every held adapter the same way.

import type { GPT } from '../model/gpt.ts';
import type { LoraConfig } from '../lora/config.ts';
import { type LoraAdapter, targets } from '../lora/lora.ts';
import { exportPeft, importPeft, loraConfigFromPeft } from '../lora/peft.ts';
import type { AdaLoraAdapter } from '../lora/adalora.ts';
import { exportAdaLoraPeft, importAdaLoraPeft } from '../lora/adaloraPeft.ts';
import type { PromptLearningAdapter } from '../peft/adapter.ts';
import { exportPromptLearning, importPromptLearning } from '../peft/promptFiles.ts';
import type { PromptLearningType } from '../peft/config.ts';
import type { AdaptationMethod } from '../peft/methods.ts';
import { parseSafetensors } from '../io/safetensors.ts';
import { AdapterError } from './adapterErrors.ts';

/** The methods whose result is an adapter the store can hold (full fine-tuning changes the weights themselves). */
export type HeldMethod = Exclude<AdaptationMethod, 'full fine-tuning'>;
export type PromptMethod = 'prompt tuning' | 'P-tuning' | 'prefix tuning';
export type PeftType = 'LORA' | 'ADALORA' | PromptLearningType;

export type HeldKind =
  | { method: 'LoRA'; adapter: LoraAdapter }
  | { method: 'AdaLoRA'; adapter: AdaLoraAdapter }
  | { method: PromptMethod; adapter: PromptLearningAdapter };

export const PEFT_TYPES: Record<HeldMethod, PeftType> = {
  LoRA: 'LORA',
  AdaLoRA: 'ADALORA',
  'prompt tuning': 'PROMPT_TUNING',
  'P-tuning': 'P_TUNING',
  'prefix tuning': 'PREFIX_TUNING',
};

const PROMPT_METHODS: Record<PromptLearningType, PromptMethod> = {
  PROMPT_TUNING: 'prompt tuning',
  P_TUNING: 'P-tuning',
  PREFIX_TUNING: 'prefix tuning',
};

export function promptKind(adapter: PromptLearningAdapter): HeldKind {
  return { method: PROMPT_METHODS[adapter.peftType], adapter };
}

/** Whether ΔW is in the weights now (only LoRA and AdaLoRA can be). */
export function isMerged(k: HeldKind): boolean {
  return k.method === 'LoRA' || k.method === 'AdaLoRA' ? k.adapter.merged : false;
}

/** LoRA's settings, or null for the other methods. */
export function loraConfigOf(k: HeldKind): LoraConfig | null {
  return k.method === 'LoRA' ? k.adapter.config : null;
}

/** The module types whose weights it adapts, as GPT-2 names them; none for a prompt. */
export function modulesOf(k: HeldKind): string[] {
  return k.method === 'LoRA' || k.method === 'AdaLoRA' ? k.adapter.config.target_modules.slice() : [];
}

/** Virtual tokens it puts in front of the text, or null for LoRA and AdaLoRA. */
export function virtualTokensOf(k: HeldKind): number | null {
  return k.method === 'LoRA' || k.method === 'AdaLoRA' ? null : k.adapter.numVirtualTokens;
}

/**
 * Values it holds: what trains (LoRA's A and B), what AdaLoRA's saved file
 * keeps after pruning, a prompt's saved virtual tokens (a kept prompt is in
 * inference mode: its encoder is not kept, as PEFT saves it).
 */
export function parameterCount(k: HeldKind): number {
  switch (k.method) {
    case 'LoRA':
      return k.adapter.trainableCount;
    case 'AdaLoRA':
      return k.adapter.heldCount;
    default:
      return k.adapter.inferenceMode ? k.adapter.embedding.size : k.adapter.trainableCount;
  }
}

/** "#2 r=4 α=8 rsLoRA", "#5 AdaLoRA r=3→2", "#6 PREFIX_TUNING n=8": how the panel lists it (PEFT's own words, the same in every language). */
export function heldName(id: number, k: HeldKind): string {
  switch (k.method) {
    case 'LoRA': {
      const c = k.adapter.config;
      return `#${id} r=${c.r} α=${c.lora_alpha}${c.use_rslora ? ' rsLoRA' : ''}`;
    }
    case 'AdaLoRA':
      return `#${id} AdaLoRA r=${k.adapter.config.init_r}→${k.adapter.config.target_r}`;
    default:
      return `#${id} ${k.adapter.peftType} n=${k.adapter.numVirtualTokens}`;
  }
}

/** What two adapters must share for their logits to be worth comparing (an import's twin). */
export function settingsKey(k: HeldKind): string {
  return `${k.method}:${JSON.stringify(k.method === 'LoRA' || k.method === 'AdaLoRA' ? k.adapter.config : k.adapter.settings)}`;
}

export interface AdapterFiles {
  /** adapter_config.json's fields. */
  config: Record<string, unknown>;
  /** adapter_config.json as saved. */
  configText: string;
  /** adapter_model.safetensors. */
  weights: Uint8Array;
}

/** PEFT's two files for an adapter of any method, as each method's writer makes them. */
export async function exportFiles(k: HeldKind, baseModel: string): Promise<AdapterFiles> {
  switch (k.method) {
    case 'LoRA': {
      const { config, weights } = await exportPeft(k.adapter, baseModel);
      return { config, configText: JSON.stringify(config, null, 2) + '\n', weights };
    }
    case 'AdaLoRA': {
      const { config, weights } = await exportAdaLoraPeft(k.adapter, baseModel);
      return { config, configText: JSON.stringify(config, null, 2) + '\n', weights };
    }
    default: {
      const { config, configText, weights } = await exportPromptLearning(k.adapter, { baseModel });
      return { config, configText, weights };
    }
  }
}

/** adapter_config.json's text as an object; a file that does not parse is a coded error. */
export function parseConfig(configText: string): unknown {
  try {
    return JSON.parse(configText);
  } catch (e) {
    throw new AdapterError('bad-json', `adapter_config.json is not valid JSON (${(e as Error).message}).`, { reason: (e as Error).message });
  }
}

/** The method a config is for, read from its peft_type. */
export function methodOfConfig(json: unknown): HeldMethod {
  const type = typeof json === 'object' && json !== null ? (json as { peft_type?: unknown }).peft_type : undefined;
  const found = (Object.keys(PEFT_TYPES) as HeldMethod[]).find((m) => PEFT_TYPES[m] === type);
  if (!found) {
    const shown = JSON.stringify(type) ?? 'nothing';
    throw new AdapterError('unknown-peft-type', `adapter_config.json has peft_type ${shown}; the playground reads ${Object.values(PEFT_TYPES).join(', ')}.`, {
      peftType: shown,
      known: Object.values(PEFT_TYPES).join(', '),
    });
  }
  return found;
}

/**
 * Reads PEFT's two files for `model`, whatever the method (detected from
 * peft_type). Every check runs before a variable is made, so a file for
 * another base changes nothing; the adapter comes back detached.
 */
export function importFiles(model: GPT, configText: string, weights: Uint8Array): HeldKind {
  const json = parseConfig(configText);
  const method = methodOfConfig(json);
  switch (method) {
    case 'LoRA':
      checkLoraTensors(model, json, weights);
      return { method, adapter: importPeft(model, json, weights) };
    case 'AdaLoRA':
      return { method, adapter: importAdaLoraPeft(model, json, weights) };
    default:
      return promptKind(importPromptLearning(model, json, weights));
  }
}

const LORA_KEY = /^base_model\.model\.transformer\.h\.(\d+)\.(.+)\.(lora_[AB])(?:\.[^.]+)?\.weight$/;

/**
 * A LoRA file checked against the model, tensor by tensor, with coded errors
 * (the core's reader says the same in English only): each key names a layer
 * this model has and one of GPT-2's modules; A is [r, in] and B [out, r] for
 * this model's widths and the config's r; every tensor the config calls for is there.
 */
function checkLoraTensors(model: GPT, json: unknown, weights: Uint8Array): void {
  const { nLayer } = model.config;
  const { tensors } = parseSafetensors(weights, { fileName: 'adapter_model.safetensors' });
  // A deeper base first: its layers are named by the config and the tensors alike (checkLoraConfig would say it uncoded).
  const listed = (json as { layers_to_transform?: unknown }).layers_to_transform;
  const named = [...(Array.isArray(listed) ? listed : typeof listed === 'number' ? [listed] : []).map((l) => ['layers_to_transform', l] as const),
    ...[...tensors.keys()].map((k) => [k, Number(LORA_KEY.exec(k)?.[1] ?? 0)] as const)];
  for (const [key, l] of named) {
    if (typeof l === 'number' && Number.isInteger(l) && l >= nLayer) {
      throw new AdapterError('layer-missing', `${key} names layer ${l}, but this model has ${nLayer} layers: the adapter was made for another base.`, {
        key,
        layer: l,
        layers: nLayer,
      });
    }
  }
  const config = loraConfigFromPeft(json, model.config); // every field checked (LoraError names it)
  const wanted = new Map<string, number[]>();
  for (const { name, linear } of targets(model, config)) {
    const [fanIn, fanOut] = linear.weight.shape as [number, number];
    wanted.set(`base_model.model.${name}.lora_A.weight`, [config.r, fanIn]);
    wanted.set(`base_model.model.${name}.lora_B.weight`, [fanOut, config.r]);
  }
  const seen = new Set<string>();
  for (const [raw, t] of tensors) {
    const m = LORA_KEY.exec(raw);
    // Saved files drop the adapter name; in-memory state dicts keep it (".lora_A.default.weight").
    const key = m && `base_model.model.transformer.h.${m[1]}.${m[2]}.${m[3]}.weight`;
    const expected = key && wanted.get(key);
    if (!key || !expected) throw new AdapterError('unexpected-tensor', `The adapter holds "${raw}", which this config and model have no place for.`, { key: raw });
    if (t.shape.join() !== expected.join()) {
      const got = `[${t.shape.join(', ')}]`;
      const want = `[${expected.join(', ')}]`;
      throw new AdapterError('shape-mismatch', `${raw} is ${got}; this model needs ${want} — the adapter was made for another base.`, {
        key: raw,
        got,
        expected: want,
      });
    }
    seen.add(key);
  }
  const missing = [...wanted.keys()].find((k) => !seen.has(k));
  if (missing) throw new AdapterError('missing-tensor', `The adapter file lacks ${missing}.`, { key: missing });
}

/** The LoRA adapter to continue training or restore; the other methods train in the comparison only (a kept prompt is in inference mode). */
export function loraOnly(name: string, k: HeldKind): LoraAdapter {
  if (k.method === 'LoRA') return k.adapter;
  throw new AdapterError('lora-only', `${name} is a ${k.method} adapter; only LoRA adapters continue training here (the other methods train in the comparison).`, {
    name,
    method: k.method,
  });
}
