/**
 * Singular values of a small dense matrix, for showing that a LoRA update
 * ΔW = B·A has at most r of them non-zero. Computed as the square roots of the
 * eigenvalues of the smaller Gram matrix (MᵀM or MMᵀ) by cyclic Jacobi
 * rotations, in float64: exact enough for matrices up to a few hundred wide.
 */
export function singularValues(data: ArrayLike<number>, rows: number, cols: number): number[] {
  const n = Math.min(rows, cols);
  const g = new Float64Array(n * n);
  // Gram matrix of the smaller side.
  if (rows <= cols) {
    for (let i = 0; i < rows; i++) {
      for (let j = i; j < rows; j++) {
        let s = 0;
        for (let k = 0; k < cols; k++) s += data[i * cols + k] * data[j * cols + k];
        g[i * n + j] = g[j * n + i] = s;
      }
    }
  } else {
    for (let i = 0; i < cols; i++) {
      for (let j = i; j < cols; j++) {
        let s = 0;
        for (let k = 0; k < rows; k++) s += data[k * cols + i] * data[k * cols + j];
        g[i * n + j] = g[j * n + i] = s;
      }
    }
  }
  return symmetricEigenvalues(g, n)
    .map((e) => Math.sqrt(Math.max(0, e)))
    .sort((a, b) => b - a);
}

/** Eigenvalues of a symmetric n×n matrix (destroyed in place) by cyclic Jacobi. */
export function symmetricEigenvalues(a: Float64Array, n: number, maxSweeps = 60): number[] {
  for (let sweep = 0; sweep < maxSweeps; sweep++) {
    let off = 0;
    let diag = 0;
    for (let i = 0; i < n; i++) {
      diag += a[i * n + i] * a[i * n + i];
      for (let j = i + 1; j < n; j++) off += a[i * n + j] * a[i * n + j];
    }
    if (off <= 1e-30 * Math.max(diag, 1e-300)) break;
    for (let p = 0; p < n - 1; p++) {
      for (let q = p + 1; q < n; q++) {
        const apq = a[p * n + q];
        if (apq === 0) continue;
        const theta = (a[q * n + q] - a[p * n + p]) / (2 * apq);
        const t = Math.sign(theta || 1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
        const c = 1 / Math.sqrt(t * t + 1);
        const s = t * c;
        for (let k = 0; k < n; k++) {
          const akp = a[k * n + p];
          const akq = a[k * n + q];
          a[k * n + p] = c * akp - s * akq;
          a[k * n + q] = s * akp + c * akq;
        }
        for (let k = 0; k < n; k++) {
          const apk = a[p * n + k];
          const aqk = a[q * n + k];
          a[p * n + k] = c * apk - s * aqk;
          a[q * n + k] = s * apk + c * aqk;
        }
      }
    }
  }
  return Array.from({ length: n }, (_, i) => a[i * n + i]);
}
