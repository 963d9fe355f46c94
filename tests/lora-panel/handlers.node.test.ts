// The LoRA panel's engine methods, called as the worker calls them, on a nano
// GPT in the embedded slot (cpu backend): what the page is promised — loss
// falls, the base stays bit-identical, merge/unmerge and export/import keep the
// logits, an adapter for another base changes nothing, no tensor leaks.

import * as tf from '@tensorflow/tfjs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EventOf, MethodName, ParamsOf, ResultOf } from '../../src/engine/protocol.ts';
import { initBackend, installModel, models } from '../../src/engine/runtime.ts';
import { loraHandlers } from '../../src/engine/handlers/lora.ts';
import { GPT } from '../../src/model/gpt.ts';
import type { NamedArray } from '../../src/model/params.ts';
import { makeConfig } from '../../src/model/config.ts';
import { CharTokenizer } from '../../src/tokenizer/index.ts';
import { explanationsAsText } from '../../src/lessons/explanations.ts';
import { DEFAULT_LORA, type LoraConfig } from '../../src/lora/config.ts';
import { LoraAdapter } from '../../src/lora/lora.ts';
import { exportPeft } from '../../src/lora/peft.ts';
import { decode } from '../../src/sampling/sampler.ts';
import { DEFAULT_SAMPLING } from '../../src/sampling/settings.ts';
import { Trainer } from '../../src/train/trainer.ts';
import { maxAbsDiff } from '../helpers/fixtures.ts';

type LoraMethod = keyof typeof loraHandlers & MethodName;

/** Calls a handler as the worker does; `stopAfter` presses Stop once that many events have arrived. */
async function call<M extends LoraMethod>(method: M, params: ParamsOf<M>, stopAfter = Infinity): Promise<{ result: ResultOf<M>; events: EventOf<M>[] }> {
  const events: EventOf<M>[] = [];
  const job = {
    emit: (e: EventOf<M>) => events.push(e),
    get stopped() {
      return events.filter((e) => (e as { type?: string }).type === 'step').length >= stopAfter;
    },
  };
  const handler = loraHandlers[method] as unknown as (p: ParamsOf<M>, j: typeof job) => Promise<ResultOf<M>>;
  return { result: await handler(params, job), events };
}

/** The base model's "original corpus": short lines of a small vocabulary. */
const original = Array.from({ length: 300 }, (_, i) => ['the cat sat on a mat', 'a dog ran to the sun', 'the moon and a red hat'][i % 3]).join('.\n');
const tokenizer = CharTokenizer.fromText(explanationsAsText() + original);
const ALL: LoraConfig = { ...DEFAULT_LORA, r: 4, lora_alpha: 8, target_modules: ['attn.c_attn', 'attn.c_proj', 'mlp.c_fc', 'mlp.c_proj'] };
const probe = 'LoRA freezes the weights';

/** A nano GPT that has learned the original text a little (LoRA adjusts a model that already works). */
async function pretrained(): Promise<Map<string, NamedArray>> {
  const model = GPT.create(makeConfig('nano', { vocabSize: tokenizer.vocabSize, blockSize: 32 }), 3);
  const t = new Trainer(model, tokenizer.encode(original), { batchSize: 8, blockSize: 32, steps: 60, learningRate: 1e-2, warmupSteps: 5, seed: 3 });
  for (let i = 0; i < 60; i++) t.trainStep();
  t.dispose();
  const weights = await model.weights();
  model.dispose();
  return weights;
}

/** Puts a fresh copy of the pretrained model in the embedded slot, as loading a model does. */
function install(weights: Map<string, NamedArray>): GPT {
  const model = GPT.fromWeights(makeConfig('nano', { vocabSize: tokenizer.vocabSize, blockSize: 32 }), weights);
  installModel('active', {
    model,
    tokenizer,
    info: { slot: 'active', name: 'nano', ref: 'nano', from: 'browser', cacheProblem: null, weightBytes: 0, config: model.config, parameterCount: model.parameterCount, tokenizerKind: 'char', training: null },
  });
  return model;
}

