/**
 * Critically-damped Langevin diffusion (Dockhorn, Vahdat & Kreis, ICLR 2022, eq. 5): state u = (x, v),
 * stored as one tensor with the d data coordinates then the d velocities on the last axis:
 *   dx = M⁻¹β(t) v dt,   dv = (−β(t) x − ΓM⁻¹β(t) v) dt + √(2Γβ(t)) dW,   Γ² = 4M (critical damping).
 * β(t) = β₀ + β₁t (β₁ is a slope, as in the official code), B(t) = ∫₀ᵗβ = β₀t + ½β₁t².
 * Defaults: M = 0.25 (Γ = 1), β₀ = 4, β₁ = 0, γ = 0.04 (v₀ ~ N(0, γM)), numerical ε = 1e-9, T = 1.
 * Equilibrium / prior: x ~ N(0, I), v ~ N(0, M I).
 *
 * Perturbation kernel from u₀ ~ N((x₀, v₀), diag(Σ0xx, Σ0vv)) (paper appendix B.1; official code
 * `mean_and_var`): with y = 4B/Γ,
 *   μ_x = e^{−y/2}((1 + y/2)x₀ + (4B/Γ²)v₀),   μ_v = e^{−y/2}(−B x₀ + (1 − y/2)v₀),
 *   Σxx = e^{−y}[E₃(y) + Σ0xx(1 + y + y²/4) + y²Σ0vv/Γ²] + ε,
 *   Σxv = e^{−y}[−BΣ0xx + 4BΣ0vv/Γ² − 2B²(Σ0xx − 2)/Γ − 8B²Σ0vv/Γ³],
 *   Σvv = e^{−y}[(Γ²/4)(e^y − 1 + y − y²/2) + Σ0vv(1 − y/2)² + B²Σ0xx] + ε,
 * where E₃(y) = e^y − 1 − y − y²/2 is summed as a series at small y. This is the paper's expression
 * regrouped so that nothing cancels: in float64 the direct form loses its digits at t ~ 1e-5.
 * HSM (hybrid score matching) marginalises v₀: v₀ = 0, Σ0vv = γM. DSM conditions on v₀: Σ0 = 0.
 */
import { libm } from '../numerics/libm/index.js';
import type { PRNGKey } from '../random/key.js';
import { normal } from '../random/distributions.js';
import { expRemainder } from '../numerics/series.js';
import type { Tensor } from '../tensor/tensor.js';
import { zerosLike } from '../tensor/create.js';
import { add, mul, square, sub } from '../tensor/ops/elementwise.js';
import { sum } from '../tensor/ops/reduce.js';
import { concat, sliceAxis } from '../tensor/ops/manipulate.js';
import { ShapeError, shapeToString } from '../tensor/shape.js';
import type { ScoreFn, SdeBase, PriorOptions } from './types.js';

export interface CldConfig {
  /** Mass M (default 0.25). */
  readonly M?: number;
  /** Friction Γ; must satisfy Γ² = 4M (default 2√M). */
  readonly Gamma?: number;
  readonly beta0?: number;
  readonly beta1?: number;
  /** Initial velocity variance factor γ: v₀ ~ N(0, γM) (default 0.04). */
  readonly gamma?: number;
  /** Numerical ε added to Σxx and Σvv (default 1e-9). */
  readonly numEps?: number;
  readonly T?: number;
}

/** Time-dependent coefficients of the CLD kernel at one time, in float64. */
export interface CldKernel {
  readonly t: number;
  /** Mean map: μ_x = mxx·x₀ + mxv·v₀, μ_v = mvx·x₀ + mvv·v₀. */
  readonly mxx: number;
  readonly mxv: number;
  readonly mvx: number;
  readonly mvv: number;
  readonly Sxx: number;
  readonly Sxv: number;
  readonly Svv: number;
  /** Cholesky factor of [[Sxx, Sxv], [Sxv, Svv]]. */
  readonly L11: number;
  readonly L21: number;
  readonly L22: number;
  /** ℓ_t = 1/L22 = √(Sxx/(SxxSvv − Sxv²)); ∇_v log p(u_t | ·) = −ℓ_t ε_v. */
  readonly ell: number;
}

export type CldInit = 'hsm' | 'dsm';

export interface CldSde extends SdeBase {
  readonly kind: 'cld';
  readonly M: number;
  readonly Gamma: number;
  readonly gamma: number;
  readonly numEps: number;
  beta(t: number): number;
  /** ∫₀ᵗ β. */
  B(t: number): number;
  /** Kernel with initial covariance diag(Σ0xx, Σ0vv) ⊗ I; `withEps: false` omits the numerical ε. */
  kernelFrom(t: number, S0xx: number, S0vv: number, withEps?: boolean): CldKernel;
  /** The same kernel as a function of the β-integral b = ∫β over the interval (no ε; t reported as NaN). */
  kernelOfIntegral(b: number, S0xx: number, S0vv: number): CldKernel;
  /** The HSM kernel (Σ0vv = γM, v₀ = 0) or the DSM kernel (Σ0 = 0, v₀ given). */
  kernel(t: number, init: CldInit): CldKernel;
  /** Split a state [.., 2d] into x and v [.., d]. */
  split(u: Tensor): { x: Tensor; v: Tensor };
}

