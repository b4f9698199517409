/**
 * The elementwise primitives, one declaration each (as JAX declares a primitive with its rules in
 * lax.py, and tinygrad lists its ops in one enum): the dtypes it accepts, its derivative rule or a
 * marker saying why it has none, the input domain where tests draw values (where the op is smooth),
 * whether it has kinks there, and a float64 host reference. The op-name types (UnaryOp, BinaryOp,
 * CompareOp, LogicalOp) are the keys of these tables, and every field is required, so an op without
 * a rule, a domain or a reference does not compile; neither do the gpu.js and tfjs backends without
 * its kernel (their kernel tables are Records over these types), nor the verify cases without its
 * public function. The CPU backend runs the host reference itself. core/tensor/ops/elementwise.ts
 * builds the autodiff primitives from these tables, verify/cases.ts the cross-backend cases,
 * tests/core/ops.test.ts the unit tests.
 *
 * Rules are written against `RuleOps`, the elementwise functions, passed in by elementwise.ts (this
 * file imports no tensor code); a rule gives d out from d x, so it serves as JVP (g = tangent) and as
 * VJP (g = cotangent: every rule is linear and self-adjoint in g).
 */
import { libm } from '../numerics/libm/index.js';
import { erf } from '../numerics/erf.js';

/**
 * Dtypes an op accepts: 'float' (float32, float64), 'numeric' (floats and int32), 'bool', or 'any'
 * (comparisons). Results have the operands' dtype, bool for comparisons and logic.
 */
export type DTypeClass = 'float' | 'numeric' | 'bool' | 'any';

/** [lo, hi]: where tests draw an operand's values. */
export type Domain = readonly [number, number];

/**
 * Where a piecewise-constant op jumps: tests move their inputs away from there, so that every dtype
 * and backend sees the same side of every jump and results agree exactly.
 */
export type Jumps = 'at zero' | 'at integers' | 'at ties';

/** The elementwise functions a derivative rule is written in (T = core's Tensor). */
export interface RuleOps<T> {
  neg(x: T): T;
  exp(x: T): T;
  log(x: T): T;
  sign(x: T): T;
  sigmoid(x: T): T;
  sin(x: T): T;
  cos(x: T): T;
  square(x: T): T;
  add(a: T | number, b: T | number): T;
  sub(a: T | number, b: T | number): T;
  mul(a: T | number, b: T | number): T;
  div(a: T | number, b: T | number): T;
  pow(a: T | number, b: T | number): T;
  greater(a: T | number, b: T | number): T;
  less(a: T | number, b: T | number): T;
  equal(a: T | number, b: T | number): T;
  where(cond: T, a: T | number, b: T | number): T;
  /** x cast to the dtype of `like`. */
  castLike(x: T, like: T): T;
}

/** d out = rule(ops, d x, x, out). */
export type UnaryRule = <T>(o: RuleOps<T>, g: T, x: T, out: T) => T;
/** [g·∂out/∂a, g·∂out/∂b], unreduced (out's shape); null where zero. */
export type BinaryRule = <T>(o: RuleOps<T>, g: T, a: T, b: T, out: T) => readonly [T | null, T | null];

interface UnaryCommon {
  readonly dtypes: DTypeClass;
  readonly domain: Domain;
  readonly host: (x: number) => number;
}

/**
 * A unary primitive: smooth with a derivative rule (kinked where it has corners, like abs), or
 * piecewise constant ('zero' derivative almost everywhere, like floor) with its jumps.
 */
export type UnaryEntry = UnaryCommon & (
  | { readonly derivative: UnaryRule; readonly kinked: boolean }
  | { readonly derivative: 'zero'; readonly jumps: Jumps }
);

export interface BinaryEntry {
  readonly dtypes: DTypeClass;
  readonly derivative: BinaryRule;
  readonly domains: readonly [Domain, Domain];
  /** Non-smooth somewhere in the domains (ties of maximum/minimum). */
  readonly kinked: boolean;
  readonly host: (a: number, b: number) => number;
}

