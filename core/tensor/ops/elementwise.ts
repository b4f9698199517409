/**
 * Elementwise primitives with NumPy/array-API broadcasting, built from their declarations in
 * core/tensor/primitives.ts (dtypes, derivative rules). Each VJP/JVP is written with ops, so it can be
 * differentiated again.
 */
import type { BinaryOp, CompareOp, LogicalOp, UnaryOp } from '../backend.js';
import { type DType, isFloat, promoteTypes } from '../dtype.js';
import { broadcastShapes, type Shape, shapesEqual } from '../shape.js';
import { makeTensor, scalarLike, zerosLike } from '../create.js';
import type { Tensor } from '../tensor.js';
import { bind, type Primitive } from '../tracer.js';
import { binaryEntry, BINARY_OPS, COMPARE_OPS, type RuleOps, unaryEntry, UNARY_OPS } from '../primitives.js';
import { sumTo } from './sum-broadcast.js';
import { broadcastTo } from './sum-broadcast.js';

export type TensorLike = Tensor | number;

// ---------------------------------------------------------------- unary

function makeUnary(op: UnaryOp): Primitive<undefined> {
  const d = unaryEntry(op).derivative;
  const impl: Primitive<undefined>['impl'] = ([x]) => makeTensor(x.backend, x.backend.unary(op, x), x.shape, x.dtype);
  if (d === 'zero') return { name: op, nondifferentiable: true, impl }; // piecewise constant: zero derivative a.e.
  return {
    name: op,
    impl,
    vjp: (ct, [x], out) => [d(RULE_OPS, ct, x, out)],
    jvp: ([t], [x], out) => d(RULE_OPS, t!, x, out),
  };
}

const unaryPrims = Object.fromEntries(UNARY_OPS.map((op) => [op, makeUnary(op)])) as Record<UnaryOp, Primitive<undefined>>;

function unary(op: UnaryOp, x: Tensor): Tensor {
  if (x.dtype === 'bool' || (unaryEntry(op).dtypes === 'float' && !isFloat(x.dtype))) {
    throw new TypeError(`${op}: needs a floating-point tensor, got ${x.dtype}; cast with astype()`);
  }
  return bind(unaryPrims[op], [x], undefined);
}

export const neg = (x: Tensor): Tensor => unary('neg', x);
export const exp = (x: Tensor): Tensor => unary('exp', x);
export const log = (x: Tensor): Tensor => unary('log', x);
export const sqrt = (x: Tensor): Tensor => unary('sqrt', x);
export const tanh = (x: Tensor): Tensor => unary('tanh', x);
/** 1 / (1 + e^{−x}), computed without overflow. */
export const sigmoid = (x: Tensor): Tensor => unary('sigmoid', x);
/** log(1 + e^x), computed stably: max(x, 0) + log1p(e^{−|x|}). */
export const softplus = (x: Tensor): Tensor => unary('softplus', x);
export const sin = (x: Tensor): Tensor => unary('sin', x);
export const cos = (x: Tensor): Tensor => unary('cos', x);
export const abs = (x: Tensor): Tensor => unary('abs', x);
export const sign = (x: Tensor): Tensor => unary('sign', x);
export const log1p = (x: Tensor): Tensor => unary('log1p', x);
export const expm1 = (x: Tensor): Tensor => unary('expm1', x);
export const floor = (x: Tensor): Tensor => unary('floor', x);
/** The error function erf(x) = 2/√π ∫₀ˣ e^{−t²} dt. */
export const erf = (x: Tensor): Tensor => unary('erf', x);

// ---------------------------------------------------------------- binary

/** Turn numbers into scalars like the tensor operand, and promote float dtypes (float32 ⊕ float64 → float64). */
export function coerce(op: string, a: TensorLike, b: TensorLike): [Tensor, Tensor] {
  if (typeof a === 'number' && typeof b === 'number') throw new TypeError(`${op}: at least one operand must be a tensor`);
  if (typeof a === 'number') {
    checkScalar(op, a, b as Tensor);
    return [scalarLike(a, b as Tensor), b as Tensor];
  }
  if (typeof b === 'number') {
    checkScalar(op, b, a);
    return [a, scalarLike(b, a)];
  }
  if (a.dtype !== b.dtype) {
    const d = promoteTypes(a.dtype, b.dtype, op);
    return [astype(a, d), astype(b, d)];
  }
  return [a, b];
}

function checkScalar(op: string, v: number, t: Tensor): void {
  if (t.dtype === 'int32' && !Number.isInteger(v)) throw new TypeError(`${op}: ${v} is not an integer, but the tensor is int32`);
  if (t.dtype === 'bool') throw new TypeError(`${op}: arithmetic on a bool tensor; cast it with astype()`);
}

