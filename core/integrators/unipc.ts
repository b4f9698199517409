/**
 * UniPC, the unified predictor–corrector in data prediction with the B(h) variants (Zhao et al. 2023,
 * "UniPC", Alg. 2 and 3; wl-zhao/UniPC uni_pc.py `multistep_uni_pc_bh_update`, `sample`). Step
 * t → t' of order p, h = λ' − λ, hh = −h, D = D at t and the past D_{−m} at λ_{−m}:
 *   rk_m = (λ_{−m} − λ)/h, D1_m = (D_{−m} − D)/rk_m (m < p), rks = [rk_1 … rk_{p−1}, 1];
 *   g₁ = expm1(hh)/hh − 1, g_{m+1} = g_m/hh − 1/(m+1)!; B = hh (bh1) or expm1(hh) (bh2);
 *   b_m = g_m·m!/B, R_{m,·} = rks^{m−1} (m = 1 … p);
 *   x_lin = (σ'/σ)x − α'expm1(hh)D;
 *   predictor (UniP-p): ρ = ½ if p = 2, else R[:p−1, :p−1]⁻¹b[:p−1]; x_p = x_lin − α'B Σ_m ρ_m D1_m;
 *   corrector (UniC): D' = D(x_p, t'), ρ_c = ½ if p = 1, else R⁻¹b;
 *     x' = x_lin − α'B(Σ_m ρ_c,m D1_m + ρ_c,p (D' − D)).
 * D' (at the predicted point) is kept as the next step's D, so each step costs one evaluation (the
 * first step also evaluates D at t, the last runs no corrector and evaluates nothing: NFE = steps).
 * Warm-up step i uses order i + 1; with lower-order final steps (uni_pc.py's default, no threshold
 * on the steps) the order is min(p, N − i), so the last step is DDIM and the measured order 2.
 * Order p + 1 without lower-order final steps. A step to σ' = 0 is x' = α'D.
 */
import { libm } from '../numerics/libm/index.js';
import { add, mul, sub } from '../tensor/ops/elementwise.js';
import type { Tensor } from '../tensor/tensor.js';
import type { ScoreFn } from '../sde/types.js';
import type { Sde } from '../sde/sde.js';
import { type MultistepStepper, pushPast } from './stepper.js';
import { checkOrder, orderPlan } from './multistep-common.js';
import { pathDenoiser } from './path-denoiser.js';
import { solveDense } from '../linalg/dense.js';

export type UniPcVariant = 'bh1' | 'bh2';
export const UNIPC_VARIANTS: readonly UniPcVariant[] = ['bh1', 'bh2'];

export interface UniPcOptions {
  /** p: 1–3 (default 2, uni_pc.py's). */
  readonly order?: number;
  readonly steps: number;
  /** B(h) = h (bh1, default) or e^h − 1 (bh2). */
  readonly variant?: UniPcVariant;
  /** Lower the order of the last steps (default true, as uni_pc.py). */
  readonly lowerOrderFinal?: boolean;
}

/** The predictor's and the corrector's weights and B(h) of a step (host float64). */
export function unipcWeights(rks: readonly number[], h: number, variant: UniPcVariant): { readonly B: number; readonly rhoP: readonly number[]; readonly rhoC: readonly number[] } {
  const p = rks.length;
  const hh = -h;
  const B = variant === 'bh1' ? hh : libm.expm1(hh);
  let g = libm.expm1(hh) / hh - 1;
  let fact = 1;
  const b: number[] = [];
  const R: number[][] = [];
  for (let m = 1; m <= p; m++) {
    R.push(rks.map((r) => libm.pow(r, m - 1)));
    b.push((g * fact) / B);
    fact *= m + 1;
    g = g / hh - 1 / fact;
  }
  const rhoP = p === 1 ? [] : p === 2 ? [0.5] : solveDense(R.slice(0, p - 1).map((row) => row.slice(0, p - 1)), b.slice(0, p - 1));
  const rhoC = p === 1 ? [0.5] : solveDense(R, b);
  return { B, rhoP, rhoC };
}

export function unipc(sde: Sde, score: ScoreFn, o: UniPcOptions): MultistepStepper {
  const p = o.order ?? 2;
  const variant = o.variant ?? 'bh1';
  checkOrder('unipc', p, 3, o.steps);
  if (!UNIPC_VARIANTS.includes(variant)) throw new RangeError(`unipc: unknown variant '${String(variant)}' (${UNIPC_VARIANTS.join(', ')})`);
  const { path, denoise: den } = pathDenoiser(sde, score, 'unipc');
  const orderAt = orderPlan(p, o.steps, o.lowerOrderFinal ?? true);
  return {
    kind: 'multistep', name: `unipc-${variant}`, noiseDraws: 0, nfePerStep: 1, memory: p, orderAt,
    step(s, t, t1) {
      // the past's newest entry is D at t when the previous step's corrector evaluated it
      const held = s.past.length > 0 && s.past[0].t === t;
      const D = held ? s.past[0].value : den(s.x, t);
      const prev = held ? s.past.slice(1) : s.past;
      const a1 = path.alpha(t1);
      const s1 = path.sigma(t1);
      const cur = { t, value: D };
      if (s1 === 0) return { x: mul(D, a1), past: pushPast(prev, cur, p), index: s.index + 1 };
      const k = Math.min(orderAt(s.index), prev.length + 1);
      const lam = path.logSnr(t);
      const h = path.logSnr(t1) - lam;
      const rks = [...prev.slice(0, k - 1).map((q) => (path.logSnr(q.t) - lam) / h), 1];
      const { B, rhoP, rhoC } = unipcWeights(rks, h, variant);
      const D1 = prev.slice(0, k - 1).map((q, m) => mul(sub(q.value, D), 1 / rks[m]));
      const xLin = sub(mul(s.x, s1 / path.sigma(t)), mul(D, a1 * libm.expm1(-h)));
      const weighted = (rho: readonly number[]): Tensor | undefined =>
        D1.reduce<Tensor | undefined>((acc, d, m) => (acc ? add(acc, mul(d, rho[m])) : mul(d, rho[m])), undefined);
      const pred = weighted(rhoP);
      const xp = pred ? sub(xLin, mul(pred, a1 * B)) : xLin;
      if (s.index + 1 >= o.steps) return { x: xp, past: pushPast(prev, cur, p), index: s.index + 1 };
      const Dn = den(xp, t1);
      const corr = weighted(rhoC);
      const last = mul(sub(Dn, D), rhoC[k - 1]);
      const x = sub(xLin, mul(corr ? add(corr, last) : last, a1 * B));
      return { x, past: pushPast(pushPast(prev, cur, p), { t: t1, value: Dn }, p), index: s.index + 1 };
    },
  };
}
