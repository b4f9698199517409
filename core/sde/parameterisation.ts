/**
 * What a network predicts, on a Gaussian path x = αx₀ + σε. Each is affine in (x, D), D = E[x₀|x]:
 *   score  ∇log p_t = (αD − x)/σ²          (Tweedie; Efron 2011)
 *   eps    ε̂ = (x − αD)/σ                   (Ho et al. 2020)
 *   x0     D                                 (Karras et al. 2022, the denoiser)
 *   v      αε̂ − σD = (α/σ)x − ((α² + σ²)/σ)D (Salimans & Ho 2022, eq. 8 ff.)
 *   velocity u = dx/dt = α'D + σ'ε̂ = (σ'/σ)x + (α' − σ'α/σ)D   (flow matching; rectified flow: (x − D)/t)
 * so a prediction p = a_p x + b_p D converts to q by q = (a_q − b_q a_p/b_p) x + (b_q/b_p) p,
 * with host float64 coefficients at each time. A conversion needs b_p ≠ 0 and finite coefficients:
 * none exists where σ = 0 (score, ε, v and velocity are undefined) or, from x0, where α = 0.
 */
import type { Tensor } from '../tensor/tensor.js';
import { add, mul } from '../tensor/ops/elementwise.js';
import type { GaussianPath } from './gaussian-path.js';

export type Parameterisation = 'score' | 'eps' | 'x0' | 'v' | 'velocity';
export const PARAMETERISATIONS: readonly Parameterisation[] = ['score', 'eps', 'x0', 'v', 'velocity'];

/** p = a·x + b·D at time t. */
export function affineOf(path: GaussianPath, p: Parameterisation, t: number): { readonly a: number; readonly b: number } {
  const al = path.alpha(t);
  const si = path.sigma(t);
  switch (p) {
    case 'score': return { a: -1 / (si * si), b: al / (si * si) };
    case 'eps': return { a: 1 / si, b: -al / si };
    case 'x0': return { a: 0, b: 1 };
    case 'v': return { a: al / si, b: -(al * al + si * si) / si };
    case 'velocity': {
      const ds = path.dSigma(t);
      return { a: ds / si, b: path.dAlpha(t) - (ds * al) / si };
    }
    default: {
      const never: never = p;
      throw new RangeError(`unknown parameterisation '${String(never)}' (${PARAMETERISATIONS.join(', ')})`);
    }
  }
}

/** Host coefficients (cx, cp) of q = cx·x + cp·p converting the prediction p of `from` into `to` at t. */
export function conversionCoefs(path: GaussianPath, from: Parameterisation, to: Parameterisation, t: number): { readonly cx: number; readonly cp: number } {
  if (from === to) return { cx: 0, cp: 1 };
  const P = affineOf(path, from, t);
  const Q = affineOf(path, to, t);
  const cx = Q.a - (Q.b * P.a) / P.b;
  const cp = Q.b / P.b;
  if (!Number.isFinite(cx) || !Number.isFinite(cp) || P.b === 0) {
    throw new RangeError(`${path.kind} path at t = ${t} (α = ${path.alpha(t)}, σ = ${path.sigma(t)}): cannot convert a ${from} prediction to ${to}`);
  }
  return { cx, cp };
}

/** Convert a prediction `pred` of kind `from` at state x and time t into kind `to`. */
export function convertPrediction(path: GaussianPath, from: Parameterisation, to: Parameterisation, t: number, x: Tensor, pred: Tensor): Tensor {
  if (from === to) return pred;
  const { cx, cp } = conversionCoefs(path, from, to, t);
  return cx === 0 ? mul(pred, cp) : add(mul(x, cx), mul(pred, cp));
}

/** A model (x, t) ↦ prediction of kind `from`, seen as one of kind `to`. */
export function asParameterisation(
  path: GaussianPath,
  model: (x: Tensor, t: number) => Tensor,
  from: Parameterisation,
  to: Parameterisation,
): (x: Tensor, t: number) => Tensor {
  return (x, t) => convertPrediction(path, from, to, t, x, model(x, t));
}
