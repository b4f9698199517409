/**
 * Inner loops of the CPU backend, generated once per operation so that each loop is monomorphic.
 * An elementwise op runs its float64 host reference from core/tensor/primitives.ts (each result
 * rounded once when stored in float32), so every primitive of the table has a CPU kernel; the
 * expressions below are the same definitions written into the loop (maximum/minimum propagating NaN
 * as NumPy does); the other ops call their host reference, which V8 inlines into the loop (sigmoid's
 * host form takes one exp where an expression would inline several).
 */
import { libm } from '../../core/numerics/libm/index.js';
import type { BinaryOp, CompareOp, LogicalOp, UnaryOp } from '../../core/tensor/backend.js';
import type { TypedArray } from '../../core/tensor/dtype.js';
import { BINARY_PRIMITIVES, COMPARE_PRIMITIVES, LOGICAL_PRIMITIVES, unaryEntry } from '../../core/tensor/primitives.js';

/**
 * Loops over a block of m rows of n elements (forBlocks): operand k's element (r, j) is at
 * offset_k + r·outer_k + j·inner_k.
 */
export type UnaryLoop = (out: TypedArray, o: number, so: number, oo: number, x: TypedArray, ix: number, sx: number, ox: number, n: number, m: number) => void;
export type BinaryLoop = (
  out: TypedArray, o: number, so: number, oo: number, a: TypedArray, ia: number, sa: number, oa: number,
  b: TypedArray, ib: number, sb: number, ob: number, n: number, m: number,
) => void;
/** Σ_i c[i]·X_i over a block: (out, o, so, oo, X[], offs[], inner[], outer[], c[], n, m). */
export type LinCombLoop = (
  out: TypedArray, o: number, so: number, oo: number, X: readonly TypedArray[], offs: readonly number[], inner: readonly number[],
  outer: readonly number[], c: readonly number[], n: number, m: number,
) => void;

/** Inlined host references, over `a`. */
const UNARY_EXPR: Partial<Record<UnaryOp, string>> = {
  neg: '-a',
  exp: 'libm.exp(a)',
  log: 'libm.log(a)',
  sqrt: 'Math.sqrt(a)',
  tanh: 'libm.tanh(a)',
  sin: 'libm.sin(a)',
  cos: 'libm.cos(a)',
  abs: 'Math.abs(a)',
  sign: 'a > 0 ? 1 : a < 0 ? -1 : a',
  log1p: 'libm.log1p(a)',
  expm1: 'libm.expm1(a)',
  floor: 'Math.floor(a)',
};

