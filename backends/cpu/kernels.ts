/**
 * Inner loops of the CPU backend, generated once per operation so that each loop is monomorphic
 * (one expression inlined, no per-element closure call). The expressions are the definitions:
 * sigmoid and softplus in their overflow-free forms, maximum/minimum propagating NaN as NumPy does.
 */
import type { BinaryOp, CompareOp, LogicalOp, UnaryOp } from '../../core/tensor/backend.js';
import type { TypedArray } from '../../core/tensor/dtype.js';

export type UnaryLoop = (out: TypedArray, o: number, so: number, x: TypedArray, ix: number, sx: number, n: number) => void;
export type BinaryLoop = (
  out: TypedArray, o: number, so: number, a: TypedArray, ia: number, sa: number, b: TypedArray, ib: number, sb: number, n: number,
) => void;

const UNARY_EXPR: Record<UnaryOp, string> = {
  neg: '-a',
  exp: 'Math.exp(a)',
  log: 'Math.log(a)',
  sqrt: 'Math.sqrt(a)',
  tanh: 'Math.tanh(a)',
  sigmoid: 'a >= 0 ? 1 / (1 + Math.exp(-a)) : Math.exp(a) / (1 + Math.exp(a))',
  softplus: 'Math.max(a, 0) + Math.log1p(Math.exp(-Math.abs(a)))',
  sin: 'Math.sin(a)',
  cos: 'Math.cos(a)',
  abs: 'Math.abs(a)',
  sign: 'a > 0 ? 1 : a < 0 ? -1 : a',
  log1p: 'Math.log1p(a)',
  expm1: 'Math.expm1(a)',
  floor: 'Math.floor(a)',
};

const BINARY_EXPR: Record<BinaryOp | CompareOp | LogicalOp, string> = {
  add: 'a + b',
  sub: 'a - b',
  mul: 'a * b',
  div: 'a / b',
  pow: 'Math.pow(a, b)',
  maximum: 'a !== a || a > b ? a : b',
  minimum: 'a !== a || a < b ? a : b',
  equal: 'a === b ? 1 : 0',
  notEqual: 'a !== b ? 1 : 0',
  less: 'a < b ? 1 : 0',
  lessEqual: 'a <= b ? 1 : 0',
  greater: 'a > b ? 1 : 0',
  greaterEqual: 'a >= b ? 1 : 0',
  logicalAnd: 'a && b ? 1 : 0',
  logicalOr: 'a || b ? 1 : 0',
};

function compileUnary(expr: string): UnaryLoop {
  return new Function(
    'out', 'o', 'so', 'x', 'ix', 'sx', 'n',
    `"use strict"; for (let k = 0; k < n; k++) { const a = x[ix]; out[o] = ${expr}; o += so; ix += sx; }`,
  ) as UnaryLoop;
}

function compileBinary(expr: string): BinaryLoop {
  return new Function(
    'out', 'o', 'so', 'A', 'ia', 'sa', 'B', 'ib', 'sb', 'n',
    `"use strict"; for (let k = 0; k < n; k++) { const a = A[ia], b = B[ib]; out[o] = ${expr}; o += so; ia += sa; ib += sb; }`,
  ) as BinaryLoop;
}

const unaryCache = new Map<string, UnaryLoop>();
const binaryCache = new Map<string, BinaryLoop>();

export function unaryLoop(op: UnaryOp): UnaryLoop {
  let f = unaryCache.get(op);
  if (!f) unaryCache.set(op, (f = compileUnary(UNARY_EXPR[op])));
  return f;
}

export function binaryLoop(op: BinaryOp | CompareOp | LogicalOp): BinaryLoop {
  let f = binaryCache.get(op);
  if (!f) binaryCache.set(op, (f = compileBinary(BINARY_EXPR[op])));
  return f;
}
