/**
 * Scalar linear SDEs dx = f(t)·x dt + g(t) dW (Song et al. 2021, section 3.4 and appendix B) with the
 * defaults of score_sde:
 * - VE (variance exploding, SMLD): σ(t) = σ_min (σ_max/σ_min)^t, f = 0, g = σ(t)·√(2 log(σ_max/σ_min)).
 *   Marginal std σ(t) (score_sde's convention; the exact value is √(σ(t)² − σ_min²): stated here on purpose).
 *   Defaults σ_min = 0.01, σ_max = 50 (CIFAR-10). Prior N(0, σ_max² I).
 * - VP (DDPM): β(t) = β_min + t(β_max − β_min), f = −½β(t), g = √β(t); mean coefficient e^{−½∫β},
 *   std √(1 − e^{−∫β}). Defaults β_min = 0.1, β_max = 20. Prior N(0, I).
 * - sub-VP: f = −½β(t), g = √(β(t)(1 − e^{−2∫β})); std 1 − e^{−∫β} (its variance is the square). Prior N(0, I).
 * Discretisations for the ancestral / reverse-diffusion samplers follow score_sde's `discretize`:
 * VP: β_i = (β_min + i(β_max − β_min)/(N−1))/N, x_{i+1} = √(1−β_i)x_i + √β_i z; VE: σ_i geometric,
 * increments √(σ_i² − σ_{i−1}²).
 */
import { libm } from '../numerics/libm/index.js';
import * as E from 'fp-ts/lib/Either.js';
import type { PRNGKey } from '../random/key.js';
import { normal } from '../random/distributions.js';
import type { Tensor } from '../tensor/tensor.js';
import { add, exp, expm1, mul, neg, sqrt, sub, square } from '../tensor/ops/elementwise.js';
import { sum } from '../tensor/ops/reduce.js';
import type { ScoreFn, SdeBase, PriorOptions } from './types.js';

export interface ScalarLinearSde extends SdeBase {
  readonly kind: 've' | 'vp' | 'subvp';
  /** Drift coefficient f(t) in f(x, t) = f(t)·x. */
  f(t: number): number;
  g(t: number): number;
  /** x_t | x_0 ~ N(meanCoef(t)·x_0, std(t)² I). */
  meanCoef(t: number): number;
  std(t: number): number;
  /** s(t) for a tensor of per-sample times, on the device (for noise-conditional output scaling). */
  stdOf(t: Tensor): Tensor;
  /** Prior std: p_T = N(0, priorStd² I). */
  readonly priorStd: number;
  /**
   * One step of the discrete Markov chain of the SMLD/DDPM discretisation with N steps, at index i
   * (time t = i/(N−1)·T): x_{i+1} = x_i + f_i(x_i) + G_i z, returned as host coefficients
   * { a, G } with f_i(x) = a·x.
   */
  discretize(i: number, N: number): { readonly a: number; readonly G: number };
}

function errorsOrThrow<A>(what: string, r: E.Either<string[], A>): A {
  if (E.isLeft(r)) throw new RangeError(`${what}: ${r.left.join('; ')}`);
  return r.right;
}

const pos = (v: unknown, name: string, errs: string[]): void => {
  if (typeof v !== 'number' || !(v > 0) || !Number.isFinite(v)) errs.push(`${name} must be a finite number > 0, got ${String(v)}`);
};

function gaussianPriorLogp(x: Tensor, std: number): Tensor {
  const d = x.shape[x.rank - 1];
  return sub(mul(sum(square(x), -1), -0.5 / (std * std)), (d / 2) * libm.log(2 * Math.PI * std * std));
}

function common(kind: ScalarLinearSde['kind'], T: number, priorStd: number, f: (t: number) => number, g: (t: number) => number) {
  return {
    kind,
    T,
    priorStd,
    stateDim: (d: number) => d,
    drift: (x: Tensor, t: number) => mul(x, f(t)),
    diffusion: g,
    applyDiffusion: (z: Tensor, t: number) => mul(z, g(t)),
    reverseDrift(x: Tensor, t: number, score: ScoreFn, probabilityFlow: boolean): Tensor {
      const gg = g(t) ** 2 * (probabilityFlow ? 0.5 : 1);
      return sub(mul(x, f(t)), mul(score(x, t), gg));
    },
    priorSample: (k: PRNGKey, n: number, d: number, opts: PriorOptions = {}) =>
      normal(k, [n, d], { backend: opts.backend, dtype: opts.dtype, scale: priorStd, offset: (opts.rowOffset ?? 0) * d }),
    priorLogp: (x: Tensor) => gaussianPriorLogp(x, priorStd),
  };
}

export interface VeConfig {
  readonly sigmaMin?: number;
  readonly sigmaMax?: number;
  readonly T?: number;
}

