import fs from 'node:fs';
import * as tf from '@tensorflow/tfjs';
import { describe, expect, it, beforeAll, afterAll } from 'vitest';
import { loadGPT } from '../../src/io/checkpoint.ts';
import { parseSafetensors } from '../../src/io/safetensors.ts';
import { GPT } from '../../src/model/gpt.ts';
import { makeConfig } from '../../src/model/config.ts';
import { LoraAdapter } from '../../src/lora/lora.ts';
import { DEFAULT_LORA, loraScaling, LoraError, maxLoraRank } from '../../src/lora/config.ts';
import { exportPeft, importPeft } from '../../src/lora/peft.ts';
import { Trainer } from '../../src/train/trainer.ts';
import { useBackend } from '../helpers/backend.ts';
import { fixtureCases, fixturePath, maxAbsDiff } from '../helpers/fixtures.ts';

const { tolerance, cases } = fixtureCases();
const adapterConfig = JSON.parse(fs.readFileSync(fixturePath('adapter_config.json'), 'utf8'));
const adapterBytes = new Uint8Array(fs.readFileSync(fixturePath('adapter_model.safetensors')));
const ids = cases[1].input_ids;

describe('LoRA with PEFT semantics', () => {
  let base: GPT;
  let baseLogits: Float32Array[];
  beforeAll(async () => {
    await useBackend('cpu');
    base = await loadGPT({ config: fixturePath('config.json'), weights: fixturePath('model.safetensors') });
    baseLogits = base.logitsAt(ids);
  });
  afterAll(() => base.dispose());

  it("matches PyTorch's logits with the fixture's PEFT adapter, at every position of every case", () => {
    const adapter = importPeft(base, adapterConfig, adapterBytes);
    expect(adapter.config).toMatchObject({ r: 4, lora_alpha: 8, target_modules: ['attn.c_attn', 'attn.c_proj'] });
    adapter.enabled = true;
    for (const c of cases) {
      base.logitsAt(c.input_ids).forEach((row, i) => expect(maxAbsDiff(row, c.logits_with_adapter[i])).toBeLessThan(tolerance));
    }
    adapter.enabled = false;
    base.logitsAt(ids).forEach((row, i) => expect(maxAbsDiff(row, baseLogits[i])).toBe(0)); // off = the base model exactly
    adapter.dispose();
  });

  it('a fresh adapter changes nothing (B starts at zero); A is kaiming-uniform', async () => {
    const adapter = LoraAdapter.create(base, { ...DEFAULT_LORA, r: 2, target_modules: ['attn.c_attn', 'mlp.c_fc'] }, 1);
    adapter.enabled = true;
    base.logitsAt(ids).forEach((row, i) => expect(maxAbsDiff(row, baseLogits[i])).toBe(0));
    const a = (await adapter.values()).get('transformer.h.0.attn.c_attn')!.a;
    const bound = 1 / Math.sqrt(32);
    expect(Math.max(...a.map(Math.abs))).toBeLessThanOrEqual(bound);
    expect(Math.max(...a.map(Math.abs))).toBeGreaterThan(0.8 * bound);
    expect(adapter.trainableCount).toBe(2 * 2 * ((32 + 96) + (32 + 128))); // r·(in+out) per module, 2 layers
    adapter.dispose();
  });

  it('merge adds B·A·scaling into W, unmerge takes it out: logits agree before, after and after again', () => {
    const adapter = importPeft(base, adapterConfig, adapterBytes);
    adapter.enabled = true;
    const before = base.logitsAt(ids);
    adapter.merge();
    expect(adapter.enabled).toBe(false); // the update now lives in W
    const merged = base.logitsAt(ids);
    adapter.unmerge();
    expect(adapter.enabled).toBe(true);
    const after = base.logitsAt(ids);
    before.forEach((row, i) => {
      expect(maxAbsDiff(row, merged[i])).toBeLessThan(1e-4);
      expect(maxAbsDiff(row, after[i])).toBeLessThan(1e-4);
    });
    adapter.enabled = false;
    base.logitsAt(ids).forEach((row, i) => expect(maxAbsDiff(row, baseLogits[i])).toBeLessThan(1e-5));
    adapter.dispose();
  });

  it('training changes only A and B; the base weights stay bit-identical', async () => {
    // Frozen embeddings of N(0, 0.02) cap the logits near ±0.3 — no adapter could fit anything on
    // top of them — so this base starts wider, as a trained model's embeddings are.
    const model = GPT.create(makeConfig('nano', { initStd: 0.3 }), 3);
    const before = await model.weights();
    const adapter = LoraAdapter.create(model, { ...DEFAULT_LORA, r: 4, target_modules: ['attn.c_attn', 'attn.c_proj', 'mlp.c_fc', 'mlp.c_proj'] }, 2);
    adapter.enabled = true;
    const text = Int32Array.from({ length: 400 }, (_, i) => [5, 9, 13, 2][i % 4]);
    const trainer = new Trainer(model, text, { batchSize: 4, blockSize: 16, learningRate: 1e-2, warmupSteps: 2, steps: 60 }, adapter.trainableVariables());
    expect(trainer.trainableCount).toBe(adapter.trainableCount);
    const first = trainer.trainStep().loss;
    let last = first;
    for (let i = 0; i < 59; i++) last = trainer.trainStep().loss;
    expect(last).toBeLessThan(0.5 * first);
    for (const [name, w] of await model.weights()) expect(maxAbsDiff(w.data, before.get(name)!.data)).toBe(0);
    // Continue training the same adapter with a new trainer: the loss keeps its level and goes on down.
    const again = new Trainer(model, text, { batchSize: 4, blockSize: 16, learningRate: 5e-3, warmupSteps: 1, steps: 20, seed: 3 }, adapter.trainableVariables());
    const resumedFirst = again.trainStep().loss;
    expect(resumedFirst).toBeLessThan(0.6 * first);
    trainer.dispose();
    again.dispose();
    adapter.dispose();
    model.dispose();
  });

  it('exports PEFT files that re-import to identical logits, under PEFT key names', async () => {
    const adapter = importPeft(base, adapterConfig, adapterBytes);
    const { config, weights } = await exportPeft(adapter, 'gpt2-tiny');
    expect(config).toMatchObject({ peft_type: 'LORA', r: 4, lora_alpha: 8, fan_in_fan_out: true, bias: 'none', use_rslora: false });
    const keys = [...parseSafetensors(weights).tensors.keys()].sort();
    const fixtureKeys = [...parseSafetensors(adapterBytes).tensors.keys()].sort();
    expect(keys).toEqual(fixtureKeys);
    adapter.enabled = true;
    const ref = base.logitsAt(ids);
    adapter.enabled = false;
    const back = importPeft(base, JSON.parse(JSON.stringify(config)), weights);
    back.enabled = true;
    base.logitsAt(ids).forEach((row, i) => expect(maxAbsDiff(row, ref[i])).toBe(0));
    back.dispose();
    adapter.dispose();
  });

  it('refuses an adapter made for another base and keeps the current one in place', () => {
    const current = importPeft(base, adapterConfig, adapterBytes);
    current.enabled = true;
    const ref = base.logitsAt(ids);
    const other = GPT.create(makeConfig('nano', { nEmbd: 16, nHead: 2 }), 1);
    const numTensors = tf.memory().numTensors;
    expect(() => importPeft(other, adapterConfig, adapterBytes)).toThrow(/another base/);
    expect(() => importPeft(base, { ...adapterConfig, layers_to_transform: [5] }, adapterBytes)).toThrow(/layer 5/);
    expect(() => importPeft(base, { ...adapterConfig, target_modules: ['q_proj'] }, adapterBytes)).toThrow(/q_proj/);
    expect(() => importPeft(base, { ...adapterConfig, target_modules: ['attn.c_attn'] }, adapterBytes)).toThrow(/no place for/);
    expect(() => importPeft(base, { ...adapterConfig, peft_type: 'IA3' }, adapterBytes)).toThrow(LoraError);
    expect(() => importPeft(base, adapterConfig, adapterBytes.slice(0, 100))).toThrow();
    expect(tf.memory().numTensors).toBe(numTensors); // nothing half-built
    base.logitsAt(ids).forEach((row, i) => expect(maxAbsDiff(row, ref[i])).toBe(0));
    // A second adapter cannot attach on top of the first.
    const second = LoraAdapter.create(base, adapterConfigToLora(), 4);
    expect(() => { second.enabled = true; }).toThrow(/already has another adapter/);
    second.dispose();
    current.dispose();
    other.dispose();
  });

  it('refuses a bad adapter config before building anything, naming the field (PEFT files and panel settings alike)', () => {
    const ref = base.logitsAt(ids);
    const numTensors = tf.memory().numTensors;
    const bad: [Record<string, unknown>, RegExp][] = [
      [{ r: 0 }, /^r \(the rank\) must be a whole number ≥ 1; got 0/],
      [{ r: -1 }, /^r \(the rank\) must be a whole number ≥ 1; got -1/],
      [{ r: 2.5 }, /^r \(the rank\).*got 2\.5/],
      [{ r: '4' }, /^r \(the rank\).*got "4"/],
      [{ r: 1e6 }, /^r = 1000000 is larger than the targeted matrices allow: .*r must be 1…/],
      [{ lora_alpha: 0 }, /^lora_alpha must be a positive number; got 0/],
      [{ lora_alpha: -8 }, /^lora_alpha must be a positive number; got -8/],
      [{ lora_alpha: 'eight' }, /^lora_alpha .*got "eight"/],
      [{ lora_dropout: 1 }, /^lora_dropout must be a number in \[0, 1\); got 1/],
      [{ lora_dropout: -0.1 }, /^lora_dropout/],
      [{ use_rslora: 'yes' }, /^use_rslora must be true or false/],
      [{ target_modules: [] }, /^target_modules is empty/],
      [{ target_modules: ['q_proj'] }, /^target_modules has q_proj, which GPT-2 does not have/],
      [{ target_modules: 'nothing_here' }, /^target_modules "nothing_here" matches none/],
      [{ target_modules: '(' }, /^target_modules "\(" is not a valid regular expression/],
      [{ target_modules: 42 }, /^target_modules must be a list/],
      [{ layers_to_transform: [0, 0] }, /^layers_to_transform names a layer twice/],
      [{ layers_to_transform: [-1] }, /^layers_to_transform has layer -1/],
      [{ r: undefined }, /no "r"/],
    ];
    for (const [change, message] of bad) {
      expect(() => importPeft(base, { ...adapterConfig, ...change }, adapterBytes), JSON.stringify(change)).toThrow(message);
    }
    // NaN cannot be written in JSON, but a panel setting can hold it.
    for (const [change, message] of [
      [{ r: NaN }, /^r \(the rank\).*got NaN/],
      [{ lora_alpha: NaN }, /^lora_alpha .*got NaN/],
      [{ r: 1e6 }, /^r = 1000000 is larger/],
      [{ target_modules: ['attn.q_proj'] }, /^target_modules has "attn\.q_proj"/],
    ] as const) {
      expect(() => LoraAdapter.create(base, { ...adapterConfigToLora(), ...change } as never, 1), JSON.stringify(change)).toThrow(message);
    }
    // The upper bound is the smallest targeted matrix's min(in, out): width 32 here.
    expect(maxLoraRank(base.config, ['attn.c_attn', 'mlp.c_fc'])).toBe(base.config.nEmbd);
    expect(() => LoraAdapter.create(base, { ...adapterConfigToLora(), r: base.config.nEmbd + 1 }, 1)).toThrow(/r must be 1…/);
    expect(tf.memory().numTensors).toBe(numTensors); // nothing was built
    base.logitsAt(ids).forEach((row, i) => expect(maxAbsDiff(row, ref[i])).toBe(0));
  });

  it('scaling is alpha/r, or alpha/sqrt(r) with rsLoRA', () => {
    expect(loraScaling({ r: 4, lora_alpha: 8, use_rslora: false })).toBe(2);
    expect(loraScaling({ r: 4, lora_alpha: 8, use_rslora: true })).toBe(4);
  });
});

function adapterConfigToLora() {
  return { ...DEFAULT_LORA, r: 4, lora_alpha: 8, target_modules: ['attn.c_attn' as const] };
}
