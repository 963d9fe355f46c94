// `auto` picks the fastest backend by measuring it (issue 15): timings → choice,
// the cache key, kept verdicts (stale, corrupt or edited ones ignored), the
// engine starting on a kept verdict, and the timing itself on wasm, leak-free.
// The browser half (a built page measuring, keeping and using its verdict) is
// tests/e2e/backendChoice.e2e.test.ts.

import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  type BackendMeasurement, type BackendTiming, type BackendVerdict, VERDICT_MAX_AGE_MS, bestOf, chooseFastest, clearlySlower, combineMeasurements, gpuName,
  modelShape, parseVerdict, verdictForGpu, verdictFrom, verdictKey,
} from '../../src/engine/backendChoice.ts';
import { backendOrder } from '../../src/engine/backend.ts';
import { measureRunningBackend, timeBackend, timingWeights } from '../../src/engine/backendChoiceMeasure.ts';
import { clearSlot, initBackend, installModel } from '../../src/engine/runtime.ts';
import type { ModelInfo } from '../../src/engine/protocol.ts';
import { GPT } from '../../src/model/gpt.ts';
import { CharTokenizer } from '../../src/tokenizer/char.ts';
import { countParameters, makeConfig } from '../../src/model/config.ts';

import { VERDICTS_KEY, keepVerdict, readVerdicts, rememberShape, thisBrowser, verdictByKey, verdictsForStart } from '../../src/panels/backendVerdictStore.ts';
import { initParams } from '../../src/panels/engineBoot.ts';
import { useBackend } from '../helpers/backend.ts';

const NOW = Date.UTC(2025, 4, 12);
const timing = (backend: BackendTiming['backend'], decodeMs: number | null, trainMs: number | null): BackendTiming => ({ backend, decodeMs, trainMs });
const swiftshader = gpuName('ANGLE (Google, Vulkan 1.3.0 (SwiftShader Device (Subzero)), SwiftShader driver)', { status: 'no-adapter', adapter: null, software: false });
const measurement = (timings: BackendTiming[], gpu = swiftshader): BackendMeasurement => ({ gpu, timings, skipped: [], trainTokens: 32, totalMs: 300 });
const browser = { userAgent: 'Mozilla/5.0 HeadlessChrome/140', logicalCores: 2, threads: 'auto' as 'auto' | number };
const shape = modelShape(makeConfig('playground'));

function verdict(timings: BackendTiming[], over: { gpu?: string; ref?: string; now?: number; device?: typeof browser; shape?: string } = {}): BackendVerdict {
  const v = verdictFrom(measurement(timings, over.gpu), { ...(over.device ?? browser), shape: over.shape ?? shape }, over.ref ?? 'shakespeare', over.now ?? NOW);
  if (!v) throw new Error('no verdict');
  return v;
}

/** A Map behind the Web Storage calls used, as the page's localStorage. */
function memoryStore(initial: Record<string, string> = {}) {
  const map = new Map(Object.entries(initial));
  return { getItem: (k: string) => map.get(k) ?? null, setItem: (k: string, v: string) => void map.set(k, v), map };
}

describe('chooseFastest', () => {
  it('picks the least ms per decode step for generation and per training step for training, each on its own', () => {
    // The shape issue 15 measured: wasm far ahead of SwiftShader's WebGL for one token, WebGL ahead for a big training step.
    expect(chooseFastest([timing('webgl', 38, 900), timing('wasm', 2.1, 1200)])).toEqual({ generation: 'wasm', training: 'webgl' });
    expect(chooseFastest([timing('webgpu', 0.9, 20), timing('webgl', 1.5, 25), timing('wasm', 2.1, 45)])).toEqual({ generation: 'webgpu', training: 'webgpu' });
  });

  it('skips what was not timed, breaks a tie by the order listed, and gives null when nothing ran', () => {
    expect(chooseFastest([timing('webgl', 3, null), timing('wasm', 5, 40)])).toEqual({ generation: 'webgl', training: 'wasm' });
    expect(chooseFastest([timing('webgl', 2, 10), timing('wasm', 2, 10)])).toEqual({ generation: 'webgl', training: 'webgl' });
    expect(chooseFastest([timing('wasm', 2, 10), timing('webgl', 2, 10)]).generation).toBe('wasm');
    expect(chooseFastest([timing('webgl', Number.NaN, null), timing('wasm', null, null)])).toEqual({ generation: null, training: null });
    expect(chooseFastest([])).toEqual({ generation: null, training: null });
  });
});

