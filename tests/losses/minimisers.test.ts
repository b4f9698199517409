/**
 * Each loss's minimiser is the true score: Gaussian data, a linear model s(x) = xA + b (or for CLD
 * α(u) = uA + b), and the loss minimised exactly — it is quadratic in (A, b) for fixed noise and
 * probes, so one Newton step with the core autodiff's Hessian lands on the minimiser. The fitted
 * score is compared with the exact score on fresh points: the relative RMS error is Monte-Carlo error,
 * O(1/√N); each bound is 2.5–12× the error these seeds give (a wrong loss is off by O(1)).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import * as sk from '../../index.js';

const N = 20000;
const mu = [0.5, -0.3];
const S = [[1.0, 0.3], [0.3, 0.5]];
const data = sk.gmm({ weights: [1], means: [mu], covs: [S] });
const X = sk.gmmSample(data, sk.random.key(1), N);
const testPts = sk.random.normal(sk.random.key(2), [500, 2], { scale: 1.2 });

type Lin = { A: sk.Tensor; b: sk.Tensor };
const linear: sk.ScoreModel<Lin> = (p, x) => sk.add(sk.matmul(x, p.A), p.b);

/** Exact minimiser of a quadratic loss of (A: [inDim, outDim], b: [outDim]) by one Newton step. */
function fitLinear(loss: (p: Lin) => sk.Tensor, inDim: number, outDim: number): Lin {
  const nA = inDim * outDim;
  const unpack = (th: sk.Tensor): Lin => ({ A: sk.reshape(sk.sliceAxis(th, 0, 0, nA), [inDim, outDim]), b: sk.sliceAxis(th, 0, nA, outDim) });
  const f = (th: sk.Tensor): sk.Tensor => loss(unpack(th));
  const th0 = sk.zeros([nA + outDim]);
  const g = sk.grad(f)(th0).arraySync() as number[];
  const H = sk.hessian(f)(th0).arraySync() as number[][];
  const step = sk.linalg.solveDense(H, g);
  return unpack(sk.fromArray(step.map((v) => -v)));
}

function relRms(a: sk.Tensor, b: sk.Tensor): number {
  return Math.sqrt(sk.sum(sk.square(sk.sub(a, b))).itemSync() / sk.sum(sk.square(b)).itemSync());
}

const t0 = sk.zeros([N]); // unused time input for losses on clean data
const tTest = sk.zeros([500]);
const cleanScore = (x: sk.Tensor): sk.Tensor => sk.gmmScore(data, x);

describe('score-matching losses recover the data score (linear model, Gaussian data, N = 20 000)', () => {
  const cases: [string, (p: Lin) => sk.Tensor, number][] = [
    ['implicit SM, exact trace', (p) => sk.implicitScoreMatching(linear, p, X, t0, sk.random.key(3), { trace: 'exact' }), 0.03],
    ['implicit SM, Hutchinson (4 Rademacher probes)', (p) => sk.implicitScoreMatching(linear, p, X, t0, sk.random.key(3), { trace: 'hutchinson', probes: 4 }), 0.06],
    ['sliced SM (Rademacher, 1 projection)', (p) => sk.slicedScoreMatching(linear, p, X, t0, sk.random.key(4)), 0.06],
    ['sliced SM (Gaussian, 2 projections)', (p) => sk.slicedScoreMatching(linear, p, X, t0, sk.random.key(4), { probe: 'gaussian', probes: 2 }), 0.08],
    ['SSM-VR (Gaussian, 1 projection)', (p) => sk.slicedScoreMatching(linear, p, X, t0, sk.random.key(5), { varianceReduced: true }), 0.06],
    ['explicit SM against the exact score', (p) => sk.explicitScoreMatching(linear, p, X, t0, cleanScore(X)), 1e-9],
  ];
  for (const [name, loss, tol] of cases) {
    it(name, () => {
      const p = fitLinear(loss, 2, 2);
      const e = relRms(linear(p, testPts, tTest), cleanScore(testPts));
      assert.ok(e < tol, `relative RMS error ${e.toFixed(4)} ≥ ${tol}`);
    });
  }
});

