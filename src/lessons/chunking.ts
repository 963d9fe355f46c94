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
