/**
 * Denoising score matching (Vincent 2011): perturb x̃ = m·x + s·z and regress s_θ(x̃) on the kernel's
 * score −z/s. Three forms:
 * - a single noise level σ: ½ E‖s_θ(x̃, σ) + z/σ‖²;
 * - NCSN (Song & Ermon 2019, eq. 6): a level σ_i per sample, uniform over the levels, weight λ(σ) = σ²:
 *   ½ E‖σ s_θ(x̃, σ) + z‖²;
 * - continuous time (Song et al. 2021, eq. 7, as score_sde's `get_sde_loss_fn`): t ~ U(ε, T),
 *   per-sample ½Σ_d(s(t)·s_θ + z)² (or the mean over d with `reduceMean`), or with
 *   `likelihoodWeighting` ½Σ_d(s_θ + z/s(t))²·g(t)²; then the batch mean.
 * `dsmPerSample*` return the per-sample losses ([n]) for composite objectives (QCSGM).
 */
import type { PRNGKey } from '../random/key.js';
import { split } from '../random/key.js';
import { normal, uniformHost, randint } from '../random/distributions.js';
import type { Tensor } from '../tensor/tensor.js';
import { fromArray, full } from '../tensor/create.js';
import { add, div, mul, square } from '../tensor/ops/elementwise.js';
import { mean, sum } from '../tensor/ops/reduce.js';
import { gather, reshape } from '../tensor/ops/manipulate.js';
import { ShapeError, shapeToString } from '../tensor/shape.js';
import type { FloatDType } from '../tensor/dtype.js';
import type { ScalarLinearSde } from '../sde/linear.js';
import type { ScoreModel } from '../models/score-model.js';

function checkData(x: Tensor, op: string): void {
  if (x.rank !== 2) throw new ShapeError(`${op}: data must have shape [n, D], got ${shapeToString(x.shape)}`);
}

/** Per-sample host coefficients as a column [n, 1] on `like`'s backend and dtype. */
export const col = (v: Float64Array, like: Tensor): Tensor => fromArray(v, { backend: like.backend, dtype: like.dtype, shape: [v.length, 1] });

/** ½ E‖s_θ(x + σz, σ) + z/σ‖² for one noise level. */
export function dsmLoss<P>(model: ScoreModel<P>, params: P, x: Tensor, k: PRNGKey, sigma: number): Tensor {
  checkData(x, 'dsmLoss');
  if (!(sigma > 0 && Number.isFinite(sigma))) throw new RangeError(`dsmLoss: sigma must be a finite number > 0, got ${sigma}`);
  const z = normal(k, x.shape, { backend: x.backend, dtype: x.dtype as FloatDType });
  const xt = add(x, mul(z, sigma));
  const s = model(params, xt, full([x.shape[0]], sigma, { backend: x.backend, dtype: x.dtype }));
  return mul(mean(sum(square(add(s, div(z, sigma))), -1)), 0.5);
}

/** NCSN's annealed DSM over noise levels with λ(σ) = σ²; the model is conditioned on σ. */
export function ncsnLoss<P>(model: ScoreModel<P>, params: P, x: Tensor, k: PRNGKey, sigmas: readonly number[]): Tensor {
  checkData(x, 'ncsnLoss');
  if (sigmas.length === 0 || !sigmas.every((s) => s > 0 && Number.isFinite(s))) throw new RangeError('ncsnLoss: sigmas must be a non-empty list of finite numbers > 0');
  const [kl, kz] = split(k, 2);
  const n = x.shape[0];
  const idx = randint(kl, [n], 0, sigmas.length, { backend: x.backend });
  const sig = gather(fromArray([...sigmas], { backend: x.backend, dtype: x.dtype }), idx);
  const sigCol = reshape(sig, [n, 1]);
  const z = normal(kz, x.shape, { backend: x.backend, dtype: x.dtype as FloatDType });
  const s = model(params, add(x, mul(z, sigCol)), sig);
  return mul(mean(sum(square(add(mul(s, sigCol), z)), -1)), 0.5);
}

