/**
 * Reductions over axes (array-API semantics: axes = undefined reduces all, keepdims keeps unit axes).
 */
import type { ReduceOp } from '../backend.js';
import { isFloat } from '../dtype.js';
import { normalizeAxes, reducedShape, shapeToString, ShapeError } from '../shape.js';
import { makeTensor } from '../create.js';
import type { Tensor } from '../tensor.js';
import type { Primitive } from '../tracer.js';
import { add, astype, div, equal, exp, log, mul, stopGradient, sub, square, sqrt } from './elementwise.js';
import { reshape } from './manipulate.js';
import { expandBack, type ReduceParams, reduceWith, sumPrim, sumTo } from './sum-broadcast.js';

export { sumTo };

export type Axes = number | readonly number[] | undefined;

/** max/min: the derivative flows to the arg-extremum, split evenly among ties. */
function makeExtremum(op: 'max' | 'min'): Primitive<ReduceParams> {
  const weights = (x: Tensor, out: Tensor, p: ReduceParams): Tensor => {
    const mask = astype(equal(x, expandBack(out, p, x.shape)), x.dtype);
    return div(mask, expandBack(reduceWith(sumPrim, mask, p), p, x.shape));
  };
  const prim: Primitive<ReduceParams> = {
    name: op,
    impl: ([x], p) => makeTensor(x.backend, x.backend.reduce(op as ReduceOp, x, p.axes), p.outShape, x.dtype),
    vjp: (ct, [x], out, p) => [mul(expandBack(ct, p, x.shape), weights(x, stopGradient(out), p))],
    jvp: ([t], [x], out, p) => reduceWith(sumPrim, mul(t!, weights(x, stopGradient(out), p)), p),
  };
  return prim;
}
const maxPrim = makeExtremum('max');
const minPrim = makeExtremum('min');

function reduce(prim: Primitive<ReduceParams>, x: Tensor, axes: Axes, keepdims: boolean): Tensor {
  if (x.dtype === 'bool') throw new TypeError(`${prim.name}: cannot reduce a bool tensor; cast it with astype()`);
  const ax = normalizeAxes(axes, x.rank, prim.name);
  if (ax.length === 0) return x;
  if (prim !== sumPrim) {
    for (const a of ax) if (x.shape[a] === 0) throw new ShapeError(`${prim.name}: reducing axis ${a} of size 0 in ${shapeToString(x.shape)}`);
  }
  const p: ReduceParams = { axes: ax, outShape: reducedShape(x.shape, ax, false), keptShape: reducedShape(x.shape, ax, true) };
  const r = reduceWith(prim, x, p);
  return keepdims ? reshape(r, p.keptShape) : r;
}

export const sum = (x: Tensor, axes?: Axes, keepdims = false): Tensor => reduce(sumPrim, x, axes, keepdims);
export const max = (x: Tensor, axes?: Axes, keepdims = false): Tensor => reduce(maxPrim, x, axes, keepdims);
export const min = (x: Tensor, axes?: Axes, keepdims = false): Tensor => reduce(minPrim, x, axes, keepdims);

function countOf(x: Tensor, axes: Axes): number {
  return normalizeAxes(axes, x.rank, 'mean').reduce((n, a) => n * x.shape[a], 1);
}

export function mean(x: Tensor, axes?: Axes, keepdims = false): Tensor {
  if (!isFloat(x.dtype)) throw new TypeError(`mean: needs a floating-point tensor, got ${x.dtype}`);
  return div(sum(x, axes, keepdims), countOf(x, axes));
}

/** Variance with `correction` (0: population, 1: unbiased), array-API `var`. */
export function variance(x: Tensor, axes?: Axes, keepdims = false, correction = 0): Tensor {
  const m = mean(x, axes, true);
  const ss = sum(square(sub(x, m)), axes, keepdims);
  return div(ss, countOf(x, axes) - correction);
}

/** log Σ exp(x) over axes, stabilised by the (gradient-stopped) maximum. */
export function logsumexp(x: Tensor, axes?: Axes, keepdims = false): Tensor {
  const m = stopGradient(max(x, axes, true));
  const s = log(sum(exp(sub(x, m)), axes, true));
  const r = add(s, m);
  return keepdims ? r : reshape(r, reducedShape(x.shape, normalizeAxes(axes, x.rank, 'logsumexp'), false));
}

/** Euclidean norm over axes. Its gradient is NaN at 0; add a floor if that can happen. */
export const norm = (x: Tensor, axes?: Axes, keepdims = false): Tensor => sqrt(sum(square(x), axes, keepdims));

