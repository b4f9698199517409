/**
 * Exact scores of the noised mixtures of linear SDEs from one eigendecomposition per component.
 * With S_k = Q_k diag(λ_k) Q_kᵀ (computed once per mixture and cached):
 * - scaled and noised, N(aμ_k, a²S_k + s²I): the covariance is Q_k diag(a²λ_k + s²) Q_kᵀ, so with
 *   y = (x − aμ_k)Q_k (row vectors) the Mahalanobis term is Σ_j y_j²/(a²λ_j + s²), the log-det
 *   Σ_j log(a²λ_j + s²), and −C_k⁻¹(x − aμ_k) = −(y / (a²λ + s²)) Q_kᵀ;
 * - CLD joint (x, v), N((m_x μ_k, m_v μ_k), [[m_x²S_k + Σxx I, m_x m_v S_k + Σxv I], [·, m_v²S_k + Σvv I]]):
 *   in the eigenbasis (y_x, y_v) = ((x − m_x μ_k)Q_k, (v − m_v μ_k)Q_k) the covariance is one 2×2 block
 *   per eigenvalue, [[m_x²λ + Σxx, m_x m_v λ + Σxv], [·, m_v²λ + Σvv]], inverted in closed form.
 * Every evaluation is two products per component with the backend's matmul and elementwise work, with
 * no factorisation per time (Golub & Van Loan §8.1: the spectral theorem; Dockhorn et al. 2022, §3
 * for the CLD kernel).
 */
import { symmetricEigen } from '../linalg/dense.js';
import { fromArray, like } from '../tensor/create.js';
import type { Tensor } from '../tensor/tensor.js';
import { add, exp, mul, neg, sub } from '../tensor/ops/elementwise.js';
import { logsumexp, sum } from '../tensor/ops/reduce.js';
import { concat, expandDims, sliceAxis, stack } from '../tensor/ops/manipulate.js';
import { matmul } from '../tensor/ops/linalg.js';
import { ShapeError, shapeToString } from '../tensor/shape.js';
import type { Gmm } from './gmm.js';

/** Eigenvalues λ_k and eigenvectors Q_k (columns) of every component covariance. */
export interface GmmSpectrum {
  readonly values: readonly (readonly number[])[];
  readonly vectors: readonly (readonly (readonly number[])[])[];
  readonly vectorsT: readonly (readonly (readonly number[])[])[];
}

const spectra = new WeakMap<Gmm, GmmSpectrum>();

/** The spectrum of a mixture's covariances, computed once per mixture object. */
export function gmmSpectrum(g: Gmm): GmmSpectrum {
  let s = spectra.get(g);
  if (!s) {
    const eig = g.covs.map((S) => symmetricEigen(S));
    s = {
      values: eig.map((e) => e.values),
      vectors: eig.map((e) => e.vectors),
      vectorsT: eig.map((e) => e.vectors[0].map((_, j) => e.vectors.map((r) => r[j]))),
    };
    spectra.set(g, s);
  }
  return s;
}

const LOG_2PI = Math.log(2 * Math.PI);

/** Responsibility-weighted sum −Σ_k r_k g_k from logits [K][n] and per-component terms g_k [n, d]. */
function combine(logits: readonly Tensor[], terms: readonly Tensor[]): Tensor {
  const L = stack(logits, 0);
  const r = exp(sub(L, logsumexp(L, 0, true)));
  return neg(sum(mul(expandDims(r, 2), stack(terms, 0)), 0));
}

function checkRows(x: Tensor, d: number, op: string): void {
  if (x.rank !== 2 || x.shape[1] !== d) throw new ShapeError(`${op}: points must have shape [n, ${d}], got ${shapeToString(x.shape)}`);
}

