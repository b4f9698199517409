/**
 * Exponential Adams–Bashforth in ε̂ on a Gaussian path (Zhang & Chen 2023, "Fast sampling of
 * diffusion models with exponential integrator", eqs. 14–15 and the iPNDM of App. D; qsh-zh/deis
 * th_deis/multistep.py `get_ab_eps_coef`, sampler.py `get_sampler_t_ab`, `get_sampler_ipndm`).
 * With x̃ = x/α and σ̃ = σ/α the probability-flow ODE is dx̃/dσ̃ = ε̂, so
 *   x' = (α'/α)x + Σ_{j≤k} C_j ε̂_{i−j},
 * - tAB-r: C_j = α' ∫_{σ̃}^{σ̃'} ℓ_j(τ(u)) du, ℓ_j the Lagrange basis in t on t_i … t_{i−k},
 *   k = min(i, r), τ(u) the time with σ̃ = u. The integral is taken in u = σ̃, where the integrand is
 *   smooth (t ∝ σ̃² near the data on VP), by 24-point Gauss–Legendre (the reference takes a
 *   10 000-point Riemann sum in t, within about 1e-4). r = 0 is DDIM; order r + 1.
 * - iPNDM: C_j = α'(σ̃' − σ̃)·w_j with the fixed Adams–Bashforth weights of the k + 1 ≤ 4 outputs held:
 *   [1], [3, −1]/2, [23, −16, 5]/12, [55, −59, 37, −9]/24 (exact for steps uniform in σ̃).
 * A step to σ' = 0 is x' = α'D. One model evaluation per step.
 */
import { libm } from '../numerics/libm/index.js';
import { add, mul } from '../tensor/ops/elementwise.js';
import type { Tensor } from '../tensor/tensor.js';
import type { ScoreFn } from '../sde/types.js';
import type { Sde } from '../sde/sde.js';
import { convertPrediction } from '../sde/parameterisation.js';
import { type MultistepState, type MultistepStepper, pushPast } from './stepper.js';
import { checkOrder, integrateGl, lagrange, memoCoefs, orderPlan } from './multistep-common.js';
import { pathDenoiser, type PathDenoiser } from './path-denoiser.js';

/** x' = (α'/α)x + Σ_j c_j ε̂_j, or α'D to σ' = 0, with the past ε̂ kept. */
function epsMultistep(
  { path, eps }: PathDenoiser, name: string, memory: number, orderAt: (i: number) => number,
  coefs: (times: readonly number[], t1: number) => readonly number[],
): MultistepStepper {
  return {
    kind: 'multistep', name, noiseDraws: 0, nfePerStep: 1, memory, orderAt,
    step(s: MultistepState, t, t1) {
      const e = eps(s.x, t);
      const past = pushPast(s.past, { t, value: e }, memory);
      const a1 = path.alpha(t1);
      if (path.sigma(t1) === 0) return { x: mul(convertPrediction(path, 'eps', 'x0', t, s.x, e), a1), past, index: s.index + 1 };
      const k = Math.min(orderAt(s.index), s.past.length + 1);
      const all = [e, ...s.past.slice(0, k - 1).map((p) => p.value)];
      const c = coefs([t, ...s.past.slice(0, k - 1).map((p) => p.t)], t1);
      let x: Tensor = mul(s.x, a1 / path.alpha(t));
      all.forEach((v, j) => { x = add(x, mul(v, a1 * c[j])); });
      return { x, past, index: s.index + 1 };
    },
  };
}

export interface DeisOptions {
  /** r: the past ε̂ the Adams–Bashforth step uses, 1–3 (order r + 1; default 3). */
  readonly order?: number;
  readonly steps: number;
}

/** DEIS tAB-r (Lagrange basis in t, integrated exactly in σ̃). */
export function deisTab(sde: Sde, score: ScoreFn, o: DeisOptions): MultistepStepper {
  const r = o.order ?? 3;
  const name = `deis-tab${r}`;
  checkOrder('deis', r, 3, o.steps);
  const p = pathDenoiser(sde, score, name);
  const timeOf = (u: number) => p.path.timeOfLogSnr(-libm.log(u));
  const coefs = memoCoefs((times, t1) => times.map((_, j) =>
    integrateGl((u) => lagrange(times, j, timeOf(u)), p.sigmaTilde(times[0]), p.sigmaTilde(t1), 24)));
  return epsMultistep(p, name, r, orderPlan(r + 1, o.steps, false), coefs);
}

const AB: readonly (readonly number[])[] = [[1], [3 / 2, -1 / 2], [23 / 12, -16 / 12, 5 / 12], [55 / 24, -59 / 24, 37 / 24, -9 / 24]];

/** iPNDM: fixed fourth-order Adams–Bashforth weights on the steps in σ̃. */
export function ipndm(sde: Sde, score: ScoreFn, o: { readonly steps: number }): MultistepStepper {
  const p = pathDenoiser(sde, score, 'ipndm');
  return epsMultistep(p, 'ipndm', 3, orderPlan(4, o.steps, false), (times, t1) => {
    const dst = p.sigmaTilde(t1) - p.sigmaTilde(times[0]);
    return AB[times.length - 1].map((w) => w * dst);
  });
}

