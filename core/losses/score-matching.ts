/**
 * Score matching on (possibly noise-conditioned) data, no perturbation inside:
 * - explicit SM (Fisher divergence against a known score): ½ E ‖s_θ(x) − ∇log p(x)‖²;
 * - implicit SM (Hyvärinen 2005, eq. 4): E[tr(∇ₓs_θ(x)) + ½‖s_θ(x)‖²], with the trace exact
 *   (D JVPs along the basis, for small D) or Hutchinson-estimated (E_v vᵀJv, E[vvᵀ] = I);
 * - sliced SM (Song, Garg, Shi & Ermon 2019, eq. 7): E_v E_x[vᵀJv + ½(vᵀs)²];
 *   SSM-VR (eq. 8, Gaussian v): E_v E_x[vᵀJv] + ½E‖s‖².
 * All average over the batch (and probes); per-sample sums run over the feature axis.
 */
import type { PRNGKey } from '../random/key.js';
import type { Tensor } from '../tensor/tensor.js';
import { add, div, mul, square, sub } from '../tensor/ops/elementwise.js';
import { mean, sum } from '../tensor/ops/reduce.js';
import { ShapeError, shapesEqual, shapeToString } from '../tensor/shape.js';
import { jvp } from '../autodiff/transforms.js';
import { checkCount, probe, probeKey, type ProbeKind } from '../estimators/probes.js';
import { jacobianTrace } from '../estimators/trace.js';
import type { ScoreModel } from '../models/score-model.js';

function checkBatch(x: Tensor, t: Tensor, op: string): void {
  if (x.rank !== 2) throw new ShapeError(`${op}: x must have shape [n, D], got ${shapeToString(x.shape)}`);
  if (t.rank !== 1 || t.shape[0] !== x.shape[0]) throw new ShapeError(`${op}: t must have shape [${x.shape[0]}], got ${shapeToString(t.shape)}`);
}

/** ½ E‖s_θ(x, t) − target‖² (target: the known score at x, same shape). */
export function explicitScoreMatching<P>(model: ScoreModel<P>, params: P, x: Tensor, t: Tensor, target: Tensor): Tensor {
  checkBatch(x, t, 'explicitScoreMatching');
  if (!shapesEqual(target.shape, x.shape)) throw new ShapeError(`explicitScoreMatching: target ${shapeToString(target.shape)} vs x ${shapeToString(x.shape)}`);
  return mul(mean(sum(square(sub(model(params, x, t), target)), -1)), 0.5);
}

export interface ImplicitOptions {
  /** 'exact' (D JVPs) or 'hutchinson' (probes); default exact for D ≤ 16. */
  readonly trace?: 'exact' | 'hutchinson';
  readonly probes?: number;
  readonly probe?: ProbeKind;
}

/** Hyvärinen's implicit score matching E[tr(∇ₓs) + ½‖s‖²]. */
export function implicitScoreMatching<P>(model: ScoreModel<P>, params: P, x: Tensor, t: Tensor, k: PRNGKey, opts: ImplicitOptions = {}): Tensor {
  return mean(implicitScoreMatchingPerSample(model, params, x, t, k, opts));
}

/** Per-sample implicit score matching terms tr(∇ₓs) + ½‖s‖²: [n]. */
export function implicitScoreMatchingPerSample<P>(model: ScoreModel<P>, params: P, x: Tensor, t: Tensor, k: PRNGKey, opts: ImplicitOptions = {}): Tensor {
  checkBatch(x, t, 'implicitScoreMatching');
  const D = x.shape[1];
  const mode = opts.trace ?? (D <= 16 ? 'exact' : 'hutchinson');
  let probes: Tensor[] | undefined;
  if (mode !== 'exact') {
    const P = opts.probes ?? 1;
    checkCount(P, 'probes');
    probes = Array.from({ length: P }, (_, j) => probe(opts.probe ?? 'rademacher', probeKey(k, j), x));
  }
  const { out: s, trace } = jacobianTrace((y: Tensor) => model(params, y, t), x, probes);
  return add(trace, mul(sum(square(s), -1), 0.5));
}

export interface SlicedOptions {
  readonly probes?: number;
  /** Default: Rademacher for SSM (as the reference code), Gaussian for SSM-VR (its derivation needs it). */
  readonly probe?: ProbeKind;
  /** Variance-reduced form: ½‖s‖² in closed form instead of ½(vᵀs)². */
  readonly varianceReduced?: boolean;
}

/** Sliced score matching (SSM) and its variance-reduced form (SSM-VR). */
export function slicedScoreMatching<P>(model: ScoreModel<P>, params: P, x: Tensor, t: Tensor, k: PRNGKey, opts: SlicedOptions = {}): Tensor {
  return mean(slicedScoreMatchingPerSample(model, params, x, t, k, opts));
}

/** Per-sample SSM / SSM-VR terms: [n]. */
export function slicedScoreMatchingPerSample<P>(model: ScoreModel<P>, params: P, x: Tensor, t: Tensor, k: PRNGKey, opts: SlicedOptions = {}): Tensor {
  checkBatch(x, t, 'slicedScoreMatching');
  const P = opts.probes ?? 1;
  checkCount(P, 'probes');
  const vr = opts.varianceReduced ?? false;
  const kind = opts.probe ?? (vr ? 'gaussian' : 'rademacher');
  let acc: Tensor | null = null;
  let s: Tensor | null = null;
  for (let j = 0; j < P; j++) {
    const v = probe(kind, probeKey(k, j), x);
    const r = jvp((y: Tensor) => model(params, y, t), x, v);
    s = r.out;
    let term = sum(mul(r.tangent, v), -1);
    if (!vr) term = add(term, mul(square(sum(mul(v, r.out), -1)), 0.5));
    acc = acc ? add(acc, term) : term;
  }
  const perSample = div(acc!, P);
  return vr ? add(perSample, mul(sum(square(s!), -1), 0.5)) : perSample;
}
