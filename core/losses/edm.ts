/**
 * The EDM loss (Karras et al. 2022, eq. 2 and table 1; NVlabs/edm training/loss.py `EDMLoss`):
 * ln σ ~ N(P_mean, P_std²) (−1.2, 1.2), y = x₀ + σn, the preconditioned denoiser
 * D(y, σ) = c_skip y + c_out F_θ(c_in y, c_noise) (edmPrecond), and
 *   λ(σ)‖D(y, σ) − x₀‖², λ(σ) = (σ² + σ_d²)/(σσ_d)²,
 * summed over dimensions and averaged over the batch. F_θ gets c_noise = ¼ ln σ as its time input.
 */
import { libm } from '../numerics/libm/index.js';
import type { PRNGKey } from '../random/key.js';
import { split } from '../random/key.js';
import { normal, normalHost } from '../random/distributions.js';
import type { Tensor } from '../tensor/tensor.js';
import { fromArray } from '../tensor/create.js';
import { add, mul, square, sub } from '../tensor/ops/elementwise.js';
import { mean, sum } from '../tensor/ops/reduce.js';
import { ShapeError, shapeToString } from '../tensor/shape.js';
import type { FloatDType } from '../tensor/dtype.js';
import { type EdmPath, edmPrecond } from '../sde/gaussian-path.js';
import type { ScoreModel } from '../models/score-model.js';
import { col } from './dsm.js';

export interface EdmLossOptions {
  readonly pMean?: number;
  readonly pStd?: number;
  /** Evaluate at these noise levels (one shared, or one per sample) instead of drawing them. */
  readonly sigmas?: number | Float64Array;
}

/** D(y, σ) = c_skip y + c_out F_θ(c_in y, c_noise) for per-sample σ (host coefficients). */
export function edmDenoise<P>(path: EdmPath, net: ScoreModel<P>, params: P, y: Tensor, sigmas: Float64Array): Tensor {
  const c = Array.from(sigmas, (s) => edmPrecond(s, path.sigmaData));
  const k = (f: (q: (typeof c)[number]) => number): Tensor => col(Float64Array.from(c, f), y);
  const F = net(params, mul(y, k((q) => q.cIn)), fromArray(Float64Array.from(c, (q) => q.cNoise), { backend: y.backend, dtype: y.dtype }));
  return add(mul(y, k((q) => q.cSkip)), mul(F, k((q) => q.cOut)));
}

export function edmLoss<P>(path: EdmPath, net: ScoreModel<P>, params: P, x: Tensor, k: PRNGKey, opts: EdmLossOptions = {}): Tensor {
  if (x.rank !== 2) throw new ShapeError(`edmLoss: data must have shape [n, D], got ${shapeToString(x.shape)}`);
  const n = x.shape[0];
  const pMean = opts.pMean ?? -1.2;
  const pStd = opts.pStd ?? 1.2;
  if (!Number.isFinite(pMean) || !(pStd > 0) || !Number.isFinite(pStd)) throw new RangeError(`edmLoss: need a finite pMean and pStd > 0, got ${pMean}, ${pStd}`);
  const [ks, kn] = split(k, 2);
  let sig: Float64Array;
  if (opts.sigmas === undefined) sig = normalHost(ks, n).map((u) => libm.exp(pMean + pStd * u));
  else {
    sig = typeof opts.sigmas === 'number' ? new Float64Array(n).fill(opts.sigmas) : opts.sigmas;
    if (sig.length !== n) throw new RangeError(`edmLoss: ${sig.length} noise levels given for a batch of ${n}`);
    for (const s of sig) if (!(s > 0) || !Number.isFinite(s)) throw new RangeError(`edmLoss: noise level ${s} must be a finite number > 0`);
  }
  const sd = path.sigmaData;
  const lam = sig.map((s) => (s * s + sd * sd) / (s * sd) ** 2);
  const z = normal(kn, x.shape, { backend: x.backend, dtype: x.dtype as FloatDType });
  const y = add(x, mul(z, col(sig, x)));
  const D = edmDenoise(path, net, params, y, sig);
  return mean(mul(sum(square(sub(D, x)), -1), fromArray(lam, { backend: x.backend, dtype: x.dtype })));
}
