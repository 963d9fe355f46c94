import type { GPT } from '../model/gpt.ts';
import type { GPTConfig } from '../model/config.ts';
import { parseSafetensors } from '../io/safetensors.ts';
import { serializeSafetensors } from '../io/safetensorsWrite.ts';
import { type TargetModule, TARGET_MODULES } from './config.ts';
import { targets } from './lora.ts';
import { AdaLoraAdapter } from './adalora.ts';
import { type AdaLoraConfig, AdaLoraError, DEFAULT_ADALORA, checkAdaLoraConfig } from './adaloraConfig.ts';

/**
 * PEFT's AdaLoRA adapter files, as `PeftModel.save_pretrained` writes them
 * (huggingface/peft `utils/save_and_load.py` get_peft_model_state_dict and
 * `tuners/adalora/model.py` resize_state_dict_by_rank_pattern, PEFT 0.18):
 *
 * - lora_A, lora_B and lora_E are nn.Parameters in ParameterDicts, so their
 *   keys carry no `.weight` and, once the adapter name is removed, read
 *   `base_model.model.transformer.h.0.attn.c_attn.lora_A` ([rᵢ, in]), `.lora_B`
 *   ([out, rᵢ]) and `.lora_E` ([rᵢ, 1]);
 * - `ranknum` has no "lora_" in its name and is not saved: a loaded layer
 *   divides by init_r again (resize_modules_by_rank_pattern keeps the old ranknum);
 * - with a rank_pattern, the pruned triplets are cut out: rows of A and E,
 *   columns of B, so each matrix's tensors have the rank it kept;
 * - adapter_config.json holds every AdaLoraConfig field (LoraConfig's
 *   included, sort_keys=True, inference_mode true as save_pretrained sets it)
 *   and `rank_pattern`: `{"transformer.h.0.attn.c_attn.lora_E": [true, false, …]}`,
 *   init_r booleans per matrix, keys without the adapter name.
 */

const PREFIX = 'base_model.model.';

export interface PeftAdaLoraConfig {
  peft_type: 'ADALORA';
  init_r: number;
  target_r: number;
  tinit: number;
  tfinal: number;
  deltaT: number;
  beta1: number;
  beta2: number;
  orth_reg_weight: number;
  total_step: number | null;
  rank_pattern: Record<string, boolean[]> | null;
  lora_alpha: number;
  lora_dropout: number;
  target_modules: string[] | string;
  layers_to_transform: number[] | number | null;
  [field: string]: unknown;
}

/** The file's config: AdaLoraConfig.to_dict() as PeftConfig.save_pretrained writes it, keys sorted. */
export function peftConfigFromAdaLora(c: AdaLoraConfig, rankPattern: Map<string, boolean[]> | null, baseModel = 'transformer-playground'): PeftAdaLoraConfig {
  const fields: PeftAdaLoraConfig = {
    // PeftConfig
    auto_mapping: null,
    base_model_name_or_path: baseModel,
    revision: null,
    peft_type: 'ADALORA',
    task_type: 'CAUSAL_LM',
    inference_mode: true,
    // LoraConfig (r is unused by AdaLoRA; PEFT warns unless it keeps its default 8)
    r: 8,
    target_modules: c.target_modules.slice(),
    exclude_modules: null,
    lora_alpha: c.lora_alpha,
    lora_dropout: c.lora_dropout,
    fan_in_fan_out: true, // GPT-2's Conv1D stores weights [in, out]
    bias: 'none',
    use_rslora: false,
    modules_to_save: null,
    init_lora_weights: true,
    layers_to_transform: c.layers_to_transform,
    // AdaLoraConfig refuses layers_to_transform without layers_pattern; GPT-2's blocks are `transformer.h`.
    layers_pattern: c.layers_to_transform ? 'h' : null,
    alpha_pattern: {},
    megatron_config: null,
    megatron_core: 'megatron.core',
    loftq_config: {},
    use_dora: false,
    layer_replication: null,
    // AdaLoraConfig
    target_r: c.target_r,
    init_r: c.init_r,
    tinit: c.tinit,
    tfinal: c.tfinal,
    deltaT: c.deltaT,
    beta1: c.beta1,
    beta2: c.beta2,
    orth_reg_weight: c.orth_reg_weight,
    total_step: c.total_step,
    rank_pattern: rankPattern ? Object.fromEntries([...rankPattern].map(([name, keep]) => [`${name}.lora_E`, keep.slice()])) : null,
  };
  return Object.fromEntries(Object.entries(fields).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) as PeftAdaLoraConfig;
}

