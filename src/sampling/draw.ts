import type { Rng } from '../util/random.ts';
import { softmax } from '../util/softmax.ts';
import { sortedIds } from './processors.ts';

/** Where the draw fell: the chosen id and the distribution it was drawn from. */
export interface Draw {
  id: number;
  /** The uniform draw in [0, 1); null for greedy. */
  u: number | null;
  /** Probabilities after every processor (what the draw used). */
  probs: Float32Array;
  /** Ids by probability, highest first, and their cumulative probability: the bar the draw lands on. */
  order: number[];
  cumulative: Float32Array;
}

/**
 * Picks the next id from processed scores: the argmax when greedy, else the
 * first id (in order of decreasing probability) whose cumulative probability
 * exceeds a seeded uniform draw — so the panel can draw exactly where it fell.
 */
export function drawToken(scores: Float32Array, greedy: boolean, rng: Rng): Draw {
  const probs = softmax(scores);
  const order = sortedIds(scores);
  const cumulative = new Float32Array(order.length);
  let c = 0;
  order.forEach((id, r) => (cumulative[r] = c += probs[id]));
  if (greedy) return { id: order[0], u: null, probs, order, cumulative };
  const u = rng.next() * c; // c ≈ 1; scaling guards against float round-off at the top
  let r = 0;
  while (r < order.length - 1 && cumulative[r] <= u) r++;
  return { id: order[r], u, probs, order, cumulative };
}
