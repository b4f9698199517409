import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import * as sk from '../../index.js';
import { assertAllClose, differingIndices, hostUniform } from '../helpers.js';
import {
  BINARY_OPS, binaryEntry, COMPARE_OPS, compareEntry, LOGICAL_NOT, LOGICAL_OPS, logicalEntry, UNARY_OPS, unaryEntry,
} from '../../core/tensor/primitives.js';

const f32 = (x: number): number => Math.fround(x);

/** The public function of every elementwise primitive (an op without one does not compile). */
const UNARY: Readonly<Record<sk.UnaryOp, (t: sk.Tensor) => sk.Tensor>> = sk;
const BINARY: Readonly<Record<sk.BinaryOp | sk.CompareOp | sk.LogicalOp, (a: sk.Tensor, b: sk.Tensor) => sk.Tensor>> = sk;

/** `got` equals `want` value for value (bits of floats; −0 ≠ 0). */
function assertSame(got: ArrayLike<number>, want: ArrayLike<number>, what: string): void {
  const bad = differingIndices(Float64Array.from(got), Float64Array.from(want));
  assert.equal(bad.length, 0, `${what}: index ${bad[0]}: ${got[bad[0]]} vs ${want[bad[0]]}`);
}

/** Float operands from [lo, hi], on a grid of ¼ for comparisons (so that some tie exactly). */
const operand = (seed: number, [lo, hi]: readonly [number, number], grid = false): Float64Array =>
  hostUniform(seed, 50, lo, hi).map((v) => (grid ? Math.round(4 * v) / 4 : v));

/**
 * The CPU backend computes every primitive as its float64 host reference (core/tensor/primitives.ts),
 * and in float32 rounds that once: both exactly, for the inlined expressions as for the references.
 */
describe('every elementwise primitive on the CPU is its host reference', () => {
  for (const op of UNARY_OPS) {
    it(op, () => {
      const { host, domain } = unaryEntry(op);
      const xs = operand(7, domain);
      assertSame(UNARY[op](sk.fromArray(xs)).dataSync(), Array.from(xs, host), `${op} float64`);
      const x32 = Float64Array.from(xs, f32);
      const got32 = UNARY[op](sk.fromArray(x32, { dtype: 'float32' })).dataSync();
      assert.ok(got32 instanceof Float32Array);
      assertSame(got32, Array.from(x32, (x) => f32(host(x))), `${op} float32`);
    });
  }
  const binaryCheck = (op: sk.BinaryOp | sk.CompareOp, host: (a: number, b: number) => number, a: Float64Array, b: Float64Array, float: boolean): void => {
    assertSame(BINARY[op](sk.fromArray(a), sk.fromArray(b)).dataSync(), a.map((v, i) => host(v, b[i])), `${op} float64`);
    const [a32, b32] = [a.map(f32), b.map(f32)];
    const got32 = BINARY[op](sk.fromArray(a32, { dtype: 'float32' }), sk.fromArray(b32, { dtype: 'float32' })).dataSync();
    assertSame(got32, a32.map((v, i) => (float ? f32(host(v, b32[i])) : host(v, b32[i]))), `${op} float32`);
  };
  for (const op of BINARY_OPS) {
    it(op, () => {
      const { host, domains: [da, db] } = binaryEntry(op);
      binaryCheck(op, host, operand(8, da), operand(9, db), true);
    });
  }
  for (const op of COMPARE_OPS) {
    it(op, () => {
      const { host, domains: [da, db] } = compareEntry(op);
      const [a, b] = [operand(8, da, true), operand(9, db, true)];
      assert.ok(a.some((v, i) => v === b[i]) && a.some((v, i) => v !== b[i]), 'ties and non-ties');
      binaryCheck(op, host, a, b, false);
    });
  }
  const bools = (seed: number): number[] => Array.from(hostUniform(seed, 50, 0, 1), (u) => (u > 0.5 ? 1 : 0));
  for (const op of LOGICAL_OPS) {
    it(op, () => {
      const [a, b] = [bools(10), bools(11)];
      const got = BINARY[op](sk.fromArray(a, { dtype: 'bool' }), sk.fromArray(b, { dtype: 'bool' })).dataSync();
      assertSame(got, a.map((v, i) => logicalEntry(op).host(v, b[i])), op);
    });
  }
  it('logicalNot', () => {
    const a = bools(12);
    assertSame(sk.logicalNot(sk.fromArray(a, { dtype: 'bool' })).dataSync(), a.map(LOGICAL_NOT.host), 'logicalNot');
  });
});