/** A comparison: bool results (1/0 in the host reference), jumps at ties. */
export interface CompareEntry {
  readonly dtypes: 'any';
  readonly derivative: 'not differentiable';
  readonly domains: readonly [Domain, Domain];
  readonly jumps: 'at ties';
  readonly host: (a: number, b: number) => number;
}

/** A logical op on bool operands (0/1 in the host reference). */
export interface LogicalEntry {
  readonly dtypes: 'bool';
  readonly derivative: 'not differentiable';
  readonly host: (a: number, b: number) => number;
}

// ---------------------------------------------------------------- the tables

const sigmoidHost = (x: number): number => {
  const e = libm.exp(-Math.abs(x));
  return x >= 0 ? 1 / (1 + e) : e / (1 + e);
};

/** Unary primitives. sigmoid and softplus are defined by their overflow-free forms. */
export const UNARY_PRIMITIVES = {
  neg: { dtypes: 'numeric', derivative: ({ neg }, g) => neg(g), kinked: false, domain: [-3, 3], host: (x) => -x },
  exp: { dtypes: 'float', derivative: ({ mul }, g, _x, out) => mul(g, out), kinked: false, domain: [-2, 2], host: libm.exp },
  log: { dtypes: 'float', derivative: ({ div }, g, x) => div(g, x), kinked: false, domain: [0.5, 3], host: libm.log },
  sqrt: { dtypes: 'float', derivative: ({ div, mul }, g, _x, out) => div(g, mul(out, 2)), kinked: false, domain: [0.5, 3], host: Math.sqrt },
  tanh: { dtypes: 'float', derivative: ({ mul, sub, square }, g, _x, out) => mul(g, sub(1, square(out))), kinked: false, domain: [-3, 3], host: libm.tanh },
  /** 1/(1 + e^{−x}). */
  sigmoid: { dtypes: 'float', derivative: ({ mul, sub }, g, _x, out) => mul(g, mul(out, sub(1, out))), kinked: false, domain: [-4, 4], host: sigmoidHost },
  /** log(1 + e^x) = max(x, 0) + log1p(e^{−|x|}). */
  softplus: {
    dtypes: 'float', derivative: ({ mul, sigmoid }, g, x) => mul(g, sigmoid(x)), kinked: false, domain: [-4, 4],
    host: (x) => Math.max(x, 0) + libm.log1p(libm.exp(-Math.abs(x))),
  },
  sin: { dtypes: 'float', derivative: ({ mul, cos }, g, x) => mul(g, cos(x)), kinked: false, domain: [-3, 3], host: libm.sin },
  cos: { dtypes: 'float', derivative: ({ mul, neg, sin }, g, x) => neg(mul(g, sin(x))), kinked: false, domain: [-3, 3], host: libm.cos },
  abs: { dtypes: 'numeric', derivative: ({ mul, sign }, g, x) => mul(g, sign(x)), kinked: true, domain: [-3, 3], host: Math.abs },
  sign: { dtypes: 'numeric', derivative: 'zero', jumps: 'at zero', domain: [-3, 3], host: Math.sign },
  log1p: { dtypes: 'float', derivative: ({ div, add }, g, x) => div(g, add(x, 1)), kinked: false, domain: [-0.5, 3], host: libm.log1p },
  expm1: { dtypes: 'float', derivative: ({ mul, add }, g, _x, out) => mul(g, add(out, 1)), kinked: false, domain: [-2, 2], host: libm.expm1 },
  floor: { dtypes: 'float', derivative: 'zero', jumps: 'at integers', domain: [-3, 3], host: Math.floor },
  /** The error function; d erf(x) = 2/√π·e^{−x²}·dx. */
  erf: {
    dtypes: 'float', kinked: false, domain: [-3, 3], host: erf,
    derivative: ({ mul, exp, neg, square }, g, x) => mul(g, mul(exp(neg(square(x))), 2 / Math.sqrt(Math.PI))),
  },
} as const satisfies Record<string, UnaryEntry>;

