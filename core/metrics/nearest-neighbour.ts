/**
 * Euclidean distance from each row of x [m, d] to its nearest row of a reference set r [N, d]
 * (the memorisation check of generative models: generated images that copy training images have
 * distance ≈ 0). Squared distances by ‖x‖² + ‖r‖² − 2·x rᵀ (one matrix product per chunk of
 * `chunk` reference rows, clamped at 0 against rounding), minimised over the chunks.
 */
import type { Tensor } from '../tensor/tensor.js';
import { add, maximum, minimum, mul, sqrt, sub } from '../tensor/ops/elementwise.js';
import { min, sum } from '../tensor/ops/reduce.js';
import { matrixTranspose, reshape, sliceAxis } from '../tensor/ops/manipulate.js';
import { matmul } from '../tensor/ops/linalg.js';
import { ShapeError, shapeToString } from '../tensor/shape.js';
import { tidy } from '../tensor/scope.js';

export function nearestNeighbourDistances(x: Tensor, ref: Tensor, chunk = 2048): Tensor {
  if (x.rank !== 2 || ref.rank !== 2 || x.shape[1] !== ref.shape[1] || ref.shape[0] < 1) {
    throw new ShapeError(`nearestNeighbourDistances: x [m, d] and a non-empty reference [N, d] needed, got ${shapeToString(x.shape)} and ${shapeToString(ref.shape)}`);
  }
  if (!Number.isInteger(chunk) || chunk < 1) throw new RangeError(`nearestNeighbourDistances: chunk must be a positive integer, got ${chunk}`);
  return tidy(() => {
    const m = x.shape[0];
    const xx = reshape(sum(mul(x, x), 1), [m, 1]);
    let best: Tensor | undefined;
    for (let s = 0; s < ref.shape[0]; s += chunk) {
      const r = sliceAxis(ref, 0, s, Math.min(chunk, ref.shape[0] - s));
      const rr = reshape(sum(mul(r, r), 1), [1, r.shape[0]]);
      const d2 = min(sub(add(xx, rr), mul(matmul(x, matrixTranspose(r)), 2)), 1);
      best = best === undefined ? d2 : minimum(best, d2);
    }
    return sqrt(maximum(best as Tensor, 0));
  });
}
