/**
 * A catalogue of primitive applications on random shapes, shared by the property suites:
 * each case generates input shapes (broadcast-compatible where the op broadcasts), a domain per
 * input where the op is smooth, extra parameters (axes, permutations, indices), and applies the op.
 * The elementwise primitives' cases come from their declarations (core/tensor/primitives.ts).
 */
import fc from 'fast-check';
import * as sk from '../core/index.js';
import {
  BINARY_OPS, binaryEntry, COMPARE_OPS, compareEntry, CONV_PRIMITIVES, type Jumps, LOGICAL_OPS, UNARY_OPS, unaryEntry,
} from '../core/tensor/primitives.js';

export interface CaseInstance {
  readonly shapes: number[][];
  readonly params: Record<string, unknown>;
  readonly seed: number;
}

/** An operand's dtype: the backend's float dtype (the default), or a fixed one. */
export type OperandDType = 'float' | sk.DType;

export interface OpCase {
  readonly name: string;
  readonly gen: fc.Arbitrary<CaseInstance>;
  /** [lo, hi] of the input values per operand (bool operands: [0, 1], true above ½). */
  readonly domains: readonly (readonly [number, number])[];
  readonly apply: (xs: sk.Tensor[], params: Record<string, unknown>) => sk.Tensor;
  /** Has a derivative (possibly zero almost everywhere): the autodiff properties include it. */
  readonly differentiable: boolean;
  /** Non-smooth somewhere in the domain (kinks, ties): finite differences need a margin. */
  readonly kinked?: boolean;
  /** A composite whose error is that of one primitive (elu = expm1 on x < 0): its declared accuracy applies. */
  readonly via?: sk.UnaryOp;
  /** Operand dtypes, when not the backend's float dtype. */
  readonly dtypes?: readonly OperandDType[];
  /** Dtypes the backend must store for the case to apply (casts to and from float64). */
  readonly requires?: readonly sk.DType[];
  /** Where a piecewise-constant op jumps: the inputs keep away from there (caseInputs). */
  readonly jumps?: Jumps;
  /** The result must equal the reference exactly (piecewise-constant ops, comparisons, logic, casts). */
  readonly exact?: boolean;
}

/** All operands in the backend's float dtype (finite differences in float64 apply). */
export const floatOperands = (c: OpCase): boolean => (c.dtypes ?? []).every((d) => d === 'float');

/** The case needs no dtype that `be` lacks. */
export const caseApplies = (c: OpCase, be: sk.Backend): boolean => (c.requires ?? []).every((d) => be.dtypes.includes(d));

/**
 * The public function of every elementwise primitive, by name: a primitive that core/index.ts does
 * not export under its name does not compile.
 */
const UNARY_FNS: Readonly<Record<sk.UnaryOp, (x: sk.Tensor) => sk.Tensor>> = sk;
const BINARY_FNS: Readonly<Record<sk.BinaryOp | sk.CompareOp | sk.LogicalOp, (a: sk.Tensor, b: sk.Tensor) => sk.Tensor>> = sk;

const dim = fc.integer({ min: 1, max: 4 });
export const shapeArb = (minRank = 0, maxRank = 3): fc.Arbitrary<number[]> => fc.array(dim, { minLength: minRank, maxLength: maxRank });
const seedArb = fc.integer({ min: 0, max: 2 ** 31 - 1 });

/** An operand shape that broadcasts to `s`: drop some leading axes, set some axes to 1. */
function broadcastableFrom(s: number[], drop: number, ones: boolean[]): number[] {
  return s.slice(Math.min(drop, s.length)).map((d, i) => (ones[i] ? 1 : d));
}

const twoBroadcast = fc
  .tuple(shapeArb(), fc.nat(3), fc.array(fc.boolean(), { minLength: 3, maxLength: 3 }), fc.boolean(), seedArb)
  .map(([s, drop, ones, swap, seed]) => {
    const other = broadcastableFrom(s, drop, ones);
    return { shapes: swap ? [other, s] : [s, other], params: {}, seed };
  });

const oneShape = (minRank = 0): fc.Arbitrary<CaseInstance> => fc.tuple(shapeArb(minRank), seedArb).map(([s, seed]) => ({ shapes: [s], params: {}, seed }));

