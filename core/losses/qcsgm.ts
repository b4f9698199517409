/**
 * Quasi-conservative score models (Chao et al., ICML 2023). The asymmetry of the score's Jacobian
 * J = ∇ₓs_θ(x, t) measures how far the field is from conservative (J is a Hessian, hence symmetric,
 * iff s = −∇E locally):
 *   L_QC = ½‖J − Jᵀ‖²_F = tr(JJᵀ) − tr(JJ).
 * Hutchinson estimate with probes v, E[vvᵀ] = I:
 *   'trace' form (the paper's): vᵀJJᵀv − vᵀJJv = ‖Jᵀv‖² − ⟨Jᵀ(Jᵀv), v⟩   (unbiased, may be negative),
 *     two VJPs through the one recorded forward pass (vᵀJJv = ⟨Jᵀ(Jᵀv), v⟩ needs no JVP, which
 *     saves a forward-mode pass per probe; bench W3 times a step against DSM's);
 *   'norm' form: ½‖Jᵀv − Jv‖²  (unbiased and ≥ 0), one VJP and one JVP.
 * The training objective (their eq. 9 with score_sde weighting): mean over the batch of
 *   DSM_i + λ·σ(t_i)²·L_QC,i   (λ = 1e-4 with one probe on images, 0.1 with the exact Jacobian on 2-D toys).
 * Metrics (not σ²-weighted): Asym = ½‖J − Jᵀ‖²_F and NAsym = ‖J − Jᵀ‖²_F / (4‖J‖²_F) ∈ [0, 1].
 */
import type { PRNGKey } from '../random/key.js';
import { split } from '../random/key.js';
import type { Tensor } from '../tensor/tensor.js';
import { ShapeError, shapesEqual, shapeToString } from '../tensor/shape.js';
import { fromArray } from '../tensor/create.js';
import { add, div, mul, square, sub } from '../tensor/ops/elementwise.js';
import { mean, sum } from '../tensor/ops/reduce.js';
import { stack, transpose } from '../tensor/ops/manipulate.js';
import { jvp, vjp } from '../autodiff/transforms.js';
import type { ScalarLinearSde } from '../sde/linear.js';
import { basisDirections, checkCount, probe, probeKey, type ProbeKind } from '../estimators/probes.js';
import { perturbLinear, type SdeDsmOptions, sdeDsmPerSample } from './dsm.js';
import type { ScoreModel } from '../models/score-model.js';

export interface AsymmetryOptions {
  readonly probes?: number;
  readonly probe?: ProbeKind;
  readonly form?: 'trace' | 'norm';
  /**
   * Explicit probe vectors (each of x's shape) instead of drawn ones: common random numbers across
   * models, or all 2^D sign vectors, whose average is the exact expectation (E[vvᵀ] = I holds exactly).
   */
  readonly vectors?: readonly Tensor[];
}

/** Score and per-sample Hutchinson estimates of ½‖J − Jᵀ‖²_F: { s: [n, D], asym: [n] }. */
export function asymmetryHutchinson<P>(model: ScoreModel<P>, params: P, x: Tensor, t: Tensor, k: PRNGKey, opts: AsymmetryOptions = {}): { s: Tensor; asym: Tensor } {
  const given = opts.vectors;
  if (given) {
    if (given.length === 0) throw new RangeError('asymmetryHutchinson: vectors is empty');
    if (opts.probes !== undefined && opts.probes !== given.length) throw new RangeError(`asymmetryHutchinson: probes = ${opts.probes} but ${given.length} vectors given`);
    given.forEach((v, j) => {
      if (!shapesEqual(v.shape, x.shape)) throw new ShapeError(`asymmetryHutchinson: probe vector ${j} has shape ${shapeToString(v.shape)}, x has ${shapeToString(x.shape)}`);
    });
  }
  const P = given ? given.length : opts.probes ?? 1;
  checkCount(P, 'probes');
  const f = (y: Tensor): Tensor => model(params, y, t);
  const back = vjp(f, x);
  let acc: Tensor | null = null;
  for (let j = 0; j < P; j++) {
    const v = given ? given[j] : probe(opts.probe ?? 'rademacher', probeKey(k, j), x);
    const JTv = back.vjp(v);
    const est = opts.form === 'norm'
      ? mul(sum(square(sub(JTv, jvp(f, x, v).tangent)), -1), 0.5)
      : sub(sum(square(JTv), -1), sum(mul(back.vjp(JTv), v), -1));
    acc = acc ? add(acc, est) : est;
  }
  return { s: back.out, asym: div(acc!, P) };
}

/** Per-sample Jacobians J_i = ∂s(x_i)/∂x_i: [n, D, D] (D forward-mode passes; for small D). */
export function batchJacobian<P>(model: ScoreModel<P>, params: P, x: Tensor, t: Tensor): Tensor {
  const cols = basisDirections(x).map((v) => jvp((y: Tensor) => model(params, y, t), x, v).tangent); // column j: J e_j
  return stack(cols, 2); // [n, D(row i), D(col j)]
}

/** Exact per-sample asymmetry metrics: Asym = ½‖J − Jᵀ‖²_F and NAsym = ‖J − Jᵀ‖²_F / (4‖J‖²_F). */
export function asymmetryExact<P>(model: ScoreModel<P>, params: P, x: Tensor, t: Tensor): { asym: Tensor; nasym: Tensor } {
  const J = batchJacobian(model, params, x, t);
  const A = sub(J, transpose(J, [0, 2, 1]));
  const a2 = sum(square(A), [1, 2]);
  return { asym: mul(a2, 0.5), nasym: div(a2, mul(sum(square(J), [1, 2]), 4)) };
}

export interface QcsgmOptions extends SdeDsmOptions, AsymmetryOptions {
  /** Regulariser weight λ. */
  readonly lambda: number;
}

/** DSM + λ·σ²·L_QC on data x for a scalar linear SDE (VE in the paper), with Hutchinson probes. */
export function qcsgmLoss<P>(sde: ScalarLinearSde, model: ScoreModel<P>, params: P, x: Tensor, k: PRNGKey, opts: QcsgmOptions): Tensor {
  if (!(opts.lambda >= 0 && Number.isFinite(opts.lambda))) throw new RangeError(`qcsgmLoss: lambda must be a finite number ≥ 0, got ${opts.lambda}`);
  const [kp, kq] = split(k, 2);
  const b = perturbLinear(sde, x, kp, opts.eps ?? 1e-5, opts.times);
  const { s, asym } = asymmetryHutchinson(model, params, b.xt, b.tTensor, kq, opts);
  const s2 = fromArray(Float64Array.from(b.t, (ti) => sde.std(ti) ** 2), { backend: x.backend, dtype: x.dtype });
  return mean(add(sdeDsmPerSample(sde, b, s, opts), mul(mul(asym, s2), opts.lambda)));
}
