// The memory calculator's rows: fine-tuning a 7B, 13B or 70B model in full,
// with LoRA, or with QLoRA, split into weights, gradients, optimizer state and
// activations, from the named assumptions of lessons/costs.ts; and which GPU
// each total fits on.

import {
  type FineTuneAssumptions,
  type MemoryBreakdown,
  type Recomputation,
  DEFAULT_FINE_TUNE,
  LLAMA_13B,
  LLAMA_70B,
  LLAMA_7B,
  fineTuneMemory,
} from '../../lessons/costs.ts';
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

/** Sequence lengths the calculator offers: up to LLaMA-2's context of 4,096 tokens. */
export const SEQUENCE_LENGTHS = [512, 1024, 2048, 4096];
export const BATCH_SIZES = [1, 2, 4, 8];

/** The recomputation choices, as the calculator names them. */
export const RECOMPUTATION_LABELS: Record<Recomputation, string> = {
  none: 'none: keep every activation',
  selective: 'selective recomputation, or FlashAttention',
  full: 'full recomputation (gradient checkpointing)',
};

export type ActivationSettings = Pick<FineTuneAssumptions, 'sequenceLength' | 'batchSize' | 'recomputation'>;

export function memoryAssumptions(rank: number, weights: FineTuneAssumptions['weights'], activations: Partial<ActivationSettings> = {}): FineTuneAssumptions {
  return { ...DEFAULT_FINE_TUNE, ...activations, loraRank: rank, weights };
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

export interface MemoryVerdict {
  model: string;
  method: MemoryBreakdown['method'];
  total: number;
  activations: number;
  /** The smallest of GPU_SIZES the total fits in; null when none does. */
  fitsOn: string | null;
}

/** Per model and method: the total, how much of it is activations, and the smallest GPU that holds it. */
export function memoryVerdicts(a: FineTuneAssumptions): MemoryVerdict[] {
  return MEMORY_MODELS.flatMap((m) =>
    METHODS.map((method) => {
      const b = fineTuneMemory(m, method, a);
      const gpu = GPU_SIZES.find((g) => b.total <= g.value);
      return { model: m.name, method, total: b.total, activations: b.activations, fitsOn: gpu ? gpu.label : null };
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
