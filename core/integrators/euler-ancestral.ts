/**
 * Euler ancestral (k-diffusion k_diffusion/sampling.py `sample_euler_ancestral`, `get_ancestral_step`)
 * on any Gaussian path in x̃ = x/α, σ̃ = σ/α:
 *   σ_up = min(σ̃', η σ̃' √(1 − σ̃'²/σ̃²)),  σ_down = √(σ̃'² − σ_up²),
 *   d = (x̃ − D)/σ̃,  x̃' = x̃ + (σ_down − σ̃)d + S_noise σ_up z,  x' = α'x̃'.
 * η = 1 (default) is the ancestral DDPM-like step; for η ≤ 1 it equals DDIM(η) in x̃. A step to
 * σ' = 0 is x' = α'D (σ_up = 0). One normal every step. Weak order 1.
 */
import type { Tensor } from '../tensor/tensor.js';
import { add, mul, sub } from '../tensor/ops/elementwise.js';
import type { ScoreFn } from '../sde/types.js';
import type { Sde } from '../sde/sde.js';
import type { Stepper } from './stepper.js';
import { checkOption, pathDenoiser } from './path-denoiser.js';

export interface EulerAncestralOptions {
  /** η ≥ 0 (default 1). */
  readonly eta?: number;
  /** S_noise > 0 (default 1). */
  readonly sNoise?: number;
}

export function eulerAncestral(sde: Sde, score: ScoreFn, o: EulerAncestralOptions = {}): Stepper {
  const eta = checkOption('euler-ancestral', 'eta (η)', o.eta ?? 1);
  const sNoise = checkOption('euler-ancestral', 'sNoise (S_noise)', o.sNoise ?? 1, true);
  const p = pathDenoiser(sde, score, 'euler-ancestral');
  return {
    name: 'euler-ancestral',
    noiseDraws: 1,
    nfePerStep: 1,
    step(x: Tensor, t: number, tn: number, [z]: readonly Tensor[]): Tensor {
      const an = p.alpha(tn);
      const D = p.denoise(x, t);
      if (p.sigma(tn) === 0) return mul(D, an);
      const st = p.sigmaTilde(t);
      const sn = p.sigmaTilde(tn);
      const up = Math.min(sn, eta * Math.sqrt((sn * sn * (st * st - sn * sn)) / (st * st)));
      const down = Math.sqrt(sn * sn - up * up);
      const xt = mul(x, 1 / p.alpha(t));
      const d = mul(sub(xt, D), 1 / st);
      const next = add(xt, mul(d, down - st));
      return mul(up === 0 ? next : add(next, mul(z, sNoise * up)), an);
    },
  };
}
