import fs from 'node:fs';
import * as tf from '@tensorflow/tfjs';
import { describe, expect, it, beforeAll, afterAll } from 'vitest';
import { loadGPT } from '../../src/io/checkpoint.ts';
import { parseSafetensors } from '../../src/io/safetensors.ts';
import { serializeSafetensors } from '../../src/io/safetensorsWrite.ts';
import { GPT } from '../../src/model/gpt.ts';
import { makeConfig } from '../../src/model/config.ts';
import { AdaLoraAdapter } from '../../src/lora/adalora.ts';
import { type AdaLoraConfig, AdaLoraError, DEFAULT_ADALORA } from '../../src/lora/adaloraConfig.ts';
import { exportAdaLoraPeft, importAdaLoraPeft } from '../../src/lora/adaloraPeft.ts';
import { Rng } from '../../src/util/random.ts';
import { useBackend } from '../helpers/backend.ts';
import { fixtureCases, fixturePath, maxAbsDiff } from '../helpers/fixtures.ts';

const ids = fixtureCases().cases[1].input_ids;
const CONFIG: AdaLoraConfig = { ...DEFAULT_ADALORA, init_r: 3, target_r: 1, lora_alpha: 32, total_step: 100, tinit: 10, tfinal: 20, deltaT: 5 };

