/**
 * The WASM-SIMD normal kernel gives the scalar code's bits, and the operations it mirrors (the
 * logarithm of core/numerics/log.ts) are accurate.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { fillNormal, fillNormalScalar, fillNormalWasm, normalKernel } from '../../core/random/distributions.js';
import { PRNGKey, key } from '../../core/random/key.js';
import { logPositive } from '../../core/numerics/log.js';
import { WASM_CHUNK_VALUES } from '../../core/random/normal-wasm.js';
import { checkProperty, differingIndices as differing } from '../helpers.js';

function ulpDistance(a: number, b: number): number {
  const e = Math.max(Math.abs(b), Number.MIN_VALUE);
  return Math.abs(a - b) / 2 ** (Math.floor(Math.log2(e)) - 52);
}

describe('the deterministic logarithm', () => {
  it('is within 2 ulp of Math.log on (0, 1] and exact at 1 and at powers of two', () => {
    const xs: number[] = [1, 0.5, 2 ** -53, 2 ** -30, Math.SQRT1_2, Math.SQRT1_2 + 2 ** -53, Math.SQRT1_2 - 2 ** -53, 1 - 2 ** -53];
    const u = new Float64Array(300_000);
    for (let i = 0; i < u.length; i++) u[i] = Math.random();
    for (const v of u) xs.push(1 - Math.floor(v * 2 ** 53) * 2 ** -53, (1 + Math.floor(v * 2 ** 20)) * 2 ** -53, 1 - Math.floor(v * 2 ** 20) * 2 ** -53);
    let worst = 0;
    let at = 1;
    for (const x of xs) {
      const d = x === 1 ? Math.abs(logPositive(x)) : ulpDistance(logPositive(x), Math.log(x));
      if (d > worst) [worst, at] = [d, x];
    }
    assert.ok(worst <= 2, `worst ${worst} ulp at x = ${at}`);
    assert.equal(logPositive(1), 0);
    for (let e = -53; e <= 0; e++) assert.equal(logPositive(2 ** e), e * Math.LN2, `2^${e}`);
  });
});

describe('the WASM-SIMD normal kernel', () => {
  it('is available on this platform (Node has WASM SIMD; a broken module would silently fall back)', () => {
    assert.deepEqual(normalKernel(), { kind: 'wasm-simd' });
  });

  it('gives the scalar code bit for bit: any key, offset, length, dtype, loc and scale', () => {
    const arb = fc.record({
      k0: fc.integer({ min: 0, max: 2 ** 32 - 1 }),
      k1: fc.integer({ min: 0, max: 2 ** 32 - 1 }),
      // small offsets, and offsets that put the stream's blocks across a 2³² boundary of the counter's low word
      offset: fc.oneof(fc.integer({ min: 0, max: 100 }), fc.integer({ min: 2 ** 32 - 40, max: 2 ** 32 + 40 }), fc.integer({ min: 0, max: 2 ** 52 })),
      n: fc.integer({ min: 0, max: 200 }),
      f32: fc.boolean(),
      affine: fc.boolean(),
    });
    checkProperty(
      'wasm normal = scalar normal',
      fc.property(arb, ({ k0, k1, offset, n, f32, affine }) => {
        const k = new PRNGKey(k0, k1);
        const a = f32 ? new Float32Array(n) : new Float64Array(n);
        const b = f32 ? new Float32Array(n) : new Float64Array(n);
        const [loc, scale] = affine ? [0.25, -3] : [0, 1];
        fillNormalScalar(k, a, loc, scale, offset);
        fillNormalWasm(k, b, loc, scale, offset);
        const d = differing(a, b);
        return d.length === 0 || (() => { throw new Error(`${d.length} values differ, first at ${d[0]}: ${a[d[0]]} vs ${b[d[0]]}`); })();
      }),
      150,
    );
  });

  it('covers draws longer than its chunk, from an odd offset, and fillNormal runs it', () => {
    for (const [n, offset] of [[3 * WASM_CHUNK_VALUES + 5, 7], [WASM_CHUNK_VALUES, 0], [WASM_CHUNK_VALUES + 1, 1]]) {
      const a = new Float32Array(n);
      const b = new Float32Array(n);
      const c = new Float32Array(n);
      fillNormalScalar(key(9), a, 0, 1, offset);
      fillNormalWasm(key(9), b, 0, 1, offset);
      fillNormal(key(9), c, 0, 1, offset);
      assert.deepEqual(differing(a, b), [], `n ${n}, offset ${offset}`);
      assert.deepEqual(differing(a, c), []);
    }
  });

  it('has the moments of N(0, 1) (a check that the kernel is not merely equal to a broken scalar path)', () => {
    const z = new Float64Array(400_000);
    fillNormalWasm(key(21), z, 0, 1, 0);
    let m1 = 0;
    let m2 = 0;
    let m4 = 0;
    let tail = 0;
    for (const v of z) {
      m1 += v;
      m2 += v * v;
      m4 += v ** 4;
      if (Math.abs(v) > 3) tail++;
    }
    const n = z.length;
    // standard errors: mean 1/√n = 0.0016, E z² 0.0022, E z⁴ 0.0155, P(|z| > 3) = 0.0027 ± 0.00008
    assert.ok(Math.abs(m1 / n) < 0.008, `mean ${m1 / n}`);
    assert.ok(Math.abs(m2 / n - 1) < 0.011, `E z² ${m2 / n}`);
    assert.ok(Math.abs(m4 / n - 3) < 0.08, `E z⁴ ${m4 / n}`);
    assert.ok(Math.abs(tail / n - 0.0026998) < 0.0004, `P(|z| > 3) ${tail / n}`);
  });

  it('rejects a bad offset like the scalar code', () => {
    assert.throws(() => fillNormalWasm(key(1), new Float64Array(4), 0, 1, -2), /offset must be a non-negative integer/);
    assert.throws(() => fillNormalWasm(key(1), new Float64Array(4), 0, 1, 1.5), /offset must be a non-negative integer/);
  });
});
