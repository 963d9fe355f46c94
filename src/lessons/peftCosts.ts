/**
 * Memory arithmetic for the parameter-efficient methods beside LoRA and for
 * RLHF, on the same assumptions as costs.ts (weights in 16-bit, Adam's two
 * fp32 moments per trainable value, activations from Korthikanti et al.).
 * Every assumption is a named field so the calculator can state it.
 */
import { type FineTuneAssumptions, type MemoryBreakdown, type ModelShape, BYTES, DEFAULT_FINE_TUNE, activationBytesPerLayer, fineTuneMemory } from './costs.ts';

export interface PeftAssumptions {
  /** Virtual tokens of prompt tuning and of prefix tuning (PEFT's num_virtual_tokens; 20 is a common choice). */
  virtualTokens: number;
  /** AdaLoRA's starting rank per matrix (PEFT's init_r, default 12); it trains at this size and masks down to target_r. */
  adaloraInitR: number;
}

export const DEFAULT_PEFT: PeftAssumptions = { virtualTokens: 20, adaloraInitR: 12 };

/**
 * Activation bytes of one layer when `extraKeys` positions sit in front of the
 * s real tokens as keys and values only (prefix tuning): the linear parts see
 * s tokens, the attention matrices are s × (s + extraKeys).
 */
function prefixActivationBytesPerLayer(m: ModelShape, a: FineTuneAssumptions, extraKeys: number): number {
  const s = a.sequenceLength;
  const b = a.batchSize;
  if (a.recomputation !== 'none') return activationBytesPerLayer(m, s, b, a.recomputation);
  return s * b * m.nEmbd * 34 + 5 * m.nHead * s * (s + extraKeys) * b;
}

/**
 * - prompt tuning (Lester et al. 2021): n × d trainable values, the input
 *   embeddings of n virtual tokens; they pass through every layer, so the
 *   activations are those of s + n tokens.
 * - prefix tuning / P-tuning v2 (Li & Liang 2021; Liu et al. 2022), as PEFT
 *   trains it by default (prefix_projection false): a key and a value of d per
 *   virtual token in every layer, n × layers × 2 × d; queries stay s, keys s + n.
 * - AdaLoRA (Zhang et al. 2023): P [r, in], Λ [r], Q [out, r] per adapted
 *   matrix at init_r — pruning zeroes singular values but keeps the tensors, so
 *   memory is init_r's throughout — and PEFT's RankAllocator keeps three fp32
 *   tensors per trainable value (ipt, exp_avg_ipt, exp_avg_unc), 12 bytes on top
 *   of Adam's 8.
 * The base weights are frozen in `a.weights` in all three; gradients and Adam
 * moments exist for the trainable values only (fp32).
 */
export type PeftMethod = 'prompt tuning' | 'prefix tuning' | 'AdaLoRA';

export interface PeftBreakdown extends Omit<MemoryBreakdown, 'method'> {
  method: PeftMethod;
}

export function peftMemory(m: ModelShape, method: PeftMethod, a: FineTuneAssumptions = DEFAULT_FINE_TUNE, p: PeftAssumptions = DEFAULT_PEFT): PeftBreakdown {
  const base = m.parameters * BYTES[a.weights];
  const n = p.virtualTokens;
  let trainable: number;
  let extraState = 0; // bytes per trainable value beyond Adam's 8
  let activations: number;
  if (method === 'prompt tuning') {
    trainable = n * m.nEmbd;
    activations = m.nLayer * activationBytesPerLayer(m, a.sequenceLength + n, a.batchSize, a.recomputation);
  } else if (method === 'prefix tuning') {
    trainable = n * m.nLayer * 2 * m.nEmbd;
    activations = m.nLayer * prefixActivationBytesPerLayer(m, a, n);
  } else {
    trainable = m.nLayer * a.loraTargetsPerLayer * p.adaloraInitR * (m.nEmbd + m.nEmbd + 1);
    extraState = 12;
    activations = m.nLayer * activationBytesPerLayer(m, a.sequenceLength, a.batchSize, a.recomputation);
  }
  const weights = base + trainable * 4;
  const gradients = trainable * 4;
  const optimizer = trainable * (8 + extraState);
  return { method, weights, gradients, optimizer, activations, total: weights + gradients + optimizer + activations, trainableParameters: trainable };
}