/** Composites against Math: float64 to rounding, float32 within a few ulp (each step rounds). */
const COMPOSITE_REF: Record<string, [(t: sk.Tensor) => sk.Tensor, (x: number) => number, number, number]> = {
  square: [sk.square, (x) => x * x, -3, 3],
  silu: [sk.silu, (x) => x / (1 + Math.exp(-x)), -5, 5],
  relu: [sk.relu, (x) => Math.max(x, 0), -3, 3],
  elu: [sk.elu, (x) => (x > 0 ? x : Math.expm1(x)), -3, 3],
};

describe('composite unary ops match Math on the host', () => {
  for (const [name, [op, ref, lo, hi]] of Object.entries(COMPOSITE_REF)) {
    it(name, () => {
      const xs = hostUniform(7, 50, lo, hi);
      const got64 = op(sk.fromArray(xs)).dataSync();
      assertAllClose(got64, Array.from(xs, ref), 1e-14, 1e-300, `${name} float64`);
      const x32 = Float64Array.from(xs, f32);
      const got32 = op(sk.fromArray(x32, { dtype: 'float32' })).dataSync();
      assert.ok(got32 instanceof Float32Array);
      assertAllClose(got32, Array.from(x32, (x) => f32(ref(x))), 4 * 2 ** -23, 1e-37, `${name} float32`);
    });
  }
  it('sigmoid and softplus do not overflow', () => {
    const x = sk.fromArray([-1000, 1000]);
    assert.deepEqual(sk.sigmoid(x).arraySync(), [0, 1]);
    assert.deepEqual(sk.softplus(x).arraySync(), [0, 1000]);
  });
  it('the sigmoid and softplus references agree with other formulas on a wide range', () => {
    const xs = hostUniform(13, 200, -30, 30);
    const [sig, sp] = [unaryEntry('sigmoid').host, unaryEntry('softplus').host];
    assertAllClose(xs.map(sig), xs.map((x) => 1 / (1 + Math.exp(-x))), 1e-14, 1e-300, 'sigmoid');
    assertAllClose(xs.map(sp), xs.map((x) => (x > 0 ? x + Math.log1p(Math.exp(-x)) : Math.log1p(Math.exp(x)))), 1e-14, 1e-300, 'softplus');
  });
});

describe('binary ops', () => {
  it('arithmetic with scalars and tensors', () => {
    const a = sk.fromArray([1, 2, 3]);
    assert.deepEqual(sk.sub(10, a).arraySync(), [9, 8, 7]);
    assert.deepEqual(sk.div(a, 2).arraySync(), [0.5, 1, 1.5]);
    assert.deepEqual(sk.pow(a, 2).arraySync(), [1, 4, 9]);
    assert.deepEqual(sk.maximum(a, 2).arraySync(), [2, 2, 3]);
    assert.deepEqual(sk.minimum(a, 2).arraySync(), [1, 2, 2]);
  });
  it('maximum/minimum propagate NaN like NumPy', () => {
    const r = sk.maximum(sk.fromArray([NaN, 1, 2]), sk.fromArray([0, NaN, 1])).arraySync() as number[];
    assert.ok(Number.isNaN(r[0]) && Number.isNaN(r[1]) && r[2] === 2);
    const m = sk.max(sk.fromArray([1, NaN, 3])).itemSync();
    assert.ok(Number.isNaN(m));
  });
  it('float32 with float64 promotes to float64; int with float is an error', () => {
    const a = sk.fromArray([1, 2], { dtype: 'float32' });
    const b = sk.fromArray([0.1, 0.2], { dtype: 'float64' });
    assert.equal(sk.add(a, b).dtype, 'float64');
    const i = sk.fromArray([1, 2], { dtype: 'int32' });
    assert.throws(() => sk.add(i, b), /cannot combine dtypes int32 and float64/);
    assert.throws(() => sk.mul(i, 0.5), /not an integer/);
    assert.deepEqual(sk.mul(i, 3).arraySync(), [3, 6]);
  });
  it('comparisons give bool tensors; where selects', () => {
    const a = sk.fromArray([1, 5, 3]);
    const c = sk.greater(a, 2);
    assert.equal(c.dtype, 'bool');
    assert.deepEqual(c.arraySync(), [0, 1, 1]);
    assert.deepEqual(sk.where(c, a, sk.neg(a)).arraySync(), [-1, 5, 3]);
    assert.deepEqual(sk.where(sk.fromArray([[1], [0]], { dtype: 'bool' }), 1, sk.fromArray([7, 8])).arraySync(), [[1, 1], [7, 8]]);
    assert.deepEqual(sk.logicalNot(c).arraySync(), [1, 0, 0]);
    assert.deepEqual(sk.logicalAnd(c, sk.less(a, 4)).arraySync(), [0, 0, 1]);
    assert.throws(() => sk.where(a, a, a), /condition must be a bool tensor/);
  });
});

