/**
 * Sliced and implicit score matching on SDE-perturbed data (Song et al. 2021 train with DSM; SSM on
 * perturbed data is Song et al. 2019's alternative): t ~ U(ε, T), x_t = m(t)x + s(t)z, then the SSM /
 * SSM-VR / ISM objective of the model at (x_t, t), weighted per sample by λ(t) = s(t)² as DSM is.
 * Its minimiser is ∇log p_t; it needs no knowledge of the perturbation kernel, only samples of p_t.
 */
import type { PRNGKey } from '../random/key.js';
import { split } from '../random/key.js';
import type { Tensor } from '../tensor/tensor.js';
import { fromArray } from '../tensor/create.js';
import { mul } from '../tensor/ops/elementwise.js';
import { mean } from '../tensor/ops/reduce.js';
import type { ScalarLinearSde } from '../sde/linear.js';
import { perturbLinear } from './dsm.js';
import { implicitScoreMatchingPerSample, slicedScoreMatchingPerSample, type ImplicitOptions, type SlicedOptions } from './score-matching.js';
import type { ScoreModel } from '../models/score-model.js';

export type PerturbedSmKind = 'ssm' | 'ssm-vr' | 'ism';

export function sdeScoreMatchingLoss<P>(
  sde: ScalarLinearSde, kind: PerturbedSmKind, model: ScoreModel<P>, params: P, x: Tensor, k: PRNGKey,
  opts: SlicedOptions & ImplicitOptions & { eps?: number } = {},
): Tensor {
  const [kp, kq] = split(k, 2);
  const b = perturbLinear(sde, x, kp, opts.eps ?? 1e-5);
  const per = kind === 'ism'
    ? implicitScoreMatchingPerSample(model, params, b.xt, b.tTensor, kq, opts)
    : slicedScoreMatchingPerSample(model, params, b.xt, b.tTensor, kq, { ...opts, varianceReduced: kind === 'ssm-vr' });
  const w = fromArray(Float64Array.from(b.t, (ti) => sde.std(ti) ** 2), { backend: x.backend, dtype: x.dtype });
  return mean(mul(per, w));
}