/** A subset of the axes (possibly none → all) and keepdims. */
const reduceGen = fc.tuple(shapeArb(1), fc.array(fc.boolean(), { minLength: 3, maxLength: 3 }), fc.boolean(), fc.boolean(), seedArb).map(
  ([s, pick, keepdims, all, seed]) => {
    const axes = s.map((_, i) => i).filter((i) => pick[i]);
    return { shapes: [s], params: { axes: all || axes.length === 0 ? undefined : axes, keepdims }, seed };
  },
);

/**
 * A convolution x [n, h, w, Cg·groups] * w [kh, kw, Cg, Og·groups] with strides, dilations and
 * padding drawn so that the dilated kernel fits the padded input.
 */
const conv2dGen = fc
  .tuple(
    fc.tuple(fc.integer({ min: 1, max: 2 }), fc.integer({ min: 1, max: 6 }), fc.integer({ min: 1, max: 6 }), dim, fc.integer({ min: 1, max: 3 }), fc.integer({ min: 1, max: 2 })),
    fc.tuple(fc.integer({ min: 1, max: 3 }), fc.integer({ min: 1, max: 3 }), fc.integer({ min: 1, max: 2 }), fc.integer({ min: 1, max: 2 }), fc.integer({ min: 1, max: 2 }), fc.integer({ min: 1, max: 2 })),
    fc.array(fc.nat(2), { minLength: 4, maxLength: 4 }),
    seedArb,
  )
  .map(([[n, h, w, cg, og, groups], [kh, kw, sh, sw, dh, dw], padding, seed]) => ({
    shapes: [[n, h, w, cg * groups], [Math.min(kh, Math.floor((h + padding[0] + padding[1] - 1) / dh) + 1), Math.min(kw, Math.floor((w + padding[2] + padding[3] - 1) / dw) + 1), cg, og * groups]],
    params: { strides: [sh, sw], dilations: [dh, dw], padding, groups },
    seed,
  }));

/** A well-conditioned mixture from a seed (covariances 0.3·AAᵀ + 0.5 I), the same on every backend. */
function caseMixture(K: number, D: number, seed: number): sk.Gmm {
  const z = sk.random.normalHost(sk.random.key(seed), K * (D + D * D));
  return sk.gmm({
    weights: Array.from({ length: K }, () => 1 / K),
    means: Array.from({ length: K }, (_, k) => Array.from({ length: D }, (_, a) => z[k * D + a])),
    covs: Array.from({ length: K }, (_, k) => Array.from({ length: D }, (_, i) => Array.from({ length: D }, (_, j) => {
      let s = i === j ? 0.5 : 0;
      for (let q = 0; q < D; q++) s += 0.3 * (z[K * D + k * D * D + i * D + q] * z[K * D + k * D * D + j * D + q]); // symmetric to the bit
      return s;
    }))),
  });
}

const unary = (name: string, f: (x: sk.Tensor) => sk.Tensor, lo: number, hi: number, kinked = false): OpCase => ({
  name, gen: oneShape(), domains: [[lo, hi]], apply: ([x]) => f(x), kinked, differentiable: true,
});
const binary = (name: string, f: (a: sk.Tensor, b: sk.Tensor) => sk.Tensor, da: [number, number], db: [number, number], kinked = false): OpCase => ({
  name, gen: twoBroadcast, domains: [da, db], apply: ([a, b]) => f(a, b), kinked, differentiable: true,
});

const reduction = (name: string, f: (x: sk.Tensor, axes: sk.Axes, keep: boolean) => sk.Tensor, kinked = false): OpCase => ({
  name, gen: reduceGen, domains: [[-2, 2]], kinked, differentiable: true,
  apply: ([x], p) => f(x, p.axes as number[] | undefined, p.keepdims as boolean),
});

/** A unary primitive's case from its declaration; piecewise-constant ones are exact, away from their jumps. */
function unaryCase(op: sk.UnaryOp): OpCase {
  const e = unaryEntry(op);
  const base = { name: op, gen: oneShape(), domains: [e.domain], apply: ([x]: sk.Tensor[]) => UNARY_FNS[op](x), differentiable: true };
  return e.derivative === 'zero' ? { ...base, jumps: e.jumps, exact: true } : { ...base, kinked: e.kinked };
}

const binaryCase = (op: sk.BinaryOp): OpCase => {
  const e = binaryEntry(op);
  return { name: op, gen: twoBroadcast, domains: e.domains, apply: ([a, b]) => BINARY_FNS[op](a, b), kinked: e.kinked, differentiable: true };
};

