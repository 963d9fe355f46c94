import { Rng } from '../util/random.ts';

/** A batch of next-token examples: y is x shifted left by one token. */
export interface Batch {
  batchSize: number;
  blockSize: number;
  x: Int32Array; // [batchSize · blockSize]
  y: Int32Array; // [batchSize · blockSize]; −100 where the loss skips a position (SFT's example batches, train/sft.ts)
  /** Where each window starts in the token stream (evaluation batches only): y[b·blockSize + t] is token starts[b] + t + 1. */
  starts?: number[];
}

/**
 * Random windows of blockSize+1 tokens (nanoGPT's get_batch): each window gives
 * blockSize inputs and, shifted by one, their next-token targets — teacher forcing,
 * every position of every window trained in one pass.
 */
export function sampleBatch(tokens: ArrayLike<number>, batchSize: number, blockSize: number, rng: Rng): Batch {
  const span = tokens.length - blockSize - 1;
  if (span < 0) {
    throw new RangeError(`The text has ${tokens.length} tokens; a training window needs at least ${blockSize + 1}.`);
  }
  const x = new Int32Array(batchSize * blockSize);
  const y = new Int32Array(batchSize * blockSize);
  for (let b = 0; b < batchSize; b++) {
    const start = rng.int(span + 1);
    for (let t = 0; t < blockSize; t++) {
      x[b * blockSize + t] = tokens[start + t];
      y[b * blockSize + t] = tokens[start + t + 1];
    }
  }
  return { batchSize, blockSize, x, y };
}

/**
 * Evenly spaced, fixed windows over a held-out stream, so that successive
 * evaluations are comparable (the same tokens every time).
 */
export function evaluationBatches(tokens: ArrayLike<number>, batchSize: number, blockSize: number, maxBatches: number): Batch[] {
  const windows = Math.floor((tokens.length - 1) / blockSize);
  if (windows < 1) throw new RangeError(`The validation text has ${tokens.length} tokens; it needs at least ${blockSize + 1}.`);
  const count = Math.min(windows, maxBatches * batchSize);
  const stride = Math.floor(windows / count) * blockSize;
  const batches: Batch[] = [];
  for (let i = 0; i < count; i += batchSize) {
    const n = Math.min(batchSize, count - i);
    const x = new Int32Array(n * blockSize);
    const y = new Int32Array(n * blockSize);
    const starts: number[] = [];
    for (let b = 0; b < n; b++) {
      const start = (i + b) * stride;
      starts.push(start);
      for (let t = 0; t < blockSize; t++) {
        x[b * blockSize + t] = tokens[start + t];
        y[b * blockSize + t] = tokens[start + t + 1];
      }
    }
    batches.push({ batchSize: n, blockSize, x, y, starts });
  }
  return batches;
}
