/**
 * Log-likelihood through the probability-flow ODE (Song et al. 2021, appendix D.2; the instantaneous
 * change of variables of Chen et al. 2018): along dx/dt = F(x, t),
 *   log p_ε(x(ε)) = log p_T(x(T)) + ∫_ε^T ∇·F(x(t), t) dt.
 * The divergence is exact (D forward-mode passes, for small D) or the Hutchinson–Skilling estimate
 * vᵀ(∂F/∂x)v with one probe v fixed for the whole solve (Gaussian or Rademacher), as score_sde does.
 * For an opaque score (core/sde/opaque-score.ts) the directional derivatives are central finite
 * differences (core/estimators/fd-trace.ts) instead of forward-mode passes.
 * The ODE is solved on the augmented state [x, Δlogp] with adaptive Dormand–Prince (rtol = atol = 1e-5).
 */
import type { PRNGKey } from '../random/key.js';
import type { Tensor } from '../tensor/tensor.js';
import { fromArray } from '../tensor/create.js';
import { add, div } from '../tensor/ops/elementwise.js';
import { concat, reshape, sliceAxis } from '../tensor/ops/manipulate.js';
import { ShapeError, shapeToString } from '../tensor/shape.js';
import type { ScoreFn } from '../sde/types.js';
import type { Sde } from '../sde/sde.js';
import { probe, type ProbeKind } from '../estimators/probes.js';
import { jacobianTrace } from '../estimators/trace.js';
import { finiteDifferenceTrace } from '../estimators/fd-trace.js';
import { opaquePrecision } from '../sde/opaque-score.js';
import { probabilityFlow } from './ode-steppers.js';
import { type AdaptiveOptions, dopri5 } from './dopri5.js';

export interface LikelihoodOptions extends AdaptiveOptions {
  /** Start time ε of the integration (score_sde: 1e-5). */
  readonly eps?: number;
  /** 'exact' (default for D ≤ 16) or a Hutchinson probe kind. */
  readonly divergence?: 'exact' | ProbeKind;
  /** Needed for Hutchinson probes. */
  readonly key?: PRNGKey;
  /** Added to bits/dim (7 for 8-bit data scaled to [−1, 1], score_sde's offset). */
  readonly bitsOffset?: number;
  /** Terminal log-density at T (default: the SDE's prior, which is only approximately p_T). */
  readonly terminalLogp?: (xT: Tensor) => Tensor;
}

export interface LikelihoodResult {
  /** log p_ε(x) per sample. */
  readonly logp: Tensor;
  /** −log p/(D ln 2) + offset, per sample. */
  readonly bpd: Tensor;
  readonly nfe: number;
}

export async function logLikelihood(sde: Sde, score: ScoreFn, x: Tensor, o: LikelihoodOptions = {}): Promise<LikelihoodResult> {
  if (x.rank !== 2) throw new ShapeError(`logLikelihood: x must have shape [n, D], got ${shapeToString(x.shape)}`);
  const eps = o.eps ?? 1e-5;
  if (!(eps > 0 && eps < sde.T)) throw new RangeError(`logLikelihood: eps must lie in (0, T = ${sde.T}), got ${eps}`);
  const [n, D] = x.shape;
  const F = probabilityFlow(sde, score);
  const mode = o.divergence ?? (D <= 16 ? 'exact' : 'rademacher');
  let v: Tensor | null = null;
  if (mode !== 'exact') {
    if (!o.key) throw new Error('logLikelihood: a key is needed for Hutchinson probes');
    v = probe(mode, o.key, x);
  }
  const precision = opaquePrecision(score);
  const divergence = (y: Tensor, t: number): { f: Tensor; div: Tensor } => {
    const probes = v ? [v] : undefined;
    const r = precision === undefined ? jacobianTrace((z: Tensor) => F(z, t), y, probes) : finiteDifferenceTrace((z: Tensor) => F(z, t), y, probes, precision);
    return { f: r.out, div: r.trace };
  };
  const aug = (s: Tensor, t: number): Tensor => {
    const { f, div: dv } = divergence(sliceAxis(s, -1, 0, D), t);
    return concat([f, reshape(dv, [n, 1])], -1);
  };
  const s0 = concat([x, fromArray(new Float64Array(n), { backend: x.backend, dtype: x.dtype, shape: [n, 1] })], -1);
  const r = await dopri5(aug, s0, eps, sde.T, o);
  const xT = sliceAxis(r.x, -1, 0, D);
  const delta = reshape(sliceAxis(r.x, -1, D, 1), [n]);
  const logp = add((o.terminalLogp ?? ((y: Tensor) => sde.priorLogp(y)))(xT), delta);
  const bpd = add(div(logp, -D * Math.LN2), o.bitsOffset ?? 0);
  // each F evaluation costs one score evaluation per direction of the divergence (finite differences: two, and one for F)
  const directions = v ? 1 : D;
  return { logp, bpd, nfe: r.nfe * (precision === undefined ? directions : 2 * directions + 1) };
}