/** Comparisons: exact, on inputs that tie exactly or differ by at least the grid step. */
const compareCase = (op: sk.CompareOp): OpCase => {
  const e = compareEntry(op);
  return { name: op, gen: twoBroadcast, domains: e.domains, jumps: e.jumps, exact: true, differentiable: false, apply: ([a, b]) => BINARY_FNS[op](a, b) };
};

const BOOL: readonly [number, number] = [0, 1];

const logicalCase = (op: sk.LogicalOp): OpCase => ({
  name: op, gen: twoBroadcast, domains: [BOOL, BOOL], dtypes: ['bool', 'bool'], exact: true, differentiable: false, apply: ([a, b]) => BINARY_FNS[op](a, b),
});

/** A cast case: the result's dtype is `to`, or the backend's float dtype for 'float'. */
function castCase(name: string, from: OperandDType, to: OperandDType, o: Partial<OpCase> & { domain: readonly [number, number] }): OpCase {
  const { domain, ...rest } = o;
  return {
    name: `cast ${name}`, gen: oneShape(), domains: [domain], dtypes: [from], exact: true, differentiable: false,
    apply: ([x]) => sk.astype(x, to === 'float' ? x.backend.defaultFloat : to),
    ...rest,
  };
}

/**
 * The cases of each fused kernel of the Backend interface (a backend's kernel where it has one, the
 * composition elsewhere): keyed by FUSED_KERNELS, so a new kernel needs cases to compile.
 */
export const FUSED_CASES: Record<sk.FusedKernel, readonly OpCase[]> = {
  mixtureScore: [
    {
      name: 'fused mixtureScore',
      gen: fc.tuple(fc.integer({ min: 1, max: 4 }), fc.integer({ min: 1, max: 4 }), dim, fc.nat(3), seedArb).map(([K, D, n, c, seed]) => ({
        shapes: [[n, D]], params: { K, start: c % D, mixtureSeed: seed % 100003 }, seed,
      })),
      domains: [[-2, 2]],
      differentiable: true,
      apply: ([x], p) => {
        const D = x.shape[1];
        const start = p.start as number;
        return sk.gmmScore(caseMixture(p.K as number, D, p.mixtureSeed as number), x, { start, count: D - start });
      },
    },
  ],
  linearCombination: [
    { ...binary('fused linearCombination', (a, b) => sk.linearCombination([a, b], [0.7, -1.3]), [-3, 3], [-3, 3]) },
  ],
  dense: (['none', 'silu', 'tanh', 'relu'] as const).map((act): OpCase => ({
    name: `fused dense (${act})`,
    gen: fc.tuple(dim, fc.integer({ min: 1, max: 40 }), dim, seedArb).map(([n, k, m, seed]) => ({ shapes: [[n, k], [k, m], [m]], params: {}, seed })),
    domains: [[-2, 2], [-1, 1], [-1, 1]],
    differentiable: true,
    kinked: act === 'relu',
    apply: ([x, W, b]) => sk.dense(x, W, b, act, (h) => ({ none: h, silu: sk.silu(h), tanh: sk.tanh(h), relu: sk.relu(h) })[act]),
  })),
};

