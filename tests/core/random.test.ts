import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import * as sk from '../../index.js';
import { assertClose } from '../helpers.js';

const { random, metrics } = sk;

describe('Threefry-2x32-20 block function', () => {
  // Known-answer vectors of the Random123 distribution (kat_vectors, threefry2x32_20).
  const kat: [number[], number[], number[]][] = [
    [[0, 0], [0, 0], [0x6b200159, 0x99ba4efe]],
    [[0xffffffff, 0xffffffff], [0xffffffff, 0xffffffff], [0x1cb996fc, 0xbb002be7]],
    [[0x13198a2e, 0x03707344], [0x243f6a88, 0x85a308d3], [0xc4923a9c, 0x483df7a0]],
  ];
  for (const [k, c, expected] of kat) {
    it(`key ${k.map((v) => v.toString(16))} counter ${c.map((v) => v.toString(16))}`, () => {
      const out = new Uint32Array(2);
      random.threefry2x32(k[0], k[1], c[0], c[1], out, 0);
      assert.deepEqual([...out], expected);
    });
  }
});

describe('keys', () => {
  it('are deterministic values; split and foldIn give distinct keys', () => {
    const k = random.key(42);
    assert.deepEqual(random.split(k, 3).map(String), random.split(random.key(42), 3).map(String));
    const all = [...random.split(k, 4), ...[0, 1, 2, 3].map((i) => random.foldIn(k, i)), k].map(String);
    assert.equal(new Set(all).size, all.length);
    assert.ok(Object.isFrozen(k));
    assert.deepEqual(random.keyFromWords(k.toJSON()).toString(), k.toString());
  });
  it('reject bad seeds and data', () => {
    assert.throws(() => random.key(-1), /seed must be an integer in \[0, 2\^53\)/);
    assert.throws(() => random.key(1.5), /seed must be an integer/);
    assert.throws(() => random.foldIn(random.key(0), 0.5), /foldIn: data must be an integer/);
    assert.throws(() => random.split(random.key(0), 0), /n must be a positive integer/);
  });
});

describe('distributions', () => {
  const k = random.key(2024);
  const n = 100_000;

  it('normal: mean 0, variance 1 within 5 standard errors; KS accepts N(0,1)', () => {
    const z = random.normalHost(k, n);
    let m = 0;
    for (const v of z) m += v;
    m /= n;
    let v2 = 0;
    for (const v of z) v2 += (v - m) ** 2;
    v2 /= n - 1;
    assert.ok(Math.abs(m) < 5 / Math.sqrt(n), `mean ${m}`);
    assert.ok(Math.abs(v2 - 1) < 5 * Math.sqrt(2 / n), `variance ${v2}`);
    const ks = metrics.ksTest(z, metrics.normalCdf);
    assert.ok(ks.pValue > 1e-3, `KS D=${ks.statistic} p=${ks.pValue}`);
  });

  it('KS has the power to reject a wrong generator (variance 1.1: expected D ≈ 0.011, critical D ≈ 0.006)', () => {
    const z = random.normalHost(k, n).map((v) => v * Math.sqrt(1.1));
    const ks = metrics.ksTest(z, metrics.normalCdf);
    assert.ok(ks.pValue < 1e-3, `KS should reject: D=${ks.statistic} p=${ks.pValue}`);
  });

  it('uniform: KS accepts U[0,1); float32 values stay below 1', () => {
    const u = random.uniformHost(k, n);
    assert.ok(metrics.ksTest(u, (x) => Math.min(1, Math.max(0, x))).pValue > 1e-3);
    const t = random.uniform(k, [n], { dtype: 'float32' }).dataSync();
    let mx = 0;
    for (const v of t) mx = Math.max(mx, v);
    assert.ok(mx < 1);
    const r = random.uniform(k, [1000], { minval: -2, maxval: 3 }).dataSync();
    assert.ok(r.every((v) => v >= -2 && v < 3));
    assert.throws(() => random.uniform(k, [2], { minval: 1, maxval: 1 }), /minval < maxval/);
  });

  it('rademacher: ±1 with mean ≈ 0', () => {
    const r = random.rademacherHost(k, n);
    let s = 0;
    for (const v of r) {
      assert.ok(v === 1 || v === -1);
      s += v;
    }
    assert.ok(Math.abs(s / n) < 5 / Math.sqrt(n));
  });

  it('a longer draw extends a shorter one; float32 is float64 rounded once', () => {
    const a = random.normal(k, [7]).dataSync();
    const b = random.normal(k, [1000]).dataSync();
    assert.deepEqual([...a], [...b.subarray(0, 7)]);
    const c = random.normal(k, [3, 4], { dtype: 'float32' }).dataSync();
    const d = random.normal(k, [12], { dtype: 'float64' }).dataSync();
    assert.deepEqual([...c], [...d].map(Math.fround));
  });

  it('randint and permutation', () => {
    const r = random.randint(k, [10000], -3, 4).dataSync();
    const counts = new Map<number, number>();
    for (const v of r) counts.set(v, (counts.get(v) ?? 0) + 1);
    assert.deepEqual([...counts.keys()].sort((a, b) => a - b), [-3, -2, -1, 0, 1, 2, 3]);
    const p = random.permutationHost(k, 100);
    assert.deepEqual([...p].sort((a, b) => a - b), Array.from({ length: 100 }, (_, i) => i));
  });
});

describe('special functions', () => {
  it('erfc and the normal CDF match known values', () => {
    assertClose(metrics.erfc(0.5), 0.4795001221869535, 1e-14, 0);
    assertClose(metrics.erfc(3), 2.209049699858544e-5, 1e-13, 0);
    assertClose(metrics.erfc(-1), 1.8427007929497148, 1e-14, 0);
    assertClose(metrics.normalCdf(1.959963984540054), 0.975, 1e-14, 0);
    assertClose(metrics.normalCdf(-8), 6.22096057427178e-16, 1e-10, 0);
  });
});
