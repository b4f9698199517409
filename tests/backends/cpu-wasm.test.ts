/**
 * The CPU backend's WASM-SIMD kernels against their JS loops (which stay the fallback): the mixture
 * score, the matrix product (the same bits), the SIMD exponential, and the module encoder's failure path.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import type { MixtureParams } from '../../core/tensor/backend.js';
import { mixtureScoreJs } from '../../backends/cpu/mixture.js';
import { MIXTURE_WASM_MAX_D, mixtureScoreWasm } from '../../backends/cpu/mixture-wasm.js';
import { gemmWasm } from '../../backends/cpu/gemm-wasm.js';
import { ZIP_WASM_MIN, zipWasm, type ZipOp } from '../../backends/cpu/elementwise-wasm.js';
import { add, div, fromArray, getBackend, mul, sub } from '../../index.js';
import { emitExpNonPositive } from '../../core/wasm/exp.js';
import { encodeModule, FunctionBuilder, instantiate, type WasmMemory } from '../../core/wasm/module.js';
import { checkProperty, hostNormal, hostUniform } from '../helpers.js';

/** Mixture parameters as the backend receives them: U upper triangular with a positive diagonal. */
function params(seed: number, K: number, D: number): MixtureParams {
  const z = hostNormal(seed, K * D * (D + 1) + K);
  const U = new Float64Array(K * D * D);
  for (let k = 0; k < K; k++) {
    for (let a = 0; a < D; a++) {
      for (let j = a; j < D; j++) U[k * D * D + a * D + j] = a === j ? 0.5 + Math.abs(z[k * D * D + a * D + j]) : 0.4 * z[k * D * D + a * D + j];
    }
  }
  return {
    K,
    D,
    means: Float64Array.from(z.subarray(K * D * D, K * D * D + K * D)),
    cholInvT: U,
    logNorm: Float64Array.from(z.subarray(K * D * (D + 1), K * D * (D + 1) + K)),
  };
}

describe('WASM-SIMD mixture score (CPU backend)', () => {
  it('agrees with the JS kernel for D ≤ 8, any K, column range and n (float64 to 1e-12, float32 to one rounding)', () => {
    checkProperty('wasm mixture = js mixture', fc.property(
      fc.integer({ min: 1, max: MIXTURE_WASM_MAX_D }), fc.integer({ min: 1, max: 12 }), fc.integer({ min: 1, max: 40 }),
      fc.integer({ min: 1, max: 2 ** 30 }), fc.nat(100), fc.nat(100), fc.boolean(),
      (D, K, n, seed, a, b, f32) => {
        const p = params(seed, K, D);
        const c0 = a % D;
        const nc = 1 + (b % (D - c0));
        const x = Float64Array.from(hostNormal(seed + 1, n * D), (v) => 2 * v);
        const X = f32 ? Float32Array.from(x) : x;
        const js = f32 ? new Float32Array(n * nc) : new Float64Array(n * nc);
        const wa = f32 ? new Float32Array(n * nc) : new Float64Array(n * nc);
        mixtureScoreJs(X, n, p, c0, nc, js);
        assert.ok(mixtureScoreWasm(X, n, p, c0, nc, wa), 'the kernel applies');
        // both are float64 sums rounded once; the float64 results differ by sums' rounding only
        let scale = 0;
        for (const v of js) scale = Math.max(scale, Math.abs(v));
        for (let i = 0; i < js.length; i++) {
          const tol = f32 ? 2 * 2 ** -24 * Math.max(Math.abs(js[i]), 1e-30) + 1e-7 * scale : 1e-12 * (scale + 1);
          assert.ok(Math.abs(js[i] - wa[i]) <= tol, `K ${K}, D ${D}, cols [${c0}, ${c0 + nc}), element ${i}: js ${js[i]}, wasm ${wa[i]}`);
        }
      }), 80);
  });

  it('handles more points than one chunk, and leaves other cases to the JS loops', () => {
    const D = 4;
    const K = 8;
    const n = 2500;
    const p = params(3, K, D);
    const X = Float64Array.from(hostNormal(5, n * D));
    const js = new Float64Array(n * 2);
    const wa = new Float64Array(n * 2);
    mixtureScoreJs(X, n, p, 2, 2, js);
    assert.ok(mixtureScoreWasm(X, n, p, 2, 2, wa));
    for (let i = 0; i < js.length; i++) assert.ok(Math.abs(js[i] - wa[i]) < 1e-12, `element ${i}`);
    const big = params(3, 2, MIXTURE_WASM_MAX_D + 1);
    assert.equal(mixtureScoreWasm(new Float64Array(9), 1, big, 0, 1, new Float64Array(1)), false, 'D above the limit');
    assert.equal(mixtureScoreWasm(new Int32Array(4), 1, p, 0, 1, new Int32Array(1)), false, 'integer dtype');
  });
});

