/**
 * OABAO, a symmetric underdamped-Langevin splitting for the reverse-time CLD SDE (Leimkuhler &
 * Matthews 2013, "Rational construction of stochastic numerical methods for molecular sampling",
 * the O/A/B splittings; here of the reverse CLD dynamics of Dockhorn et al. 2022). In reverse time
 * t' (dt' = −dt) the reverse SDE splits into
 *   O: dv̄ = −ΓM⁻¹β v̄ dt' + √(2Γβ) dW            (Ornstein–Uhlenbeck on the velocity: exact)
 *   A: dx̄ = −M⁻¹β v̄ dt'                          (position: exact)
 *   B: dv̄ = β(x̄ + 2Γ(s(ū, t) + M⁻¹v̄)) dt'         (force and score: one Euler step)
 * and a step from t to tNext is O(b₁) A(b₁) B(b) A(b₂) O(b₂), b₁ = ∫β over [t − h/2, t],
 * b₂ = ∫β over [tNext, t − h/2], b = b₁ + b₂, with the score at the midpoint. Over a β-integral b,
 *   O: v ← e^{−ΓM⁻¹b} v + √(M(1 − e^{−2ΓM⁻¹b})) z_v      (stationary variance M, as CLD's prior),
 *   A: x ← x − M⁻¹b v,
 *   B: v ← v + b(x + 2Γ(s + M⁻¹v)).
 * SSCS (sscs.ts) instead solves the whole linear part (O and A with the βx force) exactly and steps
 * only the score; here the force βx is stepped with the score. One score evaluation per step; the
 * B field depends on v, so its Euler step leaves a local error O(h²): weak order 1 (the registry
 * declares it and orders.test.ts measures it). The O steps use the velocity halves of two state-shaped
 * draws.
 */
import { libm } from '../numerics/libm/index.js';
import type { Tensor } from '../tensor/tensor.js';
import { linearCombination } from '../tensor/ops/fused.js';
import { concat } from '../tensor/ops/manipulate.js';
import type { CldSde } from '../sde/cld.js';
import type { ScoreFn } from '../sde/types.js';
import type { Sde } from '../sde/sde.js';
import type { Stepper } from './stepper.js';

/** The exact O step over β-integral b ≥ 0: v ← e^{−ΓM⁻¹b}v + √(M(1 − e^{−2ΓM⁻¹b})) z. */
function ouStep(sde: CldSde, v: Tensor, b: number, z: Tensor): Tensor {
  const r = (sde.Gamma / sde.M) * b;
  return linearCombination([v, z], [libm.exp(-r), Math.sqrt(-sde.M * libm.expm1(-2 * r))]);
}

export function cldOabao(sde: Sde, score: ScoreFn): Stepper {
  if (sde.kind !== 'cld') throw new RangeError(`OABAO is a sampler for CLD only, not for the ${sde.kind.toUpperCase()} SDE (use euler-maruyama or an ODE solver)`);
  const cld = sde;
  return {
    name: 'oabao',
    noiseDraws: 2,
    nfePerStep: 1,
    step(u, t, tNext, [z1, z2]) {
      const mid = t - (t - tNext) / 2;
      const b1 = cld.B(t) - cld.B(mid);
      const b2 = cld.B(mid) - cld.B(tNext);
      const b = b1 + b2;
      const { x, v } = cld.split(u);
      const v1 = ouStep(cld, v, b1, cld.split(z1).v);
      const x1 = linearCombination([x, v1], [1, -b1 / cld.M]);
      const s = score(concat([x1, v1], -1), mid);
      const v2 = linearCombination([v1, x1, s], [1 + (2 * cld.Gamma * b) / cld.M, b, 2 * cld.Gamma * b]);
      const x2 = linearCombination([x1, v2], [1, -b2 / cld.M]);
      return concat([x2, ouStep(cld, v2, b2, cld.split(z2).v)], -1);
    },
  };
}