export interface SdeDsmOptions {
  /** Smallest training time (score_sde: 1e-5). */
  readonly eps?: number;
  /** Mean over the feature axis instead of ½·sum (score_sde's `reduce_mean`). */
  readonly reduceMean?: boolean;
  /** Weight by g(t)² (the likelihood weighting of Song, Durkan, Murray & Ermon 2021). */
  readonly likelihoodWeighting?: boolean;
  /** Evaluate at these times (one shared, or one per sample) instead of drawing t ~ U(ε, T). */
  readonly times?: number | Float64Array;
}

/** Per-sample training times: U(ε, T) from the key, or the given ones (checked). */
export function trainingTimes(T: number, n: number, k: PRNGKey, eps: number, times?: number | Float64Array): Float64Array {
  if (times === undefined) {
    if (!(eps > 0 && eps < T)) throw new RangeError(`the smallest training time eps must lie in (0, T = ${T}), got ${eps}`);
    return uniformHost(k, n).map((u) => eps + (T - eps) * u);
  }
  const t = typeof times === 'number' ? new Float64Array(n).fill(times) : times;
  if (t.length !== n) throw new RangeError(`${t.length} times given for a batch of ${n}`);
  for (const ti of t) if (!(ti > 0 && ti <= T)) throw new RangeError(`training time ${ti} is outside (0, ${T}]`);
  return t;
}

/** A perturbed batch at random times with everything the losses need. */
export interface PerturbedBatch {
  readonly t: Float64Array;
  readonly tTensor: Tensor;
  readonly xt: Tensor;
  readonly z: Tensor;
  /** s(t) per sample, [n, 1]. */
  readonly std: Tensor;
}

/** Draw t ~ U(ε, T) and x_t = m(t)x + s(t)z, coefficients computed per sample in float64. */
export function perturbLinear(sde: ScalarLinearSde, x: Tensor, k: PRNGKey, eps: number, times?: number | Float64Array): PerturbedBatch {
  const n = x.shape[0];
  const [kt, kz] = split(k, 2);
  const t = trainingTimes(sde.T, n, kt, eps, times);
  const m = t.map((ti) => sde.meanCoef(ti));
  const sd = t.map((ti) => sde.std(ti));
  const z = normal(kz, x.shape, { backend: x.backend, dtype: x.dtype as FloatDType });
  const std = col(sd, x);
  const xt = add(mul(x, col(m, x)), mul(z, std));
  return { t, tTensor: fromArray(t, { backend: x.backend, dtype: x.dtype }), xt, z, std };
}

/** Per-sample continuous-time DSM losses, given a perturbed batch and the model's score there. */
export function sdeDsmPerSample(sde: ScalarLinearSde, b: PerturbedBatch, score: Tensor, opts: SdeDsmOptions = {}): Tensor {
  const D = score.shape[1];
  const reduce = (q: Tensor): Tensor => (opts.reduceMean ? div(sum(q, -1), D) : mul(sum(q, -1), 0.5));
  if (!opts.likelihoodWeighting) return reduce(square(add(mul(score, b.std), b.z)));
  const g2 = fromArray(b.t.map((ti) => sde.g(ti) ** 2), { backend: score.backend, dtype: score.dtype });
  return mul(reduce(square(add(score, div(b.z, b.std)))), g2);
}

/** Continuous-time DSM for VE / VP / sub-VP (score_sde's loss, its defaults). */
export function sdeDsmLoss<P>(sde: ScalarLinearSde, model: ScoreModel<P>, params: P, x: Tensor, k: PRNGKey, opts: SdeDsmOptions = {}): Tensor {
  checkData(x, 'sdeDsmLoss');
  const b = perturbLinear(sde, x, k, opts.eps ?? 1e-5, opts.times);
  return mean(sdeDsmPerSample(sde, b, model(params, b.xt, b.tTensor), opts));
}
