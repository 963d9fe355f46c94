// The memory calculator's rows: fine-tuning a 7B, 13B or 70B model in full,
// with LoRA, or with QLoRA, split into weights, gradients, optimizer state and
// activations, from the named assumptions of lessons/costs.ts.

import { type FineTuneAssumptions, type MemoryBreakdown, DEFAULT_FINE_TUNE, LLAMA_13B, LLAMA_70B, LLAMA_7B, fineTuneMemory } from '../../lessons/costs.ts';
import type { SegmentKey, StackedRow } from '../../charts/lora/stackedBars.ts';

export const MEMORY_MODELS = [LLAMA_7B, LLAMA_13B, LLAMA_70B];
export const METHODS: MemoryBreakdown['method'][] = ['full fine-tuning', 'LoRA', 'QLoRA'];

export const MEMORY_KEYS: SegmentKey[] = [
  { key: 'weights', label: 'weights', color: '#1f5fa8' },
  { key: 'gradients', label: 'gradients', color: '#d9822b' },
  { key: 'optimizer', label: 'optimizer state (Adam)', color: '#7b4ea3' },
  { key: 'activations', label: 'activations', color: '#9aa5b3' },
];

/** Decimal gigabytes, as GPU memory is sold. */
export const GB = 1e9;

export const GPU_SIZES = [
  { value: 24 * GB, label: '24 GB' },
  { value: 80 * GB, label: '80 GB' },
];

export function memoryAssumptions(rank: number, weights: FineTuneAssumptions['weights']): FineTuneAssumptions {
  return { ...DEFAULT_FINE_TUNE, loraRank: rank, weights };
}

export function memoryRows(a: FineTuneAssumptions): StackedRow[] {
  return MEMORY_MODELS.flatMap((m) =>
    METHODS.map((method) => {
      const b = fineTuneMemory(m, method, a);
      return {
        id: `${m.name}/${method}`,
        label: method,
        group: m.name,
        values: { weights: b.weights, gradients: b.gradients, optimizer: b.optimizer, activations: b.activations },
        note: method === 'full fine-tuning' ? '' : `(${formatTrainable(b.trainableParameters)} trainable)`,
      };
    }),
  );
}

export function formatGB(bytes: number): string {
  const gb = bytes / GB;
  if (Number.isInteger(gb)) return `${gb} GB`;
  return gb >= 100 ? `${gb.toFixed(0)} GB` : gb >= 10 ? `${gb.toFixed(1)} GB` : `${gb.toFixed(2)} GB`;
}

function formatTrainable(n: number): string {
  return n >= 1e9 ? `${(n / 1e9).toFixed(1)}B` : `${(n / 1e6).toFixed(1)}M`;
}
