// `auto` picks the fastest backend by measuring it (issue 15): timings → choice,
// the cache key, kept verdicts (stale, corrupt or edited ones ignored), the
// engine starting on a kept verdict, and the timing itself on wasm, leak-free.
// The browser half (a built page measuring, keeping and using its verdict) is
// tests/e2e/backendChoice.e2e.test.ts.

import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  type BackendMeasurement, type BackendTiming, type BackendVerdict, VERDICT_MAX_AGE_MS, chooseFastest, gpuName, modelShape, parseVerdict,
  verdictForGpu, verdictFrom, verdictKey,
} from '../../src/engine/backendChoice.ts';
import { backendOrder } from '../../src/engine/backend.ts';
import { timeBackend } from '../../src/engine/backendChoiceMeasure.ts';
import { makeConfig } from '../../src/model/config.ts';
import { initialWeights } from '../../src/model/params.ts';
import { VERDICTS_KEY, keepVerdict, readVerdicts, thisBrowser, verdictByKey, verdictsForStart } from '../../src/panels/backendVerdictStore.ts';
import { useBackend } from '../helpers/backend.ts';

const NOW = Date.UTC(2025, 4, 12);
const timing = (backend: BackendTiming['backend'], decodeMs: number | null, trainMs: number | null): BackendTiming => ({ backend, decodeMs, trainMs });
const swiftshader = gpuName('ANGLE (Google, Vulkan 1.3.0 (SwiftShader Device (Subzero)), SwiftShader driver)', { status: 'no-adapter', adapter: null, software: false });
const measurement = (timings: BackendTiming[], gpu = swiftshader): BackendMeasurement => ({ gpu, timings, skipped: [], trainTokens: 32, totalMs: 300 });
const browser = { userAgent: 'Mozilla/5.0 HeadlessChrome/140', logicalCores: 2 };
const shape = modelShape(makeConfig('playground'));

function verdict(timings: BackendTiming[], over: { gpu?: string; ref?: string; now?: number; device?: typeof browser } = {}): BackendVerdict {
  const v = verdictFrom(measurement(timings, over.gpu), { ...(over.device ?? browser), shape }, over.ref ?? 'shakespeare', over.now ?? NOW);
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
    const here = thisBrowser(); // Node's navigator, as the page's
    const store = memoryStore();
    const mine = verdict([timing('webgl', 38, null), timing('wasm', 2.1, 40)], { device: here, now: NOW - 2000 });
    const newer = verdict([timing('webgl', 1, null), timing('wasm', 2.1, 40)], { device: here, now: NOW - 1000 });
    const otherGpu = verdict([timing('webgl', 0.5, null), timing('wasm', 2.1, 40)], { device: here, gpu: 'webgl: NVIDIA; webgpu: none' });
    const otherModel = verdict([timing('webgl', 0.5, null), timing('wasm', 2.1, 40)], { device: here, ref: 'tang', gpu: 'webgl: Intel; webgpu: none' });
    const otherBrowser = verdict([timing('webgl', 0.5, null), timing('wasm', 2.1, 40)], { device: { ...here, userAgent: 'Firefox' } });
    for (const v of [mine, otherGpu, otherModel, otherBrowser]) keepVerdict(store, v, NOW);
    const forStart = verdictsForStart(store, 'shakespeare', NOW);
    expect(forStart.map((v) => v.ref)).toEqual(['shakespeare', 'shakespeare']);
    expect(verdictForGpu(forStart, swiftshader, NOW)).toEqual(mine);
    expect(verdictForGpu([mine, newer], swiftshader, NOW)?.generation).toBe('webgl');
    expect(verdictForGpu(forStart, 'webgl: none; webgpu: none', NOW)).toBeNull();
    expect(verdictForGpu(undefined, swiftshader, NOW)).toBeNull();
    expect(verdictForGpu([{ ...mine, measuredAt: NOW - VERDICT_MAX_AGE_MS - 1 }], swiftshader, NOW)).toBeNull();
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
    const weights = initialWeights(config, 1);
    const before = tf.memory().numTensors;
    const t = timeBackend('wasm', config, weights, 1);
    expect(t.backend).toBe('wasm');
    expect(t.threads).toBe(1);
    expect(t.decodeMs).toBeGreaterThan(0);
    expect(t.trainMs).toBeGreaterThan(0);
    expect(tf.memory().numTensors).toBe(before);
    // The weights are only read: a second backend's model is built from the same arrays.
    expect(timeBackend('wasm', config, weights, undefined).threads).toBeUndefined();
    expect(tf.memory().numTensors).toBe(before);
  }, 60_000);
});
