/**
 * DPM-Solver singlestep (Lu et al. 2022, "DPM-Solver", Alg. 1–2, the ε form; LuChengTHU/dpm-solver
 * dpm_solver_pytorch.py `dpm_solver_first_update`, `singlestep_dpm_solver_second_update`,
 * `singlestep_dpm_solver_third_update`, solver_type 'dpmsolver') and DPM-Solver++(2S) (Lu et al.
 * 2022b, the data form) on any Gaussian path. Per step h = λ' − λ, intermediate times
 * s_j = λ⁻¹(λ + r_j h), ε̂ and D from the score (path-denoiser.ts):
 * - order 1:  x' = (α'/α)x − σ'·expm1(h)·ε̂   (= deterministic DDIM);
 * - order 2 (r₁ = ½):  u₁ = (α_{s1}/α)x − σ_{s1}expm1(r₁h)ε̂,
 *     x' = (α'/α)x − σ'expm1(h)ε̂ − (σ'/2r₁)expm1(h)(ε̂(u₁, s₁) − ε̂);
 * - order 3 (r₁ = ⅓, r₂ = ⅔):  u₂ = (α_{s2}/α)x − σ_{s2}expm1(r₂h)ε̂ − (r₂/r₁)σ_{s2}(expm1(r₂h)/(r₂h) − 1)(ε̂₁ − ε̂),
 *     x' = (α'/α)x − σ'expm1(h)ε̂ − (σ'/r₂)(expm1(h)/h − 1)(ε̂(u₂, s₂) − ε̂);
 * - ++(2S), r₁ = ½, φ = expm1(−h):  u₁ = (σ_{s1}/σ)x − α_{s1}expm1(−r₁h)D,
 *     x' = (σ'/σ)x − α'φD − (α'/2r₁)φ(D(u₁, s₁) − D).
 * A step to σ' = 0 (λ' = ∞) is x' = α'D (first order). Weak orders 1, 2, 3 and 2.
 */
import { libm } from '../numerics/libm/index.js';
import type { Tensor } from '../tensor/tensor.js';
import { mul, sub } from '../tensor/ops/elementwise.js';
import type { ScoreFn } from '../sde/types.js';
import type { Sde } from '../sde/sde.js';
import type { Stepper } from './stepper.js';
import { pathDenoiser } from './path-denoiser.js';

export type DpmSolverOrder = 1 | 2 | 3;

/** DPM-Solver-k, the ε form (k = 1, 2, 3). */
export function dpmSolver(sde: Sde, score: ScoreFn, order: DpmSolverOrder): Stepper {
  if (order !== 1 && order !== 2 && order !== 3) throw new RangeError(`dpm-solver: order must be 1, 2 or 3, got ${String(order)}`);
  const name = `dpm-solver-${order}`;
  const p = pathDenoiser(sde, score, name);
  const timeAt = (l: number): number => p.path.timeOfLogSnr(l);
  return {
    name,
    noiseDraws: 0,
    nfePerStep: order,
    step(x: Tensor, t: number, tn: number): Tensor {
      const an = p.alpha(tn);
      if (p.sigma(tn) === 0) return mul(p.denoise(x, t), an);
      const a = p.alpha(t);
      const sn = p.sigma(tn);
      const l = p.lambda(t);
      const h = p.lambda(tn) - l;
      const e = p.eps(x, t);
      const lin = sub(mul(x, an / a), mul(e, sn * libm.expm1(h)));
      if (order === 1) return lin;
      const r1 = order === 2 ? 0.5 : 1 / 3;
      const s1 = timeAt(l + r1 * h);
      const u1 = sub(mul(x, p.alpha(s1) / a), mul(e, p.sigma(s1) * libm.expm1(r1 * h)));
      const e1 = p.eps(u1, s1);
      if (order === 2) return sub(lin, mul(sub(e1, e), (sn / (2 * r1)) * libm.expm1(h)));
      const r2 = 2 / 3;
      const s2 = timeAt(l + r2 * h);
      const ss2 = p.sigma(s2);
      const phi22 = libm.expm1(r2 * h) / (r2 * h) - 1;
      const u2 = sub(sub(mul(x, p.alpha(s2) / a), mul(e, ss2 * libm.expm1(r2 * h))), mul(sub(e1, e), (r2 / r1) * ss2 * phi22));
      const e2 = p.eps(u2, s2);
      return sub(lin, mul(sub(e2, e), (sn / r2) * (libm.expm1(h) / h - 1)));
    },
  };
}

/** DPM-Solver++(2S), the data form with r₁ = ½. */
export function dpmSolverPp2s(sde: Sde, score: ScoreFn): Stepper {
  const p = pathDenoiser(sde, score, 'dpmpp-2s');
  const r1 = 0.5;
  return {
    name: 'dpmpp-2s',
    noiseDraws: 0,
    nfePerStep: 2,
    step(x: Tensor, t: number, tn: number): Tensor {
      const an = p.alpha(tn);
      const D = p.denoise(x, t);
      if (p.sigma(tn) === 0) return mul(D, an);
      const s = p.sigma(t);
      const l = p.lambda(t);
      const h = p.lambda(tn) - l;
      const s1 = p.path.timeOfLogSnr(l + r1 * h);
      const u1 = sub(mul(x, p.sigma(s1) / s), mul(D, p.alpha(s1) * libm.expm1(-r1 * h)));
      const D1 = p.denoise(u1, s1);
      const phi = libm.expm1(-h);
      return sub(sub(mul(x, p.sigma(tn) / s), mul(D, an * phi)), mul(sub(D1, D), (an / (2 * r1)) * phi));
    },
  };
}