describe('AdaLoRA adapter files as PEFT writes them', () => {
  let base: GPT;
  beforeAll(async () => {
    await useBackend('cpu');
    base = await loadGPT({ config: fixturePath('config.json'), weights: fixturePath('model.safetensors') });
  });
  afterAll(() => base.dispose());

  function trained(seed: number) {
    const rng = new Rng(seed);
    const adapter = AdaLoraAdapter.build(base, CONFIG, (_n, r, fanIn, fanOut) => ({ a: rng.normalArray(r * fanIn, 0.3), b: rng.normalArray(fanOut * r, 0.3), e: rng.normalArray(r, 1) }));
    // What an allocation leaves: some triplets kept, one matrix pruned to rank 0.
    adapter.applyRankPattern(
      new Map([
        ['transformer.h.0.attn.c_attn', [true, false, true]],
        ['transformer.h.0.attn.c_proj', [false, false, true]],
        ['transformer.h.1.attn.c_attn', [true, true, true]],
        ['transformer.h.1.attn.c_proj', [false, false, false]],
      ]),
    );
    return adapter;
  }

  it('writes every AdaLoraConfig field, keys sorted, rank_pattern without the adapter name; tensors cut to the kept ranks, no .weight, no ranknum', async () => {
    const adapter = trained(1);
    const { config, weights } = await exportAdaLoraPeft(adapter, 'gpt2-tiny');
    expect(Object.keys(config)).toEqual(Object.keys(config).slice().sort());
    expect(config).toMatchObject({
      peft_type: 'ADALORA', task_type: 'CAUSAL_LM', inference_mode: true, base_model_name_or_path: 'gpt2-tiny', r: 8,
      init_r: 3, target_r: 1, tinit: 10, tfinal: 20, deltaT: 5, beta1: 0.85, beta2: 0.85, orth_reg_weight: 0.5, total_step: 100,
      lora_alpha: 32, lora_dropout: 0, fan_in_fan_out: true, bias: 'none', use_dora: false, use_rslora: false,
      init_lora_weights: true, layers_to_transform: null, layers_pattern: null, target_modules: ['attn.c_attn', 'attn.c_proj'],
    });
    expect(config.rank_pattern).toEqual({
      'transformer.h.0.attn.c_attn.lora_E': [true, false, true],
      'transformer.h.0.attn.c_proj.lora_E': [false, false, true],
      'transformer.h.1.attn.c_attn.lora_E': [true, true, true],
      'transformer.h.1.attn.c_proj.lora_E': [false, false, false],
    });
    const { tensors } = parseSafetensors(weights);
    const shapes = Object.fromEntries([...tensors].map(([k, t]) => [k, t.shape]));
    expect(shapes).toEqual({
      'base_model.model.transformer.h.0.attn.c_attn.lora_A': [2, 32],
      'base_model.model.transformer.h.0.attn.c_attn.lora_B': [96, 2],
      'base_model.model.transformer.h.0.attn.c_attn.lora_E': [2, 1],
      'base_model.model.transformer.h.0.attn.c_proj.lora_A': [1, 32],
      'base_model.model.transformer.h.0.attn.c_proj.lora_B': [32, 1],
      'base_model.model.transformer.h.0.attn.c_proj.lora_E': [1, 1],
      'base_model.model.transformer.h.1.attn.c_attn.lora_A': [3, 32],
      'base_model.model.transformer.h.1.attn.c_attn.lora_B': [96, 3],
      'base_model.model.transformer.h.1.attn.c_attn.lora_E': [3, 1],
      'base_model.model.transformer.h.1.attn.c_proj.lora_A': [0, 32],
      'base_model.model.transformer.h.1.attn.c_proj.lora_B': [32, 0],
      'base_model.model.transformer.h.1.attn.c_proj.lora_E': [0, 1],
    });
    // The kept rows of A and E, columns of B: triplets 0 and 2 of h.0's c_attn.
    const v = (await adapter.values()).get('transformer.h.0.attn.c_attn')!;
    const key = 'base_model.model.transformer.h.0.attn.c_attn';
    expect([...tensors.get(`${key}.lora_A`)!.data]).toEqual([...v.a.slice(0, 32), ...v.a.slice(64, 96)]);
    expect([...tensors.get(`${key}.lora_E`)!.data]).toEqual([v.e[0], v.e[2]]);
    expect([...tensors.get(`${key}.lora_B`)!.data.slice(0, 4)]).toEqual([v.b[0], v.b[2], v.b[3], v.b[5]]);
    adapter.dispose();
  });

  it('round trip: the imported adapter gives the same logits and writes the same bytes', async () => {
    const adapter = trained(2);
    adapter.enabled = true;
    const ref = base.logitsAt(ids);
    adapter.enabled = false;
    const { config, weights } = await exportAdaLoraPeft(adapter);
    const back = importAdaLoraPeft(base, JSON.parse(JSON.stringify(config)), weights);
    back.enabled = true;
    base.logitsAt(ids).forEach((row, i) => expect(maxAbsDiff(row, ref[i])).toBeLessThan(1e-6));
    expect([...back.heldRanks().values()]).toEqual([2, 1, 3, 0]);
    const again = await exportAdaLoraPeft(back);
    expect(again.weights).toEqual(weights);
    expect(again.config).toEqual(config);
    back.dispose();
    adapter.dispose();
  });

  it('reads a file built by hand from PEFT 0.18: pruned shapes, ranknum = init_r, scaling = lora_alpha', async () => {
    // Layer 0's c_attn kept triplets 0 and 2 of init_r 4; layer 1's kept none. Values as Python would hold them.
    const rng = new Rng(9);
    const kept = { 'transformer.h.0.attn.c_attn': [true, false, true, false], 'transformer.h.1.attn.c_attn': [false, false, false, false] };
    const hand = new Map<string, { shape: number[]; data: Float32Array }>();
    for (const [name, keep] of Object.entries(kept)) {
      const r = keep.filter(Boolean).length;
      hand.set(`base_model.model.${name}.lora_A`, { shape: [r, 32], data: rng.normalArray(r * 32, 0.5) });
      hand.set(`base_model.model.${name}.lora_B`, { shape: [96, r], data: rng.normalArray(96 * r, 0.5) });
      hand.set(`base_model.model.${name}.lora_E`, { shape: [r, 1], data: rng.normalArray(r, 1) });
    }
    const configJSON = {
      peft_type: 'ADALORA', task_type: 'CAUSAL_LM', base_model_name_or_path: 'gpt2-tiny', inference_mode: true, r: 8,
      init_r: 4, target_r: 1, tinit: 0, tfinal: 0, deltaT: 1, beta1: 0.85, beta2: 0.85, orth_reg_weight: 0.5, total_step: 50,
      lora_alpha: 16, lora_dropout: 0.1, target_modules: ['c_attn'], fan_in_fan_out: true, bias: 'none',
      rank_pattern: Object.fromEntries(Object.entries(kept).map(([n, k]) => [`${n}.lora_E`, k])),
    };
    const weights = serializeSafetensors(hand, { metadata: { format: 'pt' } });
    const adapter = importAdaLoraPeft(base, configJSON, weights);
    expect(adapter.config).toMatchObject({ init_r: 4, lora_alpha: 16, target_modules: ['attn.c_attn'], total_step: 50 });
    adapter.enabled = true;
    const got = base.logitsAt(ids);
    adapter.dispose();
    // The reference: W + (B·(A ⊙ E))ᵀ·16/(4 + 1e-5) merged by hand into a copy of the base.
    const A = hand.get('base_model.model.transformer.h.0.attn.c_attn.lora_A')!.data;
    const B = hand.get('base_model.model.transformer.h.0.attn.c_attn.lora_B')!.data;
    const E = hand.get('base_model.model.transformer.h.0.attn.c_attn.lora_E')!.data;
    const w = await base.weights();
    {
      const W = w.get('transformer.h.0.attn.c_attn.weight')!; // [32, 96]
      const merged = Float32Array.from(W.data);
      for (let i = 0; i < 32; i++) {
        for (let o = 0; o < 96; o++) {
          let d = 0;
          for (let k = 0; k < 2; k++) d += B[o * 2 + k] * A[k * 32 + i] * E[k];
          merged[i * 96 + o] += (d * 16) / (4 + 1e-5);
        }
      }
      w.set('transformer.h.0.attn.c_attn.weight', { shape: W.shape, data: merged });
      const reference = GPT.fromWeights(base.config, w);
      reference.logitsAt(ids).forEach((row, i) => expect(maxAbsDiff(row, got[i])).toBeLessThan(1e-4));
      reference.dispose();
    }
  });

  it('refuses mismatched files with a code, building nothing', async () => {
    const adapter = trained(3);
    const { config, weights } = await exportAdaLoraPeft(adapter);
    adapter.dispose();
    const loraConfig = JSON.parse(fs.readFileSync(fixturePath('adapter_config.json'), 'utf8'));
    const loraWeights = new Uint8Array(fs.readFileSync(fixturePath('adapter_model.safetensors')));
    const { tensors } = parseSafetensors(weights);
    const withExtra = serializeSafetensors(new Map([...[...tensors].map(([k, t]) => [k, { shape: t.shape, data: t.data }] as const), ['base_model.model.transformer.h.0.attn.c_attn.ranknum', { shape: [1], data: new Float32Array([3]) }]]));
    const other = GPT.create(makeConfig('nano', { nEmbd: 16, nHead: 2, nLayer: 2 }), 1);
    const n = tf.memory().numTensors;
    const cases: [unknown, Uint8Array, string, GPT?][] = [
      [loraConfig, loraWeights, 'not-adalora'],
      [{ ...loraConfig, peft_type: 'ADALORA', init_r: 4, target_r: 2, total_step: 10 }, loraWeights, 'missing-tensor'], // LoRA keys end in .weight
      [{ ...config, total_step: undefined }, weights, 'missing-field'],
      [{ ...config, init_r: 4 }, weights, 'bad-rank-pattern'], // 3 booleans per matrix, init_r says 4
      [{ ...config, rank_pattern: { ...config.rank_pattern!, 'transformer.h.0.mlp.c_fc.lora_E': [true, true, true] } }, weights, 'bad-rank-pattern'],
      [{ ...config, rank_pattern: null }, weights, 'shape-mismatch'], // unpruned: every matrix needs init_r
      [config, withExtra, 'unexpected-tensors'],
      [{ ...config, use_dora: true }, weights, 'unsupported'],
      [{ ...config, target_modules: ['q_proj'] }, weights, 'bad-target-modules'],
      [config, weights, 'shape-mismatch', other], // another base's widths
    ];
    for (const [json, bytes, code, model] of cases) {
      let err: unknown;
      try {
        importAdaLoraPeft(model ?? base, json, bytes);
      } catch (e) {
        err = e;
      }
      expect(err, code).toBeInstanceOf(AdaLoraError);
      expect((err as AdaLoraError).code, String((err as Error).message)).toBe(code);
    }
    expect(tf.memory().numTensors).toBe(n);
    other.dispose();
  });
});
