import type { GPT } from '../model/gpt.ts';
import { parseSafetensors } from '../io/safetensors.ts';
import { serializeSafetensors } from '../io/safetensorsWrite.ts';
import type { GPTConfig } from '../model/config.ts';
import { type LoraConfig, type TargetModule, TARGET_MODULES, LoraError, checkLoraConfig } from './config.ts';
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
function resolveTargets(t: unknown, nLayer: number): TargetModule[] {
  if (typeof t === 'string') {
    // A string is a regular expression matched against full module names.
    let re: RegExp;
    try {
      re = new RegExp(`^(?:${t})$`);
    } catch {
      throw new LoraError(`target_modules "${t}" is not a valid regular expression.`);
    }
    const found = TARGET_MODULES.filter((m) => Array.from({ length: nLayer }, (_, i) => i).some((i) => re.test(`transformer.h.${i}.${m}`)));
    if (found.length === 0) throw new LoraError(`target_modules "${t}" matches none of GPT-2's modules (${TARGET_MODULES.join(', ')}).`);
    return found;
  }
  if (!Array.isArray(t) || t.some((x) => typeof x !== 'string')) throw new LoraError(`target_modules must be a list of module names or a pattern; got ${JSON.stringify(t)}.`);
  const names = t as string[];
  if (names.length === 0) throw new LoraError('target_modules is empty: the adapter adapts nothing.');
  const unknown = names.filter((x) => !TARGET_MODULES.some((m) => m === x || m.endsWith(`.${x}`) || x.endsWith(`.${m}`)));
  if (unknown.length) throw new LoraError(`target_modules has ${unknown.join(', ')}, which GPT-2 does not have (it has ${TARGET_MODULES.join(', ')}).`);
  return TARGET_MODULES.filter((m) => names.some((x) => m === x || m.endsWith(`.${x}`) || x.endsWith(`.${m}`)));
}

/**
 * adapter_config.json as a LoraConfig for `base`, every field checked (each
 * error names its field) before anything is built.
 */
export function loraConfigFromPeft(json: unknown, base: Pick<GPTConfig, 'nLayer' | 'nEmbd' | 'nInner'>): LoraConfig {
  if (typeof json !== 'object' || json === null || Array.isArray(json)) throw new LoraError('adapter_config.json must be a JSON object.');
  const c = json as Partial<PeftAdapterConfig>;
  if (c.peft_type !== 'LORA') throw new LoraError(`adapter_config.json has peft_type "${c.peft_type}"; only LORA adapters are supported.`);
  if (c.r === undefined) throw new LoraError('adapter_config.json has no "r" (the rank).');
  if (c.lora_alpha === undefined) throw new LoraError('adapter_config.json has no "lora_alpha".');
  if (c.bias && c.bias !== 'none') throw new LoraError(`bias "${c.bias}" is not supported; only adapters with bias "none" (PEFT's default).`);
  if (c.use_dora) throw new LoraError('DoRA adapters (use_dora: true) are not supported.');
  if (c.target_modules === undefined || c.target_modules === null) throw new LoraError('adapter_config.json lists no target_modules.');
  const layers = c.layers_to_transform;
  const config: LoraConfig = {
    r: c.r,
    lora_alpha: c.lora_alpha,
    lora_dropout: c.lora_dropout ?? 0,
    target_modules: resolveTargets(c.target_modules, base.nLayer),
    use_rslora: c.use_rslora ?? false,
    layers_to_transform: layers === undefined || layers === null ? null : typeof layers === 'number' ? [layers] : layers,
  };
  checkLoraConfig(config, base);
  return config;
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
  const config = loraConfigFromPeft(configJSON, model.config);
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
