/**
 * Heun-type solvers for additive noise, dx = F(x, t)dt + G(t)dW, with one increment ΔW = √|h| z per
 * step (h = tNext − t; negative along a reverse-time grid, where F is the reverse drift f̄). The reverse
 * SDE of every SDE here has additive noise (CLD's on the velocity):
 *
 * - stochastic Heun (diffrax heun.py; Kloeden & Platen 1992, §15.1, the simplified weak order 2
 *   scheme for additive noise): predictor x̄ = x + hF(x, t) + G(t)ΔW (Euler–Maruyama), then the
 *   trapezoid in drift and diffusion with the same increment,
 *     x' = x + ½h(F(x, t) + F(x̄, tNext)) + ½(G(t) + G(tNext))ΔW;
 *   two score evaluations per step, strong order 1 on additive noise.
 *
 * - Reversible Heun (Kidger, Foster, Li & Lyons 2021, "Efficient and accurate gradients for neural
 *   SDEs", Alg. 1; diffrax reversible_heun.py): the state carries an auxiliary ŷ and f(ŷ),
 *     ŷ' = 2y − ŷ + hF(ŷ, t) + G(t)ΔW,
 *     y'  = y + ½h(F(ŷ, t) + F(ŷ', tNext)) + ½(G(t) + G(tNext))ΔW,
 *   started at ŷ = y; one score evaluation per step (two on the first), algebraically reversible,
 *   strong order 1 on additive noise (0.5 in general).
 *
 * Reversible Heun is a MultistepStepper (stepper.ts): its state is y with past = [F(ŷ), ŷ], both at
 * the step's time. Carrying ŷ as extra columns of x would change the state's shape, so the noise
 * (drawn in x's shape), the prior draw, row chunks and the final denoise would all see the auxiliary
 * columns; as past values it stays beside x, is sliced with x's rows, and the exact weak-order tool
 * propagates the stacked (y, F(ŷ), ŷ), which is affine in y on Gaussian data.
 */
import type { Tensor } from '../tensor/tensor.js';
import { linearCombination } from '../tensor/ops/fused.js';
import type { ScoreFn } from '../sde/types.js';
import type { Sde } from '../sde/sde.js';
import type { MultistepState, MultistepStepper, Stepper } from './stepper.js';

type Drift = (x: Tensor, t: number) => Tensor;
/** G applied to a draw z at time t; `at` is the point it is evaluated at (unused by additive noise). */
type Diffusion = (z: Tensor, t: number, at: Tensor) => Tensor;

/** Stochastic Heun for dx = F dt + G(t)dW along the grid's direction. */
export function additiveHeunStepper(F: Drift, G: (z: Tensor, t: number) => Tensor): Stepper {
  return {
    name: 'stochastic-heun',
    noiseDraws: 1,
    nfePerStep: 2,
    step(x, t, tNext, [z]) {
      const h = tNext - t;
      const rw = Math.sqrt(Math.abs(h));
      const d1 = F(x, t);
      const n0 = G(z, t);
      const n1 = G(z, tNext);
      const d2 = F(linearCombination([x, d1, n0], [1, h, rw]), tNext);
      return linearCombination([x, d1, d2, n0, n1], [1, h / 2, h / 2, rw / 2, rw / 2]);
    },
  };
}

/**
 * Reversible Heun for dx = F dt + G dW along the grid's direction; the state's past is [F(ŷ), ŷ] at
 * t. G may depend on the state (a Stratonovich SDE: G(ŷ) and G(ŷ') in the trapezoid, as in diffrax).
 */
export function reversibleHeunStepper(F: Drift, G: Diffusion): MultistepStepper {
  return {
    kind: 'multistep',
    name: 'reversible-heun',
    noiseDraws: 1,
    nfePerStep: 1,
    nfeAt: (index) => (index === 0 ? 2 : 1),
    memory: 2,
    orderAt: () => 1,
    step(s: MultistepState, t, tNext, [z]) {
      const h = tNext - t;
      const rw = Math.sqrt(Math.abs(h));
      const start = s.past.length < 2;
      const yHat = start ? s.x : s.past[1].value;
      const f0 = start ? F(s.x, t) : s.past[0].value;
      const n0 = G(z, t, yHat);
      const yHatNext = linearCombination([s.x, yHat, f0, n0], [2, -1, h, rw]);
      const f1 = F(yHatNext, tNext);
      const n1 = G(z, tNext, yHatNext);
      const y = linearCombination([s.x, f0, f1, n0, n1], [1, h / 2, h / 2, rw / 2, rw / 2]);
      return { x: y, past: [{ t: tNext, value: f1 }, { t: tNext, value: yHatNext }], index: s.index + 1 };
    },
  };
}

const reverseDriftOf = (sde: Sde, score: ScoreFn): Drift => (x, t) => sde.reverseDrift(x, t, score, false);
const diffusionOf = (sde: Sde) => (z: Tensor, t: number): Tensor => sde.applyDiffusion(z, t);

/** Stochastic Heun on the reverse SDE of `sde` (tNext < t). */
export function stochasticHeun(sde: Sde, score: ScoreFn): Stepper {
  return additiveHeunStepper(reverseDriftOf(sde, score), diffusionOf(sde));
}

/** Reversible Heun on the reverse SDE of `sde` (tNext < t). */
export function reversibleHeun(sde: Sde, score: ScoreFn): MultistepStepper {
  return reversibleHeunStepper(reverseDriftOf(sde, score), diffusionOf(sde));
}