const trainParams = (over: Partial<ParamsOf<'loraTrain'>> = {}): ParamsOf<'loraTrain'> => ({
  adapterId: null,
  config: ALL,
  source: { kind: 'default' },
  steps: 20,
  learningRate: 1e-2,
  mixOriginal: 0,
  qlora: false,
  seed: 1,
  modelBaseUrl: null,
  ...over,
});

const logits = (model: GPT) => model.logitsAt(tokenizer.encode(probe));
const maxRowDiff = (a: Float32Array[], b: Float32Array[]) => Math.max(...a.map((row, i) => maxAbsDiff(row, b[i])));

/**
 * Model folders as a server shows them: /with/ holds original-sample.txt, /html/ answers
 * every path with the app's page (as `vite preview` does for a missing file).
 */
function serveModelFolders(): Promise<{ url: string; close: () => void }> {
  const server = http.createServer((req, res) => {
    if (req.url === '/with/original-sample.txt') res.end(original.slice(-4000));
    else res.end('<!doctype html><html><body>the app</body></html>');
  });
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => {
      resolve({ url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, close: () => server.close() });
    });
  });
}

describe('the LoRA panel engine', () => {
  let model: GPT;
  let baseline = 0;
  let folders: Awaited<ReturnType<typeof serveModelFolders>>;
  let weights: Map<string, NamedArray>;

  beforeAll(async () => {
    await initBackend('cpu');
    folders = await serveModelFolders();
    weights = await pretrained();
    model = install(weights);
    baseline = tf.memory().numTensors;
  });

  afterAll(() => {
    folders?.close();
    models.get('active')?.model.dispose();
    models.clear();
  });

  it('trains a new adapter: new-text loss falls, original loss is reported, the base weights stay bit-identical', async () => {
    const before = await model.weights();
    const baseLogits = logits(model);
    const { result, events } = await call('loraTrain', trainParams({ modelBaseUrl: `${folders.url}/with/` }));
    const points = events.flatMap((e) => (e.type === 'point' ? [e.point] : []));
    expect(events[0]).toEqual({ type: 'status', message: expect.any(String) });
    expect(events.find((e) => e.type === 'prepared')).toMatchObject({ trainableParameters: 2 * 4 * (16 + 48 + 16 + 16 + 16 + 64 + 64 + 16) });
    expect(events.filter((e) => e.type === 'step')).toHaveLength(20);
    expect(points.map((p) => p.step)).toEqual([0, 5, 10, 15, 20]);
    expect(result.points).toEqual(points);
    expect(points.at(-1)!.newTextLoss).toBeLessThan(points[0].newTextLoss - 0.1);
    expect(points.every((p) => Number.isFinite(p.originalLoss))).toBe(true);
    expect(result.data).toMatchObject({ originalSource: 'file', original: expect.stringMatching(/^original-sample\.txt .*4,000 characters/) });
    expect(points.at(-1)!.originalLoss).toBeGreaterThan(points[0].originalLoss); // forgetting, while the adapter is on
    expect(result.stoppedBy).toBeNull();
    expect(result.worsened).toBeNull();
    expect(result.adapter).toMatchObject({ id: 1, steps: 20, enabled: true, merged: false, origin: 'trained' });
    expect(result.status.adapters).toHaveLength(1);
    const after = await model.weights();
    for (const [name, w] of before) expect(after.get(name)!.data).toEqual(w.data);
    // Attached, it changes the model; switched off, the model is exactly the base.
    expect(maxRowDiff(logits(model), baseLogits)).toBeGreaterThan(1e-3);
    await call('loraAttach', { id: null });
    expect(maxRowDiff(logits(model), baseLogits)).toBe(0);
    await call('loraAttach', { id: 1 });
  });

  it('continues training an adapter: steps and history carry on from where it stopped', async () => {
    const { result, events } = await call('loraTrain', trainParams({ adapterId: 1, steps: 10, config: DEFAULT_LORA }));
    expect(events.find((e) => e.type === 'prepared')).toMatchObject({ startStep: 20 });
    expect(result.points.map((p) => p.step)).toEqual([25, 30]);
    expect(result.adapter.steps).toBe(30);
    expect(result.adapter.config).toEqual(ALL); // its own config, not the one in the params
    expect(result.adapter.history.map((p) => p.step)).toEqual([0, 5, 10, 15, 20, 25, 30]);
  });

  it('Stop ends a run between steps, and the curve ends where it stopped', async () => {
    const { result } = await call('loraTrain', trainParams({ steps: 40 }), 7);
    expect(result.stopped).toBe(true);
    expect(result.adapter.steps).toBe(7);
    expect(result.points.map((p) => p.step)).toEqual([0, 5, 7]);
    expect(result.status.adapters.map((a) => [a.id, a.enabled])).toEqual([[1, false], [2, true]]);
    await call('loraDelete', { id: 2 });
  });

  it('merges and unmerges with the logits unchanged, and the base recovered', async () => {
    await call('loraAttach', { id: 1 });
    const merged = await call('loraMerge', { id: 1, merge: true, probe });
    expect(merged.result.merged).toBe(true);
    expect(merged.result.maxAbsLogitDiff).toBeLessThan(1e-4);
    expect(merged.result.status.adapters[0]).toMatchObject({ merged: true, enabled: false });
    await expect(call('loraTrain', trainParams())).rejects.toThrow(/merged into the weights; unmerge it/);
    await expect(call('loraAttach', { id: null })).rejects.toThrow(/unmerge/);
    const unmerged = await call('loraMerge', { id: 1, merge: false, probe });
    expect(unmerged.result.maxAbsLogitDiff).toBeLessThan(1e-4);
    expect(unmerged.result.baseMaxAbsLogitDiff).toBeLessThan(1e-4);
    expect(unmerged.result.status.adapters[0]).toMatchObject({ merged: false, enabled: true });
  });

  it('exports PEFT files and imports them back to identical logits', async () => {
    const { result: file } = await call('loraExport', { id: 1 });
    expect(file.config).toMatchObject({ peft_type: 'LORA', r: 4, lora_alpha: 8, fan_in_fan_out: true });
    expect(JSON.parse(file.configText)).toEqual(file.config);
    const { result } = await call('loraImport', { configText: file.configText, weights: file.weights, name: 'adapter_model.safetensors', probe });
    expect(result.sameAs).toEqual({ id: 1, name: expect.any(String), maxAbsLogitDiff: 0 });
    expect(result.adapter).toMatchObject({ id: 3, origin: 'imported', enabled: true });
    expect(result.status.adapters.filter((a) => a.enabled).map((a) => a.id)).toEqual([3]);
  });

  it('an adapter made for another base is a clear error, and the current adapter stays', async () => {
    const other = GPT.create(makeConfig('nano', { vocabSize: tokenizer.vocabSize, blockSize: 32, nEmbd: 32, nInner: 128 }), 1);
    const foreign = LoraAdapter.create(other, ALL, 1);
    const file = await exportPeft(foreign);
    foreign.dispose();
    other.dispose();
    const before = (await call('loraStatus', {})).result;
    const tensors = tf.memory().numTensors;
    await expect(call('loraImport', { configText: JSON.stringify(file.config), weights: file.weights, name: 'x', probe })).rejects.toThrow(
      /made for another base/,
    );
    await expect(call('loraImport', { configText: '{not json', weights: file.weights, name: 'x', probe })).rejects.toThrow(/not valid JSON/);
    expect(tf.memory().numTensors).toBe(tensors);
    expect((await call('loraStatus', {})).result).toEqual(before);
  });

  it('a bad config is refused before the text is read or anything is built, naming the field; nothing held changes', async () => {
    const before = (await call('loraStatus', {})).result;
    const tensors = tf.memory().numTensors;
    const { result: file } = await call('loraExport', { id: 1 });
    for (const [change, message] of [
      [{ r: 0 }, /^r \(the rank\) must be a whole number ≥ 1; got 0/],
      [{ r: -1 }, /^r \(the rank\).*got -1/],
      [{ r: 1e6 }, /^r = 1000000 is larger than the targeted matrices allow/],
      [{ lora_alpha: 0 }, /^lora_alpha must be a positive number/],
      [{ lora_dropout: 1.5 }, /^lora_dropout/],
      [{ target_modules: ['attn.q_proj'] }, /^target_modules has/],
    ] as const) {
      const config = { ...ALL, ...change } as LoraConfig;
      await expect(call('loraTrain', trainParams({ config }))).rejects.toThrow(message);
      await expect(call('loraCompare', {
        config, source: { kind: 'default' }, steps: 2, learningRate: 1e-2, fullLearningRate: 1e-3, mixOriginal: 0, seed: 1, modelBaseUrl: null,
      })).rejects.toThrow(message);
      const configText = JSON.stringify({ ...file.config, ...change, target_modules: config.target_modules });
      await expect(call('loraImport', { configText, weights: file.weights, name: 'x', probe })).rejects.toThrow(message);
    }
    expect(tf.memory().numTensors).toBe(tensors);
    expect((await call('loraStatus', {})).result).toEqual(before);
  });

  it('compares generations with the same seed, adapter on and off; off is the base model exactly', async () => {
    const params = { id: 1, prompt: 'The model', maxNewTokens: 20, seed: 42, temperature: 1, topK: 0, topP: 1 };
    const { result } = await call('loraGenerate', params);
    await call('loraAttach', { id: null });
    const base = decode(model, tokenizer.encode('The model'), { ...DEFAULT_SAMPLING, temperature: 1 }, { maxNewTokens: 20, seed: 42 }).generated;
    expect(result.offIds).toEqual(base);
    expect(result.onIds).toHaveLength(20);
    expect(result.on).toBe(tokenizer.decode(result.onIds));
    expect(result.firstDifference === null || result.onIds[result.firstDifference] !== result.offIds[result.firstDifference]).toBe(true);
    const again = await call('loraGenerate', params);
    expect(again.result).toEqual(result); // seeded
    expect((await call('loraStatus', {})).result.adapters.every((a) => !a.enabled)).toBe(true); // attachment put back
    await call('loraAttach', { id: 1 });
  });

  it('opens one module: A, B, ΔW = B·A·scaling, with at most r non-zero singular values', async () => {
    const { result } = await call('loraInspect', { id: 1, layer: 1, module: 'attn.c_attn' });
    if (result.kind !== 'matrices') throw new Error(result.kind);
    const { a, b, delta, r, scaling, inFeatures: n, outFeatures: m } = result;
    expect([r, n, m, scaling]).toEqual([4, 16, 48, 2]);
    expect(a).toHaveLength(r * n);
    expect(b).toHaveLength(m * r);
    let s = 0;
    for (let k = 0; k < r; k++) s += b[5 * r + k] * a[k * n + 7];
    expect(delta[5 * n + 7]).toBeCloseTo(s * scaling, 6);
    const top = result.deltaSingularValues[0];
    expect(result.deltaSingularValues).toHaveLength(16);
    expect(result.deltaSingularValues.filter((v) => v > 1e-4 * top)).toHaveLength(4);
    expect(result.baseSingularValues).toHaveLength(16);
    expect(result.baseSingularValues.filter((v) => v > 1e-4 * result.baseSingularValues[0]).length).toBe(16);
    const missing = await call('loraInspect', { id: 3, layer: 5, module: 'mlp.c_fc' });
    expect(missing.result).toMatchObject({ kind: 'missing', message: expect.stringMatching(/does not adapt transformer\.h\.5\.mlp\.c_fc/) });
  });

  it('a loss that explodes stops training with a message and the last good adapter restored', async () => {
    const { result } = await call('loraTrain', trainParams({ steps: 20, learningRate: 1e6 }));
    expect(result.stoppedBy).toMatch(/diverged|exploded/);
    const file = await call('loraExport', { id: result.adapter.id });
    expect(file.result.weights.byteLength).toBeGreaterThan(0);
    const inspected = await call('loraInspect', { id: result.adapter.id, layer: 0, module: 'mlp.c_proj' });
    if (inspected.result.kind !== 'matrices') throw new Error('missing');
    expect(inspected.result.delta.every(Number.isFinite)).toBe(true);
    await call('loraDelete', { id: result.adapter.id });
  });

  it('a run that ruins the model (rate 1, rsLoRA α/√r = 256, four modules) is not "done": it says so and restores the best point', async () => {
    const baseLogits = await call('loraAttach', { id: null }).then(() => logits(model));
    const ruin = { ...ALL, r: 4, lora_alpha: 512, use_rslora: true };
    // On text the base already knows well, a violent update can only make things worse.
    const { result } = await call('loraTrain', trainParams({ config: ruin, learningRate: 1, steps: 20, source: { kind: 'text', text: original } }));
    expect(result.stoppedBy).toBeNull(); // no NaN, no explosion: only worse
    const w = result.worsened!;
    expect(w).not.toBeNull();
    expect(w.end).toBeGreaterThan(w.start);
    expect(w.end).toBeGreaterThan(w.base);
    expect(w.message).toMatch(/^This run made the model worse: the new text's loss ended at .*α\/√r = 256/);
    expect(w.bestLoss).toBe(Math.min(...result.points.map((p) => p.newTextLoss)));
    expect(maxRowDiff(logits(model), baseLogits)).toBeGreaterThan(1e-3); // the ruined adapter is on
    const restored = await call('loraRestoreBest', { id: result.adapter.id });
    expect(restored.result.adapter.steps).toBe(w.bestStep);
    expect(restored.result.adapter.history.every((p) => p.step <= w.bestStep)).toBe(true);
    if (w.bestStep === 0) expect(maxRowDiff(logits(model), baseLogits)).toBe(0); // B back to zero: the base exactly
    await expect(call('loraRestoreBest', { id: result.adapter.id })).rejects.toThrow(/nothing to restore/);
    await call('loraDelete', { id: result.adapter.id });
    await call('loraAttach', { id: 1 });
  });

  it('QLoRA trains over an NF4 copy and reports the memory saved and the loss cost', async () => {
    const before = await model.weights();
    const { result } = await call('loraTrain', trainParams({ qlora: true, steps: 10, config: DEFAULT_LORA }));
    const q = result.qlora!;
    expect(q.nf4Bytes / q.float32Bytes).toBeLessThan(0.2);
    expect(q.rmsError).toBeGreaterThan(0);
    expect(q.baseLossNf4).not.toBe(q.baseLossFloat);
    expect(q.adaptedLossNf4).toBeLessThan(q.baseLossNf4);
    expect(Number.isFinite(q.adaptedLossFloat)).toBe(true);
    expect(result.adapter).toMatchObject({ qlora: true, enabled: true, steps: 10 });
    const after = await model.weights();
    for (const [name, w] of before) expect(after.get(name)!.data).toEqual(w.data);
    await call('loraDelete', { id: result.adapter.id });
  });

  it('full fine-tuning vs LoRA trains copies: LoRA switched off is the base exactly, the embedded model is untouched', async () => {
    const before = await model.weights();
    const { result, events } = await call('loraCompare', {
      config: ALL, source: { kind: 'default' }, steps: 10, learningRate: 1e-2, fullLearningRate: 1e-3, mixOriginal: 0.25, seed: 1, modelBaseUrl: null,
    });
    expect(result.runs.map((r) => r.method)).toEqual(['LoRA', 'full fine-tuning']);
    const [lora, full] = result.runs;
    expect(lora.trainableParameters).toBe(2 * 4 * (16 + 48 + 16 + 16 + 16 + 64 + 64 + 16));
    expect(full.trainableParameters).toBe(model.parameterCount);
    expect(full.optimizerBytes).toBe(8 * model.parameterCount);
    expect(lora.maxAbsLogitDiffAfter).toBe(0);
    expect(full.maxAbsLogitDiffAfter).toBeGreaterThan(0);
    expect(full.points.at(-1)!.newTextLoss).toBeLessThan(full.points[0].newTextLoss);
    expect(events.filter((e) => e.type === 'point' && e.method === 'full fine-tuning')).toHaveLength(full.points.length);
    const after = await model.weights();
    for (const [name, w] of before) expect(after.get(name)!.data).toEqual(w.data);
  });

  it('every PEFT method side by side: each adapter off gives the base exactly, full fine-tuning runs last, AdaLoRA prunes to LoRA’s budget', async () => {
    const before = await model.weights();
    const start = tf.memory().numTensors;
    const methods = ['full fine-tuning', 'prefix tuning', 'P-tuning', 'prompt tuning', 'AdaLoRA', 'LoRA'] as const;
    const { result, events } = await call('loraCompare', {
      config: { ...ALL, r: 2 }, source: { kind: 'default' }, steps: 10, learningRate: 1e-2, fullLearningRate: 1e-3, mixOriginal: 0, seed: 1, modelBaseUrl: null, methods: [...methods],
    });
    // In run order, whatever order they were asked in: full fine-tuning, which moves the copy's weights, last.
    expect(result.runs.map((r) => r.method)).toEqual(['LoRA', 'AdaLoRA', 'prompt tuning', 'P-tuning', 'prefix tuning', 'full fine-tuning']);
    const by = Object.fromEntries(result.runs.map((r) => [r.method, r]));
    const { nEmbd: C, nLayer: L } = model.config;
    expect(by['prompt tuning'].trainableParameters).toBe(8 * C);
    expect(by['prefix tuning'].trainableParameters).toBe(8 * L * 2 * C);
    for (const r of result.runs.filter((x) => x.method !== 'full fine-tuning')) expect(r.maxAbsLogitDiffAfter).toBe(0);
    for (const r of result.runs) {
      expect(r.points.at(-1)!.newTextLoss).toBeLessThan(r.points[0].newTextLoss);
      expect(typeof r.sample).toBe('string');
    }
    // AdaLoRA at the same final budget as LoRA (r = 2 on every matrix): it trains at init_r = 3 and ends at 2 × matrices.
    const ada = by.AdaLoRA;
    const matrices = ada.ranks!.length;
    expect(matrices).toBe(4 * L);
    expect(ada.budget![0].budget).toBe(3 * matrices);
    expect(ada.budget!.at(-1)!.budget).toBe(2 * matrices);
    const finalRanks = ada.ranks!.map((m) => m.points.at(-1)!.rank);
    expect(finalRanks.reduce((a, b) => a + b, 0)).toBeLessThanOrEqual(2 * matrices);
    expect(ada.savedParameters!).toBeLessThan(ada.trainableParameters);
    expect(events.filter((e) => e.type === 'run').map((e) => (e as { run: { method: string } }).run.method)).toEqual(result.runs.map((r) => r.method));
    const after = await model.weights();
    for (const [name, w] of before) expect(after.get(name)!.data).toEqual(w.data);
    // Each adapter method's result is kept for the embedded model, detached (peftMethods.node.test.ts); deleting them frees every tensor.
    const kept = result.runs.flatMap((r) => (r.keptAdapterId === null ? [] : [r.keptAdapterId]));
    expect(kept).toHaveLength(5);
    for (const id of kept) await call('loraDelete', { id });
    expect(tf.memory().numTensors).toBe(start);
  });

  it('frees every tensor: deleting the adapters returns to the baseline, and a new model drops the old adapters', async () => {
    for (const a of (await call('loraStatus', {})).result.adapters) await call('loraDelete', { id: a.id });
    expect(tf.memory().numTensors).toBe(baseline);
    const old = model;
    model = install(weights);
    // Without original-sample.txt (the server answers with its page) the model's own samples stand in.
    const { result } = await call('loraTrain', trainParams({ steps: 2, modelBaseUrl: `${folders.url}/html/` }));
    expect(result.data).toMatchObject({ originalSource: 'generated', original: expect.stringMatching(/the model itself wrote/) });
    expect(result.points.every((p) => Number.isFinite(p.originalLoss))).toBe(true);
    model = install(weights);
    expect((await call('loraStatus', {})).result.adapters).toEqual([]);
    expect(() => old.run([1])).toThrow();
    expect(tf.memory().numTensors).toBe(baseline);
  });
});