describe('denoising losses recover the perturbed score', () => {
  it('DSM at σ = 0.5: s = −(x − μ)(S + σ²I)⁻¹', () => {
    const p = fitLinear((q) => sk.dsmLoss(linear, q, X, sk.random.key(6), 0.5), 2, 2);
    const e = relRms(linear(p, testPts, tTest), sk.gmmScore(sk.perturbGmm(data, 0.5), testPts));
    assert.ok(e < 0.04, `relative RMS error ${e}`);
  });
  it('NCSN loss with one level equals the DSM minimiser', () => {
    const p = fitLinear((q) => sk.ncsnLoss(linear, q, X, sk.random.key(6), [0.5]), 2, 2);
    const e = relRms(linear(p, testPts, tTest), sk.gmmScore(sk.perturbGmm(data, 0.5), testPts));
    assert.ok(e < 0.04, `relative RMS error ${e}`);
  });
  const sdes: [string, sk.ScalarLinearSde][] = [
    ['VE', sk.veSde({ sigmaMin: 0.01, sigmaMax: 5 })],
    ['VP', sk.vpSde()],
    ['sub-VP', sk.subVpSde()],
  ];
  for (const [label, sde] of sdes) {
    for (const opts of [{}, { reduceMean: true }, { likelihoodWeighting: true }]) {
      it(`continuous-time DSM, ${label} at t = 0.6 ${JSON.stringify(opts)}`, () => {
        const p = fitLinear((q) => sk.sdeDsmLoss(sde, linear, q, X, sk.random.key(7), { ...opts, times: 0.6 }), 2, 2);
        const exact = sk.exactScore(sde, data)(testPts, 0.6);
        const e = relRms(linear(p, testPts, tTest), exact);
        assert.ok(e < 0.04, `relative RMS error ${e}`);
      });
    }
  }
});

describe('CLD losses recover the velocity score ∇_v log p_t(u)', () => {
  const sde = sk.cldSde();
  const t = 0.3;
  const U = sk.concat([testPts, sk.random.normal(sk.random.key(8), [500, 2], { scale: 0.4 })], 1);
  const exact = sk.exactScore(sde, data)(U, t);
  const cases: [string, sk.CldLossOptions, number][] = [
    ['HSM, mixed score, reweightedv2', { objective: 'hsm' }, 0.04],
    ['HSM, no mixing, likelihood weighting', { objective: 'hsm', mixed: false, weighting: 'likelihood' }, 0.04],
    ['DSM (v₀ drawn), mixed score, reweightedv1', { objective: 'dsm', weighting: 'reweightedv1' }, 0.08],
  ];
  for (const [name, opts, tol] of cases) {
    it(name, () => {
      const p = fitLinear((q) => sk.cldLoss(sde, linear, q, X, sk.random.key(9), { ...opts, times: t }), 4, 2);
      const fitted = sk.cldMixScore(sde, linear(p, U, sk.zeros([500])), U, t, opts);
      const e = relRms(fitted, exact);
      assert.ok(e < tol, `relative RMS error ${e}`);
    });
  }
  it('the HSM loss has lower variance than DSM at the same parameters (the paper\'s claim)', () => {
    const p: Lin = { A: sk.zeros([4, 2]), b: sk.zeros([2]) };
    const vals = (objective: sk.CldInit): number[] =>
      Array.from({ length: 12 }, (_, i) => sk.cldLoss(sde, linear, p, sk.sliceAxis(X, 0, 0, 500), sk.random.key(100 + i), { objective, times: 0.05 }).itemSync());
    const v = (xs: number[]): number => { const m = xs.reduce((a, b) => a + b) / xs.length; return xs.reduce((a, b) => a + (b - m) ** 2, 0) / (xs.length - 1); };
    const vh = v(vals('hsm'));
    const vd = v(vals('dsm'));
    assert.ok(vh < vd, `variance HSM ${vh} vs DSM ${vd}`);
  });
});
