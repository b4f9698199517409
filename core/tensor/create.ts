/**
 * Tensor creation (array-API names): fromArray, zeros, ones, full, arange, linspace, eye, and the
 * *Like variants that take backend and dtype from another tensor, which is how core/ code creates
 * constants without ever naming a backend.
 */
import { libm } from '../numerics/libm/index.js';
import * as E from 'fp-ts/lib/Either.js';
import type { Backend } from './backend.js';
import { allocTyped, type DType, isDType, type TypedArray } from './dtype.js';
import { checkShape, type Shape, ShapeError, shapeToString, sizeOf } from './shape.js';
import { defaultBackend, getBackendSync } from './registry.js';
import { ConcreteTensor, type NestedArray, Tensor } from './tensor.js';

export interface CreateOptions {
  /** Backend instance or spec; default: the current default backend. */
  readonly backend?: Backend | string;
  /** Default: the backend's default float dtype. */
  readonly dtype?: DType;
}

export interface FromArrayOptions extends CreateOptions {
  /** Shape for flat input (default: inferred from nesting, or [n] for flat input). */
  readonly shape?: Shape;
  /** Reject NaN and ±Infinity with an error naming the first offending index. */
  readonly checkFinite?: boolean;
}

export function resolveBackend(b: Backend | string | undefined): Backend {
  if (b === undefined) return defaultBackend();
  return typeof b === 'string' ? getBackendSync(b) : b;
}

/** The most elements of a host typed array (V8's limit on 64-bit hosts). */
export const HOST_MAX_ELEMENTS = 2 ** 32;

/** Refuse a tensor of n elements the backend cannot hold, before any host work: a RangeError naming op, size and limit. */
export function checkElements(be: Backend, n: number, op: string): void {
  const limit = Math.min(be.maxElements ?? HOST_MAX_ELEMENTS, HOST_MAX_ELEMENTS);
  if (!(n <= limit)) throw new RangeError(`${op}: ${n} elements, more than backend ${be.name} holds in one tensor (${limit} = 2^${libm.log2(limit).toFixed(0)})`);
}

function resolveDType(be: Backend, dtype: DType | undefined, op: string): DType {
  const d = dtype ?? be.defaultFloat;
  if (!isDType(d)) throw new TypeError(`${op}: unknown dtype '${String(d)}'; expected one of float32, float64, int32, bool`);
  if (!be.dtypes.includes(d)) throw new TypeError(`${op}: backend ${be.name} does not support dtype ${d} (it has ${be.dtypes.join(', ')})`);
  return d;
}

/** Wrap a backend handle as a tensor. */
export function makeTensor(backend: Backend, handle: unknown, shape: Shape, dtype: DType): ConcreteTensor {
  return new ConcreteTensor(backend, handle, [...shape], dtype);
}

/** Flatten nested arrays, inferring the shape; every problem found is reported (fp-ts Either). */
export function flattenNested(values: NestedArray | readonly number[]): E.Either<string[], { flat: number[]; shape: number[] }> {
  const errors: string[] = [];
  const shape: number[] = [];
  let probe: unknown = values;
  while (Array.isArray(probe)) {
    shape.push(probe.length);
    probe = probe[0];
  }
  const flat: number[] = [];
  const walk = (v: unknown, dim: number, path: number[]): void => {
    if (errors.length >= 5) return;
    if (dim === shape.length) {
      if (typeof v !== 'number') errors.push(`element at [${path.join(', ')}] is ${Array.isArray(v) ? 'an array' : typeof v}, expected a number`);
      else flat.push(v);
      return;
    }
    if (!Array.isArray(v) || v.length !== shape[dim]) {
      errors.push(`ragged array: entry at [${path.join(', ')}] should be an array of length ${shape[dim]}`);
      return;
    }
    v.forEach((w, i) => walk(w, dim + 1, [...path, i]));
  };
  walk(values, 0, []);
  return errors.length ? E.left(errors) : E.right({ flat, shape });
}

function firstNonFinite(data: ArrayLike<number>): number {
  for (let i = 0; i < data.length; i++) if (!Number.isFinite(data[i])) return i;
  return -1;
}

function unravel(i: number, shape: Shape): number[] {
  const idx = new Array<number>(shape.length);
  for (let d = shape.length - 1; d >= 0; d--) {
    idx[d] = i % shape[d];
    i = Math.floor(i / shape[d]);
  }
  return idx;
}

/** Copy numbers into the storage type of `dtype`, checking integer/bool values. */
function toStorage(values: ArrayLike<number>, dtype: DType, op: string): TypedArray {
  const out = allocTyped(dtype, values.length);
  if (dtype === 'int32') {
    for (let i = 0; i < values.length; i++) {
      const v = values[i];
      if (!Number.isInteger(v) || v < -(2 ** 31) || v >= 2 ** 31) throw new TypeError(`${op}: value ${v} at flat index ${i} is not an int32`);
      out[i] = v;
    }
  } else if (dtype === 'bool') {
    for (let i = 0; i < values.length; i++) out[i] = values[i] ? 1 : 0;
  } else out.set(values);
  return out;
}

