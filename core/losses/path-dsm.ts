/**
 * Denoising regression on a Gaussian path x_t = α x₀ + σ ε in any parameterisation (Kingma et al.
 * 2021, eq. 13; Ho et al. 2020, eq. 14 for ε; Salimans & Ho 2022, eq. 8 for v; Lipman et al. 2023,
 * eq. 23 for the flow velocity): t ~ U(tMin, tMax), target
 *   score −ε/σ · eps ε · x0 x₀ · v αε − σx₀ · velocity α'x₀ + σ'ε,
 * per-sample loss ½ w(t) Σ_d (F_θ(x_t, t) − target)², then the batch mean. Its minimiser is the
 * prediction of the same kind made from E[x₀|x_t] (parameterisation.ts). In x₀-space the unit
 * weights are ε: e^{2λ}, v: ((α² + σ²)/σ)², score: α²/σ⁴, velocity: (α' − σ'α/σ)².
 * Conditional flow matching on rectified flow (Liu et al. 2023; Lipman et al. 2023 with σ_min = 0) is the
 * velocity form on α = 1 − t, σ = t: target ε − x₀, t ~ U(0, 1 − 10⁻³) (RectifiedFlow's
 * t ~ U(10⁻³, 1) with data at its t = 1).
 */
import type { PRNGKey } from '../random/key.js';
import { split } from '../random/key.js';
import { normal, uniformHost } from '../random/distributions.js';
import type { Tensor } from '../tensor/tensor.js';
import { fromArray } from '../tensor/create.js';
import { add, mul, square, sub } from '../tensor/ops/elementwise.js';
import { mean, sum } from '../tensor/ops/reduce.js';
import { ShapeError, shapeToString } from '../tensor/shape.js';
import type { FloatDType } from '../tensor/dtype.js';
import type { GaussianPath } from '../sde/gaussian-path.js';
import type { Parameterisation } from '../sde/parameterisation.js';
import type { ScoreModel } from '../models/score-model.js';
import { col, trainingTimes } from './dsm.js';

export interface PathDsmOptions {
  /** What the model predicts (default 'eps'). */
  readonly param?: Parameterisation;
  /** t ~ U(tMin, tMax); defaults 1e-5·T and T. */
  readonly tMin?: number;
  readonly tMax?: number;
  /** Host weight w(t) (default 1). */
  readonly weight?: (t: number) => number;
  /** Evaluate at these times (one shared, or one per sample) instead of drawing them. */
  readonly times?: number | Float64Array;
}

function targetCoefs(path: GaussianPath, param: Parameterisation, t: number): { readonly cx: number; readonly ce: number } {
  switch (param) {
    case 'score': return { cx: 0, ce: -1 / path.sigma(t) };
    case 'eps': return { cx: 0, ce: 1 };
    case 'x0': return { cx: 1, ce: 0 };
    case 'v': return { cx: -path.sigma(t), ce: path.alpha(t) };
    case 'velocity': return { cx: path.dAlpha(t), ce: path.dSigma(t) };
    default: {
      const never: never = param;
      throw new RangeError(`unknown parameterisation '${String(never)}'`);
    }
  }
}

/** Per-sample losses ½ w(t) Σ_d (F − target)²: [n]. */
export function pathDsmPerSample<P>(path: GaussianPath, model: ScoreModel<P>, params: P, x: Tensor, k: PRNGKey, opts: PathDsmOptions = {}): Tensor {
  if (x.rank !== 2) throw new ShapeError(`pathDsmLoss: data must have shape [n, D], got ${shapeToString(x.shape)}`);
  const param = opts.param ?? 'eps';
  const n = x.shape[0];
  const [kt, kz] = split(k, 2);
  const tMax = opts.tMax ?? path.T;
  const tMin = opts.tMin ?? 1e-5 * path.T;
  if (opts.times === undefined && !(tMin >= 0 && tMin < tMax && tMax <= path.T)) {
    throw new RangeError(`pathDsmLoss on the ${path.kind} path: need 0 ≤ tMin < tMax ≤ T = ${path.T}, got tMin = ${tMin}, tMax = ${tMax}`);
  }
  const t = opts.times === undefined ? uniformHost(kt, n).map((u) => tMin + (tMax - tMin) * u) : trainingTimes(path.T, n, kt, 0, opts.times);
  const al = t.map((ti) => path.alpha(ti));
  const si = t.map((ti) => path.sigma(ti));
  const tc = Array.from(t, (ti) => targetCoefs(path, param, ti));
  const z = normal(kz, x.shape, { backend: x.backend, dtype: x.dtype as FloatDType });
  const xt = add(mul(x, col(al, x)), mul(z, col(si, x)));
  const target = add(mul(x, col(Float64Array.from(tc, (c) => c.cx), x)), mul(z, col(Float64Array.from(tc, (c) => c.ce), x)));
  const pred = model(params, xt, fromArray(t, { backend: x.backend, dtype: x.dtype }));
  const w = opts.weight ? t.map((ti) => 0.5 * opts.weight!(ti)) : new Float64Array(n).fill(0.5);
  return mul(sum(square(sub(pred, target)), -1), fromArray(w, { backend: x.backend, dtype: x.dtype }));
}

/** The batch mean of `pathDsmPerSample`. */
export function pathDsmLoss<P>(path: GaussianPath, model: ScoreModel<P>, params: P, x: Tensor, k: PRNGKey, opts: PathDsmOptions = {}): Tensor {
  return mean(pathDsmPerSample(path, model, params, x, k, opts));
}

/** Conditional flow matching on rectified flow: the velocity form, t ~ U(0, 1 − 10⁻³) unless given. */
export function cfmLoss<P>(path: GaussianPath, model: ScoreModel<P>, params: P, x: Tensor, k: PRNGKey, opts: Omit<PathDsmOptions, 'param'> = {}): Tensor {
  if (path.kind !== 'rf') throw new RangeError(`cfmLoss: conditional flow matching here is rectified flow's (α = 1 − t, σ = t), not the ${path.kind} path; use pathDsmLoss with param 'velocity'`);
  return pathDsmLoss(path, model, params, x, k, { tMin: 0, tMax: 1 - 1e-3, ...opts, param: 'velocity' });
}