/** 1 where `wins`, ½ on ties (the subgradient JAX uses), 0 elsewhere. */
function tieMask<T>({ add, mul, castLike }: RuleOps<T>, wins: T, ties: T, like: T): T {
  return add(castLike(wins, like), mul(castLike(ties, like), 0.5));
}

/** NumPy's maximum/minimum: NaN if either operand is NaN. */
const maximumHost = (a: number, b: number): number => (a !== a || a > b ? a : b);
const minimumHost = (a: number, b: number): number => (a !== a || a < b ? a : b);

/** Binary arithmetic primitives (NumPy broadcasting; core reduces the rules' results to each operand's shape). */
export const BINARY_PRIMITIVES = {
  add: { dtypes: 'numeric', derivative: (_o, g) => [g, g], kinked: false, domains: [[-3, 3], [-3, 3]], host: (a, b) => a + b },
  sub: { dtypes: 'numeric', derivative: ({ neg }, g) => [g, neg(g)], kinked: false, domains: [[-3, 3], [-3, 3]], host: (a, b) => a - b },
  mul: { dtypes: 'numeric', derivative: ({ mul }, g, a, b) => [mul(g, b), mul(g, a)], kinked: false, domains: [[-3, 3], [-3, 3]], host: (a, b) => a * b },
  div: {
    dtypes: 'numeric', kinked: false, domains: [[-3, 3], [0.5, 3]], host: (a, b) => a / b,
    derivative: ({ div, mul, neg }, g, _a, b, out) => [div(g, b), neg(div(mul(g, out), b))],
  },
  /** ∂/∂a = b·a^(b−1); ∂/∂b = a^b·log a for a > 0, 0 elsewhere (the inner where keeps log's derivative finite). */
  pow: {
    dtypes: 'float', kinked: false, domains: [[0.5, 2], [-2, 2]], host: libm.pow,
    derivative: ({ greater, where, log, mul, pow, sub }, g, a, b, out) => {
      const pos = greater(a, 0);
      const safeLog = where(pos, log(where(pos, a, 1)), 0);
      return [mul(g, mul(b, pow(a, sub(b, 1)))), mul(g, mul(out, safeLog))];
    },
  },
  maximum: {
    dtypes: 'numeric', kinked: true, domains: [[-3, 3], [-3, 3]], host: maximumHost,
    derivative: (o, g, a, b) => {
      const wa = tieMask(o, o.greater(a, b), o.equal(a, b), g);
      return [o.mul(g, wa), o.mul(g, o.sub(1, wa))];
    },
  },
  minimum: {
    dtypes: 'numeric', kinked: true, domains: [[-3, 3], [-3, 3]], host: minimumHost,
    derivative: (o, g, a, b) => {
      const wa = tieMask(o, o.less(a, b), o.equal(a, b), g);
      return [o.mul(g, wa), o.mul(g, o.sub(1, wa))];
    },
  },
} as const satisfies Record<string, BinaryEntry>;

const comparison = (host: (a: number, b: number) => boolean): CompareEntry => ({
  dtypes: 'any', derivative: 'not differentiable', domains: [[-3, 3], [-3, 3]], jumps: 'at ties', host: (a, b) => (host(a, b) ? 1 : 0),
});

export const COMPARE_PRIMITIVES = {
  equal: comparison((a, b) => a === b),
  notEqual: comparison((a, b) => a !== b),
  less: comparison((a, b) => a < b),
  lessEqual: comparison((a, b) => a <= b),
  greater: comparison((a, b) => a > b),
  greaterEqual: comparison((a, b) => a >= b),
} as const satisfies Record<string, CompareEntry>;

