/**
 * Shape manipulation: reshape, transpose, broadcastTo, slice, pad, concat, stack, gather, scatterAdd.
 * Their derivatives are each other's adjoints (slice ↔ pad, gather ↔ scatterAdd, broadcast ↔ sumTo).
 */
import {
  checkPermutation, checkShape, inversePermutation, normalizeAxis, type Shape,
  ShapeError, shapesEqual, shapeToString,
} from '../shape.js';
import { fromArray, makeTensor, zerosLike } from '../create.js';
import type { Tensor } from '../tensor.js';
import { bind, type Primitive } from '../tracer.js';
import { broadcastTo, reshape } from './sum-broadcast.js';

export { broadcastTo, reshape };

// ---------------------------------------------------------------- transpose (reshape and broadcastTo: sum-broadcast.ts)

interface PermParams {
  readonly perm: readonly number[];
}
const transposePrim: Primitive<PermParams> = {
  name: 'transpose',
  impl: ([x], p) => makeTensor(x.backend, x.backend.transpose(x, p.perm), p.perm.map((a) => x.shape[a]), x.dtype),
  vjp: (ct, _x, _o, p) => [transpose(ct, inversePermutation(p.perm))],
  jvp: ([t], _x, _o, p) => transpose(t!, p.perm),
};

/** Permute axes (default: reverse them, as NumPy's transpose). */
export function transpose(x: Tensor, perm?: readonly number[]): Tensor {
  const p = perm ? checkPermutation(perm, x.rank, 'transpose') : Array.from({ length: x.rank }, (_, i) => x.rank - 1 - i);
  if (p.every((a, i) => a === i)) return x;
  return bind(transposePrim, [x], { perm: p });
}

/** Swap the last two axes (array-API matrix_transpose). */
export function matrixTranspose(x: Tensor): Tensor {
  if (x.rank < 2) throw new ShapeError(`matrixTranspose: needs rank ≥ 2, got shape ${shapeToString(x.shape)}`);
  const perm = Array.from({ length: x.rank }, (_, i) => i);
  perm[x.rank - 2] = x.rank - 1;
  perm[x.rank - 1] = x.rank - 2;
  return transpose(x, perm);
}

export function expandDims(x: Tensor, axis: number): Tensor {
  const a = normalizeAxis(axis, x.rank + 1, 'expandDims');
  const s = [...x.shape];
  s.splice(a, 0, 1);
  return reshape(x, s);
}

/** Remove unit axes (all of them, or the given ones, which must have size 1). */
export function squeeze(x: Tensor, axes?: number | readonly number[]): Tensor {
  let drop: Set<number>;
  if (axes === undefined) drop = new Set(x.shape.flatMap((d, i) => (d === 1 ? [i] : [])));
  else {
    drop = new Set((typeof axes === 'number' ? [axes] : axes).map((a) => normalizeAxis(a, x.rank, 'squeeze')));
    for (const a of drop) if (x.shape[a] !== 1) throw new ShapeError(`squeeze: axis ${a} of ${shapeToString(x.shape)} has size ${x.shape[a]}, not 1`);
  }
  return reshape(x, x.shape.filter((_, i) => !drop.has(i)));
}

export const flatten = (x: Tensor): Tensor => reshape(x, [-1]);

// ---------------------------------------------------------------- slice / pad

interface SliceParams {
  readonly begin: readonly number[];
  readonly end: readonly number[];
  readonly step: readonly number[];
  readonly outShape: Shape;
}
const slicePrim: Primitive<SliceParams> = {
  name: 'slice',
  impl: ([x], p) => makeTensor(x.backend, x.backend.slice(x, p.begin, p.end, p.step), p.outShape, x.dtype),
  vjp: (ct, [x], _o, p) => [sliceAdjoint(ct, x.shape, p)],
  jvp: ([t], _x, _o, p) => bind(slicePrim, [t!], p),
};

/** Put a slice's cotangent back in place: zeros elsewhere (pad for unit steps, scatterAdd for strides). */
function sliceAdjoint(g: Tensor, shape: Shape, p: SliceParams): Tensor {
  let r = g;
  for (let a = 0; a < shape.length; a++) {
    if (p.step[a] === 1) continue;
    const idx = Array.from({ length: p.outShape[a] }, (_, i) => i * p.step[a]);
    const span = p.outShape[a] === 0 ? 0 : idx[idx.length - 1] + 1;
    const s = [...r.shape];
    s[a] = span;
    r = scatterAdd(r, fromArray(idx, { backend: g.backend, dtype: 'int32' }), a, s);
  }
  const before = p.begin;
  const after = shape.map((d, a) => d - p.begin[a] - r.shape[a]);
  return pad(r, before, after);
}

