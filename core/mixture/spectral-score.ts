/**
 * Exact scores of the noised mixtures of linear SDEs from one eigendecomposition per component.
 * With S_k = Q_k diag(λ_k) Q_kᵀ (computed once per mixture and cached):
 * - scaled and noised, N(aμ_k, a²S_k + s²I): the covariance is Q_k diag(a²λ_k + s²) Q_kᵀ, so with
 *   y = (x − aμ_k)Q_k (row vectors) the Mahalanobis term is Σ_j y_j²/(a²λ_j + s²), the log-det
 *   Σ_j log(a²λ_j + s²), and −C_k⁻¹(x − aμ_k) = −(y / (a²λ + s²)) Q_kᵀ;
 * - CLD joint (x, v), N((m_x μ_k, m_v μ_k), [[m_x²S_k + Σxx I, m_x m_v S_k + Σxv I], [·, m_v²S_k + Σvv I]]):
 *   in the eigenbasis (y_x, y_v) = ((x − m_x μ_k)Q_k, (v − m_v μ_k)Q_k) the covariance is one 2×2 block
 *   per eigenvalue, [[m_x²λ + Σxx, m_x m_v λ + Σxv], [·, m_v²λ + Σvv]], inverted in closed form.
 * The components are stacked: Q = [Q_1 … Q_K] ([D, K·D]) rotates every residual with one product,
 * Y = XQ − a·[μ_1Q_1 … μ_KQ_K], and Σ_k r_k (W_k Q_kᵀ) = (r ⊙ W)Qᵀ is one product back, so an
 * evaluation is two (three for CLD) matmuls on the backend plus elementwise work on [n, K·D], with
 * no factorisation per time (Golub & Van Loan §8.1: the spectral theorem; Dockhorn et al. 2022, §3
 * for the CLD kernel).
 */
import { symmetricEigen } from '../linalg/dense.js';
import { fromArray, like } from '../tensor/create.js';
import type { Tensor } from '../tensor/tensor.js';
import { add, exp, mul, neg, sub } from '../tensor/ops/elementwise.js';
import { logsumexp, sum } from '../tensor/ops/reduce.js';
import { concat, sliceAxis } from '../tensor/ops/manipulate.js';
import { reshape } from '../tensor/ops/sum-broadcast.js';
import { matmul } from '../tensor/ops/linalg.js';
import { ShapeError, shapeToString } from '../tensor/shape.js';
import type { Gmm } from './gmm.js';

/** Eigenvalues and stacked eigenvectors of every component covariance (float64, row-major). */
export interface GmmSpectrum {
  /** λ_k, [K·D]. */
  readonly values: Float64Array;
  /** [Q_1 … Q_K], [D, K·D]: entry (a, k·D + j) is component k's eigenvector j, coordinate a. */
  readonly vectors: Float64Array;
  /** The transpose [K·D, D]. */
  readonly vectorsT: Float64Array;
  /** The rotated means [μ_1Q_1 … μ_KQ_K], [K·D]. */
  readonly rotatedMeans: Float64Array;
}

const spectra = new WeakMap<Gmm, GmmSpectrum>();

/** The spectrum of a mixture's covariances, computed once per mixture object. */
export function gmmSpectrum(g: Gmm): GmmSpectrum {
  let s = spectra.get(g);
  if (!s) {
    const K = g.weights.length;
    const D = g.dim;
    const KD = K * D;
    const values = new Float64Array(KD);
    const vectors = new Float64Array(D * KD);
    const vectorsT = new Float64Array(KD * D);
    const rotatedMeans = new Float64Array(KD);
    g.covs.forEach((S, k) => {
      const e = symmetricEigen(S);
      for (let j = 0; j < D; j++) {
        values[k * D + j] = e.values[j];
        let m = 0;
        for (let a = 0; a < D; a++) {
          const q = e.vectors[a][j];
          vectors[a * KD + k * D + j] = q;
          vectorsT[(k * D + j) * D + a] = q;
          m += g.means[k][a] * q;
        }
        rotatedMeans[k * D + j] = m;
      }
    });
    s = { values, vectors, vectorsT, rotatedMeans };
    spectra.set(g, s);
  }
  return s;
}

