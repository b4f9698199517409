/**
 * Summation over axes, broadcasting and reshape: the structural primitives whose derivative rules
 * are each other (the VJP of broadcastTo is sumTo, that of sum is a reshape and a broadcast), so
 * they live together and every other op file builds on them without import cycles.
 */
import { checkShape, reducedShape, resolveReshape, type Shape, ShapeError, shapesEqual, shapeToString } from '../shape.js';
import { makeTensor } from '../create.js';
import type { Tensor } from '../tensor.js';
import { bind, type Primitive } from '../tracer.js';

interface ShapeParams {
  readonly shape: Shape;
}
const reshapePrim: Primitive<ShapeParams> = {
  name: 'reshape',
  impl: ([x], p) => makeTensor(x.backend, x.backend.reshape(x, p.shape), p.shape, x.dtype),
  vjp: (ct, [x]) => [reshape(ct, x.shape)],
  jvp: ([t], _x, _o, p) => reshape(t!, p.shape),
};

/** Reshape (row-major order); one dimension may be -1. */
export function reshape(x: Tensor, shape: Shape): Tensor {
  const s = resolveReshape(x.shape, shape);
  if (shapesEqual(s, x.shape)) return x;
  return bind(reshapePrim, [x], { shape: s });
}

const broadcastPrim: Primitive<ShapeParams> = {
  name: 'broadcastTo',
  impl: ([x], p) => makeTensor(x.backend, x.backend.broadcastTo(x, p.shape), p.shape, x.dtype),
  vjp: (ct, [x]) => [sumTo(ct, x.shape)],
  jvp: ([t], _x, _o, p) => broadcastTo(t!, p.shape),
};

export function broadcastTo(x: Tensor, shape: Shape): Tensor {
  checkShape(shape);
  if (shapesEqual(x.shape, shape)) return x;
  const lead = shape.length - x.rank;
  if (lead < 0 || x.shape.some((d, i) => d !== 1 && d !== shape[lead + i])) {
    throw new ShapeError(`broadcastTo: cannot broadcast ${shapeToString(x.shape)} to ${shapeToString(shape)}`);
  }
  return bind(broadcastPrim, [x], { shape: [...shape] });
}

/** The parameters of a reduction over sorted axes. */
export interface ReduceParams {
  readonly axes: readonly number[];
  readonly outShape: Shape; // axes dropped
  readonly keptShape: Shape; // axes kept as 1
}

/** Bring a reduced result (axes dropped) back to x's shape. */
export const expandBack = (g: Tensor, p: ReduceParams, shape: Shape): Tensor => broadcastTo(reshape(g, p.keptShape), shape);

export const sumPrim: Primitive<ReduceParams> = {
  name: 'sum',
  impl: ([x], p) => makeTensor(x.backend, x.backend.reduce('sum', x, p.axes), p.outShape, x.dtype),
  vjp: (ct, [x], _out, p) => [expandBack(ct, p, x.shape)],
  jvp: ([t], _x, _out, p) => reduceWith(sumPrim, t!, p),
};

/** Apply a reduction primitive with its parameters. */
export function reduceWith(prim: Primitive<ReduceParams>, x: Tensor, p: ReduceParams): Tensor {
  return bind(prim, [x], p);
}

/**
 * Sum a broadcast result back to `shape` (the adjoint of broadcasting): sum the leading axes and
 * the axes where `shape` has 1.
 */
export function sumTo(g: Tensor, shape: Shape): Tensor {
  if (shapesEqual(g.shape, shape)) return g;
  const lead = g.rank - shape.length;
  if (lead < 0) throw new ShapeError(`sumTo: cannot sum ${shapeToString(g.shape)} to the larger rank of ${shapeToString(shape)}`);
  const axes: number[] = [];
  for (let i = 0; i < lead; i++) axes.push(i);
  shape.forEach((d, i) => {
    if (d === 1 && g.shape[lead + i] !== 1) axes.push(lead + i);
    else if (d !== g.shape[lead + i]) throw new ShapeError(`sumTo: ${shapeToString(g.shape)} does not broadcast from ${shapeToString(shape)}`);
  });
  const s = axes.length ? reduceWith(sumPrim, g, { axes, outShape: reducedShape(g.shape, axes, false), keptShape: reducedShape(g.shape, axes, true) }) : g;
  return shapesEqual(s.shape, shape) ? s : reshape(s, shape);
}
