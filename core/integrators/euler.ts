/**
 * Euler in σ̃ = σ/α (Karras et al. 2022, Alg. 2 without churn and correction; k-diffusion
 * k_diffusion/sampling.py `sample_euler`) on any Gaussian path, in the scaled state x̃ = x/α
 * (EDM eq. 4's s(t) = α):  d = (x̃ − D)/σ̃,  x̃' = x̃ + (σ̃' − σ̃)d,  x' = α'x̃'.
 * On α = 1 paths (EDM, VE) it is the probability-flow Euler step in σ; in exact arithmetic it equals
 * deterministic DDIM. A step to σ' = 0 is x' = α'D. Weak order 1.
 */
import type { Tensor } from '../tensor/tensor.js';
import { add, mul, sub } from '../tensor/ops/elementwise.js';
import type { ScoreFn } from '../sde/types.js';
import type { Sde } from '../sde/sde.js';
import type { Stepper } from './stepper.js';
import { pathDenoiser } from './path-denoiser.js';

export function eulerSigma(sde: Sde, score: ScoreFn): Stepper {
  const p = pathDenoiser(sde, score, 'euler');
  return {
    name: 'euler',
    noiseDraws: 0,
    nfePerStep: 1,
    step(x: Tensor, t: number, tn: number): Tensor {
      const an = p.alpha(tn);
      const D = p.denoise(x, t);
      const sn = p.sigmaTilde(tn);
      if (p.sigma(tn) === 0) return mul(D, an);
      const st = p.sigmaTilde(t);
      const xt = mul(x, 1 / p.alpha(t));
      const d = mul(sub(xt, D), 1 / st);
      return mul(add(xt, mul(d, sn - st)), an);
    },
  };
}
