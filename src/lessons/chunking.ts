/**
 * Processing text longer than the context window: cut it into windows that
 * overlap, so every token is read with at least `overlap` tokens of context
 * before it (except at the very start), and score each token once — in the
 * window where it has the most context behind it.
 */
export interface Chunk {
  /** Token positions [start, end) of the window in the whole text. */
  start: number;
  end: number;
  /** Positions [scoreFrom, end) are the ones this window is responsible for. */
  scoreFrom: number;
}

export function chunkWithOverlap(length: number, windowSize: number, overlap: number): Chunk[] {
  if (!Number.isInteger(windowSize) || windowSize < 1) throw new RangeError(`windowSize must be a whole number ≥ 1; got ${windowSize}.`);
  if (!Number.isInteger(overlap) || overlap < 0 || overlap >= windowSize) {
    throw new RangeError(`overlap must be a whole number from 0 to windowSize − 1 (${windowSize - 1}); got ${overlap}.`);
  }
  const chunks: Chunk[] = [];
  if (length <= 0) return chunks;
  const stride = windowSize - overlap;
  for (let start = 0; ; start += stride) {
    const end = Math.min(length, start + windowSize);
    chunks.push({ start, end, scoreFrom: start === 0 ? 0 : start + overlap });
    if (end === length) break;
  }
  return chunks;
}

/**
 * Scoring a text longer than the window: the mean per-token loss (nats) the
 * model gives it read in windows that do not overlap, against windows that
 * overlap with each token scored once, in the window where it has the most
 * context — Hugging Face's "Perplexity of fixed-length models" (strided
 * evaluation: stride = window − overlap, labels −100 on the overlap).
 *
 * `windowLosses(start, end)` is the model read on tokens [start, end) alone:
 * its element i is −log p(token start+i | tokens start … start+i−1), and
 * element 0 is NaN (the window's first token has nothing before it to be
 * predicted from). A window starting mid-text therefore leaves its first token
 * unscored, as Hugging Face's loop does; both means here are taken over the
 * tokens both ways score, so they differ only in how much context each token had.
 */
export type WindowLosses = (start: number, end: number) => Promise<ArrayLike<number>>;

export interface ChunkedScore {
  /** Mean loss (nats per token) in windows side by side, no overlap. */
  noOverlap: number;
  /** Mean loss over the same tokens, each scored where it has the most context. */
  overlap: number;
  /** Tokens both means are over. */
  tokens: number;
  windowsNoOverlap: number;
  windowsOverlap: number;
}

/** Per position, the loss of the window responsible for it (NaN where none can score it). */
export async function chunkedTokenLosses(length: number, chunks: readonly Chunk[], windowLosses: WindowLosses): Promise<Float64Array> {
  const out = new Float64Array(length).fill(NaN);
  for (const c of chunks) {
    const losses = await windowLosses(c.start, c.end);
    if (losses.length !== c.end - c.start) throw new RangeError(`A window of ${c.end - c.start} tokens gave ${losses.length} losses.`);
    for (let p = c.scoreFrom; p < c.end; p++) out[p] = losses[p - c.start];
  }
  return out;
}

/** Both ways of reading a text of `length` tokens through a window of `windowSize`; the overlapping one shares `overlap` tokens. */
export async function scoreChunked(length: number, windowSize: number, overlap: number, windowLosses: WindowLosses): Promise<ChunkedScore> {
  // The two ways share windows (the first always): each is run once.
  const seen = new Map<string, Promise<ArrayLike<number>>>();
  const once: WindowLosses = (start, end) => {
    const key = `${start}:${end}`;
    if (!seen.has(key)) seen.set(key, windowLosses(start, end));
    return seen.get(key)!;
  };
  const side = chunkWithOverlap(length, windowSize, 0);
  const strided = chunkWithOverlap(length, windowSize, overlap);
  const a = await chunkedTokenLosses(length, side, once);
  const b = await chunkedTokenLosses(length, strided, once);
  let [sumA, sumB, tokens] = [0, 0, 0];
  for (let p = 0; p < length; p++) {
    if (Number.isNaN(a[p]) || Number.isNaN(b[p])) continue;
    sumA += a[p];
    sumB += b[p];
    tokens++;
  }
  return { noOverlap: tokens ? sumA / tokens : NaN, overlap: tokens ? sumB / tokens : NaN, tokens, windowsNoOverlap: side.length, windowsOverlap: strided.length };
}
