import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import * as E from 'fp-ts/lib/Either.js';
import * as sk from '../../index.js';
import { assertAllClose, tensorNormal } from '../helpers.js';

const spec = {
  weights: [0.3, 0.7],
  means: [[-2, 0.5], [1.5, -1]],
  covs: [[[0.5, 0.2], [0.2, 0.4]], [[0.3, -0.1], [-0.1, 0.6]]],
};
const g = sk.gmm(spec);

/** Direct evaluation of log Σ_k w_k N(x; μ_k, S_k) for 2-D points (independent of the tensor code). */
function logDensityRef(x: number[]): number {
  let p = 0;
  spec.weights.forEach((w, k) => {
    const [[a, b], [, d]] = spec.covs[k];
    const det = a * d - b * b;
    const dx = x[0] - spec.means[k][0];
    const dy = x[1] - spec.means[k][1];
    const q = (d * dx * dx - 2 * b * dx * dy + a * dy * dy) / det;
    p += (w * Math.exp(-0.5 * q)) / (2 * Math.PI * Math.sqrt(det));
  });
  return Math.log(p);
}

describe('Gaussian mixtures', () => {
  const x = tensorNormal(3, [20, 2]);
  it('log-density matches the direct formula', () => {
    const pts = x.arraySync() as number[][];
    assertAllClose(sk.gmmLogDensity(g, x).dataSync(), pts.map(logDensityRef), 1e-13, 1e-13);
  });
  it('the exact score equals the autodiff gradient of the exact log-density', () => {
    const auto = sk.grad((y: sk.Tensor) => sk.sum(sk.gmmLogDensity(g, y)))(x);
    assertAllClose(sk.gmmScore(g, x).dataSync(), auto.dataSync(), 1e-12, 1e-12);
  });
  it('samples have the mixture mean and covariance (within 5 standard errors)', () => {
    const n = 40000;
    const s = sk.gmmSample(g, sk.random.key(1), n);
    const m = sk.mean(s, 0).dataSync();
    const mu = [0, 1].map((a) => spec.weights.reduce((acc, w, k) => acc + w * spec.means[k][a], 0));
    const c00 = spec.weights.reduce((acc, w, k) => acc + w * (spec.covs[k][0][0] + spec.means[k][0] ** 2), 0) - mu[0] ** 2;
    for (let a = 0; a < 2; a++) assert.ok(Math.abs(m[a] - mu[a]) < 5 * Math.sqrt(c00 * 2 / n), `mean[${a}] ${m[a]} vs ${mu[a]}`);
    const v0 = sk.variance(sk.sliceAxis(s, 1, 0, 1)).itemSync();
    assert.ok(Math.abs(v0 - c00) < 5 * c00 * Math.sqrt(2 / n) * 2, `var ${v0} vs ${c00}`);
  });
  it('perturbGmm adds σ²I to every covariance', () => {
    const p = sk.perturbGmm(g, 0.5);
    assert.deepEqual(p.covs[0], [[0.75, 0.2], [0.2, 0.65]]);
  });
  it('invalid mixtures are rejected with every problem named', () => {
    const r = sk.validateGmm({ weights: [0.5, 0.6], means: [[0, 0], [1]], covs: [[[1, 0], [0, 1]], [[1, 2], [2, 1]]] });
    assert.ok(E.isLeft(r));
    const msg = (r as E.Left<string[]>).left.join('\n');
    assert.match(msg, /weights sum to 1.1, not 1/);
    assert.match(msg, /means\[1\] must be a vector of 2 finite numbers/);
    assert.match(msg, /covs\[1\] is not positive definite/);
    assert.throws(() => sk.gmm({ weights: [1], means: [[0, 0]], covs: [[[1, 0.5], [0, 1]]] }), /covs\[0\] is not symmetric/);
    assert.throws(() => sk.gmm({ weights: [-1, 2], means: [[0], [1]], covs: [[[1]], [[1]]] }), /weights\[0\] = -1 must be a finite number ≥ 0/);
    assert.throws(() => sk.gmm(null), /must be an object/);
    assert.throws(() => sk.gmmScore(g, sk.zeros([3, 3])), /points must have shape \[n, 2\], got \[3, 3\]/);
  });
});

