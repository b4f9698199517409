/**
 * Reverse-time SDE steppers (Song et al. 2021, section 4 and appendix G; score_sde's `sampling.py`):
 * - Euler–Maruyama: x ← x − h·[f − GGᵀs](x, t) + √h·G(t)z, for any SDE of the library (CLD included);
 * - reverse diffusion (eq. 46): x ← x − [f_i − G_i²s] + G_i z with the SDE's discretisation;
 * - ancestral sampling: DDPM for VP (x ← (x + β_i s)/√(1 − β_i) + √β_i z) and SMLD for VE
 *   (x ← x + (σ_i² − σ_{i−1}²)s + √(σ_{i−1}²(σ_i² − σ_{i−1}²)/σ_i²) z);
 * - Langevin corrector (Algorithm 5): step ε = 2α(snr·‖z‖/‖s‖)², norms averaged over the batch and
 *   computed on the device (no readback), α = 1 − β_i for VP and 1 otherwise;
 * - predictor–corrector: the corrector at t, then the predictor from t to tNext (score_sde's order).
 * Discrete indices are i = round(t(N − 1)/T), which avoids score_sde's off-by-one from truncation.
 */
import type { Tensor } from '../tensor/tensor.js';
import { add, div, mul, sqrt, square } from '../tensor/ops/elementwise.js';
import { mean, sum } from '../tensor/ops/reduce.js';
import { linearCombination } from '../tensor/ops/fused.js';
import type { ScoreFn } from '../sde/types.js';
import { type Sde, unknownSde } from '../sde/sde.js';
import type { ScalarLinearSde } from '../sde/linear.js';
import type { Stepper } from './stepper.js';

export function eulerMaruyama(sde: Sde, score: ScoreFn): Stepper {
  return {
    name: 'euler-maruyama',
    noiseDraws: 1,
    nfePerStep: 1,
    step(x, t, tNext, [z]) {
      const h = t - tNext;
      // x − f̄(x, t)·h + G(t)z·√|h|, one fused pass where the backend has it
      return linearCombination([x, sde.reverseDrift(x, t, score, false), sde.applyDiffusion(z, t)], [1, -h, Math.sqrt(Math.abs(h))]);
    },
  };
}

function requireLinear(sde: Sde, what: string): ScalarLinearSde {
  switch (sde.kind) {
    case 've': case 'vp': case 'subvp': return sde;
    case 'cld': throw new RangeError(`${what} is defined for VE/VP/sub-VP SDEs, not for CLD (use euler-maruyama or sscs)`);
    case 'edm': case 'vp-cosine': case 'rf': case 'vp-logsnr': throw new RangeError(`${what} is defined for VE/VP/sub-VP SDEs, not for the ${sde.kind} path (use euler-maruyama or an ODE solver)`);
    default: return unknownSde(sde);
  }
}

function checkN(N: number, what: string): void {
  if (!Number.isInteger(N) || N < 2) throw new RangeError(`${what}: the number of discretisation levels N must be an integer ≥ 2, got ${N}`);
}

const indexOf = (sde: Sde, t: number, N: number): number => Math.round((t * (N - 1)) / sde.T);

/** score_sde's ReverseDiffusionPredictor with N discretisation levels. */
export function reverseDiffusion(sde: Sde, score: ScoreFn, N: number): Stepper {
  const lin = requireLinear(sde, 'reverse diffusion');
  checkN(N, 'reverse diffusion');
  if (lin.kind === 'subvp') throw new RangeError('reverse diffusion needs a discretisation, which the sub-VP SDE does not have');
  lin.discretize(N - 1, N); // the largest β_i (VP: β_max/N ≤ 1): refused here, before any step
  return {
    name: 'reverse-diffusion',
    noiseDraws: 1,
    nfePerStep: 1,
    step(x, t, _tNext, [z]) {
      const { a, G } = lin.discretize(indexOf(sde, t, N), N);
      // x − (a·x − G²·s) + G·z
      return linearCombination([x, score(x, t), z], [1 - a, G * G, G]);
    },
  };
}

