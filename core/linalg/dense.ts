/**
 * Small dense linear algebra on the host in float64 (row-major number[][]), for time- and
 * model-dependent coefficients (covariances of mixtures, kernels) that are computed once and then
 * passed to a backend. Not for per-particle work.
 */
import { libm } from '../numerics/libm/index.js';
export type Matrix = number[][];

/** Lower Cholesky factor L with A = L Lᵀ, or null if A is not (numerically) positive definite. */
export function cholesky(A: readonly (readonly number[])[]): Matrix | null {
  const n = A.length;
  const L: Matrix = Array.from({ length: n }, () => new Array<number>(n).fill(0));
  for (let i = 0; i < n; i++) {
    for (let j = 0; j <= i; j++) {
      let s = A[i][j];
      for (let k = 0; k < j; k++) s -= L[i][k] * L[j][k];
      if (i === j) {
        if (!(s > 0)) return null;
        L[i][i] = Math.sqrt(s);
      } else L[i][j] = s / L[j][j];
    }
  }
  return L;
}

/** Inverse of a lower-triangular matrix. */
export function invertLower(L: readonly (readonly number[])[]): Matrix {
  const n = L.length;
  const X: Matrix = Array.from({ length: n }, () => new Array<number>(n).fill(0));
  for (let j = 0; j < n; j++) {
    X[j][j] = 1 / L[j][j];
    for (let i = j + 1; i < n; i++) {
      let s = 0;
      for (let k = j; k < i; k++) s -= L[i][k] * X[k][j];
      X[i][j] = s / L[i][i];
    }
  }
  return X;
}

export function transposeM(A: readonly (readonly number[])[]): Matrix {
  return A[0] === undefined ? [] : A[0].map((_, j) => A.map((row) => row[j]));
}

export function matmulM(A: readonly (readonly number[])[], B: readonly (readonly number[])[]): Matrix {
  return A.map((row) => B[0].map((_, j) => row.reduce((s, a, k) => s + a * B[k][j], 0)));
}

/** log det A from its Cholesky factor: 2 Σ log L_ii. */
export function logDetFromCholesky(L: readonly (readonly number[])[]): number {
  return 2 * L.reduce((s, row, i) => s + libm.log(row[i]), 0);
}

export function identityM(n: number, scale = 1): Matrix {
  return Array.from({ length: n }, (_, i) => Array.from({ length: n }, (_, j) => (i === j ? scale : 0)));
}

export function addM(A: readonly (readonly number[])[], B: readonly (readonly number[])[]): Matrix {
  return A.map((row, i) => row.map((a, j) => a + B[i][j]));
}

/**
 * Eigen-decomposition of a symmetric matrix by cyclic Jacobi rotations (Golub & Van Loan, §8.5):
 * A = U diag(values) Uᵀ, U's columns the eigenvectors. For the small covariances of mixtures.
 */
export function symmetricEigen(A: readonly (readonly number[])[]): { readonly values: number[]; readonly vectors: Matrix } {
  const n = A.length;
  const M: Matrix = A.map((r) => [...r]);
  const U = identityM(n);
  for (let sweep = 0; sweep < 100; sweep++) {
    let off = 0;
    for (let p = 0; p < n; p++) for (let q = p + 1; q < n; q++) off += M[p][q] * M[p][q];
    if (off <= 1e-30 * (1 + M.reduce((s, r, i) => s + r[i] * r[i], 0))) break;
    for (let p = 0; p < n; p++) {
      for (let q = p + 1; q < n; q++) {
        if (M[p][q] === 0) continue;
        const theta = (M[q][q] - M[p][p]) / (2 * M[p][q]);
        const t = Math.sign(theta || 1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
        const c = 1 / Math.sqrt(t * t + 1);
        const s = t * c;
        for (let k = 0; k < n; k++) {
          const mkp = M[k][p];
          const mkq = M[k][q];
          M[k][p] = c * mkp - s * mkq;
          M[k][q] = s * mkp + c * mkq;
        }
        for (let k = 0; k < n; k++) {
          const mpk = M[p][k];
          const mqk = M[q][k];
          M[p][k] = c * mpk - s * mqk;
          M[q][k] = s * mpk + c * mqk;
        }
        for (let k = 0; k < n; k++) {
          const ukp = U[k][p];
          const ukq = U[k][q];
          U[k][p] = c * ukp - s * ukq;
          U[k][q] = s * ukp + c * ukq;
        }
      }
    }
  }
  return { values: M.map((r, i) => r[i]), vectors: U };
}

/** Solve A x = b (Gaussian elimination with partial pivoting; A small and well-posed). */
export function solveDense(A: readonly (readonly number[])[], b: readonly number[]): number[] {
  const n = b.length;
  const M = A.map((row, i) => [...row.slice(0, n), b[i]]);
  for (let c = 0; c < n; c++) {
    let p = c;
    for (let r = c + 1; r < n; r++) if (Math.abs(M[r][c]) > Math.abs(M[p][c])) p = r;
    [M[c], M[p]] = [M[p], M[c]];
    for (let r = c + 1; r < n; r++) {
      const f = M[r][c] / M[c][c];
      for (let k = c; k <= n; k++) M[r][k] -= f * M[c][k];
    }
  }
  const x = new Array<number>(n).fill(0);
  for (let r = n - 1; r >= 0; r--) {
    let s = M[r][n];
    for (let k = r + 1; k < n; k++) s -= M[r][k] * x[k];
    x[r] = s / M[r][r];
  }
  return x;
}