describe('reductions', () => {
  const x = sk.reshape(sk.arange(24), [2, 3, 4]);
  it('sum/max/min/mean over axes with keepdims', () => {
    assert.equal(sk.sum(x).itemSync(), 276);
    assert.deepEqual(sk.sum(x, [0, 2]).arraySync(), [60, 92, 124]);
    assert.deepEqual(sk.sum(x, -1, true).shape, [2, 3, 1]);
    assert.deepEqual(sk.max(x, 1).arraySync(), [[8, 9, 10, 11], [20, 21, 22, 23]]);
    assert.deepEqual(sk.min(x, [0, 1]).arraySync(), [0, 1, 2, 3]);
    assert.equal(sk.mean(x).itemSync(), 11.5);
    assert.equal(sk.variance(sk.fromArray([1, 2, 3, 4])).itemSync(), 1.25);
    assert.equal(sk.variance(sk.fromArray([1, 2, 3, 4]), undefined, false, 1).itemSync(), 5 / 3);
  });
  it('reductions of strided views (transposed, sliced)', () => {
    const t = sk.transpose(x, [2, 0, 1]);
    assert.deepEqual(sk.sum(t, 0).arraySync(), sk.sum(x, 2).arraySync());
    const s = sk.slice(x, { begin: [0, 1, 0], step: [1, 1, 2] });
    assert.deepEqual(s.arraySync(), [[[4, 6], [8, 10]], [[16, 18], [20, 22]]]);
    assert.deepEqual(sk.sum(s, 2).arraySync(), [[10, 18], [34, 42]]);
  });
  it('logsumexp is stable for large inputs', () => {
    assertAllClose(sk.logsumexp(sk.fromArray([1000, 1000])).dataSync(), [1000 + Math.log(2)], 1e-15, 0);
    assertAllClose(sk.logsumexp(sk.fromArray([[0, Math.log(3)]]), 1).dataSync(), [Math.log(4)], 1e-15, 0);
  });
  it('sum of an empty axis is 0, max of an empty axis is an error', () => {
    assert.deepEqual(sk.sum(sk.zeros([0, 3]), 0).arraySync(), [0, 0, 0]);
    assert.throws(() => sk.max(sk.zeros([0, 3]), 0), /size 0/);
  });
});

describe('manipulation', () => {
  const x = sk.reshape(sk.arange(6), [2, 3]);
  it('transpose, reshape of a transposed view, broadcastTo', () => {
    assert.deepEqual(sk.transpose(x).arraySync(), [[0, 3], [1, 4], [2, 5]]);
    assert.deepEqual(sk.reshape(sk.transpose(x), [6]).arraySync(), [0, 3, 1, 4, 2, 5]);
    assert.deepEqual(sk.broadcastTo(sk.fromArray([1, 2]), [2, 2]).arraySync(), [[1, 2], [1, 2]]);
    assert.throws(() => sk.broadcastTo(sk.zeros([3]), [2, 2]), /cannot broadcast \[3\] to \[2, 2\]/);
  });
  it('slice with negative indices and steps; pad; concat; stack', () => {
    assert.deepEqual(sk.slice(x, { begin: [0, -2] }).arraySync(), [[1, 2], [4, 5]]);
    assert.deepEqual(sk.slice(x, { step: [1, 2] }).arraySync(), [[0, 2], [3, 5]]);
    assert.throws(() => sk.slice(x, { begin: [3] }), /out of range for axis 0 of size 2/);
    assert.deepEqual(sk.pad(sk.fromArray([1, 2]), [1], [2], 9).arraySync(), [9, 1, 2, 9, 9]);
    assert.deepEqual(sk.concat([x, x], 1).arraySync(), [[0, 1, 2, 0, 1, 2], [3, 4, 5, 3, 4, 5]]);
    assert.deepEqual(sk.stack([sk.fromArray([1, 2]), sk.fromArray([3, 4])], 1).arraySync(), [[1, 3], [2, 4]]);
  });
  it('gather and scatterAdd are adjoint, with repeated indices', () => {
    const idx = sk.fromArray([2, 0, 2], { dtype: 'int32' });
    assert.deepEqual(sk.gather(x, idx, 1).arraySync(), [[2, 0, 2], [5, 3, 5]]);
    const u = sk.fromArray([[1, 2, 3], [4, 5, 6]]);
    assert.deepEqual(sk.scatterAdd(u, idx, 1, [2, 3]).arraySync(), [[2, 0, 4], [5, 0, 10]]);
    assert.throws(() => sk.gather(x, sk.fromArray([3], { dtype: 'int32' }), 1), /index 3 is out of range for an axis of size 3/);
    assert.throws(() => sk.gather(x, sk.fromArray([1])), /indices must be int32/);
  });
  it('matmul: batched broadcast and vector promotion', () => {
    const a = sk.reshape(sk.arange(12), [2, 2, 3]);
    const b = sk.reshape(sk.arange(6), [3, 2]);
    const r = sk.matmul(a, b);
    assert.deepEqual(r.shape, [2, 2, 2]);
    assert.deepEqual(r.arraySync(), [[[10, 13], [28, 40]], [[46, 67], [64, 94]]]);
    assert.equal(sk.matmul(sk.fromArray([1, 2]), sk.fromArray([3, 4])).itemSync(), 11);
    assert.deepEqual(sk.matmul(x, sk.fromArray([1, 1, 1])).arraySync(), [3, 12]);
    assert.deepEqual(sk.matmul(sk.transpose(x), sk.fromArray([1, 1])).arraySync(), [3, 5, 7]);
  });
});