/** Writes adapter_config.json's object and adapter_model.safetensors, pruned triplets cut out. */
export async function exportAdaLoraPeft(adapter: AdaLoraAdapter, baseModel?: string): Promise<{ config: PeftAdaLoraConfig; weights: Uint8Array }> {
  const tensors = new Map<string, { shape: number[]; data: Float32Array }>();
  const pattern = adapter.rankPattern;
  const values = await adapter.values();
  for (const l of adapter.layers) {
    const v = values.get(l.name)!;
    const r = l.initRank;
    const [fanIn, fanOut] = [l.inFeatures, l.outFeatures];
    const keep = pattern?.get(l.name) ?? new Array<boolean>(r).fill(true);
    const kept = keep.flatMap((k, i) => (k ? [i] : []));
    const a = new Float32Array(kept.length * fanIn);
    const b = new Float32Array(fanOut * kept.length);
    const e = new Float32Array(kept.length);
    kept.forEach((i, j) => {
      a.set(v.a.subarray(i * fanIn, (i + 1) * fanIn), j * fanIn);
      e[j] = v.e[i];
      for (let o = 0; o < fanOut; o++) b[o * kept.length + j] = v.b[o * r + i];
    });
    tensors.set(`${PREFIX}${l.name}.lora_A`, { shape: [kept.length, fanIn], data: a });
    tensors.set(`${PREFIX}${l.name}.lora_B`, { shape: [fanOut, kept.length], data: b });
    tensors.set(`${PREFIX}${l.name}.lora_E`, { shape: [kept.length, 1], data: e });
  }
  return { config: peftConfigFromAdaLora(adapter.config, pattern, baseModel), weights: serializeSafetensors(tensors, { metadata: { format: 'pt' } }) };
}

/** PEFT's target matching: a string is a regular expression over full names; a list matches exactly or by `.` suffix. */
function resolveTargets(t: unknown, nLayer: number): TargetModule[] {
  const bad = (): never => {
    throw new AdaLoraError('bad-target-modules', `target_modules ${JSON.stringify(t)} names none of GPT-2's modules (${TARGET_MODULES.join(', ')}).`, {
      field: 'target_modules',
      value: JSON.stringify(t),
      modules: TARGET_MODULES.join(', '),
    });
  };
  if (typeof t === 'string') {
    let re: RegExp | null = null;
    try {
      re = new RegExp(`^(?:${t})$`);
    } catch {
      bad();
    }
    const found = TARGET_MODULES.filter((m) => Array.from({ length: nLayer }, (_, i) => i).some((i) => re!.test(`transformer.h.${i}.${m}`)));
    return found.length ? found : bad();
  }
  if (!Array.isArray(t) || t.length === 0 || t.some((x) => typeof x !== 'string')) return bad();
  const names = t as string[];
  const matches = (m: string, x: string) => m === x || m.endsWith(`.${x}`) || x.endsWith(`.${m}`);
  if (names.some((x) => !TARGET_MODULES.some((m) => matches(m, x)))) bad();
  return TARGET_MODULES.filter((m) => names.some((x) => matches(m, x)));
}

/** adapter_config.json as an AdaLoraConfig for `base` (PEFT's defaults for absent fields), and its rank pattern. */
export function adaloraConfigFromPeft(json: unknown, base: Pick<GPTConfig, 'nLayer' | 'nEmbd' | 'nInner'>): { config: AdaLoraConfig; rankPattern: Map<string, boolean[]> | null } {
  if (typeof json !== 'object' || json === null || Array.isArray(json)) throw new AdaLoraError('missing-field', 'adapter_config.json must be a JSON object.', { field: 'peft_type' });
  const c = json as Partial<PeftAdaLoraConfig>;
  if (c.peft_type !== 'ADALORA') {
    throw new AdaLoraError('not-adalora', `adapter_config.json has peft_type ${JSON.stringify(c.peft_type)}; an AdaLoRA adapter has "ADALORA".`, { peft_type: String(c.peft_type) });
  }
  for (const field of ['total_step', 'target_modules'] as const) {
    // PEFT 0.18 refuses an AdaLoraConfig without total_step; target_modules says where the tensors go.
    if (c[field] === undefined || c[field] === null) throw new AdaLoraError('missing-field', `adapter_config.json has no "${field}".`, { field });
  }
  if (c.bias !== undefined && c.bias !== 'none') throw new AdaLoraError('unsupported', `bias ${JSON.stringify(c.bias)} is not supported; only "none" (PEFT's default).`, { field: 'bias', value: String(c.bias) });
  if (c.use_dora) throw new AdaLoraError('unsupported', 'use_dora: AdaLoRA does not support DoRA.', { field: 'use_dora', value: 'true' });
  const layers = c.layers_to_transform;
  const config: AdaLoraConfig = {
    ...DEFAULT_ADALORA,
    ...Object.fromEntries(Object.keys(DEFAULT_ADALORA).filter((k) => c[k] !== undefined && k !== 'target_modules').map((k) => [k, c[k]])),
    total_step: c.total_step as number,
    target_modules: resolveTargets(c.target_modules, base.nLayer),
    layers_to_transform: layers === undefined || layers === null ? null : typeof layers === 'number' ? [layers] : layers,
  };
  checkAdaLoraConfig(config, base);
  return { config, rankPattern: readRankPattern(c.rank_pattern, config, base.nLayer) };
}

