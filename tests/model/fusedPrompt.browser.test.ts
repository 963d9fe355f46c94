// A prompt through the fused WebGL decoding step, token by token into a fresh
// KV cache (src/model/webgl/decode.ts), against the op-by-op prompt pass it
// replaces; and the page's load-time warm-up (src/model/webgl/warmUp.ts),
// which must leave the first generation nothing to compile.
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { selectBackend } from '../../src/engine/backend.ts';
import { bundledWasmPaths } from '../../src/engine/wasmPaths.ts';
import { loadGPT } from '../../src/io/checkpoint.ts';
import { makeConfig } from '../../src/model/config.ts';
import { GPT } from '../../src/model/gpt.ts';
import type { MaskMode } from '../../src/model/masks.ts';
import { FUSED_KERNELS, FUSED_PROMPT_MAX_TOKENS } from '../../src/model/webgl/decode.ts';
import { warmUpDecoding } from '../../src/model/webgl/warmUp.ts';
import { generate } from '../../src/sampling/generate.ts';
import fixtureConfig from '../fixtures/gpt2-tiny/config.json';
import fixtureCases from '../fixtures/gpt2-tiny/cases.json';
import fixtureWeights from '../fixtures/gpt2-tiny/model.safetensors?url';
import { maxAbsDiff } from '../helpers/compare.ts';

const shakespeare = '/models/shakespeare/';
interface Case { input_ids: number[]; logits: number[][] }
const { tolerance, cases } = fixtureCases as unknown as { tolerance: number; cases: Case[] };

/** Shader programs the WebGL backend has compiled so far. */
const programCount = () => Object.keys((tf.backend() as unknown as { binaryCache: object }).binaryCache).length;

/** A prompt into a fresh cache, then `then` one token at a time: each call's logits and the kernels the prompt's call ran. */
async function promptThen(model: GPT, prompt: number[], then: number[], fused: boolean, mask?: MaskMode) {
  model.fusedDecoding = fused;
  const cache = model.createCache();
  let first!: Float32Array;
  const info = await tf.profile(() => void (first = model.run(prompt, { cache, mask }).lastLogits));
  const logits = [first, ...then.map((id) => model.run([id], { cache, mask }).lastLogits)];
  const length = cache.length;
  cache.dispose();
  model.fusedDecoding = true;
  return { logits, kernels: info.kernelNames, length };
}

const ids = (n: number, vocab: number) => Array.from({ length: n }, (_, i) => (i * 37 + 11) % vocab);

describe('a prompt through the fused WebGL decoding step', () => {
  beforeAll(async () => {
    await selectBackend(['webgl'], bundledWasmPaths);
    expect(tf.getBackend()).toBe('webgl');
  });

  // First in the file: its model's shapes are new to this page, so its programs are compiled here.
  it('the load-time warm-up compiles what a generation runs: the first generation after it compiles nothing', () => {
    const model = GPT.create(makeConfig('playground', { vocabSize: 96, blockSize: 48, nLayer: 2, nHead: 2, nEmbd: 40 }), 3);
    const before = tf.memory().numTensors;
    const start = programCount();
    warmUpDecoding(model);
    expect(programCount()).toBeGreaterThan(start + 8); // the fused programs, and the weights' packed uploads
    const warm = programCount();
    const { generated } = generate(model, ids(12, 96), { maxNewTokens: 16 });
    expect(generated).toHaveLength(16);
    expect(programCount()).toBe(warm);
    expect(tf.memory().numTensors).toBe(before);
    model.dispose();
  });

  it('runs a short prompt into a fresh cache fused, with the PyTorch fixture logits to 1e-4', async () => {
    const model = await loadGPT({ config: fixtureConfig as never, weights: fixtureWeights });
    const before = tf.memory().numTensors;
    for (const c of cases) {
      const { logits, kernels, length } = await promptThen(model, c.input_ids, [], true);
      expect(kernels).toContain(FUSED_KERNELS.attentionValues);
      expect(kernels).not.toContain('BatchMatMul'); // no op-by-op pass ran
      expect(length).toBe(c.input_ids.length);
      expect(maxAbsDiff(logits[0], c.logits[c.input_ids.length - 1])).toBeLessThan(tolerance);
    }
    expect(tf.memory().numTensors).toBe(before);
    model.dispose();
  });

  it('gives the op-by-op pass its logits to 1e-4, prompt and the steps after it, the cache then holding the same keys', async () => {
    const model = await loadGPT({ config: `${shakespeare}config.json`, weights: `${shakespeare}model.safetensors` });
    const before = tf.memory().numTensors;
    for (const n of [1, 2, 7, FUSED_PROMPT_MAX_TOKENS]) {
      const prompt = ids(n, model.config.vocabSize);
      const fused = await promptThen(model, prompt, [5, 9, 300, 12], true);
      const reference = await promptThen(model, prompt, [5, 9, 300, 12], false);
      expect(fused.kernels).toContain(FUSED_KERNELS.attentionValues);
      expect(reference.kernels.some((k) => k.startsWith('GPT2Decode'))).toBe(false);
      fused.logits.forEach((l, i) => expect(maxAbsDiff(l, reference.logits[i])).toBeLessThan(1e-4));
    }
    expect(tf.memory().numTensors).toBe(before);
    model.dispose();
  });

  it('leaves to the op-by-op pass a prompt longer than FUSED_PROMPT_MAX_TOKENS, and one whose mask lets a token see later ones', async () => {
    const model = await loadGPT({ config: `${shakespeare}config.json`, weights: `${shakespeare}model.safetensors` });
    const before = tf.memory().numTensors;
    const long = await promptThen(model, ids(FUSED_PROMPT_MAX_TOKENS + 1, model.config.vocabSize), [5], true);
    expect(long.kernels.some((k) => k.startsWith('GPT2Decode'))).toBe(false);
    // A prefix LM: the first 4 tokens see each other both ways, which token by token cannot give.
    const mask: MaskMode = { kind: 'prefix', prefixLength: 4 };
    const prompt = ids(6, model.config.vocabSize);
    const prefix = await promptThen(model, prompt, [5, 9], true, mask);
    const reference = await promptThen(model, prompt, [5, 9], false, mask);
    expect(prefix.kernels.some((k) => k.startsWith('GPT2Decode'))).toBe(false);
    prefix.logits.forEach((l, i) => expect(maxAbsDiff(l, reference.logits[i])).toBeLessThan(1e-4));
    expect(tf.memory().numTensors).toBe(before);
    model.dispose();
  });
});
