/**
 * Multistep DPM-Solver++ in data prediction on a Gaussian path (Lu et al. 2022, "DPM-Solver++",
 * eqs. 8–9 and Alg. 2; LuChengTHU/dpm-solver dpm_solver_pytorch.py
 * `multistep_dpm_solver_second_update`, `multistep_dpm_solver_third_update`; crowsonkb/k-diffusion
 * sampling.py `sample_dpmpp_2m`, `sample_dpmpp_2m_sde`, `sample_dpmpp_3m_sde`). Per step t → t',
 * h = λ' − λ, φ1 = expm1(−h), D = D(x, t) and the past denoisers D_{−1}, D_{−2} at λ_{−1}, λ_{−2}:
 *   r0 = (λ − λ_{−1})/h, D1_0 = (D − D_{−1})/r0, r1 = (λ_{−1} − λ_{−2})/h, D1_1 = (D_{−1} − D_{−2})/r1;
 *   order 1: x' = (σ'/σ)x − α'φ1 D (DDIM);
 *   order 2 (2M): x' = (σ'/σ)x − α'φ1 (D + ½ D1_0);
 *   order 3 (3M, as shipped): D1 = D1_0 + r0/(r0 + r1)(D1_0 − D1_1), D2 = (D1_0 − D1_1)/(r0 + r1),
 *     φ2 = φ1/h + 1, φ3 = φ2/h − ½, x' = (σ'/σ)x − α'φ1 D + α'φ2 D1 − α'φ3 D2.
 *     D2 ≈ ½h²D'' while φ3 multiplies h²D'': the local error stays O(h³), so the measured global
 *     order is 2 (doubling D2 gives 3); the shipped rule is kept, and declared as order 2.
 * SDE variants (η scales h in the exponent, h_η = (1 + η)h; noise σ'√(1 − e^{−2ηh})·S_noise·z):
 *   x' = (σ'/σ)e^{−ηh}x − α'expm1(−h_η)D + correction + noise, where the 2M correction is
 *   ½α'(−expm1(−h_η))D1_0 ('midpoint') or α'φ2(h_η)D1_0 ('heun'), and 3M's is
 *   α'(φ2(h_η)D1 − φ3(h_η)D2) (its second step α'φ2(h_η)D1_0).
 * The first steps are the warm-up (order min(order, i + 1)); any step to σ' = 0 is x' = α'D.
 * One model evaluation per step; the state keeps the past denoisers with their times.
 */
import { libm } from '../numerics/libm/index.js';
import type { Tensor } from '../tensor/tensor.js';
import { add, mul, sub } from '../tensor/ops/elementwise.js';
import type { ScoreFn } from '../sde/types.js';
import type { Sde } from '../sde/sde.js';
import { type MultistepStepper, pushPast } from './stepper.js';
import { checkOrder, orderPlan } from './multistep-common.js';
import { checkOption, pathDenoiser } from './path-denoiser.js';

export interface DpmppMultistepOptions {
  /** 1, 2 (2M) or 3 (3M). */
  readonly order: number;
  /** Steps of the run (for the lower-order final steps). */
  readonly steps: number;
  /** Lower the order of the last steps to min(order, N − i) (dpm-solver: only when N < 10; default). */
  readonly lowerOrderFinal?: boolean;
}

/** The first- to third-order divided differences of the denoiser in λ (the update's ingredients). */
function differences(D: Tensor, past: readonly { t: number; value: Tensor }[], lam: number, h: number, logSnr: (t: number) => number, k: number) {
  if (k < 2) return {};
  const l1 = logSnr(past[0].t);
  const r0 = (lam - l1) / h;
  const d10 = mul(sub(D, past[0].value), 1 / r0);
  if (k < 3) return { d10 };
  const r1 = (l1 - logSnr(past[1].t)) / h;
  const d11 = mul(sub(past[0].value, past[1].value), 1 / r1);
  const diff = sub(d10, d11);
  return { d10, D1: add(d10, mul(diff, r0 / (r0 + r1))), D2: mul(diff, 1 / (r0 + r1)) };
}