export const LOGICAL_PRIMITIVES = {
  logicalAnd: { dtypes: 'bool', derivative: 'not differentiable', host: (a, b) => (a !== 0 && b !== 0 ? 1 : 0) },
  logicalOr: { dtypes: 'bool', derivative: 'not differentiable', host: (a, b) => (a !== 0 || b !== 0 ? 1 : 0) },
} as const satisfies Record<string, LogicalEntry>;

/** Logical negation, the one unary op on bool tensors. */
export const LOGICAL_NOT = {
  dtypes: 'bool', derivative: 'not differentiable', host: (a: number): number => (a !== 0 ? 0 : 1),
} as const;

// ---------------------------------------------------------------- names

export type UnaryOp = keyof typeof UNARY_PRIMITIVES;
export type BinaryOp = keyof typeof BINARY_PRIMITIVES;
export type CompareOp = keyof typeof COMPARE_PRIMITIVES;
export type LogicalOp = keyof typeof LOGICAL_PRIMITIVES;

const keys = <K extends string>(table: Readonly<Record<K, unknown>>): readonly K[] => Object.freeze(Object.keys(table) as K[]);

export const UNARY_OPS: readonly UnaryOp[] = keys(UNARY_PRIMITIVES);
export const BINARY_OPS: readonly BinaryOp[] = keys(BINARY_PRIMITIVES);
export const COMPARE_OPS: readonly CompareOp[] = keys(COMPARE_PRIMITIVES);
export const LOGICAL_OPS: readonly LogicalOp[] = keys(LOGICAL_PRIMITIVES);

/** An entry of each table by op name, at its general type. */
export const unaryEntry = (op: UnaryOp): UnaryEntry => UNARY_PRIMITIVES[op];
export const binaryEntry = (op: BinaryOp): BinaryEntry => BINARY_PRIMITIVES[op];
export const compareEntry = (op: CompareOp): CompareEntry => COMPARE_PRIMITIVES[op];
export const logicalEntry = (op: LogicalOp): LogicalEntry => LOGICAL_PRIMITIVES[op];

// ---------------------------------------------------------------- convolution

/**
 * 2-D convolution (cross-correlation, as in every deep-learning library), channels last:
 * x [N, H, W, C] (NHWC), w [KH, KW, C/groups, O] (HWIO), out [N, Ho, Wo, O] with
 *   out[n, i, j, o] = Σ_{a, b, c} x[n, i·sh + a·dh − pt, j·sw + b·dw − pl, g·Cg + c] · w[a, b, c, o],
 * g = ⌊o / (O/groups)⌋, Cg = C/groups, x = 0 outside the image, and
 * Ho = ⌊(H + pt + pb − dh·(KH − 1) − 1)/sh⌋ + 1 (Wo likewise). Channels last because im2col then
 * needs no transposes: the patch matrix [N·Ho·Wo, KH·KW·Cg] times w viewed as [KH·KW·Cg, O] is the
 * output itself (XLA's conv_general_dilated and tfjs use the same NHWC/HWIO layout; tfjs's conv ops
 * accept no other).
 */
export interface Conv2dParams {
  /** [sh, sw] ≥ 1. */
  readonly strides: readonly [number, number];
  /** [top, bottom, left, right] zero padding, ≥ 0. */
  readonly padding: readonly [number, number, number, number];
  /** [dh, dw] ≥ 1: the kernel's taps are dh rows and dw columns apart. */
  readonly dilations: readonly [number, number];
  /** C and O are both multiples of groups; group g maps input channels [g·Cg, (g+1)·Cg) to outputs [g·Og, (g+1)·Og). */
  readonly groups: number;
}

/** Output extent of one spatial axis: ⌊(n + before + after − d·(k − 1) − 1)/s⌋ + 1. */
export const convOutSize = (n: number, k: number, s: number, d: number, before: number, after: number): number =>
  Math.floor((n + before + after - d * (k - 1) - 1) / s) + 1;

