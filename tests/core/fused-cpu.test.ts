/**
 * The CPU backend's fused kernels against their compositions: linearCombination over strided and
 * broadcast operands, the mixture score (unrolled D ≤ 8 and generic D > 8, column ranges), and the
 * unrolled Threefry stream against the one-block function.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import * as sk from '../../index.js';
import { assertAllClose, checkProperty, hostNormal, hostUniform } from '../helpers.js';

const seedArb = fc.integer({ min: 1, max: 2 ** 30 });

describe('CPU fused linearCombination', () => {
  it('equals Σ c_i x_i by primitives on transposed, sliced and broadcast operands (float64 and float32)', () => {
    checkProperty('cpu linearCombination', fc.property(
      fc.integer({ min: 1, max: 5 }), fc.integer({ min: 1, max: 6 }), fc.integer({ min: 1, max: 4 }), seedArb,
      fc.constantFrom('float64', 'float32') as fc.Arbitrary<'float64' | 'float32'>,
      (n, m, count, seed, dtype) => {
        const be = `cpu:${dtype}`;
        const base = sk.fromArray(hostNormal(seed, 2 * n * m), { backend: be, shape: [2 * m, n] });
        const ops: sk.Tensor[] = [
          sk.transpose(sk.sliceAxis(base, 0, m, m), [1, 0]), // [n, m], strided
          sk.fromArray(hostNormal(seed + 1, m), { backend: be, shape: [m] }), // broadcast row
          sk.fromArray(hostNormal(seed + 2, n), { backend: be, shape: [n, 1] }), // broadcast column
          sk.sliceAxis(sk.fromArray(hostNormal(seed + 3, n * 2 * m), { backend: be, shape: [n, 2 * m] }), 1, 1, m), // [n, m] slice
        ].slice(0, count);
        const c = Array.from(hostUniform(seed + 4, count, -2, 2));
        const fused = sk.linearCombination(ops, c, [n, m]);
        let ref = sk.mul(ops[0], c[0]);
        for (let i = 1; i < count; i++) ref = sk.add(ref, sk.mul(ops[i], c[i]));
        ref = sk.broadcastTo(ref, [n, m]);
        const tol = dtype === 'float64' ? 1e-14 : 1e-6;
        assertAllClose(fused.dataSync(), ref.dataSync(), tol, tol, `${count} operands, ${dtype}`);
      }), 60);
  });
});

/** A random mixture in D dimensions with K components (SPD covariances A Aᵀ + 0.1 I). */
function randomMixture(seed: number, K: number, D: number): sk.Gmm {
  const z = hostNormal(seed, K * (D + D * D));
  const w = hostUniform(seed + 1, K, 0.2, 1);
  const tot = w.reduce((a, b) => a + b, 0);
  return sk.gmm({
    weights: Array.from(w, (v) => v / tot),
    means: Array.from({ length: K }, (_, k) => Array.from({ length: D }, (_, a) => z[k * D + a])),
    covs: Array.from({ length: K }, (_, k) => {
      const A = (i: number, j: number): number => z[K * D + k * D * D + i * D + j];
      return Array.from({ length: D }, (_, i) => Array.from({ length: D }, (_, j) => {
        let s = i === j ? 0.1 : 0;
        for (let q = 0; q < D; q++) s += A(i, q) * A(j, q);
        return s;
      }));
    }),
  });
}

describe('CPU fused mixture score', () => {
  it('equals the composition of primitives for D = 1…10 and any column range (float64 and float32)', () => {
    checkProperty('cpu mixtureScore', fc.property(
      fc.integer({ min: 1, max: 5 }), fc.integer({ min: 1, max: 10 }), fc.integer({ min: 1, max: 30 }), seedArb, fc.nat(100), fc.nat(100),
      fc.constantFrom('float64', 'float32') as fc.Arbitrary<'float64' | 'float32'>,
      (K, D, n, seed, a, b, dtype) => {
        const g = randomMixture(seed, K, D);
        const start = a % D;
        const count = 1 + (b % (D - start));
        const x = sk.fromArray(hostNormal(seed + 7, n * D).map((v) => 2 * v), { backend: `cpu:${dtype}`, shape: [n, D] });
        const fused = sk.gmmScore(g, x, { start, count });
        assert.deepEqual(fused.shape, [n, count]);
        const ref = sk.sliceAxis(sk.gmmScoreComposed(g, x), 1, start, count);
        const [rtol, atol] = dtype === 'float64' ? [1e-10, 1e-10] : [2e-4, 2e-4];
        assertAllClose(fused.dataSync(), ref.dataSync(), rtol, atol, `K ${K}, D ${D}, columns [${start}, ${start + count}), ${dtype}`);
      }), 60);
  });
  it('rejects a column range outside the dimension', () => {
    const g = randomMixture(3, 2, 2);
    const x = sk.zeros([4, 2], { backend: 'cpu:float64' });
    assert.throws(() => sk.gmmScore(g, x, { start: 1, count: 2 }), /columns \[1, 3\) are outside \[0, 2\)/);
  });
  it('is the composition under autodiff (the exact score differentiates)', () => {
    const g = randomMixture(5, 3, 2);
    const x = sk.fromArray(hostNormal(11, 8), { backend: 'cpu:float64', shape: [4, 2] });
    const viaFused = sk.grad((y: sk.Tensor) => sk.sum(sk.square(sk.gmmScore(g, y))))(x);
    const viaComposed = sk.grad((y: sk.Tensor) => sk.sum(sk.square(sk.gmmScoreComposed(g, y))))(x);
    assertAllClose(viaFused.dataSync(), viaComposed.dataSync(), 1e-12, 1e-12, 'gradient');
  });
});

describe('unrolled Threefry', () => {
  it('threefryBlocks gives the blocks of threefry2x32, across the 2^32 counter boundary too', () => {
    checkProperty('threefryBlocks', fc.property(fc.nat(2 ** 32 - 1), fc.nat(2 ** 32 - 1), fc.constantFrom(0, 12345, 2 ** 32 - 3), (k0, k1, start) => {
      const n = 7;
      const out = new Uint32Array(2 * n);
      sk.random.threefryBlocks(k0, k1, start, n, out);
      const one = new Uint32Array(2);
      for (let i = 0; i < n; i++) {
        const j = start + i;
        sk.random.threefry2x32(k0, k1, Math.floor(j / 2 ** 32), j >>> 0, one, 0);
        assert.deepEqual([out[2 * i], out[2 * i + 1]], [one[0], one[1]], `block ${j}`);
      }
    }), 50);
  });
  it('normal() in float32 is the float64 stream rounded once', () => {
    const k = sk.random.key(4);
    const a = sk.random.normal(k, [10001], { backend: 'cpu:float32' }).dataSync();
    const b = sk.random.normalHost(k, 10001);
    assert.ok(Array.from(a).every((v, i) => v === Math.fround(b[i])));
  });
});
