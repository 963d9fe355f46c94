import type { MaskMode } from './masks.ts';

/**
 * What one forward pass hands to the panels: plain numbers, no tensors, so a
 * chart never touches TF.js memory and a trace can cross a worker boundary.
 */

/** A row-major matrix. */
export interface Matrix {
  rows: number;
  cols: number;
  data: Float32Array;
}

/** One layer's attention for every head: [head][query][key], row-major. */
export interface AttentionTrace {
  numHeads: number;
  queryCount: number;
  keyCount: number;
  /** Q·Kᵀ/√d_head before the mask is applied. */
  scores: Float32Array;
  /** softmax(scores + mask): what each query actually reads (masked cells exactly 0). */
  probs: Float32Array;
}

export interface LayerTrace {
  attention: AttentionTrace;
  /** The residual stream after this block: [queryCount, nEmbd]. */
  hidden: Matrix;
}

/**
 * Prompt learning's virtual tokens (model/virtual.ts) as the trace holds them:
 * the first `count` key columns of every layer are theirs. `prefix`: the
 * prefix keys and values of each layer (prefix tuning, P-tuning v2); `input`:
 * the n virtual input tokens at positions 0…n−1 (prompt tuning, P-tuning).
 */
export interface VirtualColumns {
  kind: 'input' | 'prefix';
  count: number;
}

export interface ForwardTrace {
  /** The token ids this pass processed (the new ones, when a KV cache held the rest). */
  tokens: number[];
  /** Absolute position of tokens[0]: the positions already in the KV cache, virtual ones included. */
  positionOffset: number;
  /**
   * Set when virtual tokens were attached: keys 0…count−1 are virtual. The rows
   * are the real tokens' only — an `input` prompt's own rows (computed in the
   * first pass) are left out, as its logits are: they read nothing but the
   * prompt, so they are the same for every text.
   */
  virtual: VirtualColumns | null;
  mask: MaskMode;
  /** Token + position embeddings, the residual stream entering block 0: [queryCount, nEmbd]. */
  embeddings: Matrix;
  layers: LayerTrace[];
  /** Next-token logits at every processed position: [queryCount, vocabSize]. */
  logits: Matrix;
}

export function matrixRow(m: Matrix, row: number): Float32Array {
  return m.data.subarray(row * m.cols, (row + 1) * m.cols);
}

/** One head's [query, key] matrix out of a layer's attention (`which` picks scores or probs). */
export function headMatrix(a: AttentionTrace, head: number, which: 'scores' | 'probs' = 'probs'): Matrix {
  const size = a.queryCount * a.keyCount;
  return { rows: a.queryCount, cols: a.keyCount, data: a[which].subarray(head * size, (head + 1) * size) };
}

/** Rows lead…lead+rows−1 of every head of a [head][lead+rows][cols] array: a pass's rows without an input prompt's virtual ones. */
export function dropLeadRows(data: Float32Array, heads: number, lead: number, rows: number, cols: number): Float32Array {
  if (lead === 0) return data;
  const out = new Float32Array(heads * rows * cols);
  for (let h = 0; h < heads; h++) out.set(data.subarray((h * (lead + rows) + lead) * cols, (h * (lead + rows) + lead + rows) * cols), h * rows * cols);
  return out;
}
