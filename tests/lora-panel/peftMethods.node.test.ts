// Every PEFT method's adapter in the page's store, through the worker's LoRA
// methods on a nano GPT in the embedded slot (cpu backend): a comparison keeps
// each adapter it trains; each is switched on and off (a prompt takes the
// window's first positions), exported as PEFT's two files and imported back to
// the same logits; files for another base are refused with codes and nothing
// held or attached changes; AdaLoRA merges, a prompt cannot; no tensor leaks.

import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EventOf, MethodName, ParamsOf, ResultOf } from '../../src/engine/protocol.ts';
import type { AdapterSummary, ComparisonResult } from '../../src/engine/loraProtocol.ts';
import { initBackend, installModel, models } from '../../src/engine/runtime.ts';
import { loraHandlers } from '../../src/engine/handlers/lora.ts';
import { GPT } from '../../src/model/gpt.ts';
import { makeConfig } from '../../src/model/config.ts';
import { CharTokenizer } from '../../src/tokenizer/index.ts';
import { explanationsAsText } from '../../src/lessons/explanations.ts';
import { DEFAULT_LORA, type LoraConfig } from '../../src/lora/config.ts';
import { LoraAdapter } from '../../src/lora/lora.ts';
import { exportPeft } from '../../src/lora/peft.ts';
import { AdaLoraAdapter } from '../../src/lora/adalora.ts';
import { comparisonAdaLoraConfig } from '../../src/lora/adaloraConfig.ts';
import { exportAdaLoraPeft } from '../../src/lora/adaloraPeft.ts';
import { createPromptTuning } from '../../src/peft/promptTuning.ts';
import { createPrefixTuning } from '../../src/peft/prefixTuning.ts';
import { exportPromptLearning } from '../../src/peft/promptFiles.ts';
import type { PromptLearningAdapter } from '../../src/peft/adapter.ts';
import { greedyRun } from '../../src/sampling/headAblation.ts';
import { generate } from '../../src/sampling/generate.ts';
import { SAMPLE_TOKENS } from '../../src/engine/handlers/lora/compare.ts';
import { Trainer } from '../../src/train/trainer.ts';
import { errorText } from '../../src/panels/errorText.ts';
import { samplingHandlers } from '../../src/engine/handlers/sampling.ts';
import { cachedModelLogits } from '../../src/sampling/beam.ts';
import { DEFAULT_SAMPLING } from '../../src/sampling/settings.ts';
import { i18n } from '../../src/i18n/index.ts';

type LoraMethod = keyof typeof loraHandlers & MethodName;

async function call<M extends LoraMethod>(method: M, params: ParamsOf<M>): Promise<ResultOf<M>> {
  const job = { emit: (_e: EventOf<M>) => {}, stopped: false };
  const handler = loraHandlers[method] as unknown as (p: ParamsOf<M>, j: typeof job) => Promise<ResultOf<M>>;
  return handler(params, job);
}

/** Rejects with an error of this kind and code, which the page says in English as the engine does, and in Chinese. */
async function refused(work: Promise<unknown>, name: string, code: string): Promise<void> {
  const e = await work.then(() => null, (err: Error & { code?: string }) => err);
  expect(e, `expected ${name}.${code}`).not.toBeNull();
  expect([e!.name, e!.code]).toEqual([name, code]);
  expect(errorText(e)).toBe(e!.message);
  await i18n.changeLanguage('zh');
  expect(errorText(e)).toMatch(/[\u4e00-\u9fff]/);
  await i18n.changeLanguage('en');
}

const original = Array.from({ length: 300 }, (_, i) => ['the cat sat on a mat', 'a dog ran to the sun', 'the moon and a red hat'][i % 3]).join('.\n');
const tokenizer = CharTokenizer.fromText(explanationsAsText() + original);
const LORA: LoraConfig = { ...DEFAULT_LORA, r: 2, lora_alpha: 4, target_modules: ['attn.c_attn', 'mlp.c_fc'] };
const probe = 'LoRA freezes the weights';
const BLOCK = 32;
const FIVE = ['LoRA', 'AdaLoRA', 'prompt tuning', 'P-tuning', 'prefix tuning'] as const;

const noJob = { emit: () => {}, stopped: false };
const maxDiff = (a: Float32Array[], b: Float32Array[]) => a.reduce((m, row, i) => row.reduce((mm, v, j) => Math.max(mm, Math.abs(v - b[i][j])), m), 0);

