/**
 * Exact-score oracles: data distributed as a Gaussian mixture Σ_k w_k N(μ_k, S_k) stays a Gaussian
 * mixture under every linear SDE here, so the perturbed marginal p_t and its score are exact:
 * - VE / VP / sub-VP: p_t = Σ_k w_k N(m(t)μ_k, m(t)²S_k + s(t)²I);
 * - CLD with v₀ ~ N(0, γM I): in the joint space u = (x, v), p_t = Σ_k w_k N(Φ_t(μ_k, 0), Φ_t S0_k Φ_tᵀ + Σ_t),
 *   Φ_t the kernel's mean map, S0_k = diag(S_k, γM I), Σ_t the kernel covariance from a point mass
 *   (no numerical ε: this is the exact marginal). The oracle's CLD score is the velocity score ∇_v log p_t(u).
 * This lets samplers be studied without learning error (no reference library offers it).
 */
import { addM, identityM, type Matrix } from '../linalg/dense.js';
import { gmm, type Gmm, gmmLogDensity, gmmScore } from '../mixture/gmm.js';
import type { Tensor } from '../tensor/tensor.js';
import type { CldSde } from './cld.js';
import type { ScalarLinearSde } from './linear.js';
import type { ScoreFn } from './types.js';
import { type Sde, unknownSde } from './sde.js';
import { memoByTime, pathMarginal } from './path-oracle.js';
import { linearSdePath } from './gaussian-path.js';
import { pathMixtureRowScore, type RowTimeScoreFn, withRowTimes } from './row-time-score.js';
import { cldGmmScore, scaledGmmScore } from '../mixture/spectral-score.js';

function checkTime(sde: Sde, t: number): void {
  if (!(t >= 0 && t <= sde.T)) throw new RangeError(`time ${t} is outside [0, ${sde.T}]`);
}

const scale = (A: readonly (readonly number[])[], c: number): Matrix => A.map((r) => r.map((v) => v * c));

/** The perturbed marginal p_t of mixture data under a scalar linear SDE. */
export function linearMarginal(sde: ScalarLinearSde, data: Gmm, t: number): Gmm {
  checkTime(sde, t);
  const m = sde.meanCoef(t);
  const s2 = sde.std(t) ** 2;
  return gmm({
    weights: data.weights,
    means: data.means.map((mu) => mu.map((v) => m * v)),
    covs: data.covs.map((S) => addM(scale(S, m * m), identityM(data.dim, s2))),
  });
}

/** The perturbed joint marginal p_t(x, v) of mixture data under CLD with v₀ ~ N(0, γM I). */
export function cldMarginal(sde: CldSde, data: Gmm, t: number): Gmm {
  checkTime(sde, t);
  const d = data.dim;
  // Kernel with the initial velocity marginalised (Σ0vv = γM), without ε: the joint covariance is
  // Φ diag(S_k, 0) Φᵀ + Σ_t^{HSM}, since Φ diag(0, γM) Φᵀ + Σ_t^{point} = Σ_t^{HSM}.
  const k = sde.kernelFrom(t, 0, sde.gamma * sde.M, false);
  const block = (S: readonly (readonly number[])[]): Matrix => {
    const C: Matrix = Array.from({ length: 2 * d }, () => new Array<number>(2 * d).fill(0));
    for (let a = 0; a < d; a++) {
      for (let b = 0; b < d; b++) {
        C[a][b] = k.mxx * k.mxx * S[a][b];
        C[a][d + b] = k.mxx * k.mvx * S[a][b];
        C[d + a][b] = k.mvx * k.mxx * S[a][b];
        C[d + a][d + b] = k.mvx * k.mvx * S[a][b];
      }
      C[a][a] += k.Sxx;
      C[a][d + a] += k.Sxv;
      C[d + a][a] += k.Sxv;
      C[d + a][d + a] += k.Svv;
    }
    return C;
  };
  return gmm({
    weights: data.weights,
    means: data.means.map((mu) => [...mu.map((v) => k.mxx * v), ...mu.map((v) => k.mvx * v)]),
    covs: data.covs.map(block),
  });
}

/** p_t for any SDE of the library (joint (x, v) for CLD). */
export function marginal(sde: Sde, data: Gmm, t: number): Gmm {
  switch (sde.kind) {
    case 've': case 'vp': case 'subvp': return linearMarginal(sde, data, t);
    case 'cld': return cldMarginal(sde, data, t);
    case 'edm': case 'vp-cosine': case 'rf': case 'vp-logsnr': return pathMarginal(sde.path, data, t);
    default: return unknownSde(sde);
  }
}

/**
 * Marginals of at most this dimension (joint (x, v) for CLD) take the fused per-point score of the
 * factorised marginal (whose bits the golden runs freeze); above it the spectral form
 * (spectral-score.ts) runs, O(K·D²) per point with no factorisation per time.
 */
export const FACTORED_SCORE_MAX_DIM = 8;

/** Marginals memoised by time. */
const cachedMarginal = (sde: Sde, data: Gmm): ((t: number) => Gmm) => memoByTime((t) => marginal(sde, data, t));

/**
 * The exact score of the perturbed data distribution: s(x, t) = ∇ log p_t(x) for VE/VP/sub-VP,
 * and the velocity score ∇_v log p_t(u) for CLD (what its reverse SDE needs). On the Gaussian paths
 * it also evaluates at one time per row (`atRows`, row-time-score.ts).
 */
export function exactScore(sde: Sde, data: Gmm): RowTimeScoreFn {
  const at = cachedMarginal(sde, data);
  const d = data.dim;
  switch (sde.kind) {
    case 've': case 'vp': case 'subvp': {
      const score = d > FACTORED_SCORE_MAX_DIM
        ? (x: Tensor, t: number) => (checkTime(sde, t), scaledGmmScore(data, sde.meanCoef(t), sde.std(t) ** 2, x))
        : (x: Tensor, t: number) => gmmScore(at(t), x);
      return withRowTimes(score, pathMixtureRowScore(linearSdePath(sde), data));
    }
    case 'edm': case 'vp-cosine': case 'rf': case 'vp-logsnr': {
      const path = sde.path;
      const score = d > FACTORED_SCORE_MAX_DIM
        ? (x: Tensor, t: number) => scaledGmmScore(data, path.alpha(t), path.sigma(t) ** 2, x)
        : (x: Tensor, t: number) => gmmScore(at(t), x);
      return withRowTimes(score, pathMixtureRowScore(path, data));
    }
    case 'cld': {
      if (2 * d > FACTORED_SCORE_MAX_DIM) {
        return (u: Tensor, t: number) => (checkTime(sde, t), cldGmmScore(data, sde.kernelFrom(t, 0, sde.gamma * sde.M, false), u));
      }
      return (u: Tensor, t: number) => gmmScore(at(t), u, { start: d, count: d });
    }
    default: return unknownSde(sde);
  }
}

/** The full score ∇_u log p_t(u) (both x and v parts for CLD). */
export function exactJointScore(sde: Sde, data: Gmm): ScoreFn {
  const at = cachedMarginal(sde, data);
  return (x: Tensor, t: number) => gmmScore(at(t), x);
}

/** Exact log p_t(x) per sample (joint in (x, v) for CLD). */
export function exactLogDensity(sde: Sde, data: Gmm): (x: Tensor, t: number) => Tensor {
  const at = cachedMarginal(sde, data);
  return (x: Tensor, t: number) => gmmLogDensity(at(t), x);
}