interface BinParams {
  readonly outShape: Shape;
}

function makeBinary(op: BinaryOp): Primitive<BinParams> {
  const rule = binaryEntry(op).derivative;
  return {
    name: op,
    impl: ([a, b], p) => makeTensor(a.backend, a.backend.binary(op, a, b, p.outShape), p.outShape, a.dtype),
    vjp: (ct, [a, b], out) => {
      const [ga, gb] = rule(RULE_OPS, ct, a, b, out);
      return [ga && sumTo(ga, a.shape), gb && sumTo(gb, b.shape)];
    },
    jvp: ([ta, tb], [a, b], out, p) => {
      let acc: Tensor | null = null;
      if (ta) acc = rule(RULE_OPS, ta, a, b, out)[0];
      if (tb) {
        const d = rule(RULE_OPS, tb, a, b, out)[1]!;
        acc = acc ? add(acc, d) : d;
      }
      return acc && (shapesEqual(acc.shape, p.outShape) ? acc : broadcastTo(acc, p.outShape));
    },
  };
}

const binaryPrims = Object.fromEntries(BINARY_OPS.map((op) => [op, makeBinary(op)])) as Record<BinaryOp, Primitive<BinParams>>;

function binary(op: BinaryOp, x: TensorLike, y: TensorLike): Tensor {
  const [a, b] = coerce(op, x, y);
  if (a.dtype === 'bool') throw new TypeError(`${op}: arithmetic on bool tensors; cast with astype()`);
  if (binaryEntry(op).dtypes === 'float' && !isFloat(a.dtype)) throw new TypeError(`${op}: needs floating-point tensors, got ${a.dtype}`);
  return bind(binaryPrims[op], [a, b], { outShape: broadcastShapes(op, a.shape, b.shape) });
}

export const add = (a: TensorLike, b: TensorLike): Tensor => binary('add', a, b);
export const sub = (a: TensorLike, b: TensorLike): Tensor => binary('sub', a, b);
export const mul = (a: TensorLike, b: TensorLike): Tensor => binary('mul', a, b);
export const div = (a: TensorLike, b: TensorLike): Tensor => binary('div', a, b);
export const pow = (a: TensorLike, b: TensorLike): Tensor => binary('pow', a, b);
export const maximum = (a: TensorLike, b: TensorLike): Tensor => binary('maximum', a, b);
export const minimum = (a: TensorLike, b: TensorLike): Tensor => binary('minimum', a, b);

// ---------------------------------------------------------------- comparisons and logic (bool results)

function makeCompare(op: CompareOp): Primitive<BinParams> {
  return {
    name: op,
    nondifferentiable: true,
    impl: ([a, b], p) => makeTensor(a.backend, a.backend.compare(op, a, b, p.outShape), p.outShape, 'bool'),
  };
}
const comparePrims = Object.fromEntries(COMPARE_OPS.map((op) => [op, makeCompare(op)])) as Record<CompareOp, Primitive<BinParams>>;

function compare(op: CompareOp, x: TensorLike, y: TensorLike): Tensor {
  const [a, b] = coerce(op, x, y);
  return bind(comparePrims[op], [a, b], { outShape: broadcastShapes(op, a.shape, b.shape) });
}

export const equal = (a: TensorLike, b: TensorLike): Tensor => compare('equal', a, b);
export const notEqual = (a: TensorLike, b: TensorLike): Tensor => compare('notEqual', a, b);
export const less = (a: TensorLike, b: TensorLike): Tensor => compare('less', a, b);
export const lessEqual = (a: TensorLike, b: TensorLike): Tensor => compare('lessEqual', a, b);
export const greater = (a: TensorLike, b: TensorLike): Tensor => compare('greater', a, b);
export const greaterEqual = (a: TensorLike, b: TensorLike): Tensor => compare('greaterEqual', a, b);

function makeLogical(op: LogicalOp): Primitive<BinParams> {
  return {
    name: op,
    nondifferentiable: true,
    impl: ([a, b], p) => makeTensor(a.backend, a.backend.logical(op, a, b, p.outShape), p.outShape, 'bool'),
  };
}
const logicalAndPrim = makeLogical('logicalAnd');
const logicalOrPrim = makeLogical('logicalOr');
const logicalNotPrim: Primitive<undefined> = {
  name: 'logicalNot',
  nondifferentiable: true,
  impl: ([x]) => makeTensor(x.backend, x.backend.logicalNot(x), x.shape, 'bool'),
};

function requireBool(op: string, ...xs: Tensor[]): void {
  for (const x of xs) if (x.dtype !== 'bool') throw new TypeError(`${op}: needs bool tensors, got ${x.dtype}`);
}