const LOG_2PI = Math.log(2 * Math.PI);

function checkRows(x: Tensor, d: number, op: string): void {
  if (x.rank !== 2 || x.shape[1] !== d) throw new ShapeError(`${op}: points must have shape [n, ${d}], got ${shapeToString(x.shape)}`);
}

/** log w_k − ½ Σ_j log c_kj − (m/2) log 2π per component, [K], from the per-direction log c_kj. */
function logNorms(g: Gmm, logc: Float64Array, m: number): Float64Array {
  const D = g.dim;
  return Float64Array.from(g.weights, (w, k) => {
    let s = 0;
    for (let j = 0; j < D; j++) s += logc[k * D + j];
    return Math.log(w) - 0.5 * s - (m / 2) * LOG_2PI;
  });
}

/**
 * −Σ_k r_k (W_k Q_kᵀ) with r = softmax_k(logNorm_k − ½ quad_k): quad [n, K·D] summed per component,
 * W [n, K·D] (the stacked per-component precision times the rotated residual).
 */
function combine(g: Gmm, sp: GmmSpectrum, quad: Tensor, logNorm: Float64Array, W: Tensor): Tensor {
  const n = W.shape[0];
  const K = g.weights.length;
  const D = g.dim;
  const logits = add(mul(sum(reshape(quad, [n, K, D]), -1), -0.5), fromArray(logNorm, like(W)));
  const r = exp(sub(logits, logsumexp(logits, -1, true))); // [n, K]
  const rW = mul(reshape(W, [n, K, D]), reshape(r, [n, K, 1]));
  return neg(matmul(reshape(rW, [n, K * D]), fromArray(sp.vectorsT, { ...like(W), shape: [K * D, D] })));
}

/** X·[Q_1 … Q_K] − c·[μ_1Q_1 … μ_KQ_K]: every component's rotated residual, [n, K·D]. */
function rotate(g: Gmm, sp: GmmSpectrum, x: Tensor, c: number): Tensor {
  const KD = g.weights.length * g.dim;
  const Q = fromArray(sp.vectors, { ...like(x), shape: [g.dim, KD] });
  return sub(matmul(x, Q), fromArray(sp.rotatedMeans.map((m) => c * m), like(x)));
}

/** ∇ₓ log Σ_k w_k N(x; aμ_k, a²S_k + s²I) for x: [n, D] (s² > 0 or a²S_k positive definite). */
export function scaledGmmScore(g: Gmm, a: number, s2: number, x: Tensor): Tensor {
  checkRows(x, g.dim, 'scaledGmmScore');
  const sp = gmmSpectrum(g);
  const c = sp.values.map((l) => a * a * l + s2);
  const y = rotate(g, sp, x, a);
  const w = mul(y, fromArray(c.map((v) => 1 / v), like(x)));
  return combine(g, sp, mul(y, w), logNorms(g, c.map(Math.log), g.dim), w);
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
  // Per eigen-direction 2×2 block [[A, B], [B, C]], determinant and inverse [[C, −B], [−B, A]]/det.
  const A = sp.values.map((l) => k.mxx * k.mxx * l + k.Sxx);
  const B = sp.values.map((l) => k.mxx * k.mvx * l + k.Sxv);
  const C = sp.values.map((l) => k.mvx * k.mvx * l + k.Svv);
  const det = A.map((a, j) => a * C[j] - B[j] * B[j]);
  const P = fromArray(C.map((c, j) => c / det[j]), like(u));
  const R = fromArray(B.map((b, j) => -b / det[j]), like(u));
  const Q = fromArray(A.map((a, j) => a / det[j]), like(u));
  const yx = rotate(g, sp, sliceAxis(u, -1, 0, D), k.mxx);
  const yv = rotate(g, sp, sliceAxis(u, -1, D, D), k.mvx);
  const wv = add(mul(yx, R), mul(yv, Q));
  const wx = add(mul(yx, P), mul(yv, R));
  const quad = add(mul(yx, wx), mul(yv, wv));
  const logNorm = logNorms(g, det.map(Math.log), 2 * D);
  const sv = combine(g, sp, quad, logNorm, wv);
  return part === 'velocity' ? sv : concat([combine(g, sp, quad, logNorm, wx), sv], 1);
}
