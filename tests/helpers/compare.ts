// Comparing numbers, for tests in Node and in the browser alike (no Node imports here).

/** Largest |a[i] − b[i]|; arrays of different lengths are an error, not a small difference. */
export function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) throw new Error(`length ${a.length} vs ${b.length}`);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}