export interface SliceSpec {
  /** Start index per axis (negative counts from the end); default 0. */
  readonly begin?: readonly number[];
  /** End index per axis, exclusive (negative counts from the end); default the full size. */
  readonly end?: readonly (number | undefined)[];
  /** Step per axis, ≥ 1; default 1. */
  readonly step?: readonly number[];
}

/** Strided slice x[begin:end:step] on every axis (positive steps; missing axes are taken whole). */
export function slice(x: Tensor, spec: SliceSpec): Tensor {
  const r = x.rank;
  const { begin = [], end = [], step = [] } = spec;
  if (begin.length > r || end.length > r || step.length > r) {
    throw new ShapeError(`slice: more indices than the ${r} axes of ${shapeToString(x.shape)}`);
  }
  const b: number[] = [];
  const e: number[] = [];
  const st: number[] = [];
  const out: number[] = [];
  for (let a = 0; a < r; a++) {
    const d = x.shape[a];
    const s = step[a] ?? 1;
    if (!Number.isInteger(s) || s < 1) throw new RangeError(`slice: step ${s} on axis ${a} must be a positive integer`);
    const norm = (i: number, what: string): number => {
      if (!Number.isInteger(i)) throw new RangeError(`slice: ${what} ${i} on axis ${a} is not an integer`);
      const j = i < 0 ? i + d : i;
      if (j < 0 || j > d) throw new RangeError(`slice: ${what} ${i} is out of range for axis ${a} of size ${d}`);
      return j;
    };
    const bb = norm(begin[a] ?? 0, 'begin');
    const ee = Math.max(bb, norm(end[a] ?? d, 'end'));
    b.push(bb);
    e.push(ee);
    st.push(s);
    out.push(Math.ceil((ee - bb) / s));
  }
  if (out.every((d, a) => d === x.shape[a] && st[a] === 1)) return x;
  return bind(slicePrim, [x], { begin: b, end: e, step: st, outShape: out });
}

/** x[start:start+length] along one axis. */
export function sliceAxis(x: Tensor, axis: number, start: number, length: number): Tensor {
  const a = normalizeAxis(axis, x.rank, 'sliceAxis');
  const begin = x.shape.map((_, i) => (i === a ? start : 0));
  const end = x.shape.map((d, i) => (i === a ? start + length : d));
  return slice(x, { begin, end });
}

interface PadParams {
  readonly before: readonly number[];
  readonly after: readonly number[];
  readonly value: number;
  readonly outShape: Shape;
}
const padPrim: Primitive<PadParams> = {
  name: 'pad',
  impl: ([x], p) => makeTensor(x.backend, x.backend.pad(x, p.before, p.after, p.value), p.outShape, x.dtype),
  vjp: (ct, [x], _o, p) => [slice(ct, { begin: p.before, end: p.before.map((b, a) => b + x.shape[a]) })],
  jvp: ([t], _x, _o, p) => bind(padPrim, [t!], { ...p, value: 0 }),
};

/** Constant padding with `before[i]`/`after[i]` elements on axis i. */
export function pad(x: Tensor, before: readonly number[], after: readonly number[], value = 0): Tensor {
  if (before.length !== x.rank || after.length !== x.rank) {
    throw new ShapeError(`pad: need ${x.rank} before/after widths for shape ${shapeToString(x.shape)}, got ${before.length}/${after.length}`);
  }
  for (const w of [...before, ...after]) if (!Number.isInteger(w) || w < 0) throw new RangeError(`pad: widths must be non-negative integers, got ${w}`);
  if (before.every((w) => w === 0) && after.every((w) => w === 0)) return x;
  const outShape = x.shape.map((d, a) => d + before[a] + after[a]);
  return bind(padPrim, [x], { before: [...before], after: [...after], value, outShape });
}

// ---------------------------------------------------------------- concat / stack

interface AxisParams {
  readonly axis: number;
}
const concatPrim: Primitive<AxisParams> = {
  name: 'concat',
  impl: (xs, p) => {
    const shape = [...xs[0].shape];
    shape[p.axis] = xs.reduce((n, x) => n + x.shape[p.axis], 0);
    return makeTensor(xs[0].backend, xs[0].backend.concat(xs, p.axis), shape, xs[0].dtype);
  },
  vjp: (ct, xs, _o, p) => {
    let start = 0;
    return xs.map((x) => {
      const g = sliceAxis(ct, p.axis, start, x.shape[p.axis]);
      start += x.shape[p.axis];
      return g;
    });
  },
  jvp: (ts, xs, _o, p) => concat(ts.map((t, i) => t ?? zerosLike(xs[i])), p.axis),
};

