// The memory arithmetic of prompt tuning, prefix tuning, AdaLoRA and RLHF,
// checked against hand-computed figures for LLaMA-2 7B (d = 4096, 32 layers,
// 32 heads) and against the relations the calculator's text states.

import { describe, expect, it } from 'vitest';
import { DEFAULT_FINE_TUNE, LLAMA_7B, fineTuneMemory, activationBytesPerLayer } from '../../src/lessons/costs.ts';
import { DEFAULT_PEFT, peftMemory, rlhfMemory } from '../../src/lessons/peftCosts.ts';
import { rlhfRows } from '../../src/panels/lora/memory.ts';

const a = DEFAULT_FINE_TUNE; // bf16, rank 8 on 2 matrices per layer, s = 2048, b = 1, nothing recomputed
const base = LLAMA_7B.parameters * 2;

describe('PEFT memory', () => {
  it('prompt tuning: 20 × 4096 trainable values, and the activations of 2,068 tokens', () => {
    const p = peftMemory(LLAMA_7B, 'prompt tuning');
    expect(p.trainableParameters).toBe(20 * 4096);
    expect(p.weights).toBe(base + 20 * 4096 * 4);
    expect(p.gradients).toBe(20 * 4096 * 4);
    expect(p.optimizer).toBe(20 * 4096 * 8);
    expect(p.activations).toBe(32 * activationBytesPerLayer(LLAMA_7B, 2048 + 20, 1, 'none'));
    expect(p.activations).toBeGreaterThan(fineTuneMemory(LLAMA_7B, 'LoRA').activations);
  });

  it('prefix tuning: a key and a value per virtual token per layer, 20 × 32 × 2 × 4096; attention over 2,068 keys', () => {
    const p = peftMemory(LLAMA_7B, 'prefix tuning');
    expect(p.trainableParameters).toBe(20 * 32 * 2 * 4096);
    // s·b·h·34 + 5·a·s·(s + n)·b per layer, in bytes
    expect(p.activations).toBe(32 * (2048 * 4096 * 34 + 5 * 32 * 2048 * 2068));
    // With the n×n matrices recomputed, the prefix no longer shows in the activations.
    const selective = { ...a, recomputation: 'selective' as const };
    expect(peftMemory(LLAMA_7B, 'prefix tuning', selective).activations).toBe(fineTuneMemory(LLAMA_7B, 'LoRA', selective).activations);
  });

  it('AdaLoRA trains at init_r (12 > LoRA’s 8) and keeps 12 more bytes per trainable value for importance scores', () => {
    const ada = peftMemory(LLAMA_7B, 'AdaLoRA');
    const lora = fineTuneMemory(LLAMA_7B, 'LoRA');
    expect(ada.trainableParameters).toBe(32 * 2 * 12 * (4096 + 4096 + 1));
    expect(ada.optimizer).toBe(ada.trainableParameters * 20);
    expect(ada.trainableParameters).toBeGreaterThan(lora.trainableParameters);
    expect(ada.activations).toBe(lora.activations);
    expect(ada.total - ada.activations - base).toBeLessThan(0.02 * base); // about 1.3% of the frozen base
    expect(DEFAULT_PEFT).toEqual({ virtualTokens: 20, adaloraInitR: 12 });
  });
});

describe('RLHF memory', () => {
  it('PPO in full holds two trained models and two frozen ones; DPO one of each', () => {
    const full = fineTuneMemory(LLAMA_7B, 'full fine-tuning');
    const ppo = rlhfMemory(LLAMA_7B, 'PPO', 'full fine-tuning');
    expect(ppo.total).toBe(2 * full.total + 2 * base);
    expect(ppo.models.map((m) => m.role)).toEqual(['actor', 'critic', 'reward', 'reference']);
    const dpo = rlhfMemory(LLAMA_7B, 'DPO', 'full fine-tuning');
    const pairs = fineTuneMemory(LLAMA_7B, 'full fine-tuning', { ...a, batchSize: 2 });
    expect(dpo.total).toBe(pairs.total + base);
    expect(dpo.activations).toBe(2 * full.activations); // a chosen and a rejected answer per example
  });

  it('with LoRA one base serves as policy and reference: DPO costs a LoRA run on pairs, PPO adds only the reward model', () => {
    const dpo = rlhfMemory(LLAMA_7B, 'DPO', 'LoRA');
    expect(dpo.total).toBe(fineTuneMemory(LLAMA_7B, 'LoRA', { ...a, batchSize: 2 }).total);
    const ppo = rlhfMemory(LLAMA_7B, 'PPO', 'LoRA');
    expect(ppo.total).toBe(fineTuneMemory(LLAMA_7B, 'LoRA').total + base);
    const rows = rlhfRows(a);
    expect(rows.map((r) => [r.scheme, r.tuning, r.copies])).toEqual([
      ['PPO', 'full fine-tuning', 4],
      ['PPO', 'LoRA', 2],
      ['DPO', 'full fine-tuning', 2],
      ['DPO', 'LoRA', 1],
    ]);
    // PPO in full on a 7B model fits no single 80 GB GPU; DPO with LoRA does.
    expect(rows[0].totals[0].fitsOn).toBeNull();
    expect(rows[3].totals[0].fitsOn).not.toBeNull();
  });
});
