import { describe, expect, it } from 'vitest';
import { attentionMatrixBytes, fineTuneMemory, kvCacheBytesPerToken, LLAMA_7B, LLAMA_70B } from '../../src/lessons/costs.ts';

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
    expect(lora.total).toBeLessThan(full.total / 4);
    expect(lora.optimizer + lora.gradients).toBeLessThan(0.01 * (full.optimizer + full.gradients));
    expect(qlora.weights).toBeLessThan(lora.weights / 3.5); // 4-bit base instead of 16-bit
    expect(qlora.activations).toBe(lora.activations); // activations are not quantised
  });
});
