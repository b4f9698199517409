import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import * as sk from '../../index.js';
import { assertAllClose } from '../helpers.js';

const mix = sk.gmm({
  weights: [0.4, 0.6],
  means: [[-1, 0.5], [1.5, -0.5]],
  covs: [[[0.3, 0.1], [0.1, 0.2]], [[0.25, -0.05], [-0.05, 0.4]]],
});

describe('exact-score oracles', () => {
  const sdes: [string, sk.Sde][] = [['VE', sk.veSde({ sigmaMax: 5 })], ['VP', sk.vpSde()], ['sub-VP', sk.subVpSde()], ['CLD', sk.cldSde()]];
  for (const [label, sde] of sdes) {
    it(`${label}: the oracle score is the autodiff gradient of the oracle log-density`, () => {
      const D = sde.stateDim(2);
      const x = sk.random.normal(sk.random.key(1), [30, D]);
      for (const t of [0.01, 0.3, 1]) {
        const g = sk.grad((y: sk.Tensor) => sk.sum(sk.exactLogDensity(sde, mix)(y, t)))(x);
        const s = sk.exactScore(sde, mix)(x, t);
        const expected = sde.kind === 'cld' ? sk.sliceAxis(g, 1, 2, 2) : g;
        assertAllClose(s.dataSync(), expected.dataSync(), 1e-10, 1e-10, `t = ${t}`);
      }
    });
  }
  it('VP at t = 0 is the data distribution; at T it is close to the prior N(0, I)', () => {
    const vp = sk.vpSde();
    assert.deepEqual(sk.linearMarginal(vp, mix, 0).covs, mix.covs);
    const end = sk.linearMarginal(vp, mix, 1);
    for (const S of end.covs) assert.ok(Math.abs(S[0][0] - 1) < 1e-4 && Math.abs(S[0][1]) < 1e-4);
  });
  it('CLD joint marginal matches samples pushed through the kernel (mean and covariance, 5 SE)', () => {
    const sde = sk.cldSde();
    const t = 0.15;
    const n = 40000;
    const [ka, kb, kc] = sk.random.split(sk.random.key(4), 3);
    const x0 = sk.gmmSample(mix, ka, n);
    const v0 = sk.random.normal(kb, [n, 2], { scale: Math.sqrt(sde.gamma * sde.M) });
    const k = sde.kernel(t, 'dsm');
    const [ex, ev] = sk.random.split(kc, 2).map((kk) => sk.random.normal(kk, [n, 2]));
    const xt = sk.add(sk.add(sk.mul(x0, k.mxx), sk.mul(v0, k.mxv)), sk.mul(ex, k.L11));
    const vt = sk.add(sk.add(sk.add(sk.mul(x0, k.mvx), sk.mul(v0, k.mvv)), sk.mul(ex, k.L21)), sk.mul(ev, k.L22));
    const u = sk.concat([xt, vt], 1);
    const m = sk.mean(u, 0).dataSync();
    const c = sk.div(sk.matmul(sk.transpose(sk.sub(u, sk.mean(u, 0))), sk.sub(u, sk.mean(u, 0))), n - 1).dataSync();
    const g = sk.cldMarginal(sde, mix, t);
    const mTrue = [0, 1, 2, 3].map((a) => g.weights.reduce((s, w, i) => s + w * g.means[i][a], 0));
    const cTrue = [0, 1, 2, 3].flatMap((a) => [0, 1, 2, 3].map((b) =>
      g.weights.reduce((s, w, i) => s + w * (g.covs[i][a][b] + g.means[i][a] * g.means[i][b]), 0) - mTrue[a] * mTrue[b]));
    for (let a = 0; a < 4; a++) {
      assert.ok(Math.abs(m[a] - mTrue[a]) < 5 * Math.sqrt(cTrue[a * 5] / n), `mean[${a}] ${m[a]} vs ${mTrue[a]}`);
      for (let b = 0; b < 4; b++) {
        const se = Math.sqrt((cTrue[a * 5] * cTrue[b * 5] + cTrue[a * 4 + b] ** 2) / n);
        assert.ok(Math.abs(c[a * 4 + b] - cTrue[a * 4 + b]) < 5 * se, `cov[${a}][${b}] ${c[a * 4 + b]} vs ${cTrue[a * 4 + b]}`);
      }
    }
  });
  it('times outside [0, T] are errors', () => {
    assert.throws(() => sk.exactScore(sk.vpSde(), mix)(sk.zeros([1, 2]), 1.5), /time 1.5 is outside \[0, 1\]/);
  });
});

type Mlp = { W1: sk.Tensor; b1: sk.Tensor; W2: sk.Tensor };
const params: Mlp = {
  W1: sk.random.normal(sk.random.key(10), [2, 8]),
  b1: sk.random.normal(sk.random.key(11), [8]),
  W2: sk.random.normal(sk.random.key(12), [8, 2]),
};
/** An unconstrained score network: not conservative. */
const free: sk.ScoreModel<Mlp> = (p, x) => sk.matmul(sk.tanh(sk.add(sk.matmul(x, p.W1), p.b1)), p.W2);
/** A constrained one: s = −∇E with E = Σ softplus(xW1 + b1)·w (one output of W2 as energy head). */
const energy: sk.EnergyModel<Mlp> = (p, x) => sk.sum(sk.mul(sk.softplus(sk.add(sk.matmul(x, p.W1), p.b1)), sk.sliceAxis(sk.transpose(p.W2), 0, 0, 1)), -1);
const conservative = sk.energyScore(energy);

