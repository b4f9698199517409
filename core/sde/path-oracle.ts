/**
 * Exact oracles for Gaussian-mixture data Σ_k w_k N(μ_k, S_k) under a Gaussian path x = αx₀ + σε:
 * p_t = Σ_k w_k N(αμ_k, α²S_k + σ²I), with its log-density, score ∇log p_t, denoiser
 * D = E[x₀|x_t] = (x + σ²∇log p_t)/α (Tweedie's formula; Efron 2011) and every other
 * parameterisation of it (parameterisation.ts), e.g. the flow velocity E[dx/dt | x_t].
 */
import { addM, identityM, type Matrix } from '../linalg/dense.js';
import { gmm, type Gmm, gmmLogDensity, gmmScore } from '../mixture/gmm.js';
import type { Tensor } from '../tensor/tensor.js';
import { add, mul } from '../tensor/ops/elementwise.js';
import type { GaussianPath } from './gaussian-path.js';
import { convertPrediction, type Parameterisation } from './parameterisation.js';

/** p_t of mixture data under the path (t in [0, T]). */
export function pathMarginal(path: GaussianPath, data: Gmm, t: number): Gmm {
  const a = path.alpha(t);
  const s2 = path.sigma(t) ** 2;
  return gmm({
    weights: data.weights,
    means: data.means.map((mu) => mu.map((v) => a * v)),
    covs: data.covs.map((S) => addM(S.map((r) => r.map((v) => v * a * a)) as Matrix, identityM(data.dim, s2))),
  });
}

/**
 * Memoise a mixture marginal by time (samplers ask for the same few times again and again); the
 * cache is cleared when it reaches 4096 times.
 */
export function memoByTime(f: (t: number) => Gmm): (t: number) => Gmm {
  const cache = new Map<number, Gmm>();
  return (t) => {
    let g = cache.get(t);
    if (!g) {
      if (cache.size >= 4096) cache.clear();
      g = f(t);
      cache.set(t, g);
    }
    return g;
  };
}

const cached = (path: GaussianPath, data: Gmm): ((t: number) => Gmm) => memoByTime((t) => pathMarginal(path, data, t));

/** Exact log p_t(x) per sample: [n]. */
export function pathLogDensity(path: GaussianPath, data: Gmm): (x: Tensor, t: number) => Tensor {
  const at = cached(path, data);
  return (x, t) => gmmLogDensity(at(t), x);
}

/** Exact score ∇log p_t(x). */
export function pathScore(path: GaussianPath, data: Gmm): (x: Tensor, t: number) => Tensor {
  const at = cached(path, data);
  return (x, t) => gmmScore(at(t), x);
}

/** Exact prediction of any parameterisation: the score converted (x0 is the denoiser E[x₀|x_t]). */
export function pathOracle(path: GaussianPath, data: Gmm, kind: Parameterisation): (x: Tensor, t: number) => Tensor {
  const score = pathScore(path, data);
  if (kind === 'score') return score;
  if (kind === 'x0') {
    // Tweedie: D = (x + σ² s)/α
    return (x, t) => {
      const a = path.alpha(t);
      if (!(a > 0)) throw new RangeError(`${path.kind} path at t = ${t}: α = ${a}, the denoiser is undefined`);
      return mul(add(x, mul(score(x, t), path.sigma(t) ** 2)), 1 / a);
    };
  }
  return (x, t) => convertPrediction(path, 'score', kind, t, x, score(x, t));
}
