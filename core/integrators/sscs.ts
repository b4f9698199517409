/**
 * SSCS, the symmetric splitting CLD sampler (Dockhorn, Vahdat & Kreis 2022, section 3.3 and
 * appendix D). The reverse-time CLD SDE splits into
 *   A: dx̄ = −M⁻¹βv̄ dt', dv̄ = (βx̄ − ΓM⁻¹βv̄) dt' + √(2Γβ) dW  (linear: solved exactly, Gaussian)
 *   S: dv̄ = 2Γβ(s(ū, t) + M⁻¹v̄) dt'                           (the score part: one Euler step)
 * and one step is the Strang splitting A(h/2) ∘ S(h) ∘ A(h/2).
 * The A flow over an interval with β-integral b equals the forward CLD kernel from a point mass,
 * conjugated by v ↦ −v: x' = mxx·x − mxv·v + L11 z_x, v' = −mvx·x + mvv·v − L21 z_x + L22 z_v
 * (the kernel from cld.ts, whose Σxx is summed as a series at small b, so tiny half-steps stay exact).
 * variant 'strang' (default): A over [t, t − h/2], S with the score at the midpoint, A over [t − h/2, t − h]
 * (symmetric: the deterministic skeleton is time-reversible). 'official': as CLD-SGM's code, both A
 * half-steps over the first half interval and the score at the step start (the same for constant β up
 * to the score's time argument).
 * scoreStep 'euler' (the paper's) makes SSCS first order in the weak sense: the S field depends on v,
 * so its Euler step has a local error O(h²) (its error is still below Euler–Maruyama's at equal NFE,
 * which a test checks). scoreStep 'heun' (2 score evaluations) solves S to second order, and the
 * Strang splitting is then second order. The registry declares both orders and the tests measure them.
 * stochastic: false gives the deterministic skeleton (no noise), which is time-reversible when the S
 * step is exact (score fields −v/M + g(x, t)).
 */
import type { Tensor } from '../tensor/tensor.js';
import { linearCombination } from '../tensor/ops/fused.js';
import { concat } from '../tensor/ops/manipulate.js';
import type { CldSde } from '../sde/cld.js';
import type { ScoreFn } from '../sde/types.js';
import type { Sde } from '../sde/sde.js';
import type { Stepper } from './stepper.js';

/** The exact A flow over β-integral b ≥ 0 with noise z (state-shaped standard normals). */
export function sscsLinearFlow(sde: CldSde, u: Tensor, b: number, z: Tensor | null): Tensor {
  const k = sde.kernelOfIntegral(b, 0, 0);
  const { x, v } = sde.split(u);
  // mean (mxx·x − mxv·v, −mvx·x + mvv·v) plus the Cholesky factor applied to z, each one fused pass
  if (!z) return concat([linearCombination([x, v], [k.mxx, -k.mxv]), linearCombination([x, v], [-k.mvx, k.mvv])], -1);
  const { x: zx, v: zv } = sde.split(z);
  return concat([
    linearCombination([x, v, zx], [k.mxx, -k.mxv, k.L11]),
    linearCombination([x, v, zv, zx], [-k.mvx, k.mvv, k.L22, -k.L21]),
  ], -1);
}

/** The score part S over a reverse-time step h at forward time t (one Euler step on v). */
export function sscsScoreStep(sde: CldSde, score: ScoreFn, u: Tensor, t: number, h: number): Tensor {
  const { x, v } = sde.split(u);
  const c = 2 * sde.Gamma * sde.beta(t) * h;
  return concat([x, linearCombination([v, score(u, t)], [1 + c / sde.M, c])], -1);
}

/** The S vector field on v: 2Γβ(t)(s(u, t) + M⁻¹v). */
function scoreField(sde: CldSde, score: ScoreFn, u: Tensor, t: number): Tensor {
  const { v } = sde.split(u);
  const c = 2 * sde.Gamma * sde.beta(t);
  return linearCombination([score(u, t), v], [c, c / sde.M]);
}

/** The score part S from forward time t to t − h by Heun's method (second order; two score evaluations). */
export function sscsScoreStepHeun(sde: CldSde, score: ScoreFn, u: Tensor, t: number, h: number): Tensor {
  const { x, v } = sde.split(u);
  const k1 = scoreField(sde, score, u, t);
  const k2 = scoreField(sde, score, concat([x, linearCombination([v, k1], [1, h])], -1), t - h);
  return concat([x, linearCombination([v, k1, k2], [1, h / 2, h / 2])], -1);
}

/** The splittings of one SSCS step (see above). */
export const SSCS_VARIANTS = ['strang', 'official'] as const;
export type SscsVariant = (typeof SSCS_VARIANTS)[number];

export interface SscsOptions {
  readonly variant?: SscsVariant;
  readonly scoreStep?: 'euler' | 'heun';
  readonly stochastic?: boolean;
}

export function sscs(sde: Sde, score: ScoreFn, opts: SscsOptions = {}): Stepper {
  if (sde.kind !== 'cld') throw new RangeError(`SSCS is a sampler for CLD only, not for the ${sde.kind.toUpperCase()} SDE (use euler-maruyama, pc or an ODE solver)`);
  const cld = sde;
  const variant = opts.variant ?? 'strang';
  const scoreStep = opts.scoreStep ?? 'euler';
  const stochastic = opts.stochastic ?? true;
  if (variant !== 'strang' && variant !== 'official') throw new RangeError(`SSCS: unknown variant '${String(variant)}' (strang, official)`);
  if (scoreStep !== 'euler' && scoreStep !== 'heun') throw new RangeError(`SSCS: unknown score step '${String(scoreStep)}' (euler, heun)`);
  if (variant === 'official' && scoreStep === 'heun') throw new RangeError("SSCS: the 'official' variant uses the Euler score step");
  return {
    name: `sscs${variant === 'official' ? '-official' : ''}${scoreStep === 'heun' ? '-heun' : ''}${stochastic ? '' : '-skeleton'}`,
    noiseDraws: stochastic ? 2 : 0,
    nfePerStep: scoreStep === 'heun' ? 2 : 1,
    step(u, t, tNext, noise) {
      const h = t - tNext;
      const mid = t - h / 2;
      const b1 = cld.B(t) - cld.B(mid);
      const b2 = variant === 'official' ? b1 : cld.B(mid) - cld.B(tNext);
      const a = sscsLinearFlow(cld, u, b1, stochastic ? noise[0] : null);
      const s = scoreStep === 'heun'
        ? sscsScoreStepHeun(cld, score, a, t, h)
        : sscsScoreStep(cld, score, a, variant === 'official' ? t : mid, h);
      return sscsLinearFlow(cld, s, b2, stochastic ? noise[1] : null);
    },
  };
}
