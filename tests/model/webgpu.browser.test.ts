// The model on WebGPU (@tensorflow/tfjs-backend-webgpu 4.22). The browser project launches Chromium with
// --enable-unsafe-webgpu --use-webgpu-adapter=swiftshader (vitest.config.ts) on a page served from localhost,
// so WebGPU runs here on SwiftShader. Results are read with async reads: in this headless Chromium a
// synchronous read (dataSync) destroys the WebGPU device, which the last test shows the page detecting.

import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-webgpu';
import { describe, expect, it } from 'vitest';
import { selectBackend } from '../../src/engine/backend.ts';
import { bundledWasmPaths } from '../../src/engine/wasmPaths.ts';
import { loadGPT } from '../../src/io/checkpoint.ts';
import { KVCache, cacheMaskBias } from '../../src/model/kvcache.ts';
import { CAUSAL } from '../../src/model/masks.ts';
import fixtureConfig from '../fixtures/gpt2-tiny/config.json';
import fixtureCases from '../fixtures/gpt2-tiny/cases.json';
import weightsUrl from '../fixtures/gpt2-tiny/model.safetensors?url';
import { maxAbsDiff } from '../helpers/compare.ts';

interface Case { input_ids: number[]; logits: number[][] }
const { tolerance, cases } = fixtureCases as unknown as { tolerance: number; cases: Case[] };

/**
 * True when a tensor lives in a GPU buffer: the webgpu backend computes an op on the CPU when all its
 * inputs are small (under 1,000 values) and still on the CPU, and such a result has no buffer.
 */
function onGpu(t: tf.Tensor): boolean {
  const backend = tf.backend() as unknown as { tensorMap: { get(id: object): { resource: unknown } } };
  return backend.tensorMap.get(t.dataId).resource != null;
}

describe('GPT-2 fixture on WebGPU (SwiftShader)', () => {
  it('matches PyTorch logits to the fixture tolerance, computed on the GPU, and frees every tensor', async () => {
    expect(await tf.setBackend('webgpu')).toBe(true);
    const before = tf.memory().numTensors;
    const model = await loadGPT({ config: fixtureConfig as never, weights: weightsUrl });
    for (const c of cases) {
      const T = c.input_ids.length;
      const logits = tf.tidy(() => model.forward(tf.tensor2d(c.input_ids, [1, T], 'int32')));
      expect(onGpu(logits), 'the logits were computed by a GPU kernel, not handed to the CPU').toBe(true);
      const rows = (await logits.data()) as Float32Array;
      logits.dispose();
      const V = fixtureConfig.vocab_size;
      c.logits.forEach((ref, i) => expect(maxAbsDiff(rows.subarray(i * V, (i + 1) * V), ref)).toBeLessThan(tolerance));
    }
    model.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it('keeps a static-shape KV cache: one-hot writes, growth by padding, the mask over unused slots', async () => {
    expect(tf.getBackend()).toBe('webgpu');
    const before = tf.memory().numTensors;
    // 1,200 values a step: above the size under which the backend computes small inputs on the CPU.
    const nHead = 4;
    const headSize = 300;
    const cache = new KVCache(1, 16, 4); // capacity 4, then 8
    const step = (t: number) => Float32Array.from({ length: nHead * headSize }, (_, i) => 10_000 * (t + 1) + i);
    const shapes: number[][] = [];
    for (let t = 0; t < 6; t++) {
      tf.tidy(() => {
        const k = tf.tensor3d(step(t), [nHead, 1, headSize]);
        const { k: keys, v: values } = cache.append(0, k, tf.neg(k));
        expect(onGpu(keys) && onGpu(values)).toBe(true);
        shapes.push(keys.shape);
      });
      cache.advance(1);
    }
    expect(shapes.map((s) => s[1])).toEqual([4, 4, 4, 4, 8, 8]);
    const want = new Float32Array(nHead * 8 * headSize);
    for (let h = 0; h < nHead; h++) {
      for (let slot = 0; slot < 6; slot++) want.set(step(slot).subarray(h * headSize, (h + 1) * headSize), (h * 8 + slot) * headSize);
    }
    const { k, v } = cache.get(0)!;
    expect(maxAbsDiff((await k.data()) as Float32Array, want)).toBe(0);
    expect(maxAbsDiff((await v.data()) as Float32Array, want.map((x) => -x))).toBe(0);
    // Scores over the 8 slots with the 2 unused ones masked: a softmax on WebGPU gives them exactly 0.
    const probs = tf.tidy(() => tf.softmax(tf.add(tf.zeros([1, 8]), tf.tensor2d(cacheMaskBias(CAUSAL, 5, 1, 8), [1, 8]))));
    expect(Array.from(await probs.data()).slice(6)).toEqual([0, 0]);
    probs.dispose();
    cache.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  // Last: a synchronous read on a browser whose WebGPU canvas fails destroys the device.
  it('is chosen only where results can be read back synchronously, and otherwise passes to the next backend with a code', async () => {
    const choice = await selectBackend(['webgpu', 'wasm'], bundledWasmPaths);
    if (choice.backend === 'webgpu') {
      // A browser whose WebGPU canvas works (a GPU): the model's synchronous paths run as well.
      const model = await loadGPT({ config: fixtureConfig as never, weights: weightsUrl });
      const cache = model.createCache();
      const c = cases[0];
      c.input_ids.forEach((id, i) => expect(maxAbsDiff(model.run([id], { cache }).lastLogits, c.logits[i])).toBeLessThan(tolerance));
      cache.dispose();
      model.dispose();
    } else {
      expect(choice.backend).toBe('wasm');
      expect(choice.unavailable.map((u) => [u.backend, u.code])).toEqual([['webgpu', 'no-sync-read']]);
      expect(tf.engine().registryFactory.webgpu).toBeUndefined(); // the broken backend is gone
    }
  });
});