describe('WASM-SIMD matrix product (CPU backend)', () => {
  it('gives the bits of the float64 loop Σ_p a_ip·b_pj (p ascending) for any shape, offset and input dtype', () => {
    checkProperty('wasm gemm = ordered float64 sums', fc.property(
      fc.integer({ min: 1, max: 37 }), fc.integer({ min: 1, max: 40 }), fc.integer({ min: 1, max: 37 }),
      fc.integer({ min: 0, max: 5 }), fc.integer({ min: 1, max: 2 ** 30 }), fc.boolean(),
      (m, k, n, off, seed, f32) => {
        const a = hostNormal(seed, off + m * k);
        const b = hostNormal(seed + 1, off + k * n);
        const A = f32 ? Float32Array.from(a) : a;
        const B = f32 ? Float32Array.from(b) : b;
        const C = new Float64Array(m * n).fill(NaN);
        assert.ok(gemmWasm(A, off, B, off, C, m, k, n));
        for (let i = 0; i < m; i++) {
          for (let j = 0; j < n; j++) {
            let s = 0;
            for (let p = 0; p < k; p++) s += A[off + i * k + p] * B[off + p * n + j];
            assert.ok(Object.is(C[i * n + j], s), `[${m}×${k}]·[${k}×${n}] at (${i}, ${j}): ${C[i * n + j]} vs ${s}`);
          }
        }
      }), 60);
  });
  it('spans several row panels and grows its memory; an empty inner dimension is left to the caller', () => {
    const [m, k, n] = [3000, 130, 67]; // panels of ~1 MiB: 3000 rows need several
    const A = Float64Array.from(hostNormal(1, m * k));
    const B = Float64Array.from(hostNormal(2, k * n));
    const C = new Float64Array(m * n);
    assert.ok(gemmWasm(A, 0, B, 0, C, m, k, n));
    for (const i of [0, 1, 1023, 1024, 2047, 2999]) {
      for (const j of [0, 33, 66]) {
        let s = 0;
        for (let p = 0; p < k; p++) s += A[i * k + p] * B[p * n + j];
        assert.equal(C[i * n + j], s, `(${i}, ${j})`);
      }
    }
    assert.equal(gemmWasm(A, 0, B, 0, new Float64Array(4), 2, 0, 2), false);
  });
});

describe('f64x2 exponential (core/wasm/exp.ts)', () => {
  it('is within 2 ulp of Math.exp on [−708, 0], exact at 0, and propagates NaN', () => {
    const f = new FunctionBuilder('exp', ['i32']);
    const [count] = f.params;
    const [n, r, ptr] = [f.local('v128'), f.local('v128'), f.local('i32')];
    f.i32(0).set(ptr).loop();
    f.get(ptr).get(ptr).mem('v128.load');
    emitExpNonPositive(f, n, r);
    f.mem('v128.store');
    f.get(ptr).i32(16).op('i32.add').set(ptr);
    f.get(count).i32(2).op('i32.sub').tee(count).i32(0).op('i32.gt_s').brIf(0).end();
    const made = instantiate(encodeModule([f], 4));
    assert.ok(!('reason' in made), 'reason' in made ? made.reason : '');
    const mem = new Float64Array((made.exports.memory as WasmMemory).buffer, 0, 30_000);
    const xs = Float64Array.from(hostUniform(8, 29_990, -708, 0));
    mem.set(xs);
    mem.set([0, -1e-300, -Math.LN2, -708, NaN, -0.5 * Math.LN2, -745, -Infinity, -40, -1e-9], 29_990);
    (made.exports.exp as (count: number) => void)(30_000);
    let worst = 0;
    for (let i = 0; i < 29_995; i++) {
      const x = i < 29_990 ? xs[i] : [0, -1e-300, -Math.LN2, -708, NaN][i - 29_990];
      if (Number.isNaN(x)) continue;
      const want = Math.exp(x);
      worst = Math.max(worst, Math.abs(mem[i] - want) / (want * 2 ** -52));
    }
    assert.ok(worst <= 2, `worst ${worst} ulp`);
    assert.equal(mem[29_990], 1);
    assert.ok(Number.isNaN(mem[29_994]));
    // below −708 the result is e^−708 (≈ 3e-308): zero for a softmax weight
    assert.equal(mem[29_996], mem[29_993]);
    assert.ok(mem[29_997] > 0 && mem[29_997] < 1e-307);
  });
});