describe('QCSGM asymmetry', () => {
  const x = sk.random.normal(sk.random.key(13), [6, 2]);
  const t = sk.zeros([6]);
  it('the Hutchinson estimate is unbiased: mean over 4000 probes = exact ½‖J − Jᵀ‖² within 3 SE (both forms)', () => {
    const exact = sk.asymmetryExact(free, params, x, t).asym.dataSync();
    for (const form of ['trace', 'norm'] as const) {
      const samples: Float64Array[] = [];
      for (let r = 0; r < 40; r++) {
        // 100 probes per call, averaged: 40 independent means
        samples.push(sk.tidy(() => sk.asymmetryHutchinson(free, params, x, t, sk.random.key(1000 + r), { probes: 100, form }).asym.dataSync() as Float64Array));
      }
      for (let i = 0; i < 6; i++) {
        const v = samples.map((s) => s[i]);
        const m = v.reduce((a, b) => a + b) / v.length;
        const sd = Math.sqrt(v.reduce((a, b) => a + (b - m) ** 2, 0) / (v.length - 1));
        assert.ok(Math.abs(m - exact[i]) < 3 * sd / Math.sqrt(v.length) + 1e-12, `${form}, sample ${i}: mean ${m} vs exact ${exact[i]} (SE ${sd / Math.sqrt(v.length)})`);
      }
    }
  });
  it('in 2-D ‖J − Jᵀ‖²_F = 2(∂s₁/∂x₂ − ∂s₂/∂x₁)², so Asym = ½‖J − Jᵀ‖²_F = (J₁₂ − J₂₁)²', () => {
    const J = sk.batchJacobian(free, params, x, t).dataSync();
    const a = sk.asymmetryExact(free, params, x, t).asym.dataSync();
    for (let i = 0; i < 6; i++) assert.ok(Math.abs(a[i] - (J[i * 4 + 1] - J[i * 4 + 2]) ** 2) < 1e-12);
  });
  it('an energy model is exactly conservative: asymmetry 0 on every probe, exact and estimated', () => {
    const ex = sk.asymmetryExact(conservative, params, x, t);
    for (const v of ex.asym.dataSync()) assert.ok(Math.abs(v) < 1e-24, `exact asym ${v}`);
    for (let r = 0; r < 10; r++) {
      const h = sk.asymmetryHutchinson(conservative, params, x, t, sk.random.key(r), { probes: 3 });
      for (const v of h.asym.dataSync()) assert.ok(Math.abs(v) < 1e-12, `probe estimate ${v}`);
    }
    const nf = sk.asymmetryExact(free, params, x, t).nasym.dataSync();
    for (const v of nf) assert.ok(v > 0 && v <= 1, `NAsym ${v}`);
  });
  it('the QCSGM loss is DSM plus λ·σ²·asymmetry, and its gradient through both is finite', () => {
    const ve = sk.veSde({ sigmaMax: 3, sigmaMin: 0.1 });
    const X = sk.gmmSample(mix, sk.random.key(20), 256);
    const k = sk.random.key(21);
    const l0 = sk.qcsgmLoss(ve, free, params, X, k, { lambda: 0, times: 0.5 }).itemSync();
    const dsm = sk.sdeDsmLoss(ve, free, params, X, sk.random.split(k, 2)[0], { times: 0.5 }).itemSync();
    assert.ok(Math.abs(l0 - dsm) < 1e-12, `λ = 0: ${l0} vs DSM ${dsm}`);
    const l1 = sk.qcsgmLoss(ve, free, params, X, k, { lambda: 1, times: 0.5 }).itemSync();
    assert.notEqual(l1, l0);
    const g = sk.grad((p: Mlp) => sk.qcsgmLoss(ve, free, p, X, k, { lambda: 0.1 }))(params) as Mlp;
    assert.ok(g.W1.dataSync().every(Number.isFinite));
    const ge = sk.grad((p: Mlp) => sk.qcsgmLoss(ve, conservative, p, X, k, { lambda: 0.1 }))(params) as Mlp;
    const gd = sk.grad((p: Mlp) => sk.sdeDsmLoss(ve, conservative, p, X, sk.random.split(k, 2)[0]))(params) as Mlp;
    // for a conservative field the regulariser and its gradient vanish
    assertAllClose(ge.W1.dataSync(), gd.W1.dataSync(), 1e-9, 1e-12, 'energy model: QCSGM gradient = DSM gradient');
  });
  it('bad loss options are errors', () => {
    const X = sk.zeros([4, 2]);
    assert.throws(() => sk.qcsgmLoss(sk.veSde(), free, params, X, sk.random.key(0), { lambda: -1 }), /lambda must be a finite number ≥ 0/);
    assert.throws(() => sk.sdeDsmLoss(sk.vpSde(), free, params, X, sk.random.key(0), { eps: 0 }), /eps must lie in \(0, T = 1\)/);
    assert.throws(() => sk.sdeDsmLoss(sk.vpSde(), free, params, X, sk.random.key(0), { times: 2 }), /training time 2 is outside \(0, 1\]/);
    assert.throws(() => sk.dsmLoss(free, params, X, sk.random.key(0), 0), /sigma must be a finite number > 0/);
    assert.throws(() => sk.slicedScoreMatching(free, params, X, sk.zeros([4]), sk.random.key(0), { probes: 0 }), /probes must be a positive integer/);
    assert.throws(() => sk.implicitScoreMatching(free, params, X, sk.zeros([3]), sk.random.key(0)), /t must have shape \[4\], got \[3\]/);
    assert.throws(() => sk.energyScore<Mlp>((p, y) => sk.matmul(y, p.W1))(params, X, sk.zeros([4])), /the energy must have shape \[4\]/);
  });
});
