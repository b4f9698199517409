/**
 * 2-D convolution (NHWC input, HWIO filter; core/tensor/primitives.ts declares it and writes its
 * derivative rules), and the image layout ops built on layout primitives: zero insertion (dilate),
 * flips, average pooling and nearest upsampling. The convolution is bilinear, so its JVP is
 * conv(ẋ, w) + conv(x, ẇ) and its VJP the two adjoint convolutions; both are written with conv2d and
 * layout ops, so they are differentiated again (second order through a conv net).
 */
import { ShapeError, shapeToString } from '../shape.js';
import { fromArray, makeTensor } from '../create.js';
import type { Tensor } from '../tensor.js';
import { bind, type Primitive } from '../tracer.js';
import { isFloat } from '../dtype.js';
import { CONV_PRIMITIVES, conv2dOutShape, type Conv2dParams, type ConvRuleOps } from '../primitives.js';
import { add, coerce } from './elementwise.js';
import { mean } from './reduce.js';
import { broadcastTo, concat, gather, pad, reshape, slice, transpose } from './manipulate.js';

const entry = CONV_PRIMITIVES.conv2d;

interface ConvBind extends Conv2dParams {
  readonly outShape: readonly number[];
}

const conv2dPrim: Primitive<ConvBind> = {
  name: 'conv2d',
  impl: ([x, w], p) => makeTensor(x.backend, x.backend.conv2d(x, w, p, p.outShape), p.outShape, x.dtype),
  vjp: (ct, [x, w], _o, p) => [entry.inputGrad(OPS, ct, x.shape, w, p), entry.filterGrad(OPS, ct, x, w.shape, p)],
  jvp: ([tx, tw], [x, w], _o, p) => {
    const a = tx && bindConv(tx, w, p);
    const b = tw && bindConv(x, tw, p);
    return a && b ? add(a, b) : (a ?? b);
  },
};

const bindConv = (x: Tensor, w: Tensor, p: Conv2dParams): Tensor =>
  bind(conv2dPrim, [x, w], { strides: p.strides, padding: p.padding, dilations: p.dilations, groups: p.groups, outShape: conv2dOutShape(x.shape, w.shape, p) });

/** Zeros inserted between the elements of each axis: axis k of length n becomes (n − 1)·f_k + 1. */
export function dilate(x: Tensor, factors: readonly number[]): Tensor {
  if (factors.length !== x.rank) throw new ShapeError(`dilate: need ${x.rank} factors for ${shapeToString(x.shape)}, got ${factors.length}`);
  for (const f of factors) if (!Number.isInteger(f) || f < 1) throw new RangeError(`dilate: factors must be positive integers, got ${f}`);
  if (factors.every((f) => f === 1) || x.size === 0) return x;
  // one axis at a time, x viewed as [outer, n, inner] → [outer, n, 1, inner] → pad to [outer, n, f, inner]
  // → [outer, n·f, inner] → its first (n − 1)·f + 1 rows: rank 4 at most, whatever x's rank
  let y = x;
  for (let k = 0; k < x.rank; k++) {
    const f = factors[k];
    if (f === 1) continue;
    const n = y.shape[k];
    const outer = y.shape.slice(0, k).reduce((a, b) => a * b, 1);
    const inner = y.shape.slice(k + 1).reduce((a, b) => a * b, 1);
    const padded = pad(reshape(y, [outer, n, 1, inner]), [0, 0, 0, 0], [0, 0, f - 1, 0]);
    const rows = slice(reshape(padded, [outer, n * f, inner]), { end: [outer, (n - 1) * f + 1, inner] });
    y = reshape(rows, y.shape.map((d, a) => (a === k ? (n - 1) * f + 1 : d)));
  }
  return y;
}

/** x with the elements along `axes` in reverse order. */
export function reverse(x: Tensor, axes: readonly number[]): Tensor {
  let y = x;
  for (const a of axes) {
    const n = x.shape[a];
    if (n <= 1) continue;
    y = gather(y, fromArray(Array.from({ length: n }, (_, i) => n - 1 - i), { backend: x.backend, dtype: 'int32' }), a);
  }
  return y;
}