describe('Langevin dynamics', () => {
  // Two well-separated modes with unequal weights: the course notes' pitfall.
  const two = sk.gmm({ weights: [0.2, 0.8], means: [[-4, 0], [4, 0]], covs: [[[0.25, 0], [0, 0.25]], [[0.25, 0], [0, 0.25]]] });
  const fracLeft = (x: sk.Tensor): number => {
    const d = x.dataSync();
    let c = 0;
    for (let i = 0; i < d.length; i += 2) if (d[i] < 0) c++;
    return c / (d.length / 2);
  };
  const n = 1000;
  const x0 = sk.random.uniform(sk.random.key(5), [n, 2], { minval: -8, maxval: 8 });

  it('plain Langevin keeps the initial mode split (wrong weights); annealed Langevin recovers 0.2/0.8', () => {
    const plain = sk.langevin((x) => sk.gmmScore(two, x), x0, sk.random.key(6), { stepSize: 0.01, steps: 300 });
    // NCSN's step ratio ε/σ_L² = 0.2, 100 steps per level.
    const annealed = sk.annealedLangevin((x, s) => sk.gmmScore(sk.perturbGmm(two, s), x), x0, sk.random.key(6), {
      sigmas: sk.geometricSigmas(10, 0.1, 10), stepSize: 0.002, stepsPerLevel: 100,
    });
    assert.equal(plain.nfe, 300);
    assert.equal(annealed.nfe, 1000);
    const se = Math.sqrt(0.2 * 0.8 / n);
    // Uniform start on [−8, 8]: half the particles start left and plain Langevin cannot cross.
    assert.ok(Math.abs(fracLeft(plain.x) - 0.5) < 5 * se, `plain: left fraction ${fracLeft(plain.x)}`);
    assert.ok(Math.abs(fracLeft(annealed.x) - 0.2) < 5 * se, `annealed: left fraction ${fracLeft(annealed.x)}`);
  });

  it('results do not depend on being run in one go or resumed (steps keyed by index)', () => {
    const score = (x: sk.Tensor): sk.Tensor => sk.gmmScore(two, x);
    const a = sk.langevin(score, x0, sk.random.key(9), { stepSize: 0.01, steps: 4 }).x.dataSync();
    const b = sk.langevin(score, x0, sk.random.key(9), { stepSize: 0.01, steps: 4 }).x.dataSync();
    assert.deepEqual([...a], [...b]);
  });

  it('bad step counts and sizes are errors', () => {
    const score = (x: sk.Tensor): sk.Tensor => sk.gmmScore(two, x);
    assert.throws(() => sk.langevin(score, x0, sk.random.key(0), { stepSize: 0.01, steps: 0 }), /steps must be a positive integer, got 0/);
    assert.throws(() => sk.langevin(score, x0, sk.random.key(0), { stepSize: -1, steps: 3 }), /stepSize must be a finite number > 0/);
    assert.throws(() => sk.annealedLangevin((x) => x, x0, sk.random.key(0), { sigmas: [1, 2], stepSize: 0.1, stepsPerLevel: 1 }), /sigmas must decrease/);
  });
});

describe('MALA', () => {
  it('removes the step-size bias of unadjusted Langevin on N(0, σ²)', () => {
    const sigma2 = 0.5;
    const eps = 0.6; // ULA's stationary variance: σ²/(1 − ε/(4σ²)) = 0.714 instead of 0.5
    const energy = (x: sk.Tensor): sk.Tensor => sk.mul(sk.sum(sk.square(x), -1), 0.5 / sigma2);
    const n = 4000;
    const x0 = sk.random.normal(sk.random.key(1), [n, 1], { scale: Math.sqrt(sigma2) });
    const m = sk.mala(energy, x0, sk.random.key(2), { stepSize: eps, steps: 200 });
    const u = sk.langevin((x) => sk.mul(x, -1 / sigma2), x0, sk.random.key(2), { stepSize: eps, steps: 200 });
    const vm = sk.mean(sk.square(m.x)).itemSync();
    const vu = sk.mean(sk.square(u.x)).itemSync();
    const ula = sigma2 / (1 - eps / (4 * sigma2));
    const se = sigma2 * Math.sqrt(2 / n) * 3; // autocorrelated chains: a generous standard error
    assert.ok(Math.abs(vm - sigma2) < 5 * se, `MALA variance ${vm} vs ${sigma2}`);
    assert.ok(Math.abs(vu - ula) < 5 * se * (ula / sigma2), `ULA variance ${vu} vs its biased ${ula}`);
    assert.ok(m.acceptance > 0.3 && m.acceptance < 1, `acceptance ${m.acceptance}`);
    assert.equal(m.nfe, 400);
  });
});