/** [N, Ho, Wo, O] of a convolution of x [N, H, W, C] with w [KH, KW, Cg, O] (shapes already checked). */
export function conv2dOutShape(x: readonly number[], w: readonly number[], p: Conv2dParams): number[] {
  const [pt, pb, pl, pr] = p.padding;
  return [x[0], convOutSize(x[1], w[0], p.strides[0], p.dilations[0], pt, pb), convOutSize(x[2], w[1], p.strides[1], p.dilations[1], pl, pr), w[3]];
}

/**
 * The functions the convolution's derivative rules are written in: the convolution itself and
 * layout ops (T = core's Tensor), so that the rules are differentiable again.
 */
export interface ConvRuleOps<T> {
  conv2d(x: T, w: T, p: Conv2dParams): T;
  add(a: T, b: T): T;
  transpose(x: T, perm: readonly number[]): T;
  reshape(x: T, shape: readonly number[]): T;
  /** Elements [begin, end) of every axis. */
  slice(x: T, begin: readonly number[], end: readonly number[]): T;
  concat(xs: readonly T[], axis: number): T;
  /** x with the order of the elements along `axes` reversed. */
  reverse(x: T, axes: readonly number[]): T;
  /** Zeros inserted: element i of axis k moves to i·factors[k]; the axis becomes (n − 1)·factors[k] + 1 long. */
  dilate(x: T, factors: readonly number[]): T;
  /** Zero padding; negative widths crop (after the positive ones are added). */
  pad(x: T, before: readonly number[], after: readonly number[]): T;
  shape(x: T): readonly number[];
}

/**
 * x̄ = the adjoint of x ↦ conv(x, w) applied to ḡ: a stride-1 convolution of ḡ dilated by the
 * strides, padded by dh·(KH − 1) − pt before and H + pt − ((Ho − 1)·sh + 1) after (negative: cropped),
 * with w flipped in space and its input and output channels swapped within each group
 * (Dumoulin & Visin 2016, "A guide to convolution arithmetic", §4).
 */
function convInputGrad<T>(o: ConvRuleOps<T>, g: T, xShape: readonly number[], w: T, p: Conv2dParams): T {
  const [KH, KW, Cg, O] = o.shape(w);
  const G = p.groups;
  const Og = O / G;
  const [, Ho, Wo] = o.shape(g);
  const [sh, sw] = p.strides;
  const [dh, dw] = p.dilations;
  const [pt, , pl] = p.padding;
  const z = sh === 1 && sw === 1 ? g : o.dilate(g, [1, sh, sw, 1]);
  const before = [dh * (KH - 1) - pt, dw * (KW - 1) - pl];
  const after = [xShape[1] + pt - ((Ho - 1) * sh + 1), xShape[2] + pl - ((Wo - 1) * sw + 1)];
  // where a width is negative, pad and crop explicitly, so that the convolution sees no padding
  const crop = before.some((b) => b < 0) || after.some((a) => a < 0);
  const zc = crop ? o.pad(z, [0, before[0], before[1], 0], [0, after[0], after[1], 0]) : z;
  const wf = o.reshape(o.transpose(o.reshape(o.reverse(w, [0, 1]), [KH, KW, Cg, G, Og]), [0, 1, 4, 3, 2]), [KH, KW, Og, G * Cg]);
  const pad = crop ? ([0, 0, 0, 0] as const) : ([before[0], after[0], before[1], after[1]] as const);
  return o.conv2d(zc, wf, { strides: [1, 1], padding: pad, dilations: p.dilations, groups: G });
}

/**
 * w̄[a, b, c, o] = Σ_{n, i, j} x[n, i·sh + a·dh − pt, j·sw + b·dw − pl, c]·ḡ[n, i, j, o]: a forward
 * convolution of x with channels and batch swapped ([C, H, W, N]) by ḡ as a filter ([Ho, Wo, N, O]),
 * the strides and dilations exchanged, cut to KH × KW taps; one such convolution per group.
 */
