/**
 * Linear multistep in σ̃ (k-diffusion sampling.py `sample_lms`, `linear_multistep_coeff`):
 * x̃' = x̃ + Σ_j c_j d_{i−j}, d = (x̃ − D)/σ̃ = ε̂, c_j = ∫_{σ̃}^{σ̃'} ℓ_j(u) du with the Lagrange basis in
 * σ̃ on σ̃_i … σ̃_{i−k+1}, k = min(i + 1, order) (order 4: the reference's default). The integrand is
 * a polynomial of degree k − 1, so 4-point Gauss–Legendre is exact (the reference uses scipy's
 * quad). Like the reference it integrates to σ̃' = 0 too. Order 4.
 */
import { add, mul } from '../tensor/ops/elementwise.js';
import type { Tensor } from '../tensor/tensor.js';
import type { ScoreFn } from '../sde/types.js';
import type { Sde } from '../sde/sde.js';
import { type MultistepStepper, pushPast } from './stepper.js';
import { integrateGl, lagrange, memoCoefs, orderPlan } from './multistep-common.js';
import { pathDenoiser } from './path-denoiser.js';

export function lms(sde: Sde, score: ScoreFn, o: { readonly steps: number; readonly order?: number }): MultistepStepper {
  const order = o.order ?? 4;
  if (!Number.isInteger(order) || order < 1 || order > 4) throw new RangeError(`lms: order must be an integer from 1 to 4, got ${order}`);
  const { path, eps, sigmaTilde } = pathDenoiser(sde, score, 'lms');
  const coefs = memoCoefs((times, t1) => {
    const nodes = times.map((t) => sigmaTilde(t));
    return nodes.map((_, j) => integrateGl((u) => lagrange(nodes, j, u), nodes[0], sigmaTilde(t1), 4));
  });
  const orderAt = orderPlan(order, o.steps, false);
  return {
    kind: 'multistep', name: 'lms', noiseDraws: 0, nfePerStep: 1, memory: order - 1, orderAt,
    step(s, t, t1) {
      const e = eps(s.x, t);
      const k = Math.min(orderAt(s.index), s.past.length + 1);
      const c = coefs([t, ...s.past.slice(0, k - 1).map((p) => p.t)], t1);
      const a1 = path.alpha(t1);
      let x: Tensor = mul(s.x, a1 / path.alpha(t));
      [e, ...s.past.slice(0, k - 1).map((p) => p.value)].forEach((v, j) => { x = add(x, mul(v, a1 * c[j])); });
      return { x, past: pushPast(s.past, { t, value: e }, order - 1), index: s.index + 1 };
    },
  };
}
