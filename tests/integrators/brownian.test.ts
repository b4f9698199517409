/**
 * The virtual Brownian tree and the solvers that use it: increments over any partition sum to the
 * coarse increment (to rounding), W/√h and H/√(h/12) are standard normal (KS) and uncorrelated,
 * values inside a leaf have the exact joint law of (W_r, ∫W), rows at an offset are the same bits as
 * in the whole batch; measured strong orders on one Brownian path with bootstrap intervals:
 * Euler–Maruyama 0.5 on geometric Brownian motion and 1.0 on additive noise, SRA1 and ShARK 1.5 on
 * a nonlinear additive-noise SDE (2.0 on a linear one, where the terms that limit them to 1.5 vanish).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import * as sk from '../../index.js';

const R = sk.random;
const normalCdf = sk.metrics.normalCdf;

describe('virtual Brownian tree', () => {
  const tree = R.virtualBrownianTree(R.key(1), { t0: 0, t1: 2 });
  it('increments over any partition sum to the coarse increment to rounding (property)', () => {
    fc.assert(fc.property(fc.array(fc.double({ min: 0.01, max: 1.99, noNaN: true }), { minLength: 1, maxLength: 6 }), (cuts) => {
      const pts = [0.25, ...cuts.filter((c) => c > 0.26 && c < 1.74), 1.75].sort((a, b) => a - b).filter((v, i, a) => i === 0 || v - a[i - 1] > 1e-4);
      const whole = tree.increment(pts[0], pts[pts.length - 1], 8, 2);
      const sum = new Float64Array(16);
      for (let i = 0; i + 1 < pts.length; i++) tree.increment(pts[i], pts[i + 1], 8, 2).w.forEach((v, j) => { sum[j] += v; });
      sum.forEach((v, j) => assert.ok(Math.abs(v - whole.w[j]) < 1e-13, `${v} vs ${whole.w[j]} over ${pts.join(', ')}`));
    }), { seed: 11, numRuns: 40 });
  });
  it('W/√h and H/√(h/12) are standard normal and uncorrelated, for a dyadic and a non-dyadic interval', () => {
    const rows = 3000;
    for (const [s, t] of [[0.5, 1], [0.3141, 1.2718]]) {
      const inc = tree.increment(s, t, rows, 1);
      const h = t - s;
      const zw = Array.from(inc.w, (v) => v / Math.sqrt(h));
      const zh = Array.from(inc.h, (v) => v / Math.sqrt(h / 12));
      assert.ok(sk.metrics.ksTest(zw, normalCdf).pValue > 1e-3, `W on [${s}, ${t}]`);
      assert.ok(sk.metrics.ksTest(zh, normalCdf).pValue > 1e-3, `H on [${s}, ${t}]`);
      const rho = zw.reduce((a, v, i) => a + v * zh[i], 0) / rows;
      assert.ok(Math.abs(rho) < 4 / Math.sqrt(rows), `corr(W, H) ${rho}`);
      // disjoint intervals are independent
      const other = tree.increment(t, Math.min(2, t + 0.4), rows, 1).w;
      const r2 = zw.reduce((a, v, i) => a + v * other[i], 0) / rows / Math.sqrt(Math.min(2, t + 0.4) - t);
      assert.ok(Math.abs(r2) < 4 / Math.sqrt(rows), `corr of disjoint increments ${r2}`);
    }
  });
  it('inside one leaf, (W_r, ∫₀ʳW) has variance r, r³/3 and covariance r²/2', () => {
    const leaf = R.virtualBrownianTree(R.key(2), { t0: 0, t1: 1, tol: 1 });
    const n = 20000;
    const { w, k } = leaf.at(0.3, n, 1);
    const m = (f: (i: number) => number): number => Array.from({ length: n }, (_, i) => f(i)).reduce((a, b) => a + b) / n;
    for (const [got, want, what] of [[m((i) => w[i] ** 2), 0.3, 'var W'], [m((i) => k[i] ** 2), 0.009, 'var K'], [m((i) => w[i] * k[i]), 0.045, 'cov']] as const) {
      assert.ok(Math.abs(got - want) < 0.05 * want, `${what}: ${got} against ${want}`);
    }
  });
  it('rows at an offset are the same bits as those rows of the whole batch; the noise source uploads them', () => {
    const all = tree.increment(0.2, 0.9, 40, 3);
    const part = tree.increment(0.2, 0.9, 10, 3, 25);
    for (let i = 0; i < 30; i++) {
      assert.equal(part.w[i], all.w[75 + i]);
      assert.equal(part.h[i], all.h[75 + i]);
    }
    const [zw, zh] = sk.brownianNoise(tree).step(0, 0.9, 0.2, 2, sk.zeros([10, 3]), 25);
    const a = zw.dataSync();
    const b = zh.dataSync();
    const h = 0.9 - 0.2;
    for (let i = 0; i < 30; i++) {
      assert.equal(a[i], all.w[75 + i] * (-1 / Math.sqrt(h)), 'a reverse step gets −W/√h');
      assert.equal(b[i], all.h[75 + i] * Math.sqrt(12 / h));
    }
  });
  it('bad input: times outside [t0, t1], tol ≤ 0, intervals shorter than 2·tol, more than two draws', () => {
    assert.throws(() => tree.at(2.5, 1, 1), /time 2.5 is outside it/);
    assert.throws(() => R.virtualBrownianTree(R.key(0), { t0: 1, t1: 1 }), /need finite t0 < t1/);
    assert.throws(() => R.virtualBrownianTree(R.key(0), { t0: 0, t1: 1, tol: 0 }), /tol must lie in/);
    const coarse = R.virtualBrownianTree(R.key(0), { t0: 0, t1: 1, tol: 0.1 });
    assert.throws(() => coarse.increment(0.5, 0.6, 1, 1), /shorter than twice the tree's tolerance/);
    assert.throws(() => sk.brownianNoise(tree).step(0, 1, 0.5, 3, sk.zeros([2, 1]), 0), /gives 2 draws per step/);
  });
});

describe('strong orders on one Brownian path', () => {
  const grid = (n: number) => Float64Array.from({ length: n + 1 }, (_, i) => i / n);
  const counts = [8, 16, 32, 64, 128];
  const check = (r: sk.PathStrongOrderResult, want: number, what: string): void => {
    assert.ok(Math.abs(r.order - want) <= 0.1, `${what}: order ${r.order} (95% interval ${r.interval.join(' – ')}), errors ${r.errors.map((e) => e.toExponential(2)).join(' ')}`);
    assert.ok(r.interval[0] <= r.order && r.order <= r.interval[1], 'the interval holds the estimate');
  };
  const em = (F: (x: sk.Tensor, t: number) => sk.Tensor, G: (z: sk.Tensor, x: sk.Tensor, t: number) => sk.Tensor): sk.Stepper => ({
    name: 'em', noiseDraws: 1, nfePerStep: 1,
    step: (x, t, tn, [z]) => sk.add(sk.add(x, sk.mul(F(x, t), tn - t)), G(sk.mul(z, Math.sqrt(tn - t)), x, t)),
  });
  it('Euler–Maruyama: 0.5 on geometric Brownian motion (exact solution from W₁)', () => {
    const x0 = sk.full([400, 1], 1);
    const r = sk.pathStrongOrder({
      stepper: em((x) => sk.mul(x, 0.5), (dw, x) => sk.mul(sk.mul(dw, x), 1.2)), grid, stepCounts: counts, x0, key: R.key(3),
      // X₁ = X₀ exp((μ − σ²/2) + σW₁), μ = 0.5, σ = 1.2
      reference: { exact: (x, tree) => sk.mul(x, sk.exp(sk.add(sk.mul(sk.fromArray(tree.at(1, 400, 1).w, { shape: [400, 1] }), 1.2), 0.5 - 0.72))) },
    });
    check(r, 0.5, 'EM on GBM');
  });
  const sinT = { F: (x: sk.Tensor) => sk.neg(sk.sin(sk.mul(x, 3))), G: (z: sk.Tensor, t: number) => sk.mul(z, 1 + t) };
  it('on the additive-noise SDE dx = −sin 3x dt + (1 + t)dW: Euler–Maruyama 1.0, SRA1 and ShARK 1.5', () => {
    const x0 = sk.full([200, 1], 0.5);
    const reference = { steps: 2048, stepper: sk.additiveSraStepper(sinT.F, sinT.G, sk.SHARK) };
    check(sk.pathStrongOrder({ stepper: em(sinT.F, (dw, _x, t) => sinT.G(dw, t)), grid, stepCounts: counts, x0, key: R.key(9), reference }), 1, 'EM');
    for (const tab of [sk.SRA1, sk.SHARK]) check(sk.pathStrongOrder({ stepper: sk.additiveSraStepper(sinT.F, sinT.G, tab), grid, stepCounts: counts, x0, key: R.key(9), reference }), 1.5, tab.name);
  });
  it('on the linear OU process dx = −2x dt + (1 + t²)dW SRA1 and ShARK reach 2.0 (their order-1.5 error terms need a curved drift)', () => {
    const x0 = sk.full([200, 1], 0.5);
    const F = (x: sk.Tensor) => sk.mul(x, -2);
    const G = (z: sk.Tensor, t: number) => sk.mul(z, 1 + t * t);
    const reference = { steps: 2048, stepper: sk.additiveSraStepper(F, G, sk.SHARK) };
    for (const tab of [sk.SRA1, sk.SHARK]) check(sk.pathStrongOrder({ stepper: sk.additiveSraStepper(F, G, tab), grid, stepCounts: counts, x0, key: R.key(9), reference }), 2, tab.name);
  });
  it("the reverse VP SDE with a mixture's exact score: Euler–Maruyama 1.0 on one Brownian path (the registry's em stepper)", () => {
    const data = sk.gmm({ weights: [0.5, 0.5], means: [[0], [0]], covs: [[[0.02]], [[1]]] });
    const vp = sk.vpSde();
    const score = sk.exactScore(vp, data);
    const x0 = R.normal(R.key(5), [300, 1]);
    const vgrid = (n: number) => Float64Array.from({ length: n + 1 }, (_, i) => 1 - (i * (1 - 1e-3)) / n);
    const r = sk.pathStrongOrder({ stepper: sk.eulerMaruyama(vp, score), grid: vgrid, stepCounts: counts, x0, key: R.key(9), reference: { steps: 2048, stepper: sk.sraStepper(vp, score, sk.SHARK) } });
    check(r, 1, 'EM on reverse VP');
  });
  it('bad input: fewer than two step counts, non-integer counts', () => {
    const base = { stepper: em((x) => x, (dw) => dw), grid, x0: sk.zeros([2, 1]), key: R.key(0), reference: { steps: 64 } };
    assert.throws(() => sk.pathStrongOrder({ ...base, stepCounts: [8] }), /at least two step counts/);
    assert.throws(() => sk.pathStrongOrder({ ...base, stepCounts: [8, 2.5] }), /positive integers/);
  });
});