/** ∇ₓ log Σ_k w_k N(x; aμ_k, a²S_k + s²I) for x: [n, D] (s² > 0 or a²S_k positive definite). */
export function scaledGmmScore(g: Gmm, a: number, s2: number, x: Tensor): Tensor {
  checkRows(x, g.dim, 'scaledGmmScore');
  const sp = gmmSpectrum(g);
  const D = g.dim;
  const logits: Tensor[] = [];
  const terms: Tensor[] = [];
  g.means.forEach((mu, k) => {
    const c = sp.values[k].map((l) => a * a * l + s2);
    const logNorm = Math.log(g.weights[k]) - 0.5 * c.reduce((acc, v) => acc + Math.log(v), 0) - (D / 2) * LOG_2PI;
    const y = matmul(sub(x, fromArray(mu.map((v) => a * v), like(x))), fromArray(sp.vectors[k] as number[][], like(x)));
    const w = mul(y, fromArray(c.map((v) => 1 / v), like(x)));
    logits.push(add(mul(sum(mul(y, w), -1), -0.5), logNorm));
    terms.push(matmul(w, fromArray(sp.vectorsT[k] as number[][], like(x))));
  });
  return combine(logits, terms);
}

/** The scalars of a CLD perturbation kernel with the initial velocity marginalised. */
export interface CldCoefficients {
  readonly mxx: number;
  readonly mvx: number;
  readonly Sxx: number;
  readonly Sxv: number;
  readonly Svv: number;
}

/**
 * The score of the CLD joint marginal at u = (x, v): [n, 2D] of mixture data: its velocity part
 * ∇_v log p_t(u) ([n, D]) or the whole ∇_u log p_t(u) ([n, 2D]).
 */
export function cldGmmScore(g: Gmm, k: CldCoefficients, u: Tensor, part: 'velocity' | 'joint' = 'velocity'): Tensor {
  checkRows(u, 2 * g.dim, 'cldGmmScore');
  const sp = gmmSpectrum(g);
  const D = g.dim;
  const x = sliceAxis(u, -1, 0, D);
  const v = sliceAxis(u, -1, D, D);
  const logits: Tensor[] = [];
  const termsX: Tensor[] = [];
  const termsV: Tensor[] = [];
  g.means.forEach((mu, c) => {
    const lam = sp.values[c];
    // Per eigen-direction 2×2 block [[A, B], [B, C]] and its inverse [[P, R], [R, Q]].
    const A = lam.map((l) => k.mxx * k.mxx * l + k.Sxx);
    const B = lam.map((l) => k.mxx * k.mvx * l + k.Sxv);
    const C = lam.map((l) => k.mvx * k.mvx * l + k.Svv);
    const det = A.map((a, j) => a * C[j] - B[j] * B[j]);
    const logNorm = Math.log(g.weights[c]) - 0.5 * det.reduce((acc, v2) => acc + Math.log(v2), 0) - D * LOG_2PI;
    const P = fromArray(C.map((cj, j) => cj / det[j]), like(u));
    const R = fromArray(B.map((b, j) => -b / det[j]), like(u));
    const Q = fromArray(A.map((a, j) => a / det[j]), like(u));
    const Qk = fromArray(sp.vectors[c] as number[][], like(u));
    const yx = matmul(sub(x, fromArray(mu.map((m) => k.mxx * m), like(u))), Qk);
    const yv = matmul(sub(v, fromArray(mu.map((m) => k.mvx * m), like(u))), Qk);
    const wv = add(mul(yx, R), mul(yv, Q));
    const wx = add(mul(yx, P), mul(yv, R));
    logits.push(add(mul(sum(add(mul(yx, wx), mul(yv, wv)), -1), -0.5), logNorm));
    const QkT = fromArray(sp.vectorsT[c] as number[][], like(u));
    termsV.push(matmul(wv, QkT));
    if (part === 'joint') termsX.push(matmul(wx, QkT));
  });
  const sv = combine(logits, termsV);
  return part === 'velocity' ? sv : concat([combine(logits, termsX), sv], 1);
}
