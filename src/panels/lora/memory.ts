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
import { type PeftMethod, type RlhfScheme, type RlhfTuning, peftMemory, rlhfMemory } from '../../lessons/peftCosts.ts';
import type { SegmentKey, StackedRow } from '../../charts/lora/stackedBars.ts';
import { currentLocale, t } from '../../i18n/index.ts';
import { formatFixed, formatNumber } from '../../i18n/format.ts';

export const MEMORY_MODELS = [LLAMA_7B, LLAMA_13B, LLAMA_70B];
/** Every method the calculator draws: the three of costs.ts, then the other PEFT methods (lessons/peftCosts.ts). */
export type MemoryMethod = MemoryBreakdown['method'] | PeftMethod;
export const METHODS: MemoryMethod[] = ['full fine-tuning', 'LoRA', 'QLoRA', 'AdaLoRA', 'prompt tuning', 'prefix tuning'];

function breakdown(m: (typeof MEMORY_MODELS)[number], method: MemoryMethod, a: FineTuneAssumptions) {
  return method === 'full fine-tuning' || method === 'LoRA' || method === 'QLoRA' ? fineTuneMemory(m, method, a) : peftMemory(m, method, a);
}

/** The parts of each bar, labelled in the locale in force (call again after a language change). */
export function memoryKeys(): SegmentKey[] {
  return [
    { key: 'weights', label: t('lora:memory.keys.weights'), color: '#1f5fa8' },
    { key: 'gradients', label: t('lora:memory.keys.gradients'), color: '#d9822b' },
    { key: 'optimizer', label: t('lora:memory.keys.optimizer'), color: '#7b4ea3' },
    { key: 'activations', label: t('lora:memory.keys.activations'), color: '#9aa5b3' },
  ];
}

/** A method's name on screen. */
export function methodName(method: MemoryMethod): string {
  const key = (
    {
      'full fine-tuning': 'lora:methods.full',
      LoRA: 'lora:methods.lora',
      QLoRA: 'lora:methods.qlora',
      AdaLoRA: 'lora:methods.adalora',
      'prompt tuning': 'lora:methods.promptTuning',
      'prefix tuning': 'lora:methods.prefixTuning',
    } as const
  )[method];
  return t(key);
}

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
export function recomputationLabel(r: Recomputation): string {
  return t(`lora:memory.recomputation.${r}`);
}

export type ActivationSettings = Pick<FineTuneAssumptions, 'sequenceLength' | 'batchSize' | 'recomputation'>;

export function memoryAssumptions(rank: number, weights: FineTuneAssumptions['weights'], activations: Partial<ActivationSettings> = {}): FineTuneAssumptions {
  return { ...DEFAULT_FINE_TUNE, ...activations, loraRank: rank, weights };
}

export function memoryRows(a: FineTuneAssumptions): StackedRow[] {
  return MEMORY_MODELS.flatMap((m) =>
    METHODS.map((method) => {
      const b = breakdown(m, method, a);
      return {
        id: `${m.name}/${method}`,
        label: methodName(method),
        group: m.name,
        values: { weights: b.weights, gradients: b.gradients, optimizer: b.optimizer, activations: b.activations },
        note: method === 'full fine-tuning' ? '' : t('lora:memory.trainableNote', { count: formatTrainable(b.trainableParameters) }),
      };
    }),
  );
}

export interface MemoryVerdict {
  model: string;
  method: MemoryMethod;
  total: number;
  activations: number;
  /** The smallest of GPU_SIZES the total fits in; null when none does. */
  fitsOn: string | null;
}

/** Per model and method: the total, how much of it is activations, and the smallest GPU that holds it. */
export function memoryVerdicts(a: FineTuneAssumptions): MemoryVerdict[] {
  return MEMORY_MODELS.flatMap((m) =>
    METHODS.map((method) => {
      const b = breakdown(m, method, a);
      const gpu = GPU_SIZES.find((g) => b.total <= g.value);
      return { model: m.name, method, total: b.total, activations: b.activations, fitsOn: gpu ? gpu.label : null };
    }),
  );
}

/** Decimal gigabytes with three significant figures or so, through Intl: "117 GB", "22.6 GB", "2.35 GB". */
export function formatGB(bytes: number): string {
  const gb = bytes / GB;
  if (Number.isInteger(gb)) return `${formatNumber(gb)} GB`;
  return `${formatFixed(gb, gb >= 100 ? 0 : gb >= 10 ? 1 : 2)} GB`;
}

/** "8.4M", "1.2B" in English; Intl's short form elsewhere ("839万"). */
function formatTrainable(n: number): string {
  if (currentLocale() !== 'en') return formatNumber(n, { notation: 'compact', maximumSignificantDigits: 3 });
  return n >= 1e9 ? `${formatFixed(n / 1e9, 1)}B` : `${formatFixed(n / 1e6, 1)}M`;
}

export const RLHF_SCHEMES: { scheme: RlhfScheme; tuning: RlhfTuning }[] = [
  { scheme: 'PPO', tuning: 'full fine-tuning' },
  { scheme: 'PPO', tuning: 'LoRA' },
  { scheme: 'DPO', tuning: 'full fine-tuning' },
  { scheme: 'DPO', tuning: 'LoRA' },
];

export interface RlhfRow {
  scheme: RlhfScheme;
  tuning: RlhfTuning;
  /** Per model, in MEMORY_MODELS' order: the total and the smallest GPU that holds it (null: none of GPU_SIZES). */
  totals: { model: string; total: number; fitsOn: string | null }[];
  /** Model copies held in memory (roles that share one base count once). */
  copies: number;
}

/** RLHF's footprint for each scheme and tuning, on every model, with the same assumptions as the bars. */
export function rlhfRows(a: FineTuneAssumptions): RlhfRow[] {
  return RLHF_SCHEMES.map(({ scheme, tuning }) => {
    const totals = MEMORY_MODELS.map((m) => {
      const b = rlhfMemory(m, scheme, tuning, a);
      const gpu = GPU_SIZES.find((g) => b.total <= g.value);
      return { model: m.name, total: b.total, fitsOn: gpu ? gpu.label : null };
    });
    const models = rlhfMemory(MEMORY_MODELS[0], scheme, tuning, a).models;
    return { scheme, tuning, totals, copies: models.filter((x) => !x.sharesBase).length };
  });
}
