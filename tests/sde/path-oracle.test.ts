import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import * as sk from '../../index.js';

const paths: [string, sk.GaussianPath, number[]][] = [
  ['VE', sk.linearSdePath(sk.veSde({ sigmaMax: 5 })), [0.2, 0.6]],
  ['VP', sk.linearSdePath(sk.vpSde()), [0.1, 0.5]],
  ['sub-VP', sk.linearSdePath(sk.subVpSde()), [0.2, 0.6]],
  ['EDM', sk.edmPath(), [0.05, 0.7, 4]],
  ['cosine VP', sk.vpCosinePath(), [0.1, 0.6]],
  ['rectified flow', sk.rfPath(), [0.1, 0.6, 0.9]],
  ['log-SNR VP', sk.vpLogSnrPath(), [0.4, 0.6]],
];

const mix = sk.gmm({
  weights: [0.3, 0.7],
  means: [[1, -0.5], [-1, 0.8]],
  covs: [[[0.2, 0.05], [0.05, 0.1]], [[0.15, 0], [0, 0.3]]],
});

const points = (k: number, n = 16): sk.Tensor => sk.random.normal(sk.random.key(k), [n, 2], { scale: 1.5 });
const maxRel = (a: sk.Tensor, b: sk.Tensor): number => {
  const x = a.dataSync();
  const y = b.dataSync();
  let m = 0;
  for (let i = 0; i < x.length; i++) m = Math.max(m, Math.abs(x[i] - y[i]) / Math.max(1, Math.abs(y[i])));
  return m;
};

describe('parameterisations: conversions between any two, on any path', () => {
  for (const [label, p, ts] of paths) {
    it(`${label}: p → q → p round trip to 1e-12 and agreement with the oracle`, () => {
      const x = points(1);
      for (const t of ts) {
        for (const from of sk.PARAMETERISATIONS) {
          const pred = sk.pathOracle(p, mix, from)(x, t);
          for (const to of sk.PARAMETERISATIONS) {
            const q = sk.convertPrediction(p, from, to, t, x, pred);
            const back = sk.convertPrediction(p, to, from, t, x, q);
            assert.ok(maxRel(back, pred) < 1e-12, `${label} t = ${t} ${from} → ${to} → ${from}: ${maxRel(back, pred)}`);
            // through x0 as the hub, the conversion agrees with the oracle of the target kind
            assert.ok(maxRel(q, sk.pathOracle(p, mix, to)(x, t)) < 1e-10, `${label} t = ${t} ${from} → ${to} vs oracle`);
          }
        }
      }
    });
  }
  it('rectified flow: velocity = (x − D)/t, v = αε − σD', () => {
    const p = sk.rfPath();
    const x = points(2);
    const t = 0.3;
    const D = sk.pathOracle(p, mix, 'x0')(x, t);
    const u = sk.pathOracle(p, mix, 'velocity')(x, t);
    assert.ok(maxRel(u, sk.div(sk.sub(x, D), t)) < 1e-12);
    const eps = sk.pathOracle(p, mix, 'eps')(x, t);
    const v = sk.pathOracle(p, mix, 'v')(x, t);
    assert.ok(maxRel(v, sk.sub(sk.mul(eps, 1 - t), sk.mul(D, t))) < 1e-12);
  });
  it('a conversion that does not exist is a RangeError (σ = 0 at t = 0; α = 0 at the end of rectified flow)', () => {
    assert.throws(() => sk.conversionCoefs(sk.rfPath(), 'x0', 'score', 0), /rf path at t = 0 \(α = 1, σ = 0\): cannot convert a x0 prediction to score/);
    assert.throws(() => sk.conversionCoefs(sk.rfPath(), 'eps', 'x0', 1), /rf path at t = 1 \(α = 0, σ = 1\): cannot convert a eps prediction to x0/);
    assert.throws(() => sk.affineOf(sk.rfPath(), 'logits' as sk.Parameterisation, 0.5), /unknown parameterisation 'logits'/);
  });
});