function convFilterGrad<T>(o: ConvRuleOps<T>, g: T, x: T, wShape: readonly number[], p: Conv2dParams): T {
  const [KH, KW, Cg, O] = wShape;
  const G = p.groups;
  const Og = O / G;
  const [N, H, W] = o.shape(x);
  const [, Ho, Wo] = o.shape(g);
  const xt = o.transpose(x, [3, 1, 2, 0]);
  const gt = o.transpose(g, [1, 2, 0, 3]);
  const q: Conv2dParams = { strides: p.dilations, padding: p.padding, dilations: p.strides, groups: 1 };
  const parts: T[] = [];
  for (let k = 0; k < G; k++) {
    const xk = G === 1 ? xt : o.slice(xt, [k * Cg, 0, 0, 0], [(k + 1) * Cg, H, W, N]);
    const gk = G === 1 ? gt : o.slice(gt, [0, 0, 0, k * Og], [Ho, Wo, N, (k + 1) * Og]);
    const r = o.conv2d(xk, gk, q);
    const [, rh, rw] = o.shape(r);
    const cut = rh === KH && rw === KW ? r : o.slice(r, [0, 0, 0, 0], [Cg, KH, KW, Og]);
    parts.push(o.transpose(cut, [1, 2, 0, 3]));
  }
  return G === 1 ? parts[0] : o.concat(parts, 3);
}

/** A bilinear primitive's declaration: dtypes, test domains, both partial derivatives, a float64 reference. */
export interface BilinearEntry<P> {
  readonly dtypes: DTypeClass;
  readonly domains: readonly [Domain, Domain];
  /** ḡ·∂out/∂x, of x's shape (linear in ḡ; the JVP is rule(ṫ_x) + ... by bilinearity). */
  readonly inputGrad: <T>(o: ConvRuleOps<T>, g: T, xShape: readonly number[], w: T, p: P) => T;
  /** ḡ·∂out/∂w, of w's shape. */
  readonly filterGrad: <T>(o: ConvRuleOps<T>, g: T, x: T, wShape: readonly number[], p: P) => T;
  /** out from row-major float64 x and w of the given shapes. */
  readonly host: (x: Float64Array, xShape: readonly number[], w: Float64Array, wShape: readonly number[], p: P) => Float64Array;
}

/** The direct seven-loop convolution in float64, the definition above written out. */
function conv2dHost(x: Float64Array, xs: readonly number[], w: Float64Array, ws: readonly number[], p: Conv2dParams): Float64Array {
  const [N, H, W, C] = xs;
  const [KH, KW, Cg, O] = ws;
  const [, Ho, Wo] = conv2dOutShape(xs, ws, p);
  const Og = O / p.groups;
  const out = new Float64Array(N * Ho * Wo * O);
  for (let n = 0; n < N; n++) for (let i = 0; i < Ho; i++) for (let j = 0; j < Wo; j++) for (let oc = 0; oc < O; oc++) {
    const c0 = Math.floor(oc / Og) * Cg;
    let s = 0;
    for (let a = 0; a < KH; a++) {
      const h = i * p.strides[0] + a * p.dilations[0] - p.padding[0];
      if (h < 0 || h >= H) continue;
      for (let b = 0; b < KW; b++) {
        const v = j * p.strides[1] + b * p.dilations[1] - p.padding[2];
        if (v < 0 || v >= W) continue;
        for (let c = 0; c < Cg; c++) s += x[((n * H + h) * W + v) * C + c0 + c] * w[((a * KW + b) * Cg + c) * O + oc];
      }
    }
    out[((n * Ho + i) * Wo + j) * O + oc] = s;
  }
  return out;
}

/** Convolution primitives (one: conv2d; pooling and upsampling are compositions of layout ops). */
export const CONV_PRIMITIVES = {
  conv2d: { dtypes: 'float', domains: [[-2, 2], [-1, 1]], inputGrad: convInputGrad, filterGrad: convFilterGrad, host: conv2dHost },
} as const satisfies Record<string, BilinearEntry<Conv2dParams>>;

export type ConvOp = keyof typeof CONV_PRIMITIVES;