describe('every PEFT method in the adapter store', () => {
  let model: GPT;
  let baseline = 0;
  let compared: ComparisonResult;
  const kept = new Map<string, AdapterSummary>();

  beforeAll(async () => {
    await initBackend('cpu');
    const config = makeConfig('nano', { vocabSize: tokenizer.vocabSize, blockSize: BLOCK });
    const pre = GPT.create(config, 3);
    const t = new Trainer(pre, tokenizer.encode(original), { batchSize: 8, blockSize: BLOCK, steps: 40, learningRate: 1e-2, warmupSteps: 5, seed: 3 });
    for (let i = 0; i < 40; i++) t.trainStep();
    t.dispose();
    model = GPT.fromWeights(config, await pre.weights());
    pre.dispose();
    installModel('active', {
      model, tokenizer,
      info: { slot: 'active', name: 'nano', ref: 'nano', from: 'browser', cacheProblem: null, weightBytes: 0, config: model.config, parameterCount: model.parameterCount, tokenizerKind: 'char', training: null },
    });
    baseline = tf.memory().numTensors;
  });

  afterAll(() => {
    models.get('active')?.model.dispose();
    models.clear();
  });

  it('a comparison keeps each adapter method it trains, detached, listed with its method, size and steps; full fine-tuning keeps nothing', async () => {
    const before = await model.weights();
    compared = await call('loraCompare', {
      config: LORA, source: { kind: 'default' }, steps: 6, learningRate: 1e-2, fullLearningRate: 1e-3, mixOriginal: 0, seed: 1, modelBaseUrl: null,
      methods: [...FIVE, 'full fine-tuning'],
    });
    const listed = compared.status.adapters;
    expect(listed.map((a) => [a.method, a.origin, a.steps, a.enabled])).toEqual(FIVE.map((m) => [m, 'compared', 6, false]));
    expect(compared.runs.map((r) => r.keptAdapterId)).toEqual([...listed.map((a) => a.id), null]);
    for (const a of listed) kept.set(a.method, a);
    const { nEmbd: C, nLayer: L } = model.config;
    expect(kept.get('prompt tuning')).toMatchObject({ peftType: 'PROMPT_TUNING', virtualTokens: 8, trainableParameters: 8 * C, canMerge: false, modules: [] });
    // A kept P-tuning adapter holds its encoder's output, as PEFT saves it: n·C values, not the encoder's weights.
    expect(kept.get('P-tuning')).toMatchObject({ peftType: 'P_TUNING', virtualTokens: 8, trainableParameters: 8 * C });
    expect(kept.get('prefix tuning')).toMatchObject({ peftType: 'PREFIX_TUNING', virtualTokens: 8, trainableParameters: 8 * L * 2 * C });
    expect(kept.get('LoRA')).toMatchObject({ peftType: 'LORA', config: LORA, canMerge: true, modules: ['attn.c_attn', 'mlp.c_fc'] });
    const ada = compared.runs.find((r) => r.method === 'AdaLoRA')!;
    expect(kept.get('AdaLoRA')).toMatchObject({ peftType: 'ADALORA', canMerge: true, trainableParameters: ada.savedParameters, virtualTokens: null });
    expect(kept.get('prefix tuning')!.name).toMatch(/^#\d+ PREFIX_TUNING n=8 \(comparison\)$/);
    // Each kept adapter, switched on in the embedded model, continues the comparison's prompt as that method's run did.
    const promptIds = tokenizer.encode(compared.prompt);
    for (const r of compared.runs.filter((x) => x.keptAdapterId !== null)) {
      await call('loraAttach', { id: r.keptAdapterId });
      expect(tokenizer.decode(greedyRun(model, promptIds, { maxNewTokens: SAMPLE_TOKENS }).generated), r.method).toBe(r.sample);
    }
    await call('loraAttach', { id: null });
    const after = await model.weights();
    for (const [name, w] of before) expect(after.get(name)!.data).toEqual(w.data);
  });

  it('one adapter attached at a time: a prompt takes the window’s first positions, LoRA and AdaLoRA take none', async () => {
    const ids = tokenizer.encode(probe + ' and trains a little').slice(0, BLOCK);
    const base = model.logitsAt(ids.slice(0, 20));
    for (const m of FIVE) {
      const status = await call('loraAttach', { id: kept.get(m)!.id });
      expect(status.adapters.filter((a) => a.enabled).map((a) => a.method)).toEqual([m]);
      const n = m === 'LoRA' || m === 'AdaLoRA' ? 0 : 8;
      expect([status.contextWindow, model.contextWindow, model.virtualTokens?.numVirtualTokens ?? 0]).toEqual([BLOCK - n, BLOCK - n, n]);
      // Every method changes the model's output…
      expect(maxDiff(model.logitsAt(ids.slice(0, 20)), base), m).toBeGreaterThan(1e-4);
      // …and with a prompt, a full window of text no longer fits beside it: generation keeps the last BLOCK − n tokens.
      if (n > 0) {
        expect(() => model.logitsAt(ids)).toThrow(/virtual tokens do not fit the context window/);
        const g = generate(model, ids, { maxNewTokens: 2 });
        expect(g.notices.map((x) => x.code)).toContain('prompt-cut');
      }
    }
    // The sampling panel's own calls, with a prefix on and a prompt a whole window long: each keeps the last BLOCK − 8 tokens.
    await call('loraAttach', { id: kept.get('prefix tuning')!.id });
    const text = tokenizer.decode(ids);
    const logitsFor = await samplingHandlers.promptLogits({ slot: 'active', prompt: text }, noJob as never);
    expect(logitsFor.notices.map((x) => x.params)).toEqual([{ promptTokens: BLOCK, blockSize: BLOCK - 8 }]);
    for (const settings of [{ ...DEFAULT_SAMPLING, do_sample: false }, { ...DEFAULT_SAMPLING, do_sample: false, penalty_alpha: 0.6, top_k: 4 }]) {
      const r = await samplingHandlers.decode({ slot: 'active', prompt: text, settings, maxNewTokens: 3, seed: 1 }, noJob as never);
      expect(r.tokens).toHaveLength(3);
    }
    expect(cachedModelLogits(model)([ids])[0]).toHaveLength(tokenizer.vocabSize);
    const off = await call('loraAttach', { id: null });
    expect([off.contextWindow, model.virtualTokens]).toEqual([BLOCK, null]);
    expect(maxDiff(model.logitsAt(ids.slice(0, 20)), base)).toBe(0);
  });

  it('exports each method as PEFT’s two files and imports them back to identical logits (max |Δ| < 1e-5)', async () => {
    const ids = tokenizer.encode(probe);
    for (const m of FIVE) {
      const a = kept.get(m)!;
      const file = await call('loraExport', { id: a.id });
      expect(file.method).toBe(m);
      expect(JSON.parse(file.configText)).toMatchObject({ peft_type: a.peftType, base_model_name_or_path: 'nano' });
      const ours = await call('loraAttach', { id: a.id }).then(() => model.logitsAt(ids));
      const r = await call('loraImport', { configText: file.configText, weights: file.weights, name: 'adapter_model.safetensors', probe });
      expect(r.adapter).toMatchObject({ method: m, origin: 'imported', enabled: true, trainableParameters: a.trainableParameters });
      expect(r.sameAs?.id, m).toBe(a.id);
      expect(r.sameAs!.maxAbsLogitDiff).toBeLessThan(1e-5);
      expect(maxDiff(model.logitsAt(ids), ours), m).toBeLessThan(1e-5);
      await call('loraDelete', { id: r.adapter.id });
    }
    await call('loraAttach', { id: null });
  });

  it('files made for another base, or of another method, are refused with a code; nothing held or attached changes', async () => {
    await call('loraAttach', { id: kept.get('prefix tuning')!.id });
    const before = await call('loraStatus', {});
    const tensors = tf.memory().numTensors;
    const { nEmbd, nLayer, nHead } = model.config;
    const other = (over: object) => GPT.create(makeConfig('nano', { vocabSize: tokenizer.vocabSize, blockSize: BLOCK, ...over }), 1);
    const promptFile = async (m: GPT, make: (g: GPT) => PromptLearningAdapter) => {
      const p = make(m);
      const f = await exportPromptLearning(p);
      p.dispose();
      m.dispose();
      return f;
    };
    const wider = { nEmbd: 2 * nEmbd, nInner: 8 * nEmbd };
    const cases: [string, string, { configText: string; weights: Uint8Array }][] = [];
    const pt = await promptFile(other(wider), (g) => createPromptTuning(g, { num_virtual_tokens: 4 }));
    cases.push(['PromptLearningError', 'token-dim-mismatch', pt]);
    const deeper = await promptFile(other({ nLayer: nLayer + 1 }), (g) => createPrefixTuning(g, { num_virtual_tokens: 4 }));
    cases.push(['PromptLearningError', 'layers-mismatch', deeper]);
    const heads = await promptFile(other({ nHead: 2 * nHead }), (g) => createPrefixTuning(g, { num_virtual_tokens: 4 }));
    cases.push(['PromptLearningError', 'heads-mismatch', heads]);
    // The config's num_virtual_tokens and the tensor's rows disagree.
    const own = await call('loraExport', { id: kept.get('prompt tuning')!.id });
    cases.push(['PromptLearningError', 'shape-mismatch', { configText: JSON.stringify({ ...own.config, num_virtual_tokens: 6 }), weights: own.weights }]);
    {
      const g = other(wider);
      const ada = AdaLoraAdapter.create(g, comparisonAdaLoraConfig(LORA, 10, g.config), 1);
      const f = await exportAdaLoraPeft(ada);
      ada.dispose();
      g.dispose();
      cases.push(['AdaLoraError', 'shape-mismatch', { configText: JSON.stringify(f.config), weights: f.weights }]);
    }
    {
      const g = other(wider);
      const lora = LoraAdapter.create(g, LORA, 1);
      const f = await exportPeft(lora);
      lora.dispose();
      g.dispose();
      cases.push(['AdapterError', 'shape-mismatch', { configText: JSON.stringify(f.config), weights: f.weights }]);
      // A config whose target_modules call for tensors the file does not hold.
      const ours = await call('loraExport', { id: kept.get('LoRA')!.id });
      cases.push(['AdapterError', 'missing-tensor', { configText: JSON.stringify({ ...ours.config, target_modules: ['attn.c_attn', 'mlp.c_fc', 'mlp.c_proj'] }), weights: ours.weights }]);
      cases.push(['AdapterError', 'unexpected-tensor', { configText: JSON.stringify({ ...ours.config, target_modules: ['attn.c_attn'] }), weights: ours.weights }]);
      cases.push(['AdapterError', 'layer-missing', { configText: JSON.stringify({ ...ours.config, layers_to_transform: [nLayer] }), weights: ours.weights }]);
      cases.push(['AdapterError', 'unknown-peft-type', { configText: JSON.stringify({ ...ours.config, peft_type: 'IA3' }), weights: ours.weights }]);
      cases.push(['AdapterError', 'bad-json', { configText: '{"peft_type": "LORA",', weights: ours.weights }]);
    }
    // A prefix file given a prompt-tuning config: the tensor's width is the prefix's.
    const prefix = await call('loraExport', { id: kept.get('prefix tuning')!.id });
    cases.push(['PromptLearningError', 'shape-mismatch', { configText: JSON.stringify({ ...prefix.config, peft_type: 'PROMPT_TUNING' }), weights: prefix.weights }]);
    for (const [name, code, f] of cases) await refused(call('loraImport', { ...f, name: 'x', probe }), name, code);
    expect(tf.memory().numTensors).toBe(tensors);
    expect(await call('loraStatus', {})).toEqual(before);
    expect(model.virtualTokens?.numVirtualTokens).toBe(8);
  });

  it('AdaLoRA merges and unmerges with the logits kept; a prompt cannot merge, nor continue training (it is kept in inference mode)', async () => {
    const ada = kept.get('AdaLoRA')!;
    const merged = await call('loraMerge', { id: ada.id, merge: true, probe });
    expect(merged.maxAbsLogitDiff).toBeLessThan(1e-4);
    // Nothing else attaches while W holds AdaLoRA's ΔW.
    await expect(call('loraAttach', { id: kept.get('prompt tuning')!.id })).rejects.toThrow(/unmerge it before switching/);
    const back = await call('loraMerge', { id: ada.id, merge: false, probe });
    expect(back.baseMaxAbsLogitDiff).toBeLessThan(1e-4);
    await refused(call('loraMerge', { id: kept.get('P-tuning')!.id, merge: true, probe }), 'AdapterError', 'cannot-merge');
    await refused(
      call('loraTrain', {
        adapterId: kept.get('prompt tuning')!.id, config: LORA, source: { kind: 'default' }, steps: 2, learningRate: 1e-2, mixOriginal: 0, qlora: false, seed: 1, modelBaseUrl: null,
      }),
      'AdapterError', 'lora-only',
    );
    const inspected = await call('loraInspect', { id: ada.id, layer: 0, module: 'attn.c_attn' });
    expect(inspected.kind).toBe('matrices');
    expect((await call('loraInspect', { id: kept.get('prefix tuning')!.id, layer: 0, module: 'attn.c_attn' })).kind).toBe('missing');
    // Same seed, adapter on and off, with a prompt: off is the base model.
    const pair = await call('loraGenerate', { id: kept.get('prefix tuning')!.id, prompt: 'the cat', maxNewTokens: 8, seed: 3, temperature: 0, topK: 0, topP: 1 });
    expect(pair.offIds).toEqual(greedyRun(model, tokenizer.encode('the cat'), { maxNewTokens: 8 }).generated);
  });

  it('frees every tensor: deleting every method’s adapter returns to the baseline, and a new model drops them all', async () => {
    for (const a of (await call('loraStatus', {})).adapters) await call('loraDelete', { id: a.id });
    expect(model.virtualTokens).toBeNull();
    expect(tf.memory().numTensors).toBe(baseline);
  });
});
