import type { GPT } from '../model/gpt.ts';
import type { LoraConfig } from '../lora/config.ts';
import type { AdaptTarget } from '../lora/experiment.ts';
import { LoraAdapter } from '../lora/lora.ts';
import { AdaLoraAdapter } from '../lora/adalora.ts';
import { RankAllocator } from '../lora/adaloraAllocator.ts';
import { adaloraHooks } from '../lora/adaloraTrain.ts';
import { comparisonAdaLoraConfig } from '../lora/adaloraConfig.ts';
import type { PromptLearningAdapter } from './adapter.ts';
import { type AdaptationMethod, COMPARISON_VIRTUAL_TOKENS, PROMPT_LEARNING_RATES } from './methods.ts';
import { createPromptTuning } from './promptTuning.ts';
import { createPTuning } from './pTuning.ts';
import { createPrefixTuning } from './prefixTuning.ts';

/** AdaLoRA's record of a run, as plain data: each matrix's rank after each allocation, the budget, and the saved size. */
export interface AdaLoraTrace {
  ranks: { name: string; points: { step: number; rank: number }[] }[] | null;
  budget: { step: number; budget: number }[] | null;
  savedParameters: number | null;
}

/** One method's fresh adapter on a model, with what training and the comparison need of it. */
export interface MethodRun {
  method: AdaptationMethod;
  target: AdaptTarget;
  /** Attaches (true) or detaches the adapter; nothing for full fine-tuning. */
  enable: (on: boolean) => void;
  learningRate: number;
  dispose: () => void;
  /** After training (AdaLoRA): its rank history and the values its saved file holds. */
  trace: () => AdaLoraTrace;
  /** The adapter itself (to save it as PEFT's files); null for full fine-tuning. */
  adapter: LoraAdapter | AdaLoraAdapter | PromptLearningAdapter | null;
}

export interface MethodOptions {
  /** The LoRA settings: LoRA uses them, AdaLoRA ends at their budget (comparisonAdaLoraConfig). */
  lora: LoraConfig;
  steps: number;
  seed: number;
  /** LoRA's and AdaLoRA's rate; full fine-tuning's; the prompt methods use PROMPT_LEARNING_RATES. */
  learningRate: number;
  fullLearningRate: number;
}

const NO_TRACE: AdaLoraTrace = { ranks: null, budget: null, savedParameters: null };

/**
 * A fresh start for one method on `model`, every method from the same seed:
 * full fine-tuning trains the model's own weights (so run it last on a
 * copy); every other method leaves them exactly as they are.
 */
export function methodRun(model: GPT, method: AdaptationMethod, o: MethodOptions): MethodRun {
  if (method === 'full fine-tuning') {
    return { method, target: { kind: 'full' }, enable: () => {}, learningRate: o.fullLearningRate, dispose: () => {}, trace: () => NO_TRACE, adapter: null };
  }
  if (method === 'LoRA') {
    const adapter = LoraAdapter.create(model, o.lora, o.seed);
    return { method, target: { kind: 'lora', adapter }, enable: (on) => (adapter.enabled = on), learningRate: o.learningRate, dispose: () => adapter.dispose(), trace: () => NO_TRACE, adapter };
  }
  if (method === 'AdaLoRA') {
    const adapter = AdaLoraAdapter.create(model, comparisonAdaLoraConfig(o.lora, o.steps, model.config), o.seed);
    const allocator = new RankAllocator(adapter);
    return {
      method,
      target: { kind: 'adapter', variables: adapter.trainableVariables(), setTraining: (on) => (adapter.training = on), hooks: adaloraHooks(adapter, allocator) },
      enable: (on) => (adapter.enabled = on),
      learningRate: o.learningRate,
      dispose: () => {
        allocator.dispose();
        adapter.dispose();
      },
      // PEFT's global_step counts from 0; the chart's steps from 1, as the trainer's.
      trace: () => ({
        ranks: allocator.history.length ? adapter.layers.map((l) => ({ name: l.name, points: allocator.history.map((h) => ({ step: h.step + 1, rank: h.ranks[l.name] })) })) : null,
        budget: allocator.history.map((h) => ({ step: h.step + 1, budget: h.budget })),
        savedParameters: adapter.heldCount,
      }),
      adapter,
    };
  }
  const n = { num_virtual_tokens: COMPARISON_VIRTUAL_TOKENS };
  const adapter: PromptLearningAdapter =
    method === 'prompt tuning'
      ? createPromptTuning(model, n, { seed: o.seed })
      : method === 'P-tuning'
        ? createPTuning(model, n, { seed: o.seed })
        : createPrefixTuning(model, n, { seed: o.seed });
  return {
    method,
    target: { kind: 'adapter', variables: adapter.trainableVariables(), setTraining: (on) => (adapter.training = on) },
    enable: (on) => (adapter.enabled = on),
    learningRate: PROMPT_LEARNING_RATES[method],
    dispose: () => adapter.dispose(),
    trace: () => NO_TRACE,
    adapter,
  };
}