export const OP_CASES: readonly OpCase[] = [
  ...UNARY_OPS.map(unaryCase),
  unary('silu', sk.silu, -4, 4),
  { ...unary('elu', sk.elu, -3, 3, true), via: 'expm1' },
  ...BINARY_OPS.map(binaryCase),
  ...COMPARE_OPS.map(compareCase),
  ...LOGICAL_OPS.map(logicalCase),
  { name: 'logicalNot', gen: oneShape(), domains: [BOOL], dtypes: ['bool'], exact: true, differentiable: false, apply: ([x]) => sk.logicalNot(x) },
  castCase('float32→float64', 'float32', 'float64', { domain: [-3, 3], requires: ['float32', 'float64'], differentiable: true }),
  castCase('float64→float32', 'float64', 'float32', { domain: [-3, 3], requires: ['float32', 'float64'], differentiable: true }),
  castCase('float→int32', 'float', 'int32', { domain: [-100, 100], jumps: 'at integers' }),
  castCase('float→bool', 'float', 'bool', { domain: [-3, 3], jumps: 'at ties' }),
  castCase('int32→float', 'int32', 'float', { domain: [-1000, 1000] }),
  castCase('bool→float', 'bool', 'float', { domain: BOOL }),
  {
    name: 'where',
    gen: twoBroadcast,
    domains: [[-3, 3], [-3, 3]],
    differentiable: true,
    // the selection switches where sin 7a = 0: a finite difference across it is no reference
    kinked: true,
    apply: ([a, b]) => sk.where(sk.greater(sk.sin(sk.mul(sk.stopGradient(a), 7)), 0), a, b),
  },
  reduction('sum', sk.sum),
  reduction('mean', sk.mean),
  reduction('max', sk.max, true),
  reduction('min', sk.min, true),
  reduction('logsumexp', sk.logsumexp),
  reduction('variance', (x, a, k) => sk.variance(x, a, k)),
  {
    name: 'reshape',
    gen: oneShape(1),
    domains: [[-2, 2]],
    differentiable: true,
    apply: ([x]) => sk.reshape(x, [...x.shape].reverse()),
  },
  {
    name: 'transpose',
    gen: fc.tuple(shapeArb(1), fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { minLength: 3, maxLength: 3 }), seedArb).map(([s, r, seed]) => ({
      shapes: [s],
      params: { perm: s.map((_, i) => i).sort((a, b) => r[a] - r[b]) },
      seed,
    })),
    domains: [[-2, 2]],
    differentiable: true,
    apply: ([x], p) => sk.transpose(x, p.perm as number[]),
  },
  {
    name: 'broadcastTo',
    gen: fc.tuple(shapeArb(), fc.nat(2), fc.array(fc.boolean(), { minLength: 3, maxLength: 3 }), seedArb).map(([s, drop, ones, seed]) => ({
      shapes: [broadcastableFrom(s, drop, ones)],
      params: { shape: [2, ...s] },
      seed,
    })),
    domains: [[-2, 2]],
    differentiable: true,
    apply: ([x], p) => sk.broadcastTo(x, p.shape as number[]),
  },
  {
    name: 'slice',
    gen: fc.tuple(shapeArb(1), fc.array(fc.tuple(fc.nat(3), fc.nat(3), fc.integer({ min: 1, max: 3 })), { minLength: 3, maxLength: 3 }), seedArb).map(
      ([s, specs, seed]) => {
        const begin = s.map((d, i) => specs[i][0] % d);
        const end = s.map((d, i) => Math.min(d, begin[i] + 1 + (specs[i][1] % d)));
        return { shapes: [s], params: { begin, end, step: s.map((_, i) => specs[i][2]) }, seed };
      },
    ),
    domains: [[-2, 2]],
    differentiable: true,
    apply: ([x], p) => sk.slice(x, p as sk.SliceSpec),
  },
  {
    name: 'pad',
    gen: fc.tuple(shapeArb(1), fc.array(fc.nat(2), { minLength: 6, maxLength: 6 }), seedArb).map(([s, w, seed]) => ({
      shapes: [s],
      params: { before: s.map((_, i) => w[i]), after: s.map((_, i) => w[3 + i]) },
      seed,
    })),
    domains: [[-2, 2]],
    differentiable: true,
    apply: ([x], p) => sk.pad(x, p.before as number[], p.after as number[], 0.5),
  },
  {
    name: 'concat',
    gen: fc.tuple(shapeArb(1), fc.nat(2), dim, seedArb).map(([s, a, extra, seed]) => {
      const axis = a % s.length;
      const t = [...s];
      t[axis] = extra;
      return { shapes: [s, t], params: { axis }, seed };
    }),
    domains: [[-2, 2], [-2, 2]],
    differentiable: true,
    apply: ([x, y], p) => sk.concat([x, y], p.axis as number),
  },
  {
    name: 'gather',
    gen: fc.tuple(shapeArb(1), fc.nat(2), fc.array(fc.nat(100), { minLength: 1, maxLength: 5 }), seedArb).map(([s, a, idx, seed]) => {
      const axis = a % s.length;
      return { shapes: [s], params: { axis, indices: idx.map((i) => i % s[axis]) }, seed };
    }),
    domains: [[-2, 2]],
    differentiable: true,
    apply: ([x], p) => sk.gather(x, sk.fromArray(p.indices as number[], { backend: x.backend, dtype: 'int32' }), p.axis as number),
  },
  {
    name: 'scatterAdd',
    gen: fc.tuple(shapeArb(1), fc.nat(2), fc.array(fc.nat(100), { minLength: 1, maxLength: 5 }), seedArb).map(([s, a, idx, seed]) => {
      const axis = a % s.length;
      const u = [...s.slice(0, axis), idx.length, ...s.slice(axis + 1)];
      return { shapes: [u], params: { axis, indices: idx.map((i) => i % s[axis]), out: s }, seed };
    }),
    domains: [[-2, 2]],
    differentiable: true,
    apply: ([u], p) =>
      sk.scatterAdd(u, sk.fromArray(p.indices as number[], { backend: u.backend, dtype: 'int32' }), p.axis as number, p.out as number[]),
  },
  {
    name: 'matmul',
    gen: fc.tuple(dim, dim, dim, shapeArb(0, 2), fc.nat(2), fc.array(fc.boolean(), { minLength: 2, maxLength: 2 }), fc.nat(3), seedArb).map(
      ([m, k, n, batch, drop, ones, vec, seed]) => {
        const bb = broadcastableFrom(batch, drop, ones);
        // vec: 1 → left operand a vector, 2 → right operand a vector
        const a = vec === 1 ? [k] : [...batch, m, k];
        const b = vec === 2 ? [k] : [...bb, k, n];
        return { shapes: [a, b], params: {}, seed };
      },
    ),
    domains: [[-2, 2], [-2, 2]],
    differentiable: true,
    apply: ([a, b]) => sk.matmul(a, b),
  },
  {
    name: 'conv2d',
    gen: conv2dGen,
    domains: [CONV_PRIMITIVES.conv2d.domains[0], CONV_PRIMITIVES.conv2d.domains[1]],
    differentiable: true,
    apply: ([x, w], p) => sk.conv2d(x, w, p as sk.Conv2dOptions),
  },
  {
    name: 'dilate',
    gen: fc.tuple(shapeArb(4, 4), fc.array(fc.integer({ min: 1, max: 3 }), { minLength: 4, maxLength: 4 }), seedArb).map(([s, factors, seed]) => ({ shapes: [s], params: { factors }, seed })),
    domains: [[-2, 2]],
    differentiable: true,
    apply: ([x], p) => sk.dilate(x, p.factors as number[]),
  },
  {
    name: 'avgPool2d',
    gen: fc.tuple(dim, dim, dim, dim, fc.integer({ min: 1, max: 3 }), seedArb).map(([n, h, w, c, k, seed]) => ({ shapes: [[n, h * k, w * k, c]], params: { k }, seed })),
    domains: [[-2, 2]],
    differentiable: true,
    apply: ([x], p) => sk.avgPool2d(x, p.k as number),
  },
  {
    name: 'upsampleNearest2d',
    gen: fc.tuple(dim, dim, dim, dim, fc.integer({ min: 1, max: 3 }), seedArb).map(([n, h, w, c, k, seed]) => ({ shapes: [[n, h, w, c]], params: { k }, seed })),
    domains: [[-2, 2]],
    differentiable: true,
    apply: ([x], p) => sk.upsampleNearest2d(x, p.k as number),
  },
  {
    name: 'groupNorm',
    gen: fc.tuple(dim, dim, dim, fc.integer({ min: 1, max: 2 }), fc.integer({ min: 1, max: 3 }), seedArb).map(([n, h, w, g, cg, seed]) => ({
      shapes: [[n, h + 1, w, g * cg], [g * cg], [g * cg]], params: { g }, seed,
    })),
    domains: [[-2, 2], [0.5, 2], [-1, 1]],
    differentiable: true,
    apply: ([x, gamma, beta], p) => sk.groupNorm(x, p.g as number, gamma, beta),
  },
  {
    name: 'attention',
    gen: fc.tuple(fc.integer({ min: 1, max: 2 }), dim, dim, dim, dim, seedArb).map(([b, l, s, d, e, seed]) => ({ shapes: [[b, l, d], [b, s, d], [b, s, e]], params: {}, seed })),
    domains: [[-2, 2], [-2, 2], [-2, 2]],
    differentiable: true,
    apply: ([q, k, v]) => sk.attention(q, k, v),
  },
  ...Object.values(FUSED_CASES).flat(),
];
