/**
 * Back-of-the-envelope costs behind two interview questions: why input length
 * is bounded (attention's time grows with n², its memory too when the n×n
 * matrix is stored whole, and the KV cache grows with n), and how
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

/** One layer's attention matrices for n tokens: heads × n × n scores, stored whole (a plain implementation, no FlashAttention). */
export function attentionMatrixBytes(m: ModelShape, n: number, bytesPerValue: number): number {
  return m.nHead * n * n * bytesPerValue;
}

/**
 * What FlashAttention keeps of one layer's attention instead of the n × n
 * matrices: it computes the softmax in tiles held in on-chip memory and stores
 * only one fp32 statistic per query and head (the log-sum-exp, as
 * FlashAttention-2 does; the first version kept two), from which the backward
 * pass recomputes the tiles. Linear in n.
 */
export function flashAttentionBytes(m: ModelShape, n: number): number {
  return m.nHead * n * 4;
}

export type Precision = 'fp32' | 'bf16' | 'int8' | 'nf4';

export const BYTES: Record<Precision, number> = { fp32: 4, bf16: 2, int8: 1, nf4: 0.5 };

/**
 * What the backward pass keeps of each layer's forward pass (Korthikanti et
 * al. 2022, "Reducing Activation Recomputation in Large Transformer Models",
 * §4 and Table 2):
 * - none: everything, s·b·h·(34 + 5·a·s/h) bytes a layer in 16-bit; the 5·a·s²·b
 *   part is the attention scores, softmax and dropout, one n×n matrix per head.
 * - selective: those n×n matrices are recomputed in the backward pass, leaving
 *   34·s·b·h. FlashAttention never stores them either (it keeps the output and
 *   one softmax statistic per row), so it lands on the same figure.
 * - full: only each layer's input, 2·s·b·h; the rest is recomputed, one layer
 *   at a time, during the backward pass (gradient checkpointing).
 */
export type Recomputation = 'none' | 'selective' | 'full';

export const RECOMPUTATIONS: readonly Recomputation[] = ['none', 'selective', 'full'];

/**
 * Activation bytes one layer keeps for the backward pass, for sequences of s
 * tokens in batches of b: the paper's formula for a GPT-style block (a 4h
 * GELU MLP with dropout). LLaMA's SwiGLU MLP and missing dropout move the 34
 * by a few units; the s² term, which dominates long sequences, is the same.
 */
export function activationBytesPerLayer(m: ModelShape, sequenceLength: number, batchSize: number, recomputation: Recomputation): number {
  const sbh = sequenceLength * batchSize * m.nEmbd;
  switch (recomputation) {
    case 'none':
      return sbh * (34 + (5 * m.nHead * sequenceLength) / m.nEmbd);
    case 'selective':
      return 34 * sbh;
    case 'full':
      return 2 * sbh;
  }
}

export interface FineTuneAssumptions {
  /** Precision the frozen or trained weights are held in. */
  weights: Precision;
  /** LoRA rank and how many d × d matrices per layer it adapts (queries and values, as Hu et al. 2021 did). */
  loraRank: number;
  loraTargetsPerLayer: number;
  /** Tokens in one training sequence (s). */
  sequenceLength: number;
  /** Sequences in a batch (b). */
  batchSize: number;
  /** What the backward pass keeps, and what it computes again. */
  recomputation: Recomputation;
}

export const DEFAULT_FINE_TUNE: FineTuneAssumptions = {
  weights: 'bf16',
  loraRank: 8,
  loraTargetsPerLayer: 2,
  sequenceLength: 2048, // LLaMA-1's context (LLaMA-2's is 4096), and the paper's
  batchSize: 1,
  recomputation: 'none', // a plain training loop: the honest worst case
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
 * weight after double quantisation, Dettmers et al. 2023). Activations are the
 * same for all three: the backward pass runs through the frozen layers too.
 */
export function fineTuneMemory(m: ModelShape, method: MemoryBreakdown['method'], a: FineTuneAssumptions = DEFAULT_FINE_TUNE): MemoryBreakdown {
  const P = m.parameters;
  const activations = m.nLayer * activationBytesPerLayer(m, a.sequenceLength, a.batchSize, a.recomputation);
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