describe('WASM-SIMD add, sub, mul, div', () => {
  const OPS: Record<ZipOp, (a: number, b: number) => number> = { add: (a, b) => a + b, sub: (a, b) => a - b, mul: (a, b) => a * b, div: (a, b) => a / b };
  it('give the JS loop\'s bits: full operands, periods, scalars, either side (float32 and float64)', () => {
    checkProperty('zipWasm bits', fc.property(
      fc.constantFrom(...(Object.keys(OPS) as ZipOp[])), fc.constantFrom('float32' as const, 'float64' as const),
      fc.integer({ min: 1, max: 3000 }), fc.constantFrom(0, 1, 4, 8, 16, 12), fc.boolean(), fc.integer({ min: 0, max: 1e6 }),
      (op, dtype, rows, p, swap, seed) => {
        const period = p === 0 ? rows * 4 : p; // 0: B has A's size
        const n = p === 0 ? period : rows * period;
        const Arr = dtype === 'float32' ? Float32Array : Float64Array;
        const A = Arr.from(hostNormal(seed, n + 3));
        const B = Arr.from(hostNormal(seed + 1, period + 2));
        B[1] = 0; // division by zero and 0/0 in the mix
        A[2] = 0;
        const out = new Arr(n);
        if (!zipWasm(dtype, op, out, A, 3, B, 2, n, period, swap)) return; // no WASM SIMD here
        const r = dtype === 'float32' ? Math.fround : (x: number): number => x;
        for (let i = 0; i < n; i++) {
          const a = A[3 + i];
          const b = B[2 + (i % period)];
          const want = r(swap ? OPS[op](b, a) : OPS[op](a, b));
          assert.ok(Object.is(out[i], want), `${op} ${dtype} n ${n} period ${period} swap ${swap}: element ${i} is ${out[i]}, want ${want}`);
        }
      }), 120);
  });
  it('are what the CPU backend runs for large same-shape and broadcast operands, with the same bits', async () => {
    for (const spec of ['cpu', 'cpu:float32']) {
      const be = await getBackend(spec);
      const dtype = spec === 'cpu' ? 'float64' : 'float32';
      const n = 2 * ZIP_WASM_MIN;
      const x = fromArray(hostNormal(3, n), { backend: be, dtype, shape: [n / 16, 4, 4] });
      const y = fromArray(hostNormal(4, n), { backend: be, dtype, shape: [n / 16, 4, 4] });
      const bias = fromArray(hostNormal(5, 16), { backend: be, dtype, shape: [4, 4] });
      const r = dtype === 'float32' ? Math.fround : (v: number): number => v;
      const X = x.dataSync();
      const Y = y.dataSync();
      const Bi = bias.dataSync();
      const cases: [string, ArrayLike<number>, (i: number) => number][] = [
        ['x + y', add(x, y).dataSync(), (i) => r(X[i] + Y[i])],
        ['x − bias', sub(x, bias).dataSync(), (i) => r(X[i] - Bi[i % 16])],
        ['bias / x', div(bias, x).dataSync(), (i) => r(Bi[i % 16] / X[i])],
        ['x · 3', mul(x, 3).dataSync(), (i) => r(X[i] * 3)],
      ];
      for (const [what, got, want] of cases) for (let i = 0; i < n; i++) assert.ok(Object.is(got[i], want(i)), `${spec} ${what}: element ${i}`);
    }
  });
});

describe('WASM module encoder', () => {
  it('says why a module does not compile instead of throwing', () => {
    const f = new FunctionBuilder('bad', [], ['i32']); // declares an i32 result but leaves nothing
    const made = instantiate(encodeModule([f], 1));
    assert.ok('reason' in made && /did not compile/.test(made.reason), JSON.stringify(made));
  });
  it('rejects malformed immediates with a named error', () => {
    const f = new FunctionBuilder('f', []);
    assert.throws(() => f.v128([1, 2, 3]), /v128.const needs 16 bytes/);
    assert.throws(() => f.shuffle([0, 1, 2]), /shuffle needs 16 lane indices/);
  });
});
