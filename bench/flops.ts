import type { GPTConfig } from '../src/model/config.ts';

/**
 * Multiply-add work of the model, counted as 2 FLOPs per multiply-add, for
 * the products only (the usual convention: elementwise work is small beside them).
 * Attention counts the full T×T products, as the model computes them before masking.
 */
export function forwardFlopsPerToken(c: GPTConfig, contextLength: number): number {
  const C = c.nEmbd;
  const perLayer = 2 * (C * 3 * C + C * C + C * c.nInner + c.nInner * C) + 2 * 2 * contextLength * C;
  return c.nLayer * perLayer + 2 * C * c.vocabSize;
}

/** Forward plus backward (twice the forward's products) for a batch. */
export function trainingStepFlops(c: GPTConfig, batchSize: number, blockSize: number): number {
  return 3 * batchSize * blockSize * forwardFlopsPerToken(c, blockSize);
}