/** score_sde's AncestralSamplingPredictor (DDPM for VP, SMLD for VE). */
export function ancestral(sde: Sde, score: ScoreFn, N: number): Stepper {
  const lin = requireLinear(sde, 'ancestral sampling');
  checkN(N, 'ancestral sampling');
  if (lin.kind === 'subvp') throw new RangeError('ancestral sampling is defined for VP (DDPM) and VE (SMLD) only');
  // β_{N−1} = β_max/N: the DDPM step divides by √(1 − β_i), so N > β_max exactly (N = β_max gives 1/0)
  if (lin.kind === 'vp' && !(N > lin.config.betaMax)) {
    throw new RangeError(`ancestral sampling of the VP SDE with N = ${N} levels: β_${N - 1} = β_max/N = ${lin.config.betaMax / N} makes 1/√(1 − β) infinite or undefined; use N ≥ ${Math.floor(lin.config.betaMax) + 1} (N > β_max = ${lin.config.betaMax})`);
  }
  return {
    name: 'ancestral',
    noiseDraws: 1,
    nfePerStep: 1,
    step(x, t, _tNext, [z]) {
      const i = indexOf(sde, t, N);
      if (lin.kind === 'vp') {
        const beta = lin.discretize(i, N).G ** 2;
        const r = 1 / Math.sqrt(1 - beta);
        return linearCombination([x, score(x, t), z], [r, beta * r, Math.sqrt(beta)]);
      }
      const sig = lin.std((i / (N - 1)) * sde.T);
      const prev = i === 0 ? 0 : lin.std(((i - 1) / (N - 1)) * sde.T);
      const d2 = sig * sig - prev * prev;
      return linearCombination([x, score(x, t), z], [1, d2, Math.sqrt((prev * prev * d2) / (sig * sig))]);
    },
  };
}

export interface CorrectorOptions {
  /** Signal-to-noise ratio (score_sde: 0.16 for VE/CIFAR-10, 0.01 for VP). */
  readonly snr: number;
  /** Corrector steps per time (default 1). */
  readonly steps?: number;
  /** Discretisation levels for α = 1 − β_i on VP (default 1000). */
  readonly N?: number;
}

/** Per-sample Euclidean norms over all but the batch axis, averaged over the batch: a scalar tensor. */
const meanNorm = (v: Tensor): Tensor => mean(sqrt(sum(square(v), -1)));

/** score_sde's LangevinCorrector. */
export function langevinCorrector(sde: Sde, score: ScoreFn, o: CorrectorOptions): Stepper {
  const lin = requireLinear(sde, 'the Langevin corrector');
  const n = o.steps ?? 1;
  const N = o.N ?? 1000;
  if (!(o.snr > 0 && Number.isFinite(o.snr))) throw new RangeError(`Langevin corrector: snr must be a finite number > 0, got ${o.snr}`);
  if (!Number.isInteger(n) || n < 1) throw new RangeError(`Langevin corrector: steps must be a positive integer, got ${n}`);
  checkN(N, 'Langevin corrector');
  if (lin.kind === 'vp') lin.discretize(N - 1, N); // α = 1 − β_i needs β_i ≤ 1 (N ≥ β_max)
  return {
    name: 'langevin-corrector',
    noiseDraws: n,
    batchCoupled: true,
    nfePerStep: n,
    step(x, t, _tNext, noise) {
      const alpha = lin.kind === 'vp' ? 1 - lin.discretize(indexOf(sde, t, N), N).G ** 2 : 1;
      let y = x;
      for (let j = 0; j < n; j++) {
        const s = score(y, t);
        const z = noise[j];
        const eps = mul(square(div(mul(meanNorm(z), o.snr), meanNorm(s))), 2 * alpha);
        y = add(add(y, mul(s, eps)), mul(z, sqrt(mul(eps, 2))));
      }
      return y;
    },
  };
}

/** Predictor–corrector composition: corrector at t, then predictor from t to tNext. */
export function predictorCorrector(predictor: Stepper, corrector: Stepper): Stepper {
  return {
    name: `pc(${predictor.name}, ${corrector.name})`,
    noiseDraws: predictor.noiseDraws + corrector.noiseDraws,
    nfePerStep: predictor.nfePerStep + corrector.nfePerStep,
    batchCoupled: !!(predictor.batchCoupled || corrector.batchCoupled),
    step(x, t, tNext, noise) {
      const c = corrector.step(x, t, t, noise.slice(0, corrector.noiseDraws));
      return predictor.step(c, t, tNext, noise.slice(corrector.noiseDraws));
    },
  };
}