/**
 * RLHF holds several models at once.
 * - PPO (Ouyang et al. 2022's recipe): the actor (trained), a critic (trained;
 *   assumed here the actor's size — InstructGPT used a 6B value model for its
 *   175B policy), the reward model and the reference policy (both frozen, for
 *   the reward and the KL penalty). Both trained models run a backward pass.
 * - DPO (Rafailov et al. 2023): the policy (trained) and the reference
 *   (frozen); each step reads a chosen and a rejected answer, so twice the
 *   sequences of a plain fine-tuning batch.
 * With LoRA, TRL keeps one base model: the reference is the base with the
 *   adapter switched off, and PPO's critic is a value head on the policy; the
 *   reward model stays a separate frozen model.
 * Not counted: PPO's generation phase (KV cache of the rollouts), framework buffers.
 */
export type RlhfScheme = 'PPO' | 'DPO';
export type RlhfTuning = 'full fine-tuning' | 'LoRA';

export interface RlhfBreakdown {
  scheme: RlhfScheme;
  tuning: RlhfTuning;
  /** Model copies held in memory, by role. */
  models: { role: 'actor' | 'critic' | 'reward' | 'reference' | 'policy'; trained: boolean; sharesBase: boolean }[];
  weights: number;
  gradients: number;
  optimizer: number;
  activations: number;
  total: number;
}

export function rlhfMemory(m: ModelShape, scheme: RlhfScheme, tuning: RlhfTuning, a: FineTuneAssumptions = DEFAULT_FINE_TUNE): RlhfBreakdown {
  const frozen = m.parameters * BYTES[a.weights];
  const pairs: FineTuneAssumptions = scheme === 'DPO' ? { ...a, batchSize: 2 * a.batchSize } : a;
  const trainedOne = fineTuneMemory(m, tuning, pairs);
  const sum = (parts: { weights: number; gradients: number; optimizer: number; activations: number }[], models: RlhfBreakdown['models']): RlhfBreakdown => {
    const t = parts.reduce((s, x) => ({ weights: s.weights + x.weights, gradients: s.gradients + x.gradients, optimizer: s.optimizer + x.optimizer, activations: s.activations + x.activations }), {
      weights: 0,
      gradients: 0,
      optimizer: 0,
      activations: 0,
    });
    return { scheme, tuning, models, ...t, total: t.weights + t.gradients + t.optimizer + t.activations };
  };
  const frozenModel = { weights: frozen, gradients: 0, optimizer: 0, activations: 0 };
  if (scheme === 'PPO' && tuning === 'full fine-tuning') {
    return sum([trainedOne, trainedOne, frozenModel, frozenModel], [
      { role: 'actor', trained: true, sharesBase: false },
      { role: 'critic', trained: true, sharesBase: false },
      { role: 'reward', trained: false, sharesBase: false },
      { role: 'reference', trained: false, sharesBase: false },
    ]);
  }
  if (scheme === 'PPO') {
    return sum([trainedOne, frozenModel], [
      { role: 'actor', trained: true, sharesBase: false },
      { role: 'critic', trained: true, sharesBase: true },
      { role: 'reward', trained: false, sharesBase: false },
      { role: 'reference', trained: false, sharesBase: true },
    ]);
  }
  if (tuning === 'full fine-tuning') {
    return sum([trainedOne, frozenModel], [
      { role: 'policy', trained: true, sharesBase: false },
      { role: 'reference', trained: false, sharesBase: false },
    ]);
  }
  return sum([trainedOne], [
    { role: 'policy', trained: true, sharesBase: false },
    { role: 'reference', trained: false, sharesBase: true },
  ]);
}
