/**
 * Fused operations: one pass over memory where a backend offers a fused kernel (the optional
 * `linearCombination` and `dense` of the Backend interface), the composition of primitives elsewhere.
 * Results are the same maths either way; tests compare the two on every backend that fuses.
 *
 *  - linearCombination(xs, c) = Σ_i c_i·x_i (broadcasting), the update of Euler–Maruyama
 *    (x + f·dt + g·√dt·z) and of SSCS's exactly solved Ornstein–Uhlenbeck half-step. A primitive with
 *    its own derivative rules (it is linear), so it stays fused under autodiff too.
 *  - dense(x, W, b, act) = act(x·W + b), the MLP layer. Fused only on concrete tensors (sampling,
 *    evaluation); under autodiff it is the composition, whose derivative rules exist already.
 */
import type { Backend } from '../backend.js';
import { isFloat } from '../dtype.js';
import { broadcastShapes, type Shape, shapesEqual, shapeToString, ShapeError } from '../shape.js';
import { makeTensor } from '../create.js';
import { ConcreteTensor, type Tensor } from '../tensor.js';
import { tidy } from '../scope.js';
import { bind, type Primitive } from '../tracer.js';
import { add, mul } from './elementwise.js';
import { broadcastTo } from './manipulate.js';
import { sumTo } from './reduce.js';
import { matmul } from './linalg.js';

interface LinCombParams {
  readonly coeffs: readonly number[];
  readonly outShape: Shape;
}

/** Σ c_i x_i by primitives (the reference, and the path of backends without the fused kernel). */
function composeLinComb(xs: readonly Tensor[], coeffs: readonly number[], outShape: Shape): Tensor {
  let acc = mul(xs[0], coeffs[0]);
  for (let i = 1; i < xs.length; i++) acc = add(acc, mul(xs[i], coeffs[i]));
  return shapesEqual(acc.shape, outShape) ? acc : broadcastTo(acc, outShape);
}

const linCombPrim: Primitive<LinCombParams> = {
  name: 'linearCombination',
  impl: (xs, p) => {
    const be: Backend = xs[0].backend;
    if (be.linearCombination) return makeTensor(be, be.linearCombination(xs, p.coeffs, p.outShape), p.outShape, xs[0].dtype);
    return tidy(() => composeLinComb(xs, p.coeffs, p.outShape)) as ConcreteTensor;
  },
  vjp: (ct, xs, _out, p) => xs.map((x, i) => sumTo(mul(ct, p.coeffs[i]), x.shape)),
  jvp: (ts, _xs, _out, p) => {
    const live = ts.map((t, i) => [t, p.coeffs[i]] as const).filter(([t]) => t !== null) as [Tensor, number][];
    if (live.length === 0) return null;
    return linearCombination(live.map(([t]) => t), live.map(([, c]) => c), p.outShape);
  },
};

/** Σ_i c_i·x_i for float tensors of one dtype whose shapes broadcast; coefficients are host numbers. */
export function linearCombination(xs: readonly Tensor[], coeffs: readonly number[], outShape?: Shape): Tensor {
  if (xs.length === 0) throw new RangeError('linearCombination: no operands');
  if (xs.length !== coeffs.length) throw new RangeError(`linearCombination: ${xs.length} operands but ${coeffs.length} coefficients`);
  coeffs.forEach((c, i) => {
    if (!Number.isFinite(c)) throw new RangeError(`linearCombination: coefficient ${i} is ${c}`);
  });
  const dt = xs[0].dtype;
  if (!isFloat(dt) || xs.some((x) => x.dtype !== dt)) throw new TypeError(`linearCombination: operands must share one float dtype, got ${xs.map((x) => x.dtype).join(', ')}`);
  const shape = broadcastShapes('linearCombination', ...xs.map((x) => x.shape), ...(outShape ? [outShape] : []));
  return bind(linCombPrim, [...xs], { coeffs: [...coeffs], outShape: shape });
}

export type DenseActivation = 'none' | 'silu' | 'tanh' | 'relu' | 'softplus' | (string & {});

/**
 * act(x·W + b) for x [n, k], W [k, m], b [m]. `compose(h)` applies the activation by primitives; it
 * is used under autodiff, on backends without a fused dense kernel, and for activations the
 * backend's kernel does not cover.
 */
export function dense(x: Tensor, W: Tensor, b: Tensor, activation: DenseActivation, compose: (h: Tensor) => Tensor): Tensor {
  if (x.rank !== 2 || W.rank !== 2 || b.rank !== 1 || x.shape[1] !== W.shape[0] || b.shape[0] !== W.shape[1]) {
    throw new ShapeError(`dense: x ${shapeToString(x.shape)}, W ${shapeToString(W.shape)}, b ${shapeToString(b.shape)} do not fit x·W + b`);
  }
  if (x instanceof ConcreteTensor && W instanceof ConcreteTensor && b instanceof ConcreteTensor && x.backend === W.backend && W.backend === b.backend && x.dtype === W.dtype && W.dtype === b.dtype) {
    const h = x.backend.dense?.(x, W, b, activation);
    if (h !== undefined) return makeTensor(x.backend, h, [x.shape[0], W.shape[1]], x.dtype);
  }
  return compose(add(matmul(x, W), b));
}