function readRankPattern(raw: unknown, config: AdaLoraConfig, nLayer: number): Map<string, boolean[]> | null {
  if (raw === undefined || raw === null) return null;
  const fail = (key: string, why: string): never => {
    throw new AdaLoraError('bad-rank-pattern', `rank_pattern ${key ? `"${key}" ` : ''}${why}`, { key });
  };
  if (typeof raw !== 'object' || Array.isArray(raw)) fail('', 'must be an object of module names to lists of booleans.');
  const modules = new Set(
    Array.from({ length: nLayer }, (_, i) => i)
      .filter((i) => !config.layers_to_transform || config.layers_to_transform.includes(i))
      .flatMap((i) => config.target_modules.map((m) => `transformer.h.${i}.${m}`)),
  );
  const out = new Map<string, boolean[]>();
  for (const [key, keep] of Object.entries(raw as Record<string, unknown>)) {
    // Saved keys end in .lora_E; a pattern taken from a live model still carries the adapter name (.lora_E.default).
    const name = key.replace(/\.lora_E(\.[^.]+)?$/, '');
    if (name === key || !modules.has(name)) fail(key, `names no matrix this adapter adapts (${[...modules][0]}.lora_E, …).`);
    if (!Array.isArray(keep) || keep.length !== config.init_r || keep.some((k) => typeof k !== 'boolean')) fail(key, `must be a list of ${config.init_r} booleans (init_r).`);
    out.set(name, keep as boolean[]);
  }
  return out;
}

/**
 * Reads a PEFT AdaLoRA adapter for `model`. Everything is checked before any
 * variable is made; the pruned triplets come back as zero rows with λ = 0, so
 * the layer computes exactly what PEFT's resized layer computes.
 */
export function importAdaLoraPeft(model: GPT, configJSON: unknown, weights: Uint8Array): AdaLoraAdapter {
  const { config, rankPattern } = adaloraConfigFromPeft(configJSON, model.config);
  const { tensors } = parseSafetensors(weights, { fileName: 'adapter_model.safetensors' });
  const r = config.init_r;
  const expected = new Set<string>();
  const slots = new Map<string, number[]>();
  for (const { name, linear } of targets(model, { ...config, r, use_rslora: false })) {
    const [fanIn, fanOut] = linear.weight.shape as [number, number];
    const keep = rankPattern?.get(name) ?? new Array<boolean>(r).fill(true);
    const kept = keep.flatMap((k, i) => (k ? [i] : []));
    slots.set(name, kept);
    const ri = kept.length;
    for (const [part, shape] of [['lora_A', [ri, fanIn]], ['lora_B', [fanOut, ri]], ['lora_E', [ri, 1]]] as const) {
      const key = `${PREFIX}${name}.${part}`;
      expected.add(key);
      const got = tensors.get(key)?.shape;
      if (!got) throw new AdaLoraError('missing-tensor', `The adapter file lacks ${key}.`, { key });
      if (got.length !== 2 || got[0] !== shape[0] || got[1] !== shape[1]) {
        throw new AdaLoraError('shape-mismatch', `${key} is [${got.join(', ')}]; this base model and rank pattern need [${shape.join(', ')}] — the adapter was made for another base or config.`, {
          key,
          got: `[${got.join(', ')}]`,
          expected: `[${shape.join(', ')}]`,
        });
      }
    }
  }
  const extra = [...tensors.keys()].filter((k) => !expected.has(k));
  if (extra.length) {
    const keys = extra.slice(0, 4).join(', ') + (extra.length > 4 ? ', …' : '');
    throw new AdaLoraError('unexpected-tensors', `The adapter has tensors this model has no place for: ${keys} — it was made for another base or method.`, { keys });
  }
  const adapter = AdaLoraAdapter.build(model, config, (name, rank, fanIn, fanOut) => {
    const kept = slots.get(name)!;
    const [sa, sb, se] = (['lora_A', 'lora_B', 'lora_E'] as const).map((p) => tensors.get(`${PREFIX}${name}.${p}`)!.data);
    const a = new Float32Array(rank * fanIn);
    const b = new Float32Array(fanOut * rank);
    const e = new Float32Array(rank);
    kept.forEach((i, j) => {
      a.set(sa.subarray(j * fanIn, (j + 1) * fanIn), i * fanIn);
      e[i] = se[j];
      for (let o = 0; o < fanOut; o++) b[o * rank + i] = sb[o * kept.length + j];
    });
    return { a, b, e };
  });
  adapter.rankPattern = rankPattern;
  return adapter;
}