/** Padding where widths may be negative: the positive ones are added first, then the negative ones crop. */
function padOrCrop(x: Tensor, before: readonly number[], after: readonly number[]): Tensor {
  const padded = pad(x, before.map((b) => Math.max(0, b)), after.map((a) => Math.max(0, a)));
  if (before.every((b) => b >= 0) && after.every((a) => a >= 0)) return padded;
  return slice(padded, { begin: before.map((b) => Math.max(0, -b)), end: after.map((a, k) => padded.shape[k] - Math.max(0, -a)) });
}

const OPS: ConvRuleOps<Tensor> = {
  conv2d: bindConv,
  add: (a, b) => add(a, b),
  transpose: (x, perm) => transpose(x, perm),
  reshape: (x, s) => reshape(x, s),
  slice: (x, begin, end) => slice(x, { begin, end }),
  concat: (xs, axis) => concat(xs, axis),
  reverse,
  dilate,
  pad: padOrCrop,
  shape: (x) => x.shape,
};

export interface Conv2dOptions {
  /** s or [sh, sw], default 1. */
  readonly strides?: number | readonly [number, number];
  /**
   * 'valid' (none), 'same' (output ⌈H/s⌉ × ⌈W/s⌉, the extra row or column at the bottom/right, as
   * TensorFlow), a width p on all sides, [ph, pw], or [top, bottom, left, right]; default 'valid'.
   */
  readonly padding?: 'valid' | 'same' | number | readonly [number, number] | readonly [number, number, number, number];
  /** d or [dh, dw], default 1. */
  readonly dilations?: number | readonly [number, number];
  /** Default 1. */
  readonly groups?: number;
}

const pair = (v: number | readonly [number, number] | undefined, what: string): [number, number] => {
  const p: [number, number] = v === undefined ? [1, 1] : typeof v === 'number' ? [v, v] : [v[0], v[1]];
  if (p.length !== 2 || !p.every((s) => Number.isInteger(s) && s >= 1)) throw new RangeError(`conv2d: ${what} must be positive integers, got ${JSON.stringify(v)}`);
  return p;
};

/** TensorFlow's 'same' padding of one axis: total max((⌈n/s⌉ − 1)·s + d·(k − 1) + 1 − n, 0), the odd one after. */
function samePadding(n: number, k: number, s: number, d: number): [number, number] {
  const total = Math.max((Math.ceil(n / s) - 1) * s + d * (k - 1) + 1 - n, 0);
  return [Math.floor(total / 2), total - Math.floor(total / 2)];
}

/**
 * Resolved parameters of a convolution of x [N, H, W, C] by w [KH, KW, C/groups, O], or a
 * RangeError/ShapeError naming the problem (rank, channels, groups, strides, a kernel that does not
 * fit the padded input).
 */