export function fromArray(values: NestedArray | readonly number[] | TypedArray, opts: FromArrayOptions = {}): Tensor {
  const be = resolveBackend(opts.backend);
  const dtype = resolveDType(be, opts.dtype ?? (values instanceof Int32Array ? 'int32' : undefined), 'fromArray');
  let flat: ArrayLike<number>;
  let shape: number[];
  if (ArrayBuffer.isView(values)) {
    flat = values as TypedArray;
    shape = [flat.length];
  } else if (typeof values === 'number') {
    flat = [values];
    shape = [];
  } else {
    const r = flattenNested(values as NestedArray);
    if (E.isLeft(r)) throw new TypeError(`fromArray: ${r.left.join('; ')}`);
    flat = r.right.flat;
    shape = r.right.shape;
  }
  if (opts.shape) {
    checkShape(opts.shape);
    if (sizeOf(opts.shape) !== flat.length) {
      throw new ShapeError(`fromArray: ${flat.length} values do not fill shape ${shapeToString(opts.shape)} (${sizeOf(opts.shape)} elements)`);
    }
    shape = [...opts.shape];
  }
  if (opts.checkFinite) {
    const i = firstNonFinite(flat);
    if (i >= 0) throw new RangeError(`fromArray: value ${flat[i]} at index [${unravel(i, shape).join(', ')}] is not finite`);
  }
  return makeTensor(be, be.upload(toStorage(flat, dtype, 'fromArray'), shape, dtype), shape, dtype);
}

/**
 * A tensor over `data` as it is: the backend takes the array without a host copy (the CPU backend
 * keeps it as its storage), so the caller must not modify it afterwards. The dtype is the array's.
 */
export function adoptArray(data: Float32Array | Float64Array | Int32Array, shape: Shape, opts: CreateOptions = {}): Tensor {
  checkShape(shape);
  if (sizeOf(shape) !== data.length) throw new ShapeError(`adoptArray: ${data.length} values do not fill shape ${shapeToString(shape)}`);
  const dtype: DType = data instanceof Float64Array ? 'float64' : data instanceof Float32Array ? 'float32' : 'int32';
  const be = resolveBackend(opts.backend);
  return makeTensor(be, be.upload(data, shape, dtype), shape, dtype);
}

export function full(shape: Shape, value: number, opts: CreateOptions = {}): Tensor {
  checkShape(shape);
  const be = resolveBackend(opts.backend);
  const dtype = resolveDType(be, opts.dtype, 'full');
  if (dtype === 'int32' && !Number.isInteger(value)) throw new TypeError(`full: ${value} is not an integer for dtype int32`);
  return makeTensor(be, be.fill(shape, dtype, value), shape, dtype);
}

export const zeros = (shape: Shape, opts: CreateOptions = {}): Tensor => full(shape, 0, opts);
export const ones = (shape: Shape, opts: CreateOptions = {}): Tensor => full(shape, 1, opts);

/** Options taking backend and dtype from an existing tensor. */
export function like(t: Tensor, dtype?: DType): CreateOptions {
  return { backend: t.backend, dtype: dtype ?? t.dtype };
}

export const zerosLike = (t: Tensor, dtype?: DType): Tensor => full(t.shape, 0, like(t, dtype));
export const onesLike = (t: Tensor, dtype?: DType): Tensor => full(t.shape, 1, like(t, dtype));
export const fullLike = (t: Tensor, value: number, dtype?: DType): Tensor => full(t.shape, value, like(t, dtype));
/** A scalar on `t`'s backend with `t`'s dtype. */
export const scalarLike = (value: number, t: Tensor): Tensor => full([], value, like(t));

/** Values start, start+step, ... below stop (array-API arange). */
export function arange(start: number, stop?: number, step = 1, opts: CreateOptions = {}): Tensor {
  if (stop === undefined) {
    stop = start;
    start = 0;
  }
  if (!(step !== 0 && Number.isFinite(step) && Number.isFinite(start) && Number.isFinite(stop))) {
    throw new RangeError(`arange: start ${start}, stop ${stop}, step ${step} must be finite with step ≠ 0`);
  }
  const n = Math.max(0, Math.ceil((stop - start) / step));
  const vals = new Float64Array(n);
  for (let i = 0; i < n; i++) vals[i] = start + i * step;
  return fromArray(vals, { ...opts, shape: [n] });
}

/** `num` evenly spaced values from start to stop inclusive (array-API linspace, endpoint=true). */
export function linspace(start: number, stop: number, num: number, opts: CreateOptions = {}): Tensor {
  if (!Number.isInteger(num) || num < 0) throw new RangeError(`linspace: num must be a non-negative integer, got ${num}`);
  const vals = new Float64Array(num);
  for (let i = 0; i < num; i++) vals[i] = num === 1 ? start : start + ((stop - start) * i) / (num - 1);
  if (num > 1) vals[num - 1] = stop;
  return fromArray(vals, { ...opts, shape: [num] });
}

export function eye(n: number, opts: CreateOptions = {}): Tensor {
  if (!Number.isInteger(n) || n < 0) throw new RangeError(`eye: n must be a non-negative integer, got ${n}`);
  const vals = new Float64Array(n * n);
  for (let i = 0; i < n; i++) vals[i * n + i] = 1;
  return fromArray(vals, { ...opts, shape: [n, n] });
}

/** Copy a tensor to another backend (through the host). */
export async function toBackend(t: Tensor, backend: Backend | string, dtype?: DType): Promise<Tensor> {
  const be = resolveBackend(backend);
  const data = await t.data();
  return fromArray(data instanceof Uint8Array ? Array.from(data) : data, { backend: be, dtype: dtype ?? t.dtype, shape: t.shape });
}
