/**
 * Matrix products (array-API matmul semantics: batch dimensions broadcast; a 1-D operand is
 * promoted to a matrix and the added axis removed afterwards).
 */
import { broadcastShapes, ShapeError, shapeToString, sizeOf } from '../shape.js';
import { checkElements, makeTensor } from '../create.js';
import type { Tensor } from '../tensor.js';
import { bind, type Primitive } from '../tracer.js';
import { add, coerce, mul } from './elementwise.js';
import { sum, sumTo } from './reduce.js';
import { expandDims, matrixTranspose, reshape, squeeze } from './manipulate.js';

interface MatmulParams {
  readonly outShape: readonly number[];
}
const matmulPrim: Primitive<MatmulParams> = {
  name: 'matmul',
  impl: ([a, b], p) => makeTensor(a.backend, a.backend.matmul(a, b, p.outShape), p.outShape, a.dtype),
  // d(AB) = dA·B + A·dB;  Ā = Ḡ·Bᵀ, B̄ = Aᵀ·Ḡ (summed over broadcast batch axes).
  vjp: (ct, [a, b]) => [sumTo(matmul(ct, matrixTranspose(b)), a.shape), sumTo(matmul(matrixTranspose(a), ct), b.shape)],
  jvp: ([ta, tb], [a, b]) => {
    const l = ta && matmul(ta, b);
    const r = tb && matmul(a, tb);
    return l && r ? add(l, r) : (l ?? r);
  },
};

export function matmul(x: Tensor, y: Tensor): Tensor {
  if (x.rank === 0 || y.rank === 0) {
    throw new ShapeError(`matmul: operands must have rank ≥ 1, got ${shapeToString(x.shape)} and ${shapeToString(y.shape)}`);
  }
  const [a0, b0] = coerce('matmul', x, y);
  const a = a0.rank === 1 ? expandDims(a0, 0) : a0;
  const b = b0.rank === 1 ? expandDims(b0, 1) : b0;
  const k = a.shape[a.rank - 1];
  if (b.shape[b.rank - 2] !== k) {
    throw new ShapeError(
      `matmul: inner dimensions differ: ${shapeToString(x.shape)} @ ${shapeToString(y.shape)} (${k} vs ${b.shape[b.rank - 2]})`,
    );
  }
  const batch = broadcastShapes('matmul (batch dimensions)', a.shape.slice(0, -2), b.shape.slice(0, -2));
  const outShape = [...batch, a.shape[a.rank - 2], b.shape[b.rank - 1]];
  checkElements(a.backend, sizeOf(outShape), `matmul ${shapeToString(x.shape)} @ ${shapeToString(y.shape)}`);
  const out = bind(matmulPrim, [a, b], { outShape });
  if (x.rank === 1 && y.rank === 1) return reshape(out, []);
  if (x.rank === 1) return squeeze(out, out.rank - 2);
  if (y.rank === 1) return squeeze(out, out.rank - 1);
  return out;
}

/** Σ_i a_i b_i over the last axis (array-API vecdot), batch axes broadcast. */
export function vecdot(a: Tensor, b: Tensor, axis = -1): Tensor {
  return sum(mul(a, b), axis);
}

/** Outer product of two vectors. */
export function outer(a: Tensor, b: Tensor): Tensor {
  if (a.rank !== 1 || b.rank !== 1) throw new ShapeError(`outer: needs two vectors, got ${shapeToString(a.shape)} and ${shapeToString(b.shape)}`);
  return mul(expandDims(a, 1), expandDims(b, 0));
}