export function conv2dParams(xShape: readonly number[], wShape: readonly number[], o: Conv2dOptions = {}): Conv2dParams {
  if (xShape.length !== 4) throw new ShapeError(`conv2d: input must be [N, H, W, C] (NHWC), got ${shapeToString(xShape)}`);
  if (wShape.length !== 4) throw new ShapeError(`conv2d: filter must be [KH, KW, C/groups, O] (HWIO), got ${shapeToString(wShape)}`);
  const strides = pair(o.strides, 'strides');
  const dilations = pair(o.dilations, 'dilations');
  const groups = o.groups ?? 1;
  if (!Number.isInteger(groups) || groups < 1) throw new RangeError(`conv2d: groups must be a positive integer, got ${groups}`);
  const [, H, W, C] = xShape;
  const [KH, KW, Cg, O] = wShape;
  if (KH < 1 || KW < 1) throw new ShapeError(`conv2d: empty kernel ${shapeToString(wShape)}`);
  if (C % groups !== 0 || O % groups !== 0) throw new ShapeError(`conv2d: ${C} input and ${O} output channels are not both divisible by groups = ${groups}`);
  if (Cg * groups !== C) {
    throw new ShapeError(`conv2d: channel mismatch: input ${shapeToString(xShape)} has ${C} channels, filter ${shapeToString(wShape)} expects ${Cg}·${groups} = ${Cg * groups}`);
  }
  const pad = o.padding ?? 'valid';
  let padding: [number, number, number, number];
  if (pad === 'valid') padding = [0, 0, 0, 0];
  else if (pad === 'same') padding = [...samePadding(H, KH, strides[0], dilations[0]), ...samePadding(W, KW, strides[1], dilations[1])];
  else if (typeof pad === 'number') padding = [pad, pad, pad, pad];
  else if (pad.length === 2) padding = [pad[0], pad[0], pad[1], pad[1]];
  else if (pad.length === 4) padding = [pad[0], pad[1], pad[2], pad[3]];
  else throw new RangeError(`conv2d: padding must be 'valid', 'same', p, [ph, pw] or [top, bottom, left, right], got ${JSON.stringify(pad)}`);
  if (!padding.every((p) => Number.isInteger(p) && p >= 0)) throw new RangeError(`conv2d: padding must be non-negative integers, got ${JSON.stringify(pad)}`);
  const eh = dilations[0] * (KH - 1) + 1;
  const ew = dilations[1] * (KW - 1) + 1;
  if (eh > H + padding[0] + padding[1] || ew > W + padding[2] + padding[3]) {
    throw new RangeError(
      `conv2d: kernel larger than the padded input: a ${KH}×${KW} kernel dilated by ${dilations.join('×')} spans ${eh}×${ew}, ` +
        `the padded input is ${H + padding[0] + padding[1]}×${W + padding[2] + padding[3]}`,
    );
  }
  return { strides, padding, dilations, groups };
}

/**
 * 2-D convolution of x [N, H, W, C] (NHWC) by w [KH, KW, C/groups, O] (HWIO) → [N, Ho, Wo, O];
 * the formula is at Conv2dParams (core/tensor/primitives.ts).
 */
export function conv2d(x: Tensor, w: Tensor, o: Conv2dOptions = {}): Tensor {
  const [a, b] = coerce('conv2d', x, w);
  if (!isFloat(a.dtype)) throw new TypeError(`conv2d: needs floating-point tensors, got ${a.dtype}`);
  return bindConv(a, b, conv2dParams(a.shape, b.shape, o));
}

/** Average pooling over non-overlapping k × k windows of x [N, H, W, C] (H, W multiples of k). */
export function avgPool2d(x: Tensor, k: number): Tensor {
  if (x.rank !== 4) throw new ShapeError(`avgPool2d: input must be [N, H, W, C], got ${shapeToString(x.shape)}`);
  if (!Number.isInteger(k) || k < 1) throw new RangeError(`avgPool2d: window must be a positive integer, got ${k}`);
  const [N, H, W, C] = x.shape;
  if (H % k !== 0 || W % k !== 0) throw new RangeError(`avgPool2d: ${H}×${W} is not a multiple of the ${k}×${k} window`);
  if (k === 1) return x;
  return mean(reshape(x, [N, H / k, k, W / k, k, C]), [2, 4]);
}

/** Nearest-neighbour upsampling of x [N, H, W, C] by an integer factor k → [N, kH, kW, C]. */
export function upsampleNearest2d(x: Tensor, k: number): Tensor {
  if (x.rank !== 4) throw new ShapeError(`upsampleNearest2d: input must be [N, H, W, C], got ${shapeToString(x.shape)}`);
  if (!Number.isInteger(k) || k < 1) throw new RangeError(`upsampleNearest2d: factor must be a positive integer, got ${k}`);
  if (k === 1) return x;
  const [N, H, W, C] = x.shape;
  return reshape(broadcastTo(reshape(x, [N, H, 1, W, 1, C]), [N, H, k, W, k, C]), [N, H * k, W * k, C]);
}
