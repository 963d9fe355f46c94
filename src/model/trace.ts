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

export interface ForwardTrace {
  /** The token ids this pass processed (the new ones, when a KV cache held the rest). */
  tokens: number[];
  /** Absolute position of tokens[0]: the number of tokens already in the KV cache. */
  positionOffset: number;
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