describe('the cache key', () => {
  it('changes with the browser, its cores, the GPU and the model shape, and with nothing else', () => {
    const base = { ...browser, gpu: swiftshader, shape };
    const key = verdictKey(base);
    expect(verdictKey({ ...base })).toBe(key);
    for (const other of [
      { ...base, userAgent: 'Mozilla/5.0 HeadlessChrome/141' },
      { ...base, logicalCores: 8 },
      { ...base, threads: 2 },
      { ...base, gpu: gpuName('ANGLE (NVIDIA, NVIDIA GeForce RTX 3060 Direct3D11)', { status: 'no-adapter', adapter: null, software: false }) },
      { ...base, gpu: gpuName(null, { status: 'ok', adapter: 'nvidia ampere', software: false }) },
      { ...base, shape: modelShape(makeConfig('tiny')) },
    ]) {
      expect(verdictKey(other)).not.toBe(key);
    }
    // A WebGPU adapter that shows up (a browser flag, a driver) is another device for the measurement.
    expect(gpuName('r', { status: 'ok', adapter: 'SwiftShader', software: true })).not.toBe(gpuName('r', { status: 'no-adapter', adapter: null, software: false }));
  });
});

describe('kept verdicts', () => {
  it('round-trips through storage, replaces a verdict of the same key, and keeps the fastest as measured', () => {
    const store = memoryStore();
    const first = verdict([timing('webgl', 38, 900), timing('wasm', 2.1, 1200)]);
    expect(first).toMatchObject({ generation: 'wasm', training: 'webgl', ref: 'shakespeare', measuredAt: NOW });
    keepVerdict(store, first, NOW);
    expect(readVerdicts(store, NOW)).toEqual([first]);
    const again = verdict([timing('webgl', 1.2, 900), timing('wasm', 2.1, 1200)], { now: NOW + 1000 });
    keepVerdict(store, again, NOW + 1000);
    expect(readVerdicts(store, NOW + 1000)).toEqual([again]);
    expect(verdictByKey(store, first.key, NOW + 1000)?.generation).toBe('webgl');
  });

  it('ignores corrupt storage, old versions, edited keys, figures that disagree with the choice, and verdicts too old or from the future', () => {
    const good = verdict([timing('webgl', 38, 900), timing('wasm', 2.1, 1200)]);
    expect(readVerdicts(memoryStore({ [VERDICTS_KEY]: '{not json' }), NOW)).toEqual([]);
    expect(readVerdicts(memoryStore({ [VERDICTS_KEY]: '{"a":1}' }), NOW)).toEqual([]);
    expect(readVerdicts(null, NOW)).toEqual([]);
    expect(parseVerdict(good, NOW)).toEqual(good);
    expect(parseVerdict(null, NOW)).toBeNull();
    expect(parseVerdict('wasm', NOW)).toBeNull();
    expect(parseVerdict({ ...good, version: 0 }, NOW)).toBeNull();
    expect(parseVerdict({ ...good, device: { ...good.device, logicalCores: 64 } }, NOW)).toBeNull();
    expect(parseVerdict({ ...good, generation: 'webgl' }, NOW)).toBeNull();
    expect(parseVerdict({ ...good, generation: 'metal' }, NOW)).toBeNull();
    expect(parseVerdict({ ...good, timings: [{ backend: 'wasm', decodeMs: -1, trainMs: null }] }, NOW)).toBeNull();
    expect(parseVerdict({ ...good, timings: 'fast' }, NOW)).toBeNull();
    expect(parseVerdict(good, NOW + VERDICT_MAX_AGE_MS - 1)).toEqual(good);
    expect(parseVerdict(good, NOW + VERDICT_MAX_AGE_MS + 1)).toBeNull();
    expect(parseVerdict(good, NOW - 1)).toBeNull();
    // A damaged entry beside a good one: the good one still counts.
    const store = memoryStore({ [VERDICTS_KEY]: JSON.stringify([{ ...good, key: 'edited' }, good, 42]) });
    expect(readVerdicts(store, NOW)).toEqual([good]);
  });

  it('hands the engine this browser’s verdicts for the link’s model, and the engine keeps the newest measured on its GPU', () => {
    const here = { ...thisBrowser(), threads: 'auto' as const }; // Node's navigator, as the page's
    const store = memoryStore();
    const mine = verdict([timing('webgl', 38, null), timing('wasm', 2.1, 40)], { device: here, now: NOW - 2000 });
    const newer = verdict([timing('webgl', 1, null), timing('wasm', 2.1, 40)], { device: here, now: NOW - 1000 });
    const otherGpu = verdict([timing('webgl', 0.5, null), timing('wasm', 2.1, 40)], { device: here, gpu: 'webgl: NVIDIA; webgpu: none' });
    const otherModel = verdict([timing('webgl', 0.5, null), timing('wasm', 2.1, 40)], { device: here, ref: 'tang', gpu: 'webgl: Intel; webgpu: none' });
    const otherBrowser = verdict([timing('webgl', 0.5, null), timing('wasm', 2.1, 40)], { device: { ...here, userAgent: 'Firefox' } });
    for (const v of [mine, otherGpu, otherModel, otherBrowser]) keepVerdict(store, v, NOW);
    const forStart = verdictsForStart(store, 'shakespeare', 'auto', NOW);
    expect(forStart.map((v) => v.ref)).toEqual(['shakespeare', 'shakespeare']);
    expect(verdictForGpu(forStart, swiftshader, NOW)).toEqual(mine);
    expect(verdictForGpu([mine, newer], swiftshader, NOW)?.generation).toBe('webgl');
    expect(verdictForGpu(forStart, 'webgl: none; webgpu: none', NOW)).toBeNull();
    expect(verdictForGpu(undefined, swiftshader, NOW)).toBeNull();
    expect(verdictForGpu([{ ...mine, measuredAt: NOW - VERDICT_MAX_AGE_MS - 1 }], swiftshader, NOW)).toBeNull();
  });
});

