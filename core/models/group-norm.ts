/**
 * Group normalisation (Wu & He 2018, eq. 1–3) of channels-last activations x [N, H, W, C]: the C
 * channels split into G groups; each sample's group is normalised by its mean and variance over
 * (H, W, C/G), then scaled and shifted per channel:
 *   y = γ·(x − μ)/√(σ² + ε) + β.
 */
import type { Tensor } from '../tensor/tensor.js';
import { add, div, mul, sqrt, sub } from '../tensor/ops/elementwise.js';
import { mean, variance } from '../tensor/ops/reduce.js';
import { reshape } from '../tensor/ops/manipulate.js';
import { ShapeError, shapeToString } from '../tensor/shape.js';

export function groupNorm(x: Tensor, groups: number, gamma: Tensor, beta: Tensor, eps = 1e-5): Tensor {
  if (x.rank !== 4) throw new ShapeError(`groupNorm: input must be [N, H, W, C], got ${shapeToString(x.shape)}`);
  const [N, H, W, C] = x.shape;
  if (!Number.isInteger(groups) || groups < 1 || C % groups !== 0) throw new RangeError(`groupNorm: ${C} channels do not split into ${groups} groups`);
  if (gamma.shape.join() !== `${C}` || beta.shape.join() !== `${C}`) {
    throw new ShapeError(`groupNorm: γ and β must have shape [${C}], got ${shapeToString(gamma.shape)} and ${shapeToString(beta.shape)}`);
  }
  const g = reshape(x, [N, H, W, groups, C / groups]);
  const mu = mean(g, [1, 2, 4], true);
  const v = variance(g, [1, 2, 4], true);
  const z = reshape(div(sub(g, mu), sqrt(add(v, eps))), [N, H, W, C]);
  return add(mul(z, gamma), beta);
}
