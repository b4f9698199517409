/**
 * Stochastic Runge–Kutta methods for additive noise, dy = b(y, τ)dτ + G(τ)dW, as two-stage tableaux
 * (Rößler 2010, "Runge–Kutta methods for the strong approximation of solutions of stochastic
 * differential equations", SRA1; Foster, dos Reis & Strange 2023, ShARK; diffrax's sra1.py and
 * shark.py). With the step's increment W and space-time Lévy area H (brownian-noise.ts), h the step:
 *   z_s = y + h·a_s·b(z_1, τ) [s = 2] + G(τ)(p_s W + q_s H),   stage s at τ + c_s h,
 *   y'  = y + h Σ_s w_s b(z_s, τ + c_s h) + G(τ)W + ½(G(τ + h) − G(τ))(W − 2H),
 * strong order 1.5 (W, H exact; two drift, i.e. score, evaluations per step). The reverse SDE of any
 * SDE here has additive noise: in solver time τ (t = T − τ), b = −f̄(x, t) (the reverse drift) and
 * G = G(t), CLD's noise on the velocity included. Draw 0 is W/√h and draw 1 is H/√(h/12); the
 * default per-step stream gives them their exact joint law, a Brownian path also refinements of one path.
 */
import type { Tensor } from '../tensor/tensor.js';
import { linearCombination } from '../tensor/ops/fused.js';
import { sub } from '../tensor/ops/elementwise.js';
import type { ScoreFn } from '../sde/types.js';
import type { Sde } from '../sde/sde.js';
import type { Stepper } from './stepper.js';

/** A two-stage additive-noise tableau: stage s at c[s] with noise p[s]W + q[s]H; stage 2 adds a21·h·b₁. */
export interface SraTableau {
  readonly name: string;
  readonly c: readonly [number, number];
  readonly a21: number;
  readonly p: readonly [number, number];
  readonly q: readonly [number, number];
  readonly w: readonly [number, number];
  readonly strongOrder: number;
}

/** Rößler's SRA1. */
export const SRA1: SraTableau = { name: 'sra1', c: [0, 3 / 4], a21: 3 / 4, p: [0, 3 / 4], q: [0, 3 / 2], w: [1 / 3, 2 / 3], strongOrder: 1.5 };
/** Foster–dos Reis–Strange ShARK: its first stage is shifted by G·H. */
export const SHARK: SraTableau = { name: 'shark', c: [0, 5 / 6], a21: 5 / 6, p: [0, 5 / 6], q: [1, 1], w: [2 / 5, 3 / 5], strongOrder: 1.5 };

/**
 * An additive-noise tableau as a stepper of dx = F(x, t)dt + G(t)dW along the grid's own direction:
 * h = tNext − t may be negative (reverse time, the reverse SDE's drift F = f̄), and the noise scales
 * with |h|.
 */
export function additiveSraStepper(F: (x: Tensor, t: number) => Tensor, G: (z: Tensor, t: number) => Tensor, tab: SraTableau): Stepper {
  return {
    name: tab.name,
    noiseDraws: 2,
    nfePerStep: 2,
    step(x, t, tNext, [zw, zh]) {
      const h = tNext - t;
      const rw = Math.sqrt(Math.abs(h));
      const rh = Math.sqrt(Math.abs(h) / 12);
      // stage noise G(t)(p_s W + q_s H)
      const stageNoise = (s: 0 | 1): Tensor | null => (tab.p[s] === 0 && tab.q[s] === 0 ? null : G(linearCombination([zw, zh], [tab.p[s] * rw, tab.q[s] * rh]), t));
      const n1 = stageNoise(0);
      const d1 = F(n1 ? linearCombination([x, n1], [1, 1]) : x, t);
      const d2 = F(linearCombination([x, d1, stageNoise(1)!], [1, tab.a21 * h, 1]), t + tab.c[1] * h);
      const wh = linearCombination([zw, zh], [rw, -2 * rh]);
      return linearCombination([x, d1, d2, G(zw, t), sub(G(wh, tNext), G(wh, t))], [1, h * tab.w[0], h * tab.w[1], rw, 0.5]);
    },
  };
}

/** SRA1 / ShARK on the reverse SDE of `sde` (tNext < t). */
export function sraStepper(sde: Sde, score: ScoreFn, tab: SraTableau): Stepper {
  return additiveSraStepper((x, t) => sde.reverseDrift(x, t, score, false), (z, t) => sde.applyDiffusion(z, t), tab);
}
