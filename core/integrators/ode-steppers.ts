/**
 * Fixed-step solvers of the probability-flow ODE dx/dt = f − ½GGᵀ∇log p_t (Song et al. 2021, eq. 13),
 * integrated along decreasing times: any explicit Runge–Kutta tableau (runge-kutta.ts) as a stepper;
 * the named methods are explicit Euler (order 1), Heun (2), the midpoint rule (2) and classical RK4 (4).
 * On a Gaussian path, a step into σ = 0 (a grid that ends on the data, as EDM's does) is an Euler
 * step, which evaluates the score at its start only: no trained model has a score at σ = 0
 * (Karras et al. 2022, Alg. 1 l. 6 and Alg. 2 l. 8; on EDM that step returns the denoiser).
 */
import type { Tensor } from '../tensor/tensor.js';
import type { ScoreFn } from '../sde/types.js';
import type { Sde } from '../sde/sde.js';
import { gaussianPathOf } from '../sde/path-sde.js';
import type { Stepper } from './stepper.js';
import { type ButcherTableau, EULER, HEUN, MIDPOINT, RK4, rkStep } from './runge-kutta.js';

/** The probability-flow vector field F(x, t). */
export const probabilityFlow = (sde: Sde, score: ScoreFn) => (x: Tensor, t: number): Tensor => sde.reverseDrift(x, t, score, true);

export const ODE_METHODS = { euler: EULER, heun: HEUN, midpoint: MIDPOINT, rk4: RK4 } as const satisfies Record<string, ButcherTableau>;
export type OdeMethod = keyof typeof ODE_METHODS;

/** A fixed-step Runge–Kutta stepper for the vector field F. */
export function rkStepper(F: (x: Tensor, t: number) => Tensor, tab: ButcherTableau, name = `ode-${tab.name}`): Stepper {
  return { name, noiseDraws: 0, nfePerStep: tab.c.length, step: (x, t, tn) => rkStep(F, tab, x, t, tn - t, tn).x };
}

/** The probability-flow ODE stepper of a named method or a tableau. */
export function odeStepper(sde: Sde, score: ScoreFn, method: OdeMethod | ButcherTableau): Stepper {
  if (typeof method === 'string' && !Object.hasOwn(ODE_METHODS, method)) {
    throw new RangeError(`unknown ODE method '${String(method)}' (${Object.keys(ODE_METHODS).join(', ')})`);
  }
  const tab = typeof method === 'string' ? ODE_METHODS[method] : method;
  const F = probabilityFlow(sde, score);
  const inner = rkStepper(F, tab);
  const path = gaussianPathOf(sde);
  if (!path || tab.c.length === 1) return inner;
  const toData = (tn: number): boolean => path.sigma(tn) === 0;
  return {
    ...inner,
    nfeOf: (_t, tn) => (toData(tn) ? 1 : tab.c.length),
    step: (x, t, tn) => (toData(tn) ? rkStep(F, EULER, x, t, tn - t, tn).x : inner.step(x, t, tn, [])),
  };
}