describe('a link by URL or to the Hub', () => {
  const here = { ...thisBrowser(), threads: 'auto' as const };
  const url = 'https://example.org/models/mine/';
  it('starts on the verdict for its model’s shape once it has loaded here, measured with whatever model of that shape', () => {
    const store = memoryStore();
    const measured = verdict([timing('webgl', 38, null), timing('wasm', 2.1, 40)], { device: here, now: NOW - 1000 });
    const otherShape = verdict([timing('webgl', 1, null), timing('wasm', 2.1, 40)], { device: here, shape: modelShape(makeConfig('tiny')), ref: 'tiny' });
    keepVerdict(store, measured, NOW);
    keepVerdict(store, otherShape, NOW);
    // Never loaded here: its shape is unknown, so no verdict yet (the rule's order).
    expect(verdictsForStart(store, url, 'auto', NOW)).toEqual([]);
    expect(initParams('auto', 'auto', url, store, NOW)).toEqual({ backend: 'auto', threads: 'auto' });
    // Loaded once (the page notes its shape): the next start gets the verdict of that shape, and only it.
    rememberShape(store, url, shape);
    expect(verdictsForStart(store, url, 'auto', NOW)).toEqual([measured]);
    expect(initParams('auto', 'auto', url, store, NOW)).toEqual({ backend: 'auto', threads: 'auto', measured: [measured] });
    expect(verdictForGpu(initParams('auto', 'auto', url, store, NOW).measured, swiftshader, NOW)?.generation).toBe('wasm');
    // The link's model now has another shape: that shape's verdict.
    rememberShape(store, url, otherShape.device.shape);
    expect(verdictsForStart(store, url, 'auto', NOW)).toEqual([otherShape]);
    // A link asking for a backend, or for other threads than the verdict was timed with, gets none.
    expect(initParams('wasm', 'auto', url, store, NOW)).toEqual({ backend: 'wasm', threads: 'auto' });
    expect(initParams('auto', 2, url, store, NOW)).toEqual({ backend: 'auto', threads: 2 });
  });

  it('keeps a shape per link, the newest first, and reads damaged storage as none', () => {
    const store = memoryStore({ 'transformer-playground:model-shapes': '{oops' });
    keepVerdict(store, verdict([timing('wasm', 2, 40)], { device: here }), NOW);
    expect(verdictsForStart(store, url, 'auto', NOW)).toEqual([]);
    for (let i = 0; i < 40; i++) rememberShape(store, `https://example.org/${i}/`, shape);
    expect(verdictsForStart(store, 'https://example.org/39/', 'auto', NOW)).toHaveLength(1);
    expect(verdictsForStart(store, 'https://example.org/0/', 'auto', NOW)).toEqual([]); // forgotten: the oldest go first
  });
});

