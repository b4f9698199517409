/**
 * Exact scores of the noised mixtures of linear SDEs from one eigendecomposition per component.
 * With S_k = Q_k diag(λ_k) Q_kᵀ (computed once per mixture and cached):
 * - scaled and noised, N(aμ_k, a²S_k + s²I): the covariance is Q_k diag(a²λ_k + s²) Q_kᵀ, so with
 *   y = (x − aμ_k)Q_k (row vectors) the Mahalanobis term is Σ_j y_j²/(a²λ_j + s²), the log-det
 *   Σ_j log(a²λ_j + s²), and −C_k⁻¹(x − aμ_k) = −(y / (a²λ + s²)) Q_kᵀ;
 * - CLD joint (x, v), N((m_x μ_k, m_v μ_k), [[m_x²S_k + Σxx I, m_x m_v S_k + Σxv I], [·, m_v²S_k + Σvv I]]):
 *   in the eigenbasis (y_x, y_v) = ((x − m_x μ_k)Q_k, (v − m_v μ_k)Q_k) the covariance is one 2×2 block
 *   per eigenvalue, [[m_x²λ + Σxx, m_x m_v λ + Σxv], [·, m_v²λ + Σvv]], inverted in closed form.
 * The components are stacked and the whitening is folded into the rotation: the host builds, per
 * time, F = [−c·(μ_kQ_k)/√λ̃ ; Q_k/√λ̃]_k ([1 + D, K·D]) so that Z = [1, x]·F holds every component's
 * whitened residual (one product), and Σ_k r_k (Z_k G_k) = (r ⊙ Z)·G is one product back. An
 * evaluation is two matmuls (three for CLD) on the backend and a few elementwise passes over
 * [n, K·D], with no factorisation per time (Golub & Van Loan §8.1: the spectral theorem; Dockhorn et al. 2022, §3
 * for the CLD kernel).
 */
import { libm } from '../numerics/libm/index.js';
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

const LOG_2PI = libm.log(2 * Math.PI);

function checkRows(x: Tensor, d: number, op: string): void {
  if (x.rank !== 2 || x.shape[1] !== d) throw new ShapeError(`${op}: points must have shape [n, ${d}], got ${shapeToString(x.shape)}`);
}

/** log w_k − ½ Σ_j log c_kj − (m/2) log 2π per component, [K], from the per-direction log c_kj. */
function logNorms(g: Gmm, logc: Float64Array, m: number): Float64Array {
  const D = g.dim;
  return Float64Array.from(g.weights, (w, k) => {
    let s = 0;
    for (let j = 0; j < D; j++) s += logc[k * D + j];
    return libm.log(w) - 0.5 * s - (m / 2) * LOG_2PI;
  });
}

/**
 * −Σ_k r_k Z_k G_k with r = softmax_k(logNorm_k − ½ quad_k): the whitened residuals Z ([n, K·D]
 * blocks, each one product [1, u]·F), quad_k = Σ over blocks of |z_k|², and the weighted
 * back-rotation of the last blocks, (r ⊙ Z)·G, as one product.
 */
function whitenedScore(g: Gmm, Z: readonly Tensor[], back: Float64Array, logNorm: Float64Array): Tensor {
  const n = Z[0].shape[0];
  const K = g.weights.length;
  const D = g.dim;
  const KD = K * D;
  let quad = sum(reshape(mul(Z[0], Z[0]), [n, K, D]), -1);
  for (let b = 1; b < Z.length; b++) quad = add(quad, sum(reshape(mul(Z[b], Z[b]), [n, K, D]), -1));
  const logits = add(mul(quad, -0.5), fromArray(logNorm, like(Z[0])));
  const r = reshape(exp(sub(logits, logsumexp(logits, -1, true))), [n, K, 1]);
  const rZ = Z.slice(Z.length - back.length / (KD * D)).map((z) => reshape(mul(reshape(z, [n, K, D]), r), [n, KD]));
  const lhs = rZ.length === 1 ? rZ[0] : concat(rZ, 1);
  return neg(matmul(lhs, fromArray(back, { ...like(Z[0]), shape: [rZ.length * KD, D] })));
}

/** The whitened residuals [1, u]·F of one block: [n, K·D]. */
const whiten = (u1: Tensor, F: Float64Array, g: Gmm): Tensor => matmul(u1, fromArray(F, { ...like(u1), shape: [u1.shape[1], g.weights.length * g.dim] }));

/** [1, x]: the points with a leading column of ones (the constant row of the whitening maps). */
const withOnes = (x: Tensor): Tensor => concat([fromArray(new Float64Array(x.shape[0]).fill(1), { ...like(x), shape: [x.shape[0], 1] }), x], 1);