describe('creation and bad input', () => {
  it('fromArray infers shapes and rejects ragged or non-numeric input', () => {
    assert.deepEqual(sk.fromArray([[1, 2], [3, 4]]).shape, [2, 2]);
    assert.throws(() => sk.fromArray([[1, 2], [3]] as number[][]), /ragged array: entry at \[1\]/);
    assert.throws(() => sk.fromArray([1, 'a'] as unknown as number[]), /element at \[1\] is string/);
    assert.throws(() => sk.fromArray([1, 2, 3], { shape: [2, 2] }), /3 values do not fill shape \[2, 2\]/);
  });
  it('fromArray with checkFinite names the first NaN/Inf and its index', () => {
    assert.throws(() => sk.fromArray([[1, 2], [NaN, 4]], { checkFinite: true }), /value NaN at index \[1, 0\] is not finite/);
    assert.throws(() => sk.fromArray([Infinity], { checkFinite: true }), /Infinity at index \[0\]/);
    assert.ok(Number.isNaN(sk.fromArray([NaN]).itemSync()), 'without the check NaN passes through');
  });
  it('unknown backends, variants and dtypes are named in the error', async () => {
    await assert.rejects(sk.getBackend('cuda'), /unknown backend 'cuda'; registered backends: cpu, tfjs/);
    await assert.rejects(sk.getBackend('cpu:float16'), /backend 'cpu' has no variant 'float16'; variants: float64, float32/);
    assert.throws(() => sk.zeros([2], { dtype: 'float16' as sk.DType }), /unknown dtype 'float16'/);
    assert.throws(() => sk.zeros([2], { backend: 'nope' }), /unknown backend 'nope'/);
    await assert.rejects(sk.getBackend('CPU!'), /invalid backend spec/);
  });
  it('tensors from different backends do not mix silently', async () => {
    const a = sk.zeros([2], { backend: await sk.getBackend('cpu:float64') });
    const b = sk.zeros([2], { backend: await sk.getBackend('cpu:float32'), dtype: 'float64' });
    assert.throws(() => sk.add(a, b), /operands live on different backends \(cpu:float64 and cpu:float32\)/);
    const moved = await sk.toBackend(b, 'cpu:float64');
    assert.deepEqual(sk.add(a, moved).arraySync(), [0, 0]);
  });
  it('cpu:float32 creates float32 by default and rounds once', async () => {
    const be = await sk.getBackend('cpu:float32');
    const t = sk.fromArray([0.1], { backend: be });
    assert.equal(t.dtype, 'float32');
    assert.equal(t.itemSync(), f32(0.1));
    assert.equal(sk.add(t, t).itemSync(), f32(f32(0.1) + f32(0.1)));
  });
  it('linspace, arange, eye', () => {
    assert.deepEqual(sk.linspace(0, 1, 5).arraySync(), [0, 0.25, 0.5, 0.75, 1]);
    assert.deepEqual(sk.arange(1, 2, 0.25).arraySync(), [1, 1.25, 1.5, 1.75]);
    assert.deepEqual(sk.eye(2).arraySync(), [[1, 0], [0, 1]]);
    assert.throws(() => sk.linspace(0, 1, -1), /num must be a non-negative integer/);
    assert.throws(() => sk.arange(0, 1, 0), /step ≠ 0/);
  });
  it('readback: async data(), array(), item()', async () => {
    const t = sk.fromArray([[1, 2]]);
    assert.deepEqual(Array.from(await t.data()), [1, 2]);
    assert.deepEqual(await t.array(), [[1, 2]]);
    assert.equal(await sk.sum(t).item(), 3);
    await assert.rejects(t.item(), /has 2 elements, not 1/);
  });
});
