import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import * as sk from '../../index.js';

const paths: [string, sk.GaussianPath, number[]][] = [
  ['VE', sk.linearSdePath(sk.veSde()), [0.05, 0.3, 0.7, 0.95]],
  ['VP', sk.linearSdePath(sk.vpSde()), [0.01, 0.3, 0.7, 0.95]],
  ['sub-VP', sk.linearSdePath(sk.subVpSde()), [0.05, 0.3, 0.7, 0.95]],
  ['EDM', sk.edmPath(), [0.01, 0.5, 3, 40]],
  ['cosine VP', sk.vpCosinePath(), [0.01, 0.3, 0.7, 0.98]],
  ['rectified flow', sk.rfPath(), [0.01, 0.3, 0.7, 0.95]],
  ['log-SNR VP', sk.vpLogSnrPath(), [0.25, 0.5, 0.7, 0.75]] // (|λ| ≤ 5: beyond, min(α², σ²) ≈ e^{−2|λ|} < 1e-8 is below what a central difference of log α resolves),
];

const fd = (fn: (t: number) => number, t: number, h: number): number => (fn(t + h) - fn(t - h)) / (2 * h);
const rel = (a: number, b: number): number => Math.abs(a - b) / Math.max(Math.abs(b), 1e-300);

describe('Gaussian paths: coefficients', () => {
  it('VE, VP and sub-VP paths return the SDEs’ own closed forms (the same bits)', () => {
    for (const sde of [sk.veSde(), sk.vpSde(), sk.subVpSde()]) {
      const p = sk.linearSdePath(sde);
      for (const t of [0, 1e-5, 0.3, 1]) {
        assert.ok(Object.is(p.alpha(t), sde.meanCoef(t)) && Object.is(p.sigma(t), sde.std(t)), `${sde.kind} t = ${t}`);
        assert.ok(Object.is(p.f(t), sde.f(t)) && Object.is(p.g2(t), sde.g(t) ** 2));
      }
    }
  });
  for (const [label, p, ts] of paths) {
    it(`${label}: f = d log α/dt, g² = dσ²/dt − 2fσ², dα/dt, dσ/dt, λ and its inverse`, () => {
      for (const t of ts) {
        const h = 1e-5 * Math.max(t, 1e-3);
        assert.ok(rel(p.f(t), fd((s) => Math.log(p.alpha(s)), t, h)) < 1e-6 || Math.abs(p.f(t)) < 1e-12, `f at ${t}: ${p.f(t)}`);
        const g2 = fd((s) => p.sigma(s) ** 2, t, h) - 2 * p.f(t) * p.sigma(t) ** 2;
        assert.ok(rel(p.g2(t), g2) < 1e-6, `g² at ${t}: ${p.g2(t)} vs ${g2}`);
        assert.ok(Math.abs(p.dAlpha(t) - fd(p.alpha, t, h)) < 1e-6 * Math.max(1, Math.abs(p.dAlpha(t))), `dα at ${t}`);
        assert.ok(rel(p.dSigma(t), fd(p.sigma, t, h)) < 1e-6, `dσ at ${t}`);
        assert.ok(rel(p.logSnr(t), Math.log(p.alpha(t) / p.sigma(t))) < 1e-12 || Math.abs(p.logSnr(t)) < 1e-12);
        assert.ok(rel(p.timeOfLogSnr(p.logSnr(t)), t) < 1e-9, `λ⁻¹(λ(${t})) = ${p.timeOfLogSnr(p.logSnr(t))}`);
      }
    });
    it(`${label}: every member of the reverse family (η = 0, 0.5, 1, 2) keeps the marginal variance of Gaussian data`, () => {
      // Data N(0, s0²): p_t = N(0, v), v = α²s0² + σ². Running the linear reverse SDE dx = a x dt + ηg dW̄
      // backwards keeps N(0, v(t)) iff dv/dt = 2a v − η²g².
      const s0 = 0.7;
      for (const t of ts) {
        const v = (s: number): number => p.alpha(s) ** 2 * s0 * s0 + p.sigma(s) ** 2;
        const score: sk.ScoreFn = (x) => sk.mul(x, -1 / v(t));
        for (const eta of [0, 0.5, 1, 2]) {
          const a = (p.reverseDrift(sk.fromArray([[1]]), t, score, eta).arraySync() as number[][])[0][0];
          const lhs = 2 * a * v(t) - p.reverseDiffusion(t, eta) ** 2;
          const h = 1e-5 * Math.max(t, 1e-3);
          assert.ok(rel(lhs, fd(v, t, h)) < 1e-6, `${label} η = ${eta} t = ${t}: ${lhs} vs ${fd(v, t, h)}`);
        }
      }
    });
  }
  it('EDM defaults, preconditioning (λ(σ) c_out² = 1), prior', () => {
    const p = sk.edmPath();
    assert.deepEqual(p.config, { sigmaData: 0.5, sigmaMin: 0.002, sigmaMax: 80 });
    assert.equal(p.T, 80);
    assert.equal(p.priorStd, 80);
    for (const s of [0.002, 0.3, 5, 80]) {
      const c = sk.edmPrecond(s, 0.5);
      const lam = (s * s + 0.25) / (s * 0.5) ** 2;
      assert.ok(Math.abs(lam * c.cOut ** 2 - 1) < 1e-14);
      // unit-variance network input: c_in²(σ² + σ_d²) = 1; skip + output scales: c_skip = σ_d² c_in²
      assert.ok(Math.abs(c.cIn ** 2 * (s * s + 0.25) - 1) < 1e-14);
      assert.ok(rel(c.cSkip, 0.25 * c.cIn ** 2) < 1e-14);
      assert.equal(c.cNoise, 0.25 * Math.log(s));
    }
    const x = sk.fromArray([[1, 2], [0, 0]]);
    const lp = p.priorLogp(x).arraySync() as number[];
    assert.ok(Math.abs(lp[1] + Math.log(2 * Math.PI * 6400)) < 1e-12);
    assert.throws(() => sk.edmPrecond(0, 0.5), /σ must be a finite number > 0/);
  });
  it('cosine VP: α(0) = 1, ᾱ matches improved-diffusion’s cos² form; VP: α² + σ² = 1', () => {
    const p = sk.vpCosinePath();
    assert.equal(p.alpha(0), 1);
    for (const t of [0.1, 0.5, 0.9]) {
      const f = (u: number): number => Math.cos(((u + 0.008) / 1.008) * Math.PI / 2) ** 2;
      assert.ok(rel(p.alpha(t) ** 2, f(t) / f(0)) < 1e-13);
      assert.ok(Math.abs(p.alpha(t) ** 2 + p.sigma(t) ** 2 - 1) < 1e-14);
    }
  });
  it('times outside the domain and bad configurations are RangeErrors', () => {
    const edm = sk.edmPath();
    assert.throws(() => edm.sigma(81), /edm path: time 81 is outside its domain \[0, 80\]/);
    assert.throws(() => sk.rfPath().alpha(-0.1), /rf path: time -0.1 is outside its domain \[0, 1\]/);
    assert.throws(() => sk.vpCosinePath().f(0.9947), /outside its domain \[0, 0.9946\]/);
    assert.throws(() => sk.vpCosinePath({ T: 1 }), /T \(1\) must be below 1/);
    assert.throws(() => sk.edmPath({ sigmaMin: 90 }), /sigmaMin \(90\) must be below sigmaMax \(80\)/);
    assert.throws(() => sk.vpLogSnrPath({ lambdaMin: 3, lambdaMax: 1 }), /lambdaMin \(3\) must be below lambdaMax \(1\)/);
    assert.throws(() => sk.rfPath().timeOfLogSnr(Number.NaN), /log-SNR NaN is outside its range/);
    const x = sk.fromArray([[1]]);
    assert.throws(() => edm.reverseDrift(x, 1, (y) => y, -1), /η must be a finite number ≥ 0/);
  });
});

describe('discrete cosine schedule (improved DDPM)', () => {
  it('Π(1 − β_n) follows the continuous ᾱ of the cosine path; the last β is clipped at 0.999', () => {
    const M = 1000;
    const b = sk.cosineBetas(M);
    const p = sk.vpCosinePath();
    let prod = 1;
    for (let n = 1; n <= 990; n++) {
      prod *= 1 - b[n - 1];
      if (n % 110 === 0) assert.ok(rel(prod, p.alpha(n / M) ** 2) < 1e-10, `ᾱ at n = ${n}: ${prod} vs ${p.alpha(n / M) ** 2}`);
    }
    assert.equal(b[M - 1], 0.999);
    assert.ok(b[0] > 0 && b[0] < 1e-4);
    assert.throws(() => sk.cosineBetas(0), /M must be a positive integer, got 0/);
    assert.throws(() => sk.cosineBetas(10, { betaMax: 2 }), /betaMax must lie in \(0, 1\], got 2/);
  });
});
