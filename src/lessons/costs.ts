/**
 * Back-of-the-envelope costs behind two interview questions: why input length
 * is bounded (attention's n×n matrix and the KV cache grow with it), and how
 * much memory fine-tuning needs (full vs LoRA vs QLoRA). Pure arithmetic, every
 * assumption a named parameter so the panel can state it.
 */

export interface ModelShape {
  name: string;
  nLayer: number;
  nHead: number;
  nEmbd: number;
  /** Key/value heads (grouped-query attention shares them); nHead when every head has its own. */
  nKVHead?: number;
  parameters: number;
}

export const LLAMA_7B: ModelShape = { name: 'LLaMA-2 7B', nLayer: 32, nHead: 32, nEmbd: 4096, parameters: 6.74e9 };
export const LLAMA_13B: ModelShape = { name: 'LLaMA-2 13B', nLayer: 40, nHead: 40, nEmbd: 5120, parameters: 13.0e9 };
export const LLAMA_70B: ModelShape = { name: 'LLaMA-2 70B', nLayer: 80, nHead: 64, nEmbd: 8192, nKVHead: 8, parameters: 69.0e9 };

/** Bytes the KV cache holds per token: K and V, per layer, per key/value head. */
export function kvCacheBytesPerToken(m: ModelShape, bytesPerValue: number): number {
  const headSize = m.nEmbd / m.nHead;
  return 2 * m.nLayer * (m.nKVHead ?? m.nHead) * headSize * bytesPerValue;
}

/** One layer's attention matrices for n tokens: heads × n × n scores, materialised (no FlashAttention). */
export function attentionMatrixBytes(m: ModelShape, n: number, bytesPerValue: number): number {
  return m.nHead * n * n * bytesPerValue;
}

/** Multiply-adds ×2 spent in attention's two n×n products per layer (QKᵀ and A·V) for n tokens. */
export function attentionFlops(m: ModelShape, n: number): number {
  return 2 * 2 * n * n * m.nEmbd;
}

export type Precision = 'fp32' | 'bf16' | 'int8' | 'nf4';

export const BYTES: Record<Precision, number> = { fp32: 4, bf16: 2, int8: 1, nf4: 0.5 };

export interface FineTuneAssumptions {
  /** Precision the frozen or trained weights are held in. */
  weights: Precision;
  /** LoRA rank and which fraction of the weight matrices it adapts (attention q,v only ≈ 2/12 of a block's matrices). */
  loraRank: number;
  loraTargetsPerLayer: number;
  /** Activation memory, from a measured rule of thumb: bytes ≈ tokens × layers × width × this factor. */
  activationFactor: number;
  /** Tokens in a batch (batch × sequence length). */
  tokensPerBatch: number;
}

export const DEFAULT_FINE_TUNE: FineTuneAssumptions = {
  weights: 'bf16',
  loraRank: 8,
  loraTargetsPerLayer: 2,
  activationFactor: 34, // Korthikanti et al. 2022: ≈34·s·b·h bytes per layer in 16-bit, without recomputation
  tokensPerBatch: 2048,
};

export interface MemoryBreakdown {
  method: 'full fine-tuning' | 'LoRA' | 'QLoRA';
  weights: number;
  gradients: number;
  optimizer: number;
  activations: number;
  total: number;
  trainableParameters: number;
}

/**
 * Memory to fine-tune a model with Adam: full fine-tuning keeps gradients and
 * two fp32 Adam moments (plus an fp32 master copy under mixed precision) for
 * every weight; LoRA only for r·(in+out) per adapted matrix; QLoRA also stores
 * the frozen base in 4-bit NF4 (with ~0.127 bits of quantisation constants per
 * weight after double quantisation, Dettmers et al. 2023).
 */
export function fineTuneMemory(m: ModelShape, method: MemoryBreakdown['method'], a: FineTuneAssumptions = DEFAULT_FINE_TUNE): MemoryBreakdown {
  const P = m.parameters;
  const activations = a.tokensPerBatch * m.nLayer * m.nEmbd * a.activationFactor;
  if (method === 'full fine-tuning') {
    const w = P * BYTES[a.weights];
    const masterCopy = a.weights === 'fp32' ? 0 : P * 4;
    const gradients = P * BYTES[a.weights];
    const optimizer = P * 8 + masterCopy; // Adam m and v in fp32 (+ fp32 master weights)
    return { method, weights: w, gradients, optimizer, activations, total: w + gradients + optimizer + activations, trainableParameters: P };
  }
  const trainable = m.nLayer * a.loraTargetsPerLayer * a.loraRank * (m.nEmbd + m.nEmbd);
  const baseBytes = method === 'QLoRA' ? P * (BYTES.nf4 + 0.127 / 8) : P * BYTES[a.weights];
  const weights = baseBytes + trainable * 4;
  const gradients = trainable * 4;
  const optimizer = trainable * 8;
  return { method, weights, gradients, optimizer, activations, total: weights + gradients + optimizer + activations, trainableParameters: trainable };
}
