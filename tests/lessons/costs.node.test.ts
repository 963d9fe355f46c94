import { describe, expect, it } from 'vitest';
import {
  DEFAULT_FINE_TUNE,
  activationBytesPerLayer,
  attentionMatrixBytes,
  fineTuneMemory,
  flashAttentionBytes,
  kvCacheBytesPerToken,
  LLAMA_7B,
  LLAMA_70B,
} from '../../src/lessons/costs.ts';
import { memoryAssumptions, memoryVerdicts } from '../../src/panels/lora/memory.ts';

const GiB = 2 ** 30;

describe('cost arithmetic', () => {
  it("LLaMA-2 7B's KV cache is 512 KiB per token in 16-bit; 70B's grouped-query attention makes it 320 KiB", () => {
    expect(kvCacheBytesPerToken(LLAMA_7B, 2)).toBe(512 * 1024);
    expect(kvCacheBytesPerToken(LLAMA_70B, 2)).toBe(320 * 1024);
  });

  it('attention scores grow with the square of the length', () => {
    expect(attentionMatrixBytes(LLAMA_7B, 2048, 2) / attentionMatrixBytes(LLAMA_7B, 1024, 2)).toBe(4);
  });

  it('full fine-tuning of a 7B model needs ~16 bytes a parameter before activations; LoRA and QLoRA far less', () => {
    const full = fineTuneMemory(LLAMA_7B, 'full fine-tuning');
    expect((full.weights + full.gradients + full.optimizer) / LLAMA_7B.parameters).toBe(16);
    const lora = fineTuneMemory(LLAMA_7B, 'LoRA');
    const qlora = fineTuneMemory(LLAMA_7B, 'QLoRA');
    expect(lora.trainableParameters / LLAMA_7B.parameters).toBeLessThan(0.001);
    expect(full.total / GiB).toBeGreaterThan(100);
    expect(lora.total - lora.activations).toBeLessThan((full.total - full.activations) / 7);
    expect(lora.activations).toBe(full.activations); // the backward pass still runs through the frozen layers
    expect(lora.optimizer + lora.gradients).toBeLessThan(0.01 * (full.optimizer + full.gradients));
    expect(qlora.weights).toBeLessThan(lora.weights / 3.5); // 4-bit base instead of 16-bit
    expect(qlora.activations).toBe(lora.activations); // activations are not quantised
  });
});

/** Korthikanti et al. 2022, eq. (1) and Table 2: activation bytes per layer in 16-bit, written out here from the paper. */
const paper = {
  none: (s: number, b: number, h: number, a: number) => s * b * h * (34 + (5 * a * s) / h),
  selective: (s: number, b: number, h: number) => 34 * s * b * h,
  full: (s: number, b: number, h: number) => 2 * s * b * h,
};

describe('activation memory (Korthikanti et al. 2022)', () => {
  const [s, b, h, a, L] = [2048, 1, 4096, 32, 32]; // LLaMA-2 7B at 2,048 tokens, batch 1

  it('follows the paper per layer, for every recomputation choice and other lengths and batches', () => {
    for (const [seq, batch] of [[2048, 1], [512, 4], [4096, 2]]) {
      expect(activationBytesPerLayer(LLAMA_7B, seq, batch, 'none')).toBe(paper.none(seq, batch, h, a));
      expect(activationBytesPerLayer(LLAMA_7B, seq, batch, 'selective')).toBe(paper.selective(seq, batch, h));
      expect(activationBytesPerLayer(LLAMA_7B, seq, batch, 'full')).toBe(paper.full(seq, batch, h));
    }
    expect(activationBytesPerLayer(LLAMA_70B, 2048, 1, 'none')).toBe(paper.none(2048, 1, 8192, 64));
  });

  it('LLaMA-2 7B at 2,048 tokens keeps ≈30.6 GB without recomputation, 34·s·b·h·L ≈ 9.1 GB with selective, 2·s·b·h·L with full', () => {
    const all = (r: 'none' | 'selective' | 'full') => fineTuneMemory(LLAMA_7B, 'LoRA', { ...DEFAULT_FINE_TUNE, sequenceLength: s, batchSize: b, recomputation: r }).activations;
    expect(all('none')).toBe(L * paper.none(s, b, h, a));
    expect(all('none') / 1e9).toBeCloseTo(30.6, 1);
    expect(all('selective')).toBe(34 * s * b * h * L);
    expect(all('selective') / 1e9).toBeCloseTo(9.13, 2);
    expect(all('full')).toBe(2 * s * b * h * L);
    // The s² term: doubling the length more than doubles what is kept, unless the s × s matrices are not stored.
    expect(activationBytesPerLayer(LLAMA_7B, 4096, 1, 'none') / activationBytesPerLayer(LLAMA_7B, 2048, 1, 'none')).toBeGreaterThan(2.5);
    expect(activationBytesPerLayer(LLAMA_7B, 4096, 1, 'selective') / activationBytesPerLayer(LLAMA_7B, 2048, 1, 'selective')).toBe(2);
  });

  it('with every activation kept, LoRA on a 7B model no longer fits a 24 GB GPU; with selective recomputation it does', () => {
    const verdict = (recomputation: 'none' | 'selective' | 'full', method: string) =>
      memoryVerdicts(memoryAssumptions(8, 'bf16', { sequenceLength: 2048, batchSize: 1, recomputation })).find(
        (v) => v.model === LLAMA_7B.name && v.method === method,
      )!;
    const none = verdict('none', 'LoRA');
    expect(none.total / 1e9).toBeCloseTo(44.1, 1);
    expect(none.fitsOn).toBe('80 GB');
    expect(verdict('selective', 'LoRA').total / 1e9).toBeLessThan(24);
    expect(verdict('selective', 'LoRA').fitsOn).toBe('24 GB');
    expect(verdict('none', 'QLoRA').fitsOn).toBe('80 GB'); // a 4-bit base does not shrink the activations
    expect(verdict('full', 'QLoRA').fitsOn).toBe('24 GB');
    expect(verdict('none', 'full fine-tuning').fitsOn).toBeNull();
    // The calculator's default is the plain case: nothing recomputed, 2,048 tokens, batch 1.
    expect(memoryAssumptions(8, 'bf16')).toMatchObject({ sequenceLength: 2048, batchSize: 1, recomputation: 'none' });
  });

  it('FlashAttention keeps a statistic per token and head, linear in the length, instead of the n × n matrix', () => {
    expect(flashAttentionBytes(LLAMA_7B, 4096) / flashAttentionBytes(LLAMA_7B, 2048)).toBe(2);
    expect(flashAttentionBytes(LLAMA_7B, 4096)).toBe(32 * 4096 * 4);
    expect(attentionMatrixBytes(LLAMA_7B, 4096, 2) / flashAttentionBytes(LLAMA_7B, 4096)).toBe(2048);
  });
});