describe('exact oracles for mixture data under every path', () => {
  for (const [label, p, ts] of paths) {
    it(`${label}: the score is the autodiff gradient of the exact log-density (1e-10)`, () => {
      const x = points(3);
      for (const t of ts) {
        const g = sk.grad((y: sk.Tensor) => sk.sum(sk.pathLogDensity(p, mix)(y, t)))(x);
        assert.ok(maxRel(sk.pathScore(p, mix)(x, t), g) < 1e-10, `${label} t = ${t}`);
      }
    });
    it(`${label}: the marginal matches Monte Carlo of αx₀ + σε (mean and covariance within 5 standard errors)`, () => {
      const n = 20000;
      const t = ts[ts.length - 1];
      const [k0, k1] = sk.random.split(sk.random.key(7), 2);
      const x0 = sk.gmmSample(mix, k0, n);
      const eps = sk.random.normal(k1, [n, 2]);
      const xt = sk.add(sk.mul(x0, p.alpha(t)), sk.mul(eps, p.sigma(t)));
      const m = sk.pathMarginal(p, mix, t);
      // mixture moments
      const mean = [0, 1].map((a) => m.weights.reduce((s, w, k) => s + w * m.means[k][a], 0));
      const cov = [0, 1].map((a) => [0, 1].map((b) => m.weights.reduce((s, w, k) => s + w * (m.covs[k][a][b] + m.means[k][a] * m.means[k][b]), 0) - mean[a] * mean[b]));
      const em = sk.mean(xt, 0).arraySync() as number[];
      const c = sk.sub(xt, sk.fromArray(em));
      const ec = sk.div(sk.matmul(sk.transpose(c), c), n - 1).arraySync() as number[][];
      for (let a = 0; a < 2; a++) {
        assert.ok(Math.abs(em[a] - mean[a]) < 5 * Math.sqrt(cov[a][a] / n), `${label} mean[${a}] ${em[a]} vs ${mean[a]}`);
        for (let b = 0; b < 2; b++) {
          const se = Math.sqrt((cov[a][a] * cov[b][b] + cov[a][b] ** 2) / n) * 2; // kurtosis of a mixture: 2× the Gaussian s.e.
          assert.ok(Math.abs(ec[a][b] - cov[a][b]) < 5 * se, `${label} cov[${a}][${b}] ${ec[a][b]} vs ${cov[a][b]}`);
        }
      }
    });
  }
  it('denoiser and velocity equal the closed-form posterior of one Gaussian component (1e-12)', () => {
    // x₀ ~ N(μ, s²) in 1-D: E[x₀|x] = μ + αs²(x − αμ)/(α²s² + σ²), E[ε|x] = σ(x − αμ)/(α²s² + σ²)
    const mu = 0.4;
    const s2 = 0.3;
    const one = sk.gmm({ weights: [1], means: [[mu]], covs: [[[s2]]] });
    const x = sk.fromArray([[-1.2], [0.1], [2.5]]);
    for (const [label, p, ts] of paths) {
      for (const t of ts) {
        const a = p.alpha(t);
        const s = p.sigma(t);
        const v = a * a * s2 + s * s;
        const xs = x.dataSync();
        const D = Array.from(xs, (xi) => [mu + (a * s2 * (xi - a * mu)) / v]);
        const E = Array.from(xs, (xi) => [(s * (xi - a * mu)) / v]);
        const U = D.map(([d], i) => [p.dAlpha(t) * d + p.dSigma(t) * E[i][0]]);
        assert.ok(maxRel(sk.pathOracle(p, one, 'x0')(x, t), sk.fromArray(D)) < 1e-12, `${label} D at ${t}`);
        assert.ok(maxRel(sk.pathOracle(p, one, 'velocity')(x, t), sk.fromArray(U)) < 1e-12, `${label} velocity at ${t}`);
      }
    }
  });
});
