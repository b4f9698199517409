/**
 * Test functions with exact expectations under a Gaussian mixture, for Monte Carlo weak errors
 * E φ(X_h) − E φ(X) on targets that are not Gaussian (mc-weak-error.ts):
 * - the moments x_i and x_i x_j (i ≤ j): E x = Σ_k w_k μ_k, E x_i x_j = Σ_k w_k (S_k + μ_k μ_kᵀ)_ij;
 * - Gaussian bumps φ_c(x) = exp(−|x − c|²/(2ℓ²)), which weigh the shape of the density near c:
 *   E φ_c = Σ_k w_k ℓ^D det(S_k + ℓ²I)^{−½} exp(−½ (μ_k − c)ᵀ(S_k + ℓ²I)⁻¹(μ_k − c))
 *   (the convolution of two Gaussians; Petersen & Pedersen, The Matrix Cookbook, §8.1.8).
 */
import { libm } from '../numerics/libm/index.js';
import { addM, cholesky, identityM, logDetFromCholesky, solveDense } from '../linalg/dense.js';
import type { Gmm } from './gmm.js';

/** A set of m test functions of rows of width D, with their exact expectations. */
export interface TestFunctions {
  readonly names: readonly string[];
  readonly width: number;
  /** E φ_j under the target. */
  readonly exact: Float64Array;
  /** φ_j of every row: [rows × m], row-major. */
  evaluate(x: ArrayLike<number>, rows: number): Float64Array;
}

export interface MixtureTestOptions {
  /** Bump centres (default: the components' means). */
  readonly centres?: readonly (readonly number[])[];
  /** Bump width ℓ (default 0.3). */
  readonly width?: number;
}

/** Moments up to second order and Gaussian bumps, with their exact expectations under `g`. */
export function mixtureTestFunctions(g: Gmm, o: MixtureTestOptions = {}): TestFunctions {
  const D = g.dim;
  const centres = o.centres ?? g.means;
  const ell = o.width ?? 0.3;
  if (!(ell > 0 && Number.isFinite(ell))) throw new RangeError(`test functions: the bump width must be a finite number > 0, got ${ell}`);
  for (const c of centres) {
    if (c.length !== D || !c.every(Number.isFinite)) throw new RangeError(`test functions: a bump centre must hold ${D} finite numbers, got [${c.join(', ')}]`);
  }
  const pairs: [number, number][] = [];
  for (let i = 0; i < D; i++) for (let j = i; j < D; j++) pairs.push([i, j]);
  const names = [
    ...Array.from({ length: D }, (_, i) => `x${i}`),
    ...pairs.map(([i, j]) => `x${i}·x${j}`),
    ...centres.map((_, k) => `bump${k}`),
  ];
  const m = names.length;
  const exact = new Float64Array(m);
  g.weights.forEach((w, k) => {
    const mu = g.means[k];
    const S = g.covs[k];
    for (let i = 0; i < D; i++) exact[i] += w * mu[i];
    pairs.forEach(([i, j], p) => { exact[D + p] += w * (S[i][j] + mu[i] * mu[j]); });
    const A = addM(S as number[][], identityM(D, ell * ell));
    const L = cholesky(A);
    if (!L) throw new RangeError('test functions: S_k + ℓ²I is not positive definite');
    const logDet = logDetFromCholesky(L);
    centres.forEach((c, b) => {
      const r = mu.map((v, i) => v - c[i]);
      const q = solveDense(A, r).reduce((s, v, i) => s + v * r[i], 0);
      exact[D + pairs.length + b] += w * libm.exp(D * libm.log(ell) - 0.5 * logDet - 0.5 * q);
    });
  });
  const inv2l2 = 1 / (2 * ell * ell);
  return {
    names, width: D, exact,
    evaluate(x, rows) {
      if (x.length !== rows * D) throw new RangeError(`test functions: ${x.length} values are not ${rows} rows of ${D}`);
      const out = new Float64Array(rows * m);
      for (let r = 0; r < rows; r++) {
        const o0 = r * m;
        const x0 = r * D;
        for (let i = 0; i < D; i++) out[o0 + i] = x[x0 + i];
        pairs.forEach(([i, j], p) => { out[o0 + D + p] = x[x0 + i] * x[x0 + j]; });
        centres.forEach((c, b) => {
          let s = 0;
          for (let i = 0; i < D; i++) s += (x[x0 + i] - c[i]) ** 2;
          out[o0 + D + pairs.length + b] = libm.exp(-s * inv2l2);
        });
      }
      return out;
    },
  };
}

/**
 * The standardised weak error of one set of samples: e = √((1/m) Σ_j ((φ̄_j − E φ_j)/s_j)²), s_j the
 * samples' standard deviation of φ_j. E e² ≈ b² + 1/R for R independent samples with standardised
 * bias b, so √max(e² − 1/R, 0) estimates b.
 */
export function testFunctionError(tests: TestFunctions, x: ArrayLike<number>, rows: number): { readonly error: number; readonly bias: number; readonly perFunction: Float64Array } {
  const phi = tests.evaluate(x, rows);
  const m = tests.exact.length;
  const perFunction = new Float64Array(m);
  let s = 0;
  for (let j = 0; j < m; j++) {
    let mean = 0;
    let sq = 0;
    for (let r = 0; r < rows; r++) {
      const v = phi[r * m + j];
      mean += v;
      sq += v * v;
    }
    mean /= rows;
    const sd = Math.sqrt(Math.max(sq / rows - mean * mean, 0)) || 1;
    perFunction[j] = (mean - tests.exact[j]) / sd;
    s += perFunction[j] ** 2;
  }
  const error = Math.sqrt(s / m);
  return { error, bias: Math.sqrt(Math.max(error * error - 1 / rows, 0)), perFunction };
}