/** Inlined host references, over `a` and `b`. */
const BINARY_EXPR: Partial<Record<BinaryOp | CompareOp | LogicalOp, string>> = {
  add: 'a + b',
  sub: 'a - b',
  mul: 'a * b',
  div: 'a / b',
  pow: 'libm.pow(a, b)',
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

/** The loop over `expr`, which may call the host reference as `host(a)` and the bit-defined functions as `libm.f(a)`. */
function compileUnary(expr: string, host: (a: number) => number): UnaryLoop {
  return new Function(
    'host', 'libm',
    `"use strict"; return function (out, o0, so, oo, x, ix0, sx, ox, n, m) { for (let r = 0; r < m; r++) { let o = o0 + r * oo, ix = ix0 + r * ox;
      for (let k = 0; k < n; k++) { const a = x[ix]; out[o] = ${expr}; o += so; ix += sx; } } };`,
  )(host, libm) as UnaryLoop;
}

/** The loop over `expr`, which may call the host reference as `host(a, b)` and the bit-defined functions as `libm.f(a, b)`. */
function compileBinary(expr: string, host: (a: number, b: number) => number): BinaryLoop {
  return new Function(
    'host', 'libm',
    `"use strict"; return function (out, o0, so, oo, A, ia0, sa, oa, B, ib0, sb, ob, n, m) { for (let r = 0; r < m; r++) { let o = o0 + r * oo, ia = ia0 + r * oa, ib = ib0 + r * ob;
      for (let k = 0; k < n; k++) { const a = A[ia], b = B[ib]; out[o] = ${expr}; o += so; ia += sa; ib += sb; } } };`,
  )(host, libm) as BinaryLoop;
}

/** The host references of the two-operand ops, by name. */
const BINARY_HOST = Object.fromEntries(
  [...Object.entries(BINARY_PRIMITIVES), ...Object.entries(COMPARE_PRIMITIVES), ...Object.entries(LOGICAL_PRIMITIVES)].map(([op, e]) => [op, e.host]),
) as Record<BinaryOp | CompareOp | LogicalOp, (a: number, b: number) => number>;

/** The linear-combination loop for `count` operands, unrolled over the operands (one per count). */
function compileLinComb(count: number): LinCombLoop {
  const idx = Array.from({ length: count }, (_, i) => i);
  const decl = idx.map((i) => `const X${i} = X[${i}], s${i} = inner[${i}], q${i} = outer[${i}], c${i} = c[${i}], b${i} = offs[${i}];`).join(' ');
  const start = idx.map((i) => `let i${i} = b${i} + r * q${i};`).join(' ');
  const sum = idx.map((i) => `c${i} * X${i}[i${i}]`).join(' + ');
  const step = idx.map((i) => `i${i} += s${i};`).join(' ');
  return new Function(
    'out', 'o0', 'so', 'oo', 'X', 'offs', 'inner', 'outer', 'c', 'n', 'm',
    `"use strict"; ${decl} for (let r = 0; r < m; r++) { let o = o0 + r * oo; ${start}
      for (let k = 0; k < n; k++) { out[o] = ${sum}; o += so; ${step} } }`,
  ) as LinCombLoop;
}

const linCombCache = new Map<number, LinCombLoop>();

export function linCombLoop(count: number): LinCombLoop {
  let f = linCombCache.get(count);
  if (!f) linCombCache.set(count, (f = compileLinComb(count)));
  return f;
}

const unaryCache = new Map<string, UnaryLoop>();
const binaryCache = new Map<string, BinaryLoop>();

export function unaryLoop(op: UnaryOp): UnaryLoop {
  let f = unaryCache.get(op);
  if (!f) unaryCache.set(op, (f = compileUnary(UNARY_EXPR[op] ?? 'host(a)', unaryEntry(op).host)));
  return f;
}

export function binaryLoop(op: BinaryOp | CompareOp | LogicalOp): BinaryLoop {
  let f = binaryCache.get(op);
  if (!f) binaryCache.set(op, (f = compileBinary(BINARY_EXPR[op] ?? 'host(a, b)', BINARY_HOST[op])));
  return f;
}

/**
 * acc[a] += X[i] over every index of a rank-r walk (dims, with strides sa into acc and sx into X,
 * X starting at x0), in row-major order: one loop nest per rank, innermost on the last axis; where
 * that axis is reduced (stride 0 into acc) the running sum stays in a local.
 */
export type SumLoop = (acc: Float64Array, X: TypedArray, x0: number, dims: readonly number[], sa: readonly number[], sx: readonly number[]) => void;

function compileSum(rank: number): SumLoop {
  if (rank === 0) return (acc, X, x0) => void (acc[0] += X[x0]);
  const r = Array.from({ length: rank }, (_, k) => k);
  const last = rank - 1;
  const head = r.map((k) => `const d${k} = dims[${k}], A${k} = sa[${k}], S${k} = sx[${k}];`).join(' ');
  // the innermost loop starts from the enclosing loop's positions (aR, xR at rank 1: the walk's start)
  const pa = last === 0 ? 'aR' : `a${last - 1}`;
  const px = last === 0 ? 'xR' : `x${last - 1}`;
  let body = `if (A${last} === 0) { let t = acc[${pa}]; let i = ${px}; for (let k = 0; k < d${last}; k++, i += S${last}) t += X[i]; acc[${pa}] = t; }
    else { let a = ${pa}, i = ${px}; for (let k = 0; k < d${last}; k++, a += A${last}, i += S${last}) acc[a] += X[i]; }`;
  for (let k = last - 1; k >= 0; k--) {
    const outerA = k === 0 ? 'aR' : `a${k - 1}`;
    const outerX = k === 0 ? 'xR' : `x${k - 1}`;
    body = `for (let i${k} = 0, a${k} = ${outerA}, x${k} = ${outerX}; i${k} < d${k}; i${k}++, a${k} += A${k}, x${k} += S${k}) { ${body} }`;
  }
  return new Function('acc', 'X', 'x0', 'dims', 'sa', 'sx', `"use strict"; ${head} const aR = 0, xR = x0; ${body}`) as SumLoop;
}

const sumCache = new Map<number, SumLoop>();

/** The sum loop nest for a walk of `rank` merged axes. */
export function sumLoop(rank: number): SumLoop {
  let f = sumCache.get(rank);
  if (!f) sumCache.set(rank, (f = compileSum(rank)));
  return f;
}
