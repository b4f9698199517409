/**
 * EDM's stochastic Heun sampler (Karras et al. 2022, Alg. 2; NVlabs/edm generate.py `edm_sampler`,
 * k-diffusion `sample_heun`) on any Gaussian path, in x̃ = x/α and σ̃ = σ/α (EDM Alg. 1's scaling
 * s(t) = α, so D is evaluated at α(t̂)x̂ and the time t̂ with σ̃(t̂) = σ̂). With N grid steps:
 *   γ = min(S_churn/N, √2 − 1) if S_tmin ≤ σ̃ ≤ S_tmax, else 0;   σ̂ = σ̃(1 + γ);
 *   x̂ = x̃ + S_noise √(σ̂² − σ̃²) z   (a normal is drawn every step, also when γ = 0);
 *   d = (x̂ − D(x̂, σ̂))/σ̂,  x̃' = x̂ + (σ̃' − σ̂)d;
 *   if σ̃' ≠ 0: d' = (x̃' − D(x̃', σ̃'))/σ̃',  x̃' = x̂ + (σ̃' − σ̂)(d + d')/2;   x' = α'x̃'.
 * A step to σ' = 0 is the Euler step, x' = α'D(x̂, σ̂) (NFE 2N − 1 on a grid ending at 0). Churn = 0
 * is the deterministic Heun method in σ̃, weak order 2.
 */
import type { Tensor } from '../tensor/tensor.js';
import { add, mul, sub } from '../tensor/ops/elementwise.js';
import type { ScoreFn } from '../sde/types.js';
import type { Sde } from '../sde/sde.js';
import type { Stepper } from './stepper.js';
import { checkOption, pathDenoiser } from './path-denoiser.js';

export interface EdmHeunOptions {
  /** Steps of the grid N (γ = S_churn/N). */
  readonly steps: number;
  /** S_churn ≥ 0 (default 0: deterministic). */
  readonly sChurn?: number;
  /** Churn applies where S_tmin ≤ σ̃ ≤ S_tmax (defaults 0 and ∞). */
  readonly sTmin?: number;
  readonly sTmax?: number;
  /** S_noise > 0 (default 1). */
  readonly sNoise?: number;
}

export function edmHeun(sde: Sde, score: ScoreFn, o: EdmHeunOptions): Stepper {
  const who = 'edm-heun';
  const churn = checkOption(who, 'sChurn (S_churn)', o.sChurn ?? 0);
  const tMin = checkOption(who, 'sTmin (S_tmin)', o.sTmin ?? 0);
  const tMax = o.sTmax ?? Infinity;
  if (!(tMax >= 0)) throw new RangeError(`${who}: sTmax (S_tmax) must be a number ≥ 0 (∞ allowed), got ${String(tMax)}`);
  if (tMin > tMax) throw new RangeError(`${who}: sTmin (${tMin}) must not exceed sTmax (${tMax})`);
  const sNoise = checkOption(who, 'sNoise (S_noise)', o.sNoise ?? 1, true);
  if (!Number.isInteger(o.steps) || o.steps < 1) throw new RangeError(`${who}: steps must be a positive integer, got ${o.steps}`);
  const gammaMax = Math.min(churn / o.steps, Math.SQRT2 - 1);
  const p = pathDenoiser(sde, score, who);
  const dOf = (xt: Tensor, s: number, t: number): Tensor => mul(sub(xt, p.denoise(mul(xt, p.alpha(t)), t)), 1 / s);
  return {
    name: who,
    noiseDraws: 1,
    nfePerStep: 2,
    step(x: Tensor, t: number, tn: number, [z]: readonly Tensor[]): Tensor {
      const st = p.sigmaTilde(t);
      const gamma = st >= tMin && st <= tMax ? gammaMax : 0;
      const sh = gamma > 0 ? st * (1 + gamma) : st;
      const th = gamma > 0 ? p.timeOfSigmaTilde(sh) : t;
      let xh = mul(x, 1 / p.alpha(t));
      if (gamma > 0) xh = add(xh, mul(z, sNoise * Math.sqrt(sh * sh - st * st)));
      const an = p.alpha(tn);
      if (p.sigma(tn) === 0) return mul(p.denoise(mul(xh, p.alpha(th)), th), an);
      const sn = p.sigmaTilde(tn);
      const d = dOf(xh, sh, th);
      const xe = add(xh, mul(d, sn - sh));
      const d2 = dOf(xe, sn, tn);
      return mul(add(xh, mul(add(d, d2), 0.5 * (sn - sh))), an);
    },
  };
}
