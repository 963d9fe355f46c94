// How the benches time things: the median of n runs after a few warm-up runs
// (the first runs compile kernels), shared by the playground-size and GPT-2-size benches.

export function median(xs: number[]): number {
  const s = xs.slice().sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

/** Median milliseconds of `f` over `n` runs, after `warmup` untimed runs. */
export function timeMs(f: () => void, n: number, warmup: number): number {
  for (let i = 0; i < warmup; i++) f();
  const t: number[] = [];
  for (let i = 0; i < n; i++) {
    const t0 = performance.now();
    f();
    t.push(performance.now() - t0);
  }
  return median(t);
}
