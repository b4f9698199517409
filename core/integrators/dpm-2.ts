/**
 * DPM-2 (k-diffusion k_diffusion/sampling.py `sample_dpm_2`, after Lu et al. 2022's DPM-Solver-2)
 * on any Gaussian path in x̃ = x/α, σ̃ = σ/α: the midpoint in log σ̃,
 *   σ_m = √(σ̃σ̃'),  d = (x̃ − D(x̃, σ̃))/σ̃,  x₂ = x̃ + (σ_m − σ̃)d,
 *   x̃' = x̃ + (σ̃' − σ̃)(x₂ − D(x₂, σ_m))/σ_m,  x' = α'x̃'.
 * A step to σ' = 0 is the Euler step x' = α'D. Weak order 2.
 */
import { libm } from '../numerics/libm/index.js';
import type { Tensor } from '../tensor/tensor.js';
import { add, mul, sub } from '../tensor/ops/elementwise.js';
import type { ScoreFn } from '../sde/types.js';
import type { Sde } from '../sde/sde.js';
import type { Stepper } from './stepper.js';
import { pathDenoiser } from './path-denoiser.js';

export function dpm2(sde: Sde, score: ScoreFn): Stepper {
  const p = pathDenoiser(sde, score, 'dpm-2');
  const dOf = (xt: Tensor, s: number, t: number): Tensor => mul(sub(xt, p.denoise(mul(xt, p.alpha(t)), t)), 1 / s);
  return {
    name: 'dpm-2',
    noiseDraws: 0,
    nfePerStep: 2,
    step(x: Tensor, t: number, tn: number): Tensor {
      const an = p.alpha(tn);
      if (p.sigma(tn) === 0) return mul(p.denoise(x, t), an);
      const st = p.sigmaTilde(t);
      const sn = p.sigmaTilde(tn);
      const sm = libm.exp(0.5 * (libm.log(st) + libm.log(sn)));
      const tm = p.timeOfSigmaTilde(sm);
      const xt = mul(x, 1 / p.alpha(t));
      const x2 = add(xt, mul(dOf(xt, st, t), sm - st));
      return mul(add(xt, mul(dOf(x2, sm, tm), sn - st)), an);
    },
  };
}