export function logicalAnd(a: Tensor, b: Tensor): Tensor {
  requireBool('logicalAnd', a, b);
  return bind(logicalAndPrim, [a, b], { outShape: broadcastShapes('logicalAnd', a.shape, b.shape) });
}
export function logicalOr(a: Tensor, b: Tensor): Tensor {
  requireBool('logicalOr', a, b);
  return bind(logicalOrPrim, [a, b], { outShape: broadcastShapes('logicalOr', a.shape, b.shape) });
}
export function logicalNot(x: Tensor): Tensor {
  requireBool('logicalNot', x);
  return bind(logicalNotPrim, [x], undefined);
}

// ---------------------------------------------------------------- where (select)

const wherePrim: Primitive<BinParams> = {
  name: 'where',
  impl: ([c, a, b], p) => makeTensor(a.backend, a.backend.where(c, a, b, p.outShape), p.outShape, a.dtype),
  vjp: (ct, [c, a, b]) => {
    const z = zerosLike(ct);
    return [null, sumTo(where(c, ct, z), a.shape), sumTo(where(c, z, ct), b.shape)];
  },
  jvp: ([, ta, tb], [c, a, b], _out, p) => {
    const za = ta ?? zerosLike(a);
    const zb = tb ?? zerosLike(b);
    return broadcastTo(where(c, za, zb), p.outShape);
  },
};

/** Elementwise select: cond ? a : b, all three broadcast together; cond must be bool. */
export function where(cond: Tensor, x: TensorLike, y: TensorLike): Tensor {
  if (cond.dtype !== 'bool') throw new TypeError(`where: condition must be a bool tensor, got ${cond.dtype}`);
  let a: Tensor;
  let b: Tensor;
  if (typeof x === 'number' && typeof y === 'number') {
    throw new TypeError('where: at least one of the two branches must be a tensor');
  } else [a, b] = coerce('where', x, y);
  return bind(wherePrim, [cond, a, b], { outShape: broadcastShapes('where', cond.shape, a.shape, b.shape) });
}

// ---------------------------------------------------------------- casts and stop-gradient

interface CastParams {
  readonly dtype: DType;
}
const castFloatPrim: Primitive<CastParams> = {
  name: 'cast',
  impl: ([x], p) => makeTensor(x.backend, x.backend.cast(x, p.dtype), x.shape, p.dtype),
  vjp: (ct, [x]) => [astype(ct, x.dtype)],
  jvp: ([t], _x, _out, p) => astype(t!, p.dtype),
};
const castDiscretePrim: Primitive<CastParams> = { ...castFloatPrim, name: 'cast', nondifferentiable: true };

/** Convert to another dtype (float↔float is differentiable; to or from int/bool is not). */
export function astype(x: Tensor, dtype: DType): Tensor {
  if (x.dtype === dtype) return x;
  if (!x.backend.dtypes.includes(dtype)) throw new TypeError(`astype: backend ${x.backend.name} has no dtype ${dtype}`);
  const prim = isFloat(x.dtype) && isFloat(dtype) ? castFloatPrim : castDiscretePrim;
  return bind(prim, [x], { dtype });
}

const stopGradientPrim: Primitive<undefined> = {
  name: 'stopGradient',
  nondifferentiable: true,
  impl: ([x]) => x,
};

/** Identity whose derivative is zero (JAX's stop_gradient, torch's detach). */
export const stopGradient = (x: Tensor): Tensor => bind(stopGradientPrim, [x], undefined);

// ---------------------------------------------------------------- composites (no rules of their own)

export const square = (x: Tensor): Tensor => mul(x, x);
export const reciprocal = (x: Tensor): Tensor => div(1, x);
/** SiLU / swish: x·σ(x) (Elfwing et al. 2018), the activation of the CLD-SGM toy MLP. */
export const silu = (x: Tensor): Tensor => mul(x, sigmoid(x));
export const relu = (x: Tensor): Tensor => maximum(x, 0);
export const leakyRelu = (x: Tensor, slope = 0.01): Tensor => where(greater(x, 0), x, mul(x, slope));
/** ELU: x for x > 0, e^x − 1 otherwise (the inner minimum keeps expm1 finite on the unused branch). */
export const elu = (x: Tensor): Tensor => where(greater(x, 0), x, expm1(minimum(x, 0)));
export const logSigmoid = (x: Tensor): Tensor => neg(softplus(neg(x)));
export const clip = (x: Tensor, lo: number, hi: number): Tensor => minimum(maximum(x, lo), hi);

/** The functions the derivative rules of core/tensor/primitives.ts are written in (read when a rule runs). */
const RULE_OPS: RuleOps<Tensor> = {
  neg, exp, log, sign, sigmoid, sin, cos, square, add, sub, mul, div, pow, greater, less, equal, where,
  castLike: (x, like) => astype(x, like.dtype),
};