describe('the measurement’s cost', () => {
  it('stops timing a backend whose first warm step is over 3× the best so far', () => {
    expect(clearlySlower(31, 10)).toBe(true);
    expect(clearlySlower(29, 10)).toBe(false);
    expect(clearlySlower(1000, null)).toBe(false);
    expect(clearlySlower(1000, undefined)).toBe(false);
    expect(clearlySlower(1000, 0)).toBe(false);
    expect(bestOf([timing('webgl', 12, null), timing('wasm', 9, 80)])).toEqual({ decodeMs: 9, trainMs: 80 });
    expect(bestOf([timing('webgl', null, null)])).toEqual({ decodeMs: null, trainMs: null });
  });

  it('joins the engine’s own figure for its backend with the worker’s for the others, in auto’s order, costs added', () => {
    const engine: BackendTiming = { ...timing('wasm', 9, 80), timedIn: 'engine', costMs: 150 };
    const worker = { ...measurement([{ ...timing('webgl', 12, null), timedIn: 'worker', costMs: 700 }]), totalMs: 800 };
    const joined = combineMeasurements(engine, worker);
    expect(joined.timings.map((t) => [t.backend, t.timedIn])).toEqual([['webgl', 'worker'], ['wasm', 'engine']]);
    expect(joined.totalMs).toBe(950);
    expect(chooseFastest(joined.timings).generation).toBe('wasm');
    // Should the worker have timed the engine's backend too, the engine's figure (the loaded model) is kept.
    expect(combineMeasurements(engine, measurement([timing('wasm', 50, 50)])).timings).toEqual([engine]);
  });
});

describe('the engine starts on the verdict', () => {
  const softwareGL = { available: true, software: true, name: 'SwiftShader' };
  const noAdapter = { status: 'no-adapter' as const, adapter: null, software: false };
  it('puts the measured backend first in auto, the rule after it, and says why; a link’s backend still wins', () => {
    expect(backendOrder('auto', { webgl: softwareGL, webgpu: noAdapter }, 'webgl')).toEqual({
      preference: ['webgl', 'wasm', 'cpu'], why: { code: 'measured', backend: 'webgl' },
      reason: 'webgl was the fastest for generation when measured on this device',
    });
    expect(backendOrder('auto', { webgl: softwareGL, webgpu: noAdapter }, null).why.code).toBe('software');
    expect(backendOrder('wasm', { webgl: softwareGL, webgpu: noAdapter }, 'webgl').why).toEqual({ code: 'asked', backend: 'wasm' });
  });
});

describe('timing one backend', () => {
  beforeAll(() => useBackend('wasm'));
  it('times a KV-cached decode step and a small training step on wasm, and leaves no tensor behind', () => {
    const config = makeConfig('tiny');
    const weights = timingWeights(config);
    const before = tf.memory().numTensors;
    const t = timeBackend('wasm', config, weights, 1);
    expect(t.backend).toBe('wasm');
    expect(t.threads).toBe(1);
    expect(t.decodeMs).toBeGreaterThan(0);
    expect(t.decodeSteps).toBeGreaterThan(1);
    expect(t.trainMs).toBeGreaterThan(0);
    expect(tf.memory().numTensors).toBe(before);
    // Against a best far beyond reach, one decode step is timed and no more.
    const behind = timeBackend('wasm', config, weights, 1, { decodeMs: t.decodeMs! / 1000, trainMs: t.trainMs! / 1000 });
    expect(behind.decodeSteps).toBe(1);
    expect(behind.trainMs).toBeGreaterThan(0);
    expect(tf.memory().numTensors).toBe(before);
    // The weights are only read: a second backend's model is built from the same arrays.
    expect(timeBackend('wasm', config, weights, undefined).threads).toBeUndefined();
    expect(tf.memory().numTensors).toBe(before);
  }, 60_000);
});

describe('timing the backend the engine runs, in place', () => {
  it('times decode steps on the loaded model and a training step of another, and leaves the loaded model and the memory as they were', async () => {
    const report = await initBackend('cpu'); // switches this file's backend: the wasm timing above has run
    const tokenizer = CharTokenizer.fromText('the cat sat on the mat.');
    const config = makeConfig('nano', { vocabSize: tokenizer.vocabSize, blockSize: 16 });
    const model = GPT.create(config, 1);
    const info: ModelInfo = {
      slot: 'active', name: 'test', ref: 'test', from: 'browser', cacheProblem: null, weightBytes: 0, config,
      parameterCount: countParameters(config), tokenizerKind: tokenizer.kind, training: null,
    };
    installModel('active', { model, tokenizer, info });
    try {
      const logits = () => Array.from(model.run([1, 2, 3]).lastLogits.slice(0, 8));
      const before = logits();
      const tensors = tf.memory().numTensors;
      const t = await measureRunningBackend();
      expect(t).toMatchObject({ backend: report.backend, timedIn: 'engine' });
      expect(t.decodeMs).toBeGreaterThan(0);
      expect(t.decodeSteps).toBeGreaterThan(1);
      expect(t.trainMs).toBeGreaterThan(0);
      expect(t.costMs).toBeGreaterThan(0);
      expect(tf.memory().numTensors).toBe(tensors);
      expect(logits()).toEqual(before); // the training step trained another model
    } finally {
      clearSlot('active');
    }
  }, 60_000);
});
