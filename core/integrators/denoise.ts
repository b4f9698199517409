/**
 * Final denoising at the sampling end time ε:
 * - 'tweedie' (VE/VP/sub-VP and the Gaussian paths): E[x₀ | x_ε] = (x + s(ε)²∇log p_ε(x))/m(ε) (Tweedie's formula for
 *   x_ε = m x₀ + s z), one score evaluation;
 * - 'mean-step' (any SDE, CLD-SGM's and score_sde's choice): one noise-free reverse-SDE Euler step of
 *   size ε from ε to 0, x − ε·[f − GGᵀs](x, ε).
 */
import type { Tensor } from '../tensor/tensor.js';
import { add, div, mul, sub } from '../tensor/ops/elementwise.js';
import type { ScoreFn } from '../sde/types.js';
import { type Sde, unknownSde } from '../sde/sde.js';

export type DenoiseKind = 'tweedie' | 'mean-step';

export function denoise(sde: Sde, score: ScoreFn, x: Tensor, eps: number, kind: DenoiseKind): Tensor {
  if (!(eps > 0 && eps < sde.T)) throw new RangeError(`denoise: eps must lie in (0, T = ${sde.T}), got ${eps}`);
  if (kind === 'mean-step') return sub(x, mul(sde.reverseDrift(x, eps, score, false), eps));
  if (kind !== 'tweedie') throw new RangeError(`unknown denoising '${String(kind)}' (tweedie, mean-step)`);
  switch (sde.kind) {
    case 've': case 'vp': case 'subvp': return div(add(x, mul(score(x, eps), sde.std(eps) ** 2)), sde.meanCoef(eps));
    case 'cld': throw new RangeError("Tweedie denoising needs the full score; CLD models give the velocity score: use 'mean-step'");
    case 'edm': case 'vp-cosine': case 'rf': case 'vp-logsnr': return div(add(x, mul(score(x, eps), sde.path.sigma(eps) ** 2)), sde.path.alpha(eps));
    default: return unknownSde(sde);
  }
}