export function veSde(cfg: VeConfig = {}): ScalarLinearSde {
  const sigmaMin = cfg.sigmaMin ?? 0.01;
  const sigmaMax = cfg.sigmaMax ?? 50;
  const T = cfg.T ?? 1;
  const r = ((): E.Either<string[], null> => {
    const errs: string[] = [];
    pos(sigmaMin, 'sigmaMin', errs);
    pos(sigmaMax, 'sigmaMax', errs);
    pos(T, 'T', errs);
    if (!errs.length && !(sigmaMax > sigmaMin)) errs.push(`sigmaMax (${sigmaMax}) must exceed sigmaMin (${sigmaMin})`);
    return errs.length ? E.left(errs) : E.right(null);
  })();
  errorsOrThrow('VE-SDE', r);
  const logRatio = libm.log(sigmaMax / sigmaMin);
  const sigma = (t: number): number => sigmaMin * libm.exp((logRatio * t) / T);
  const g = (t: number): number => sigma(t) * Math.sqrt((2 * logRatio) / T);
  return {
    ...common('ve', T, sigmaMax, () => 0, g),
    config: { sigmaMin, sigmaMax, T },
    f: () => 0,
    g,
    meanCoef: () => 1,
    std: sigma,
    stdOf: (t: Tensor) => mul(exp(mul(t, logRatio / T)), sigmaMin),
    discretize(i: number, N: number) {
      const s = (j: number): number => sigmaMin * libm.pow(sigmaMax / sigmaMin, j / (N - 1));
      return { a: 0, G: i === 0 ? 0 : Math.sqrt(s(i) ** 2 - s(i - 1) ** 2) };
    },
  };
}

export interface VpConfig {
  readonly betaMin?: number;
  readonly betaMax?: number;
  readonly T?: number;
}

function vpCommon(kind: 'vp' | 'subvp', cfg: VpConfig): ScalarLinearSde {
  const betaMin = cfg.betaMin ?? 0.1;
  const betaMax = cfg.betaMax ?? 20;
  const T = cfg.T ?? 1;
  const errs: string[] = [];
  pos(betaMin, 'betaMin', errs);
  pos(betaMax, 'betaMax', errs);
  pos(T, 'T', errs);
  if (!errs.length && betaMax < betaMin) errs.push(`betaMax (${betaMax}) must be ≥ betaMin (${betaMin})`);
  errorsOrThrow(kind === 'vp' ? 'VP-SDE' : 'sub-VP SDE', errs.length ? E.left(errs) : E.right(null));
  const beta = (t: number): number => betaMin + ((betaMax - betaMin) * t) / T;
  /** ∫₀ᵗ β(s) ds */
  const B = (t: number): number => betaMin * t + (0.5 * (betaMax - betaMin) * t * t) / T;
  const f = (t: number): number => -0.5 * beta(t);
  const g = kind === 'vp' ? (t: number) => Math.sqrt(beta(t)) : (t: number) => Math.sqrt(beta(t) * -libm.expm1(-2 * B(t)));
  return {
    ...common(kind, T, 1, f, g),
    config: { betaMin, betaMax, T },
    f,
    g,
    meanCoef: (t) => libm.exp(-0.5 * B(t)),
    stdOf(t: Tensor): Tensor {
      const Bt = add(mul(t, betaMin), mul(square(t), (0.5 * (betaMax - betaMin)) / T));
      const v = neg(expm1(neg(Bt)));
      return kind === 'vp' ? sqrt(v) : v;
    },
    std: kind === 'vp' ? (t) => Math.sqrt(-libm.expm1(-B(t))) : (t) => -libm.expm1(-B(t)),
    discretize(i: number, N: number) {
      if (kind === 'subvp') throw new Error('sub-VP SDE: no DDPM-style discretisation (score_sde has none either); use Euler–Maruyama');
      if (!(Number.isInteger(N) && N >= 2 && Number.isInteger(i) && i >= 0 && i < N)) throw new RangeError(`VP-SDE discretisation: level ${i} of N = ${N} (N an integer ≥ 2, 0 ≤ i < N)`);
      // β_{N−1} = β_max/N in exact arithmetic: N ≥ β_max is allowed though the rounded sum may exceed 1 by an ulp
      const raw = (betaMin + (i * (betaMax - betaMin)) / (N - 1)) / N;
      if (!(N >= betaMax)) throw new RangeError(`VP-SDE discretised with N = ${N} levels: β_${N - 1} = β_max/N = ${betaMax / N} exceeds 1 (√(1 − β) is undefined); use N ≥ ${Math.ceil(betaMax)} (N ≥ β_max = ${betaMax})`);
      const b = Math.min(raw, 1);
      return { a: Math.sqrt(1 - b) - 1, G: Math.sqrt(b) };
    },
  };
}

export const vpSde = (cfg: VpConfig = {}): ScalarLinearSde => vpCommon('vp', cfg);
export const subVpSde = (cfg: VpConfig = {}): ScalarLinearSde => vpCommon('subvp', cfg);
