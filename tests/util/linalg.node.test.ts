import { describe, expect, it } from 'vitest';
import { singularValues } from '../../src/util/linalg.ts';
import { Rng } from '../../src/util/random.ts';

describe('singular values', () => {
  it('of a diagonal matrix are its absolute diagonal, sorted', () => {
    const m = [3, 0, 0, 0, 0, -5, 0, 0, 0, 0, 1, 0]; // 3×4
    expect(singularValues(m, 3, 4).map((x) => +x.toFixed(10))).toEqual([5, 3, 1]);
  });

  it('of B·A with inner dimension r have exactly r non-zero values, and their squares sum to ‖M‖²', () => {
    const rng = new Rng(1);
    for (const [rows, cols, r] of [[30, 20, 3], [16, 48, 1], [40, 40, 5]]) {
      const B = Array.from({ length: rows * r }, () => rng.normal());
      const A = Array.from({ length: r * cols }, () => rng.normal());
      const M = new Float64Array(rows * cols);
      for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) for (let k = 0; k < r; k++) M[i * cols + j] += B[i * r + k] * A[k * cols + j];
      const s = singularValues(M, rows, cols);
      expect(s).toHaveLength(Math.min(rows, cols));
      const big = s.filter((x) => x > 1e-6 * s[0]);
      expect(big).toHaveLength(r);
      const frob = M.reduce((acc, v) => acc + v * v, 0);
      expect(s.reduce((acc, v) => acc + v * v, 0)).toBeCloseTo(frob, 6);
    }
  });

  it('of [[2,0],[0,1]] rotated stay 2 and 1', () => {
    const c = Math.cos(0.7), s = Math.sin(0.7);
    const m = [2 * c, -s, 2 * s, c];
    const sv = singularValues(m, 2, 2);
    expect(sv[0]).toBeCloseTo(2, 10);
    expect(sv[1]).toBeCloseTo(1, 10);
  });
});
