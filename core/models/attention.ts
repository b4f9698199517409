/**
 * Scaled dot-product attention (Vaswani et al. 2017, eq. 1) as a composition of primitives:
 *   attention(Q, K, V) = softmax(Q Kᵀ/√d) V,  Q [B, L, d], K [B, S, d], V [B, S, e] → [B, L, e],
 * with softmax(z) = exp(z − logsumexp(z)) over the last axis (no overflow).
 */
import type { Tensor } from '../tensor/tensor.js';
import { exp, mul, sub } from '../tensor/ops/elementwise.js';
import { logsumexp } from '../tensor/ops/reduce.js';
import { matmul } from '../tensor/ops/linalg.js';
import { matrixTranspose } from '../tensor/ops/manipulate.js';
import { ShapeError, shapeToString } from '../tensor/shape.js';

/** softmax over `axis` (default the last). */
export function softmax(z: Tensor, axis = -1): Tensor {
  return exp(sub(z, logsumexp(z, axis, true)));
}

export function attention(q: Tensor, k: Tensor, v: Tensor): Tensor {
  const r = q.rank;
  if (r < 2 || k.rank !== r || v.rank !== r) throw new ShapeError(`attention: Q, K, V must have one rank ≥ 2, got ${shapeToString(q.shape)}, ${shapeToString(k.shape)}, ${shapeToString(v.shape)}`);
  const d = q.shape[r - 1];
  if (k.shape[r - 1] !== d) throw new ShapeError(`attention: Q ${shapeToString(q.shape)} and K ${shapeToString(k.shape)} differ in their last axis`);
  if (k.shape[r - 2] !== v.shape[r - 2]) throw new ShapeError(`attention: K ${shapeToString(k.shape)} and V ${shapeToString(v.shape)} differ in length`);
  return matmul(softmax(mul(matmul(q, matrixTranspose(k)), 1 / Math.sqrt(d))), v);
}