/**
 * The whitening map of one block: rows [1, x-coordinates, v-coordinates] → z_kj =
 * (cx·(xQ_k)_j + cv·(vQ_k)_j − c0·(μ_kQ_k)_j) per direction, for per-direction (cx, cv) and scalar-times-mean c0.
 */
function whiteningMap(g: Gmm, sp: GmmSpectrum, rows: number, cx: Float64Array | null, cv: Float64Array | null, c0: Float64Array): Float64Array {
  const D = g.dim;
  const KD = g.weights.length * D;
  const F = new Float64Array(rows * KD);
  for (let c = 0; c < KD; c++) F[c] = -c0[c] * sp.rotatedMeans[c];
  for (let a = 0; a < D; a++) {
    for (let c = 0; c < KD; c++) {
      const q = sp.vectors[a * KD + c];
      if (cx) F[(1 + a) * KD + c] = cx[c] * q;
      if (cv) F[(1 + D + a) * KD + c] = cv[c] * q;
    }
  }
  return F;
}

/** Rows of Qᵀ scaled per direction: [K·D, D], row (k·D + j) = s_kj·(Q_k column j). */
const scaledBack = (sp: GmmSpectrum, s: Float64Array, D: number): Float64Array => sp.vectorsT.map((q, i) => q * s[Math.floor(i / D)]);

/** ∇ₓ log Σ_k w_k N(x; aμ_k, a²S_k + s²I) for x: [n, D] (s² > 0 or a²S_k positive definite). */
export function scaledGmmScore(g: Gmm, a: number, s2: number, x: Tensor): Tensor {
  checkRows(x, g.dim, 'scaledGmmScore');
  const sp = gmmSpectrum(g);
  const c = sp.values.map((l) => a * a * l + s2);
  // z = (x − aμ)Q / √c; −C⁻¹(x − aμ) = −z (Q diag(1/√c))ᵀ
  const is = c.map((v) => 1 / Math.sqrt(v));
  const F = whiteningMap(g, sp, 1 + g.dim, is, null, is.map((v) => a * v));
  return whitenedScore(g, [whiten(withOnes(x), F, g)], scaledBack(sp, is, g.dim), logNorms(g, c.map(libm.log), g.dim));
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
 * ∇_v log p_t(u) ([n, D]) or the whole ∇_u log p_t(u) ([n, 2D]). Per eigen-direction the block
 * [[A, B], [B, C]] = LLᵀ (l11 = √A, l21 = B/l11, l22 = √(C − l21²)) whitens (y_x, y_v) to
 * z1 = y_x/l11, z2 = (y_v − l21·z1)/l22, and the precision times the residual is
 * (z1/l11 − l21·z2/(l11·l22), z2/l22).
 */
export function cldGmmScore(g: Gmm, k: CldCoefficients, u: Tensor, part: 'velocity' | 'joint' = 'velocity'): Tensor {
  checkRows(u, 2 * g.dim, 'cldGmmScore');
  const sp = gmmSpectrum(g);
  const D = g.dim;
  const A = sp.values.map((l) => k.mxx * k.mxx * l + k.Sxx);
  const B = sp.values.map((l) => k.mxx * k.mvx * l + k.Sxv);
  const C = sp.values.map((l) => k.mvx * k.mvx * l + k.Svv);
  const l11 = A.map(Math.sqrt);
  const l21 = B.map((b, j) => b / l11[j]);
  const l22 = C.map((c, j) => Math.sqrt(c - l21[j] * l21[j]));
  // z1 = (x Q − mxx μQ)/l11 (from [1, x]);  z2 = ((v Q − mvx μQ) − l21 z1)/l22 (from [1, x, v])
  const i11 = l11.map((v) => 1 / v);
  const F1 = whiteningMap(g, sp, 1 + D, i11, null, i11.map((v) => k.mxx * v));
  const ax = l21.map((v, j) => -v / (l11[j] * l22[j]));
  const av = l22.map((v) => 1 / v);
  const F2 = whiteningMap(g, sp, 1 + 2 * D, ax, av, ax.map((v, j) => k.mxx * v + k.mvx * av[j]));
  const logdet = l11.map((v, j) => 2 * libm.log(v * l22[j]));
  const logNorm = logNorms(g, logdet, 2 * D);
  const u1 = withOnes(u);
  const Z = [whiten(sliceAxis(u1, -1, 0, 1 + D), F1, g), whiten(u1, F2, g)];
  const sv = whitenedScore(g, Z, scaledBack(sp, av, D), logNorm);
  if (part === 'velocity') return sv;
  const bx = new Float64Array(2 * D * D * g.weights.length);
  bx.set(scaledBack(sp, i11, D), 0);
  bx.set(scaledBack(sp, ax, D), D * D * g.weights.length);
  return concat([whitenedScore(g, Z, bx, logNorm), sv], 1);
}