export function cldSde(cfg: CldConfig = {}): CldSde {
  const M = cfg.M ?? 0.25;
  const Gamma = cfg.Gamma ?? 2 * Math.sqrt(M);
  const beta0 = cfg.beta0 ?? 4;
  const beta1 = cfg.beta1 ?? 0;
  const gamma = cfg.gamma ?? 0.04;
  const numEps = cfg.numEps ?? 1e-9;
  const T = cfg.T ?? 1;
  const errs: string[] = [];
  const check = (ok: boolean, msg: string): void => void (ok || errs.push(msg));
  check(M > 0 && Number.isFinite(M), `M must be a finite number > 0, got ${M}`);
  check(Number.isFinite(Gamma) && Math.abs(Gamma * Gamma - 4 * M) <= 1e-12 * 4 * M,
    `the closed-form kernel needs critical damping Γ² = 4M, got Γ = ${Gamma}, M = ${M} (Γ² = ${Gamma * Gamma})`);
  check(Number.isFinite(beta0) && Number.isFinite(beta1) && beta0 >= 0 && beta0 + beta1 * T > 0 && (beta0 > 0 || beta1 > 0),
    `β(t) = beta0 + beta1·t must be positive on (0, T], got beta0 = ${beta0}, beta1 = ${beta1}`);
  check(gamma >= 0 && Number.isFinite(gamma), `gamma must be a finite number ≥ 0, got ${gamma}`);
  check(numEps >= 0 && Number.isFinite(numEps), `numEps must be a finite number ≥ 0, got ${numEps}`);
  check(T > 0 && Number.isFinite(T), `T must be a finite number > 0, got ${T}`);
  if (errs.length) throw new RangeError(`CLD: ${errs.join('; ')}`);

  const Minv = 1 / M;
  const beta = (t: number): number => beta0 + beta1 * t;
  const B = (t: number): number => beta0 * t + 0.5 * beta1 * t * t;
  const G2 = Gamma * Gamma;

  function kernelFrom(t: number, S0xx: number, S0vv: number, withEps = true): CldKernel {
    return kernelAt(B(t), t, S0xx, S0vv, withEps ? numEps : 0);
  }

  function kernelAt(b: number, t: number, S0xx: number, S0vv: number, eps: number): CldKernel {
    const y = (4 * b) / Gamma;
    const eh = libm.exp(-y / 2);
    const e = eh * eh;
    const Sxx = e * (expRemainder(3, y) + S0xx * (1 + y + (y * y) / 4) + (y * y * S0vv) / G2) + eps;
    const Sxv = e * (-b * S0xx + (4 * b * S0vv) / G2 - (2 * b * b * (S0xx - 2)) / Gamma - (8 * b * b * S0vv) / (G2 * Gamma));
    const Svv = e * ((G2 / 4) * (libm.expm1(y) + y - (y * y) / 2) + S0vv * (1 - y / 2) ** 2 + b * b * S0xx) + eps;
    const L11 = Math.sqrt(Sxx);
    const L21 = Sxv / L11;
    const L22sq = Svv - L21 * L21;
    const L22 = Math.sqrt(L22sq);
    return {
      t,
      mxx: eh * (1 + y / 2),
      mxv: (eh * 4 * b) / G2,
      mvx: -eh * b,
      mvv: eh * (1 - y / 2),
      Sxx, Sxv, Svv, L11, L21, L22,
      ell: 1 / L22,
    };
  }

  const split = (u: Tensor): { x: Tensor; v: Tensor } => {
    const n = u.shape[u.rank - 1];
    if (u.rank === 0 || n % 2 !== 0) throw new ShapeError(`CLD: a state must have an even last axis (x then v), got ${shapeToString(u.shape)}`);
    return { x: sliceAxis(u, -1, 0, n / 2), v: sliceAxis(u, -1, n / 2, n / 2) };
  };

  const drift = (u: Tensor, t: number): Tensor => {
    const { x, v } = split(u);
    const bt = beta(t);
    return concat([mul(v, Minv * bt), sub(mul(x, -bt), mul(v, Gamma * Minv * bt))], -1);
  };

  return {
    kind: 'cld',
    T,
    M, Gamma, gamma, numEps,
    config: { M, Gamma, beta0, beta1, gamma, numEps, T },
    beta, B, kernelFrom, split,
    kernelOfIntegral: (b, S0xx, S0vv) => kernelAt(b, NaN, S0xx, S0vv, 0),
    kernel: (t, init) => (init === 'hsm' ? kernelFrom(t, 0, gamma * M) : kernelFrom(t, 0, 0)),
    stateDim: (d) => 2 * d,
    drift,
    diffusion: (t) => Math.sqrt(2 * Gamma * beta(t)),
    applyDiffusion(z: Tensor, t: number): Tensor {
      const { x, v } = split(z);
      return concat([zerosLike(x), mul(v, Math.sqrt(2 * Gamma * beta(t)))], -1);
    },
    reverseDrift(u: Tensor, t: number, scoreV: ScoreFn, probabilityFlow: boolean): Tensor {
      // f − GGᵀ∇log p: only the v-block of GGᵀ is non-zero (2Γβ), and only ∇_v log p enters.
      const f = drift(u, t);
      const { x: fx, v: fv } = split(f);
      const c = 2 * Gamma * beta(t) * (probabilityFlow ? 0.5 : 1);
      return concat([fx, sub(fv, mul(scoreV(u, t), c))], -1);
    },
    priorSample(k: PRNGKey, n: number, d: number, opts: PriorOptions = {}): Tensor {
      const z = normal(k, [n, 2 * d], { backend: opts.backend, dtype: opts.dtype, offset: (opts.rowOffset ?? 0) * 2 * d });
      const { x, v } = split(z);
      return concat([x, mul(v, Math.sqrt(M))], -1);
    },
    priorLogp(u: Tensor): Tensor {
      const { x, v } = split(u);
      const d = x.shape[x.rank - 1];
      const quad = add(sum(square(x), -1), mul(sum(square(v), -1), Minv));
      return sub(mul(quad, -0.5), (d / 2) * (2 * libm.log(2 * Math.PI) + libm.log(M)));
    },
  };
}
