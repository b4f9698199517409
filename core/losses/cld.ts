/**
 * CLD objectives (Dockhorn, Vahdat & Kreis 2022, section 3.2 and appendix B.3; official code
 * `losses.py`, `models/utils.py`). The network sees u_t = (x_t, v_t) and t and outputs α_θ: [n, d].
 * - Mixed score (eq. 19): s_θ(u, t) = −v/Σvv^{HSM}(t) − ℓ_t·α_θ(u, t), where Σvv^{HSM} is the HSM
 *   kernel's Σvv (Σ0vv = γM, ε included; used for DSM-trained models too), so the network learns only
 *   the deviation from the score the data would have if it were Gaussian. Without mixing: s_θ = −ℓ_t·α_θ.
 * - HSM (hybrid score matching) marginalises the initial velocity (v₀ = 0, Σ0vv = γM); DSM draws
 *   v₀ ~ N(0, γM) and uses the point-mass kernel. The kernel's velocity score is −ℓ_t ε_v.
 * - Weightings: 'reweightedv2' (default): ‖s_θ/(−ℓ_t) − ε_v‖² (λ = ℓ_t⁻²); 'reweightedv1': the same ×Γβ(t);
 *   'likelihood': ‖s_θ + ℓ_t ε_v‖²·Γβ(t). Summed over dimensions, averaged over the batch.
 */
import type { PRNGKey } from '../random/key.js';
import { split } from '../random/key.js';
import { normal } from '../random/distributions.js';
import { col, trainingTimes } from './dsm.js';
import type { Tensor } from '../tensor/tensor.js';
import { fromArray } from '../tensor/create.js';
import { add, div, mul, neg, square, sub } from '../tensor/ops/elementwise.js';
import { mean, sum } from '../tensor/ops/reduce.js';
import { concat } from '../tensor/ops/manipulate.js';
import { ShapeError, shapeToString } from '../tensor/shape.js';
import type { FloatDType } from '../tensor/dtype.js';
import type { CldInit, CldSde } from '../sde/cld.js';
import type { ScoreFn } from '../sde/types.js';
import type { ScoreModel } from '../models/score-model.js';

export type CldWeighting = 'reweightedv2' | 'reweightedv1' | 'likelihood';

export interface CldScoreOptions {
  /** Mixed score parameterisation (default true). */
  readonly mixed?: boolean;
  /** Kernel whose ℓ_t scales the network output: the training objective's (default 'hsm'). */
  readonly objective?: CldInit;
}


/**
 * Turn a network output α = net(u, t) into the velocity score at host times (one per sample, or one
 * shared time): −ℓ_t·α, minus v/Σvv^{HSM}(t) when mixed.
 */
export function cldMixScore(sde: CldSde, out: Tensor, u: Tensor, times: Float64Array | number, opts: CldScoreOptions = {}): Tensor {
  const mixed = opts.mixed ?? true;
  const objective = opts.objective ?? 'hsm';
  const coef = (f: (t: number) => number): Tensor | number => (typeof times === 'number' ? f(times) : col(times.map(f), u));
  const scaled = mul(out, coef((t) => -sde.kernel(t, objective).ell));
  return mixed ? sub(scaled, div(sde.split(u).v, coef((t) => sde.kernel(t, 'hsm').Svv))) : scaled;
}

/** The velocity score of a CLD network at one shared time, in the form the samplers take (ScoreFn). */
export function cldScoreFn<P>(sde: CldSde, net: ScoreModel<P>, params: P, opts: CldScoreOptions = {}): ScoreFn {
  return (u, t) => {
    const tt = fromArray(new Float64Array(u.shape[0]).fill(t), { backend: u.backend, dtype: u.dtype });
    return cldMixScore(sde, net(params, u, tt), u, t, opts);
  };
}

export interface CldLossOptions extends CldScoreOptions {
  readonly weighting?: CldWeighting;
  /** Smallest training time (default 1e-5 as in the paper's CIFAR-10 configuration). */
  readonly eps?: number;
  /** Evaluate at these times (one shared, or one per sample) instead of drawing t ~ U(ε, T). */
  readonly times?: number | Float64Array;
}

/** HSM (default) or DSM training loss for a CLD velocity-score network, on data x: [n, d]. */
export function cldLoss<P>(sde: CldSde, net: ScoreModel<P>, params: P, x: Tensor, k: PRNGKey, opts: CldLossOptions = {}): Tensor {
  if (x.rank !== 2) throw new ShapeError(`cldLoss: data must have shape [n, d], got ${shapeToString(x.shape)}`);
  const objective = opts.objective ?? 'hsm';
  const weighting = opts.weighting ?? 'reweightedv2';
  const eps = opts.eps ?? 1e-5;
  const n = x.shape[0];
  const [kt, kx, ke, kv] = split(k, 4);
  const dt = x.dtype as FloatDType;
  const t = trainingTimes(sde.T, n, kt, eps, opts.times);
  const K = Array.from(t, (ti) => sde.kernel(ti, objective));
  const c = (f: (q: (typeof K)[number]) => number): Tensor => col(Float64Array.from(K, f), x);
  const ex = normal(kx, x.shape, { backend: x.backend, dtype: dt });
  const ev = normal(ke, x.shape, { backend: x.backend, dtype: dt });
  let xt = add(mul(x, c((q) => q.mxx)), mul(ex, c((q) => q.L11)));
  let vt = add(add(mul(x, c((q) => q.mvx)), mul(ex, c((q) => q.L21))), mul(ev, c((q) => q.L22)));
  if (objective === 'dsm') {
    const v0 = normal(kv, x.shape, { backend: x.backend, dtype: dt, scale: Math.sqrt(sde.gamma * sde.M) });
    xt = add(xt, mul(v0, c((q) => q.mxv)));
    vt = add(vt, mul(v0, c((q) => q.mvv)));
  }
  const tTensor = fromArray(t, { backend: x.backend, dtype: x.dtype });
  const u = concat([xt, vt], -1);
  const s = cldMixScore(sde, net(params, u, tTensor), u, t, opts);
  const ell = c((q) => q.ell);
  let perSample: Tensor;
  if (weighting === 'likelihood') perSample = sum(square(add(s, mul(ev, ell))), -1);
  else perSample = sum(square(sub(div(s, neg(ell)), ev)), -1);
  if (weighting !== 'reweightedv2') {
    perSample = mul(perSample, fromArray(t.map((ti) => sde.Gamma * sde.beta(ti)), { backend: x.backend, dtype: x.dtype }));
  }
  return mean(perSample);
}
