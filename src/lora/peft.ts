import type { GPT } from '../model/gpt.ts';
import { parseSafetensors } from '../io/safetensors.ts';
import { serializeSafetensors } from '../io/safetensorsWrite.ts';
import { type LoraConfig, type TargetModule, TARGET_MODULES, LoraError } from './config.ts';
import { LoraAdapter, targets } from './lora.ts';

/**
 * PEFT's adapter files: adapter_config.json + adapter_model.safetensors with
 * keys such as `base_model.model.transformer.h.0.attn.c_attn.lora_A.weight`.
 * An adapter trained here loads in Python's PEFT on the same base, and back.
 */

export interface PeftAdapterConfig {
  peft_type: 'LORA';
  task_type?: string;
  r: number;
  lora_alpha: number;
  lora_dropout?: number;
  target_modules: string[] | string;
  fan_in_fan_out?: boolean;
  bias?: string;
  use_rslora?: boolean;
  use_dora?: boolean;
  layers_to_transform?: number[] | number | null;
  base_model_name_or_path?: string | null;
  [extra: string]: unknown;
}

const PREFIX = 'base_model.model.';

/** PEFT matches a target by exact name or by a `.`-separated suffix ("c_proj" means both c_proj modules). */
function resolveTargets(t: string[] | string, nLayer: number): TargetModule[] {
  if (typeof t === 'string') {
    // A string is a regular expression matched against full module names.
    const re = new RegExp(`^(?:${t})$`);
    return TARGET_MODULES.filter((m) => Array.from({ length: nLayer }, (_, i) => i).some((i) => re.test(`transformer.h.${i}.${m}`)));
  }
  const unknown = t.filter((x) => !TARGET_MODULES.some((m) => m === x || m.endsWith(`.${x}`) || x.endsWith(`.${m}`)));
  if (unknown.length) throw new LoraError(`The adapter targets ${unknown.join(', ')}, which GPT-2 does not have (it has ${TARGET_MODULES.join(', ')}).`);
  return TARGET_MODULES.filter((m) => t.some((x) => m === x || m.endsWith(`.${x}`) || x.endsWith(`.${m}`)));
}

export function loraConfigFromPeft(json: unknown, nLayer: number): LoraConfig {
  if (typeof json !== 'object' || json === null) throw new LoraError('adapter_config.json must be a JSON object.');
  const c = json as Partial<PeftAdapterConfig>;
  if (c.peft_type !== 'LORA') throw new LoraError(`adapter_config.json has peft_type "${c.peft_type}"; only LORA adapters are supported.`);
  if (typeof c.r !== 'number' || typeof c.lora_alpha !== 'number') throw new LoraError('adapter_config.json needs numeric "r" and "lora_alpha".');
  if (c.bias && c.bias !== 'none') throw new LoraError(`bias "${c.bias}" is not supported; only adapters with bias "none" (PEFT's default).`);
  if (c.use_dora) throw new LoraError('DoRA adapters (use_dora: true) are not supported.');
  if (c.target_modules === undefined) throw new LoraError('adapter_config.json lists no target_modules.');
  const layers = c.layers_to_transform;
  return {
    r: c.r,
    lora_alpha: c.lora_alpha,
    lora_dropout: c.lora_dropout ?? 0,
    target_modules: resolveTargets(c.target_modules, nLayer),
    use_rslora: c.use_rslora ?? false,
    layers_to_transform: layers === undefined || layers === null ? null : typeof layers === 'number' ? [layers] : layers,
  };
}

export function peftConfigFromLora(c: LoraConfig, baseModel = 'transformer-playground'): PeftAdapterConfig {
  return {
    peft_type: 'LORA',
    task_type: 'CAUSAL_LM',
    r: c.r,
    lora_alpha: c.lora_alpha,
    lora_dropout: c.lora_dropout,
    target_modules: c.target_modules.slice(),
    fan_in_fan_out: true, // GPT-2's Conv1D stores weights [in, out]
    bias: 'none',
    use_rslora: c.use_rslora,
    layers_to_transform: c.layers_to_transform,
    base_model_name_or_path: baseModel,
  };
}

export async function exportPeft(adapter: LoraAdapter, baseModel?: string): Promise<{ config: PeftAdapterConfig; weights: Uint8Array }> {
  const tensors = new Map<string, { shape: number[]; data: Float32Array }>();
  for (const [name, v] of await adapter.values()) {
    tensors.set(`${PREFIX}${name}.lora_A.weight`, { shape: v.shapeA, data: v.a });
    tensors.set(`${PREFIX}${name}.lora_B.weight`, { shape: v.shapeB, data: v.b });
  }
  return { config: peftConfigFromLora(adapter.config, baseModel), weights: serializeSafetensors(tensors, { metadata: { format: 'pt' } }) };
}

/**
 * Reads a PEFT adapter for `model`. Everything is checked before any variable
 * is made: an adapter for another base (other shapes, layers or modules) is a
 * LoraError, and whatever adapter the caller holds stays as it is.
 */
export function importPeft(model: GPT, configJSON: unknown, weights: Uint8Array): LoraAdapter {
  const config = loraConfigFromPeft(configJSON, model.config.nLayer);
  const { tensors } = parseSafetensors(weights, { fileName: 'adapter_model.safetensors' });
  const byName = new Map<string, Float32Array>();
  const shapes = new Map<string, number[]>();
  for (const [key, t] of tensors) {
    // Saved files drop the adapter name; in-memory state dicts keep it (".lora_A.default.weight").
    const k = key.replace(/^base_model\.model\./, '').replace(/\.(lora_[AB])\.[^.]+\.weight$/, '.$1.weight');
    byName.set(k, t.data);
    shapes.set(k, t.shape);
  }
  if (config.layers_to_transform) {
    for (const l of config.layers_to_transform) {
      if (l >= model.config.nLayer) throw new LoraError(`The adapter adapts layer ${l}, but this model has ${model.config.nLayer} layers: it was made for another base.`);
    }
  }
  const expected = new Set<string>();
  for (const { name, linear } of targets(model, { ...config, layers_to_transform: config.layers_to_transform })) {
    const [fanIn, fanOut] = linear.weight.shape as [number, number];
    for (const [part, shape] of [['lora_A', [config.r, fanIn]], ['lora_B', [fanOut, config.r]]] as const) {
      const key = `${name}.${part}.weight`;
      expected.add(key);
      const got = shapes.get(key);
      if (!got) throw new LoraError(`The adapter file lacks ${PREFIX}${key}.`);
      if (got.length !== 2 || got[0] !== shape[0] || got[1] !== shape[1]) {
        throw new LoraError(`${PREFIX}${key} is [${got.join(', ')}]; this base model needs [${shape.join(', ')}] — the adapter was made for another base.`);
      }
    }
  }
  const extra = [...byName.keys()].filter((k) => !expected.has(k));
  if (extra.length) throw new LoraError(`The adapter has tensors this model has no place for: ${extra.slice(0, 4).map((k) => PREFIX + k).join(', ')}${extra.length > 4 ? ', …' : ''} — it was made for another base.`);
  return LoraAdapter.build(model, config, (name) => ({ a: byName.get(`${name}.lora_A.weight`)!, b: byName.get(`${name}.lora_B.weight`)! }));
}
