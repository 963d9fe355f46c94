// The fused WebGL decoding step (src/model/webgl/) against the op-by-op path
// it replaces, on WebGL in headless Chromium: the PyTorch fixture model and the
// playground's embedded Shakespeare model, 20-token greedy generations.
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { selectBackend } from '../../src/engine/backend.ts';
import { bundledWasmPaths } from '../../src/engine/wasmPaths.ts';
import { loadGPT } from '../../src/io/checkpoint.ts';
import type { GPT } from '../../src/model/gpt.ts';
import { FUSED_KERNELS } from '../../src/model/webgl/decode.ts';
import { argmax, generate } from '../../src/sampling/generate.ts';
import fixtureConfig from '../fixtures/gpt2-tiny/config.json';
import fixtureCases from '../fixtures/gpt2-tiny/cases.json';
import fixtureWeights from '../fixtures/gpt2-tiny/model.safetensors?url';
import { maxAbsDiff } from '../helpers/compare.ts';
// The page's embedded model, which Vite serves from public/ at the root.
const shakespeare = '/models/shakespeare/';

interface Case { input_ids: number[]; logits: number[][] }
const { tolerance, cases } = fixtureCases as unknown as { tolerance: number; cases: Case[] };

/** A greedy generation with every step's next-token logits. */
function greedy(model: GPT, prompt: number[], fused: boolean, maxNewTokens = 20): { tokens: number[]; logits: Float32Array[] } {
  model.fusedDecoding = fused;
  const logits: Float32Array[] = [];
  const { generated } = generate(model, prompt, {
    maxNewTokens,
    pickNext: (l) => {
      logits.push(l.slice());
      return argmax(l);
    },
  });
  return { tokens: generated, logits };
}

/** The kernels one cached step of token `id` after `prompt` runs, by name, once per call. */
async function stepKernels(model: GPT, prompt: number[], id: number): Promise<string[]> {
  const cache = model.createCache();
  model.run(prompt, { cache });
  const info = await tf.profile(() => void model.run([id], { cache }));
  cache.dispose();
  return info.kernels.map((k) => k.name);
}

const models = [
  { name: 'the PyTorch fixture model (window 16: the generation slides it)', config: fixtureConfig, weights: fixtureWeights, prompt: [3, 1, 4] },
  { name: 'the embedded Shakespeare model', config: `${shakespeare}config.json`, weights: `${shakespeare}model.safetensors`, prompt: [40, 7, 300, 12, 5, 88, 2, 910] },
];

describe('fused WebGL decoding', () => {
  beforeAll(async () => {
    await selectBackend(['webgl'], bundledWasmPaths);
    expect(tf.getBackend()).toBe('webgl');
  });

  for (const m of models) {
    it(`matches the op-by-op path over a 20-token greedy generation: ${m.name}`, async () => {
      const before = tf.memory().numTensors;
      const model = await loadGPT({ config: m.config as never, weights: m.weights });
      const loaded = tf.memory().numTensors;

      // The fused programs run only where asked, and replace the op-by-op kernels of a step.
      const fusedKernels = await stepKernels((model.fusedDecoding = true, model), m.prompt, 5);
      const opKernels = await stepKernels((model.fusedDecoding = false, model), m.prompt, 5);
      expect(fusedKernels).toContain(FUSED_KERNELS.attentionValues);
      expect(fusedKernels).toContain(FUSED_KERNELS.slotPair); // the cache written in place, not copied
      expect(fusedKernels).not.toContain(FUSED_KERNELS.cacheWrite);
      expect(opKernels.some((k) => k.startsWith('GPT2Decode'))).toBe(false);
      expect(fusedKernels.length).toBeLessThan(opKernels.length / 4);

      const fused = greedy(model, m.prompt, true);
      const reference = greedy(model, m.prompt, false);
      expect(fused.tokens).toHaveLength(20);
      expect(fused.tokens).toEqual(reference.tokens);
      const worst = Math.max(...fused.logits.map((l, i) => maxAbsDiff(l, reference.logits[i])));
      expect(worst).toBeLessThan(1e-4);
      // The generation really decoded: not every step gave the same token.
      expect(new Set(fused.tokens).size).toBeGreaterThan(1);

      expect(tf.memory().numTensors).toBe(loaded);
      model.dispose();
      expect(tf.memory().numTensors).toBe(before);
    });
  }

  it('keeps forked caches apart: a cache whose textures a fork shares is written by copy, never in place', async () => {
    const model = await loadGPT({ config: `${shakespeare}config.json`, weights: `${shakespeare}model.safetensors` });
    const before = tf.memory().numTensors;
    // Two beams from one prompt, each extended by its own tokens, as beam search does.
    const beams = (fused: boolean): Float32Array[] => {
      model.fusedDecoding = fused;
      const a = model.createCache();
      model.run([40, 7, 300, 12], { cache: a });
      const b = a.fork();
      const out = [[5, a], [9, b], [11, a], [13, b], [17, b], [19, a]].map(([id, cache]) => model.run([id as number], { cache: cache as typeof a }).lastLogits);
      a.dispose();
      b.dispose();
      return out;
    };
    const fused = beams(true);
    const reference = beams(false);
    fused.forEach((l, i) => expect(maxAbsDiff(l, reference[i])).toBeLessThan(1e-4));
    expect(maxAbsDiff(fused[0], fused[1])).toBeGreaterThan(1e-3); // the beams did differ
    expect(tf.memory().numTensors).toBe(before);
    model.dispose();
  });

  it('decodes the PyTorch fixture token by token to 1e-4 with the fused step', async () => {
    const model = await loadGPT({ config: fixtureConfig as never, weights: fixtureWeights });
    const before = tf.memory().numTensors;
    let fusedSteps = 0;
    for (const c of cases) {
      const cache = model.createCache();
      for (let i = 0; i < c.input_ids.length; i++) {
        let logits!: Float32Array;
        const info = await tf.profile(() => void (logits = model.run([c.input_ids[i]], { cache }).lastLogits));
        if (info.kernelNames.includes(FUSED_KERNELS.attentionValues)) fusedSteps++;
        expect(maxAbsDiff(logits, c.logits[i])).toBeLessThan(tolerance);
      }
      cache.dispose();
    }
    // Every step ran fused, a case's first (into an empty cache) included.
    expect(fusedSteps).toBe(cases.reduce((n, c) => n + c.input_ids.length, 0));
    expect(tf.memory().numTensors).toBe(before);
    model.dispose();
  });
});
