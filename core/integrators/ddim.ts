/**
 * DDIM with η (Song, Meng & Ermon 2021, eq. 12; diffusers scheduling_ddim.py `DDIMScheduler.step`,
 * ermongroup/ddim functions/denoising.py `generalized_steps`) on any Gaussian path, in log-SNR form:
 *   x' = α'D + √(σ'² − c²) ε̂ + c z,   c = η σ' √(1 − e^{−2h}),   h = λ' − λ
 * (on VP, c = η√((1 − ᾱ')/(1 − ᾱ))√(1 − ᾱ/ᾱ')); D and ε̂ from one score evaluation. η = 0 is the
 * deterministic DDIM, x' = (σ'/σ)x − α'·expm1(−h)·D (= DPM-Solver-1); η = 1 the DDPM posterior.
 * A step to σ' = 0 is x' = α'D. One normal is drawn every step. Weak order 1.
 */
import { libm } from '../numerics/libm/index.js';
import type { Tensor } from '../tensor/tensor.js';
import { add, mul, sub } from '../tensor/ops/elementwise.js';
import type { ScoreFn } from '../sde/types.js';
import type { Sde } from '../sde/sde.js';
import type { Stepper } from './stepper.js';
import { checkOption, pathDenoiser } from './path-denoiser.js';

export interface DdimOptions {
  /** η ∈ [0, 1] (default 0). */
  readonly eta?: number;
}

export function ddim(sde: Sde, score: ScoreFn, o: DdimOptions = {}): Stepper {
  const eta = checkOption('ddim', 'eta (η)', o.eta ?? 0);
  if (eta > 1) throw new RangeError(`ddim: eta (η) must lie in [0, 1] (above 1 the deterministic part √(σ'² − c²) is undefined), got ${eta}`);
  const p = pathDenoiser(sde, score, 'ddim');
  return {
    name: 'ddim',
    noiseDraws: 1,
    nfePerStep: 1,
    step(x: Tensor, t: number, tn: number, [z]: readonly Tensor[]): Tensor {
      const a = p.alpha(t);
      const s = p.sigma(t);
      const an = p.alpha(tn);
      const sn = p.sigma(tn);
      const D = p.denoise(x, t);
      if (sn === 0) return mul(D, an);
      const h = p.lambda(tn) - p.lambda(t);
      const e = mul(sub(x, mul(D, a)), 1 / s);
      const v = -libm.expm1(-2 * h);
      const c = eta * sn * Math.sqrt(v);
      const det = sn * Math.sqrt(1 - eta * eta * v);
      const mean = add(mul(D, an), mul(e, det));
      return c === 0 ? mean : add(mean, mul(z, c));
    },
  };
}
