/**
 * A score on an SDE with a Gaussian path x = αx₀ + σε seen as the denoiser and the noise prediction
 * of the fast samplers (DDIM, Euler in σ, EDM's Heun, DPM-Solver), with the path's host float64
 * coefficients in the notation of SAMPLERS.md: λ = log(α/σ), σ̃ = σ/α = e^{−λ}, x̃ = x/α.
 *   D(x, t) = E[x₀|x_t] = (x + σ²∇log p_t)/α,   ε̂(x, t) = (x − αD)/σ = −σ∇log p_t
 * (parameterisation.ts converts the score). CLD's (x, v) state has no Gaussian path: refused.
 */
import { libm } from '../numerics/libm/index.js';
import type { Tensor } from '../tensor/tensor.js';
import type { ScoreFn } from '../sde/types.js';
import type { Sde } from '../sde/sde.js';
import type { GaussianPath } from '../sde/gaussian-path.js';
import { gaussianPathOf } from '../sde/path-sde.js';
import { convertPrediction } from '../sde/parameterisation.js';

export interface PathDenoiser {
  readonly path: GaussianPath;
  /** The denoiser D(x, t) (one score evaluation). */
  denoise(x: Tensor, t: number): Tensor;
  /** The noise prediction ε̂(x, t) (one score evaluation). */
  eps(x: Tensor, t: number): Tensor;
  alpha(t: number): number;
  sigma(t: number): number;
  lambda(t: number): number;
  /** σ̃(t) = σ/α. */
  sigmaTilde(t: number): number;
  /** The time with σ/α = s (s in the path's range). */
  timeOfSigmaTilde(s: number): number;
}

/** Null when the fast samplers apply to the SDE (it has a Gaussian path), else why not. */
export function gaussianPathSupport(sde: Sde): string | null {
  return gaussianPathOf(sde) ? null : `needs a Gaussian path (signal α·x₀ and noise σ·ε), which ${sde.kind}'s (x, v) state is not; use sscs, em or an ode-* solver`;
}

export function pathDenoiser(sde: Sde, score: ScoreFn, who: string): PathDenoiser {
  const path = gaussianPathOf(sde);
  if (!path) throw new RangeError(`${who} ${gaussianPathSupport(sde)}`);
  const sigmaTilde = (t: number): number => path.sigma(t) / path.alpha(t);
  return {
    path,
    denoise: (x, t) => convertPrediction(path, 'score', 'x0', t, x, score(x, t)),
    eps: (x, t) => convertPrediction(path, 'score', 'eps', t, x, score(x, t)),
    alpha: (t) => path.alpha(t),
    sigma: (t) => path.sigma(t),
    lambda: (t) => path.logSnr(t),
    sigmaTilde,
    timeOfSigmaTilde(s: number): number {
      const hi = sigmaTilde(path.T);
      if (!(s > 0 && s <= hi)) throw new RangeError(`${who}: σ/α = ${s} is outside the ${path.kind} path's range (0, ${hi}]`);
      return path.timeOfLogSnr(-libm.log(s));
    },
  };
}

/** A finite number ≥ 0 (or > 0 when `positive`), else a RangeError naming the option. */
export function checkOption(who: string, name: string, v: number, positive = false): number {
  if (typeof v !== 'number' || !Number.isFinite(v) || (positive ? !(v > 0) : !(v >= 0))) {
    throw new RangeError(`${who}: ${name} must be a finite number ${positive ? '> 0' : '≥ 0'}, got ${String(v)}`);
  }
  return v;
}