/** DPM-Solver++(kM), k = order (3M as shipped: measured order 2). */
export function dpmppMultistep(sde: Sde, score: ScoreFn, o: DpmppMultistepOptions): MultistepStepper {
  const name = o.order === 3 ? 'dpmpp-3m' : o.order === 2 ? 'dpmpp-2m' : `dpmpp-${o.order}m`;
  checkOrder(name, o.order, 3, o.steps);
  const { path, denoise: den } = pathDenoiser(sde, score, name);
  const orderAt = orderPlan(o.order, o.steps, o.lowerOrderFinal ?? o.steps < 10);
  const logSnr = (t: number) => path.logSnr(t);
  return {
    kind: 'multistep', name, noiseDraws: 0, nfePerStep: 1, memory: o.order - 1, orderAt,
    step(s, t, t1) {
      const D = den(s.x, t);
      const next = { t, value: D };
      const a1 = path.alpha(t1);
      const s1 = path.sigma(t1);
      if (s1 === 0) return { x: mul(D, a1), past: pushPast(s.past, next, o.order - 1), index: s.index + 1 };
      const k = Math.min(orderAt(s.index), s.past.length + 1);
      const lam = logSnr(t);
      const h = logSnr(t1) - lam;
      const phi1 = libm.expm1(-h);
      const base = sub(mul(s.x, s1 / path.sigma(t)), mul(D, a1 * phi1));
      const { d10, D1, D2 } = differences(D, s.past, lam, h, logSnr, k);
      let x = base;
      if (k === 2) x = sub(base, mul(d10!, 0.5 * a1 * phi1));
      if (k === 3) {
        const phi2 = phi1 / h + 1;
        const phi3 = phi2 / h - 0.5;
        x = add(base, sub(mul(D1!, a1 * phi2), mul(D2!, a1 * phi3)));
      }
      return { x, past: pushPast(s.past, next, o.order - 1), index: s.index + 1 };
    },
  };
}

export type SdeSolverType = 'midpoint' | 'heun';
export const SDE_SOLVER_TYPES: readonly SdeSolverType[] = ['midpoint', 'heun'];

export interface DpmppSdeOptions {
  /** 2 (2M SDE) or 3 (3M SDE). */
  readonly order: number;
  readonly steps: number;
  /** η ≥ 0 (default 1: the reverse SDE; 0: the ODE solver). */
  readonly eta?: number;
  /** Noise multiplier S_noise (default 1). */
  readonly sNoise?: number;
  /** The 2M SDE's second-order term (default 'midpoint', k-diffusion's). */
  readonly solverType?: SdeSolverType;
}

/** DPM-Solver++(2M) SDE and (3M) SDE (k-diffusion `sample_dpmpp_2m_sde`, `sample_dpmpp_3m_sde`). */
export function dpmppSde(sde: Sde, score: ScoreFn, o: DpmppSdeOptions): MultistepStepper {
  const name = `dpmpp-${o.order}m-sde`;
  checkOrder(name, o.order, 3, o.steps);
  if (o.order < 2) throw new RangeError(`${name}: the SDE variants are of order 2 or 3, got ${o.order}`);
  const eta = o.eta ?? 1;
  checkOption(name, 'η', eta);
  const sNoise = o.sNoise ?? 1;
  if (!(sNoise >= 0) || !Number.isFinite(sNoise)) throw new RangeError(`${name}: S_noise must be a finite number ≥ 0, got ${sNoise}`);
  const type = o.solverType ?? 'midpoint';
  if (!SDE_SOLVER_TYPES.includes(type)) throw new RangeError(`${name}: unknown solver type '${String(type)}' (${SDE_SOLVER_TYPES.join(', ')})`);
  const { path, denoise: den } = pathDenoiser(sde, score, name);
  const orderAt = orderPlan(o.order, o.steps, false);
  const logSnr = (t: number) => path.logSnr(t);
  const memory = o.order - 1;
  return {
    kind: 'multistep', name, noiseDraws: 1, nfePerStep: 1, memory, orderAt,
    step(s, t, t1, [z]) {
      const D = den(s.x, t);
      const next = { t, value: D };
      const a1 = path.alpha(t1);
      const s1 = path.sigma(t1);
      if (s1 === 0) return { x: mul(D, a1), past: pushPast(s.past, next, memory), index: s.index + 1 };
      const k = Math.min(orderAt(s.index), s.past.length + 1);
      const lam = logSnr(t);
      const h = logSnr(t1) - lam;
      const he = (1 + eta) * h;
      const em = -libm.expm1(-he); // 1 − e^{−h_η}
      const phi2 = -em / he + 1; // expm1(−h_η)/h_η + 1
      const phi3 = phi2 / he - 0.5;
      let x = add(mul(s.x, (s1 / path.sigma(t)) * libm.exp(-eta * h)), mul(D, a1 * em));
      const { d10, D1, D2 } = differences(D, s.past, lam, h, logSnr, k);
      if (k === 2) x = add(x, mul(d10!, o.order === 3 || type === 'heun' ? a1 * phi2 : 0.5 * a1 * em));
      if (k === 3) x = add(x, sub(mul(D1!, a1 * phi2), mul(D2!, a1 * phi3)));
      const noise = s1 * Math.sqrt(-libm.expm1(-2 * eta * h)) * sNoise;
      if (noise !== 0) x = add(x, mul(z, noise));
      return { x, past: pushPast(s.past, next, memory), index: s.index + 1 };
    },
  };
}