export function concat(xs: readonly Tensor[], axis = 0): Tensor {
  if (xs.length === 0) throw new RangeError('concat: needs at least one tensor');
  const r = xs[0].rank;
  const a = normalizeAxis(axis, r, 'concat');
  for (const x of xs) {
    if (x.rank !== r || x.shape.some((d, i) => i !== a && d !== xs[0].shape[i])) {
      throw new ShapeError(`concat: shapes ${xs.map((y) => shapeToString(y.shape)).join(', ')} differ outside axis ${a}`);
    }
    if (x.dtype !== xs[0].dtype) throw new TypeError(`concat: dtypes ${x.dtype} and ${xs[0].dtype} differ; cast first`);
  }
  if (xs.length === 1) return xs[0];
  return bind(concatPrim, xs, { axis: a });
}

export function stack(xs: readonly Tensor[], axis = 0): Tensor {
  if (xs.length === 0) throw new RangeError('stack: needs at least one tensor');
  for (const x of xs) {
    if (!shapesEqual(x.shape, xs[0].shape)) throw new ShapeError(`stack: shapes ${xs.map((y) => shapeToString(y.shape)).join(', ')} differ`);
  }
  return concat(xs.map((x) => expandDims(x, axis)), axis);
}

// ---------------------------------------------------------------- gather / scatterAdd

const gatherPrim: Primitive<AxisParams> = {
  name: 'gather',
  impl: ([x, idx], p) => {
    const shape = [...x.shape.slice(0, p.axis), ...idx.shape, ...x.shape.slice(p.axis + 1)];
    return makeTensor(x.backend, x.backend.gather(x, idx, p.axis), shape, x.dtype);
  },
  vjp: (ct, [x, idx], _o, p) => [scatterAdd(ct, idx, p.axis, x.shape), null],
  jvp: ([t], [, idx], _o, p) => gather(t!, idx, p.axis),
};

/** Take entries along `axis` at int32 `indices` (any shape): out.shape = x.shape[:axis] + indices.shape + x.shape[axis+1:]. */
export function gather(x: Tensor, indices: Tensor, axis = 0): Tensor {
  if (indices.dtype !== 'int32') throw new TypeError(`gather: indices must be int32, got ${indices.dtype}`);
  const a = normalizeAxis(axis, x.rank, 'gather');
  checkIndices('gather', indices, x.shape[a]);
  return bind(gatherPrim, [x, indices], { axis: a });
}

interface ScatterParams {
  readonly axis: number;
  readonly shape: Shape;
}
const scatterPrim: Primitive<ScatterParams> = {
  name: 'scatterAdd',
  impl: ([u, idx], p) => makeTensor(u.backend, u.backend.scatterAdd(u, idx, p.axis, p.shape), p.shape, u.dtype),
  vjp: (ct, [, idx], _o, p) => [gather(ct, idx, p.axis), null],
  jvp: ([t], [, idx], _o, p) => bind(scatterPrim, [t!, idx], p),
};

/** Zeros of `shape` with `updates` added at `indices` along `axis` (the adjoint of gather). */
export function scatterAdd(updates: Tensor, indices: Tensor, axis: number, shape: Shape): Tensor {
  if (indices.dtype !== 'int32') throw new TypeError(`scatterAdd: indices must be int32, got ${indices.dtype}`);
  checkShape(shape);
  const a = normalizeAxis(axis, shape.length, 'scatterAdd');
  const expect = [...shape.slice(0, a), ...indices.shape, ...shape.slice(a + 1)];
  if (!shapesEqual(expect, updates.shape)) {
    throw new ShapeError(`scatterAdd: updates ${shapeToString(updates.shape)} do not match indices ${shapeToString(indices.shape)} into ${shapeToString(shape)} (expected ${shapeToString(expect)})`);
  }
  checkIndices('scatterAdd', indices, shape[a]);
  return bind(scatterPrim, [updates, indices], { axis: a, shape: [...shape] });
}

function checkIndices(op: string, indices: Tensor, size: number): void {
  // Indices are small host-side data in practice; bounds are checked where they can be read synchronously.
  const c = indices.concrete();
  if (!c.backend.readSync) return;
  const d = c.backend.readSync(c);
  for (let i = 0; i < d.length; i++) {
    if (d[i] < 0 || d[i] >= size) throw new RangeError(`${op}: index ${d[i]} is out of range for an axis of size ${size}`);
  }
}
