/**
 * Fixed-step solvers of the probability-flow ODE dx/dt = f − ½GGᵀ∇log p_t (Song et al. 2021, eq. 13),
 * integrated along decreasing times: explicit Euler (order 1), Heun (2), classical RK4 (4).
 */
import type { Tensor } from '../tensor/tensor.js';
import { add, mul } from '../tensor/ops/elementwise.js';
import type { ScoreFn, Sde } from '../sde/types.js';
import type { Stepper } from './stepper.js';

/** The probability-flow vector field F(x, t). */
export const probabilityFlow = (sde: Sde, score: ScoreFn) => (x: Tensor, t: number): Tensor => sde.reverseDrift(x, t, score, true);

export type OdeMethod = 'euler' | 'heun' | 'rk4';

export function odeStepper(sde: Sde, score: ScoreFn, method: OdeMethod): Stepper {
  const F = probabilityFlow(sde, score);
  switch (method) {
    case 'euler':
      return { name: 'ode-euler', noiseDraws: 0, nfePerStep: 1, step: (x, t, tn) => add(x, mul(F(x, t), tn - t)) };
    case 'heun':
      return {
        name: 'ode-heun', noiseDraws: 0, nfePerStep: 2,
        step(x, t, tn) {
          const h = tn - t;
          const k1 = F(x, t);
          const k2 = F(add(x, mul(k1, h)), tn);
          return add(x, mul(add(k1, k2), h / 2));
        },
      };
    case 'rk4':
      return {
        name: 'ode-rk4', noiseDraws: 0, nfePerStep: 4,
        step(x, t, tn) {
          const h = tn - t;
          const k1 = F(x, t);
          const k2 = F(add(x, mul(k1, h / 2)), t + h / 2);
          const k3 = F(add(x, mul(k2, h / 2)), t + h / 2);
          const k4 = F(add(x, mul(k3, h)), tn);
          return add(x, mul(add(add(k1, mul(add(k2, k3), 2)), k4), h / 6));
        },
      };
    default:
      throw new RangeError(`unknown ODE method '${String(method)}' (euler, heun, rk4)`);
  }
}
