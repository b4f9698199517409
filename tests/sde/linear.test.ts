import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import * as sk from '../../index.js';

/** Fine Euler–Maruyama simulation of the forward SDE from x₀, steps keyed by index. */
function simulate(sde: sk.Sde, x0: sk.Tensor, t: number, steps: number, k: sk.PRNGKey): sk.Tensor {
  let x = x0;
  const h = t / steps;
  for (let i = 0; i < steps; i++) {
    const s = i * h;
    const z = sk.random.normal(sk.random.foldIn(k, i), x.shape);
    const next = sk.tidy(() => sk.add(sk.add(x, sk.mul(sde.drift(x, s), h)), sk.mul(sde.applyDiffusion(z, s), Math.sqrt(h))));
    if (x !== x0) x.dispose();
    x = next;
  }
  return x;
}

function moments(x: sk.Tensor): { mean: number[]; cov: number[][] } {
  const m = sk.mean(x, 0);
  const c = sk.div(sk.matmul(sk.transpose(sk.sub(x, m)), sk.sub(x, m)), x.shape[0] - 1);
  return { mean: m.arraySync() as number[], cov: c.arraySync() as number[][] };
}

describe('SDE marginals match Monte-Carlo simulation of the forward SDE', () => {
  const n = 10000;
  const cases: [string, sk.Sde, number][] = [
    ['VE (σ 0.01 → 5)', sk.veSde({ sigmaMin: 0.01, sigmaMax: 5 }), 0.6],
    ['VP', sk.vpSde(), 0.3],
    ['sub-VP', sk.subVpSde(), 0.3],
  ];
  for (const [label, sde, t] of cases) {
    it(`${label} at t = ${t}: mean and covariance within 5 standard errors (+ O(h) bias)`, () => {
      const lin = sde as sk.ScalarLinearSde;
      const x0 = sk.broadcastTo(sk.fromArray([[1.5, -0.5]]), [n, 2]);
      const xt = simulate(sde, x0, t, 400, sk.random.key(11));
      const { mean, cov } = moments(xt);
      const m = lin.meanCoef(t);
      const v = lin.std(t) ** 2;
      const stdAt0 = lin.std(0) ** 2; // VE: the marginal convention std σ(t) includes σ_min² at t = 0
      const vExact = lin.kind === 've' ? v - stdAt0 : v;
      [1.5, -0.5].forEach((x, a) => {
        const se = Math.sqrt(vExact / n);
        assert.ok(Math.abs(mean[a] - m * x) < 5 * se + 0.01 * Math.abs(m * x), `mean[${a}] ${mean[a]} vs ${m * x}`);
        const seV = vExact * Math.sqrt(2 / n);
        assert.ok(Math.abs(cov[a][a] - vExact) < 5 * seV + 0.01 * vExact, `var[${a}] ${cov[a][a]} vs ${vExact}`);
      });
      assert.ok(Math.abs(cov[0][1]) < 5 * vExact / Math.sqrt(n), `cov ${cov[0][1]}`);
    });
  }

  it('CLD (HSM initial velocity) at t = 0.2: joint mean and 2×2 covariance per dimension', () => {
    const sde = sk.cldSde();
    const k = sde.kernel(0.2, 'hsm');
    const x0 = 1.5;
    // u₀ = (x₀, v₀) with v₀ ~ N(0, γM)
    const v0 = sk.random.normal(sk.random.key(3), [n, 1], { scale: Math.sqrt(sde.gamma * sde.M) });
    const u0 = sk.concat([sk.fullLike(v0, x0), v0], 1);
    const ut = simulate(sde, u0, 0.2, 800, sk.random.key(12));
    const { mean, cov } = moments(ut);
    const se = (v: number): number => Math.sqrt(v / n);
    assert.ok(Math.abs(mean[0] - k.mxx * x0) < 5 * se(k.Sxx) + 0.01, `μ_x ${mean[0]} vs ${k.mxx * x0}`);
    assert.ok(Math.abs(mean[1] - k.mvx * x0) < 5 * se(k.Svv) + 0.01, `μ_v ${mean[1]} vs ${k.mvx * x0}`);
    assert.ok(Math.abs(cov[0][0] - k.Sxx) < 5 * k.Sxx * Math.sqrt(2 / n) + 0.01 * k.Sxx, `Σxx ${cov[0][0]} vs ${k.Sxx}`);
    assert.ok(Math.abs(cov[1][1] - k.Svv) < 5 * k.Svv * Math.sqrt(2 / n) + 0.01 * k.Svv, `Σvv ${cov[1][1]} vs ${k.Svv}`);
    assert.ok(Math.abs(cov[0][1] - k.Sxv) < 5 * Math.sqrt(k.Sxx * k.Svv / n) + 0.01 * Math.abs(k.Sxv), `Σxv ${cov[0][1]} vs ${k.Sxv}`);
  });
});

describe('linear SDE coefficients', () => {
  it('VP: std² + mean² = 1 (variance preserving); sub-VP std ≤ VP std', () => {
    const vp = sk.vpSde();
    const sub = sk.subVpSde();
    for (const t of [1e-5, 0.1, 0.5, 1]) {
      assert.ok(Math.abs(vp.std(t) ** 2 + vp.meanCoef(t) ** 2 - 1) < 1e-14);
      assert.ok(sub.std(t) <= vp.std(t));
    }
  });
  it('score_sde defaults and discretisations', () => {
    assert.deepEqual(sk.vpSde().config, { betaMin: 0.1, betaMax: 20, T: 1 });
    assert.deepEqual(sk.veSde().config, { sigmaMin: 0.01, sigmaMax: 50, T: 1 });
    const d = sk.vpSde().discretize(999, 1000);
    assert.ok(Math.abs(d.G ** 2 - 0.02) < 1e-15 && Math.abs(d.a - (Math.sqrt(1 - 0.02) - 1)) < 1e-15);
    const ve = sk.veSde().discretize(1, 1000);
    assert.ok(Math.abs(ve.G ** 2 - (0.01 ** 2) * ((5000 ** (2 / 999)) - 1)) < 1e-15);
  });
  it('VE: g(t)² = dσ²/dt', () => {
    const ve = sk.veSde();
    const t = 0.4;
    const h = 1e-6;
    const dv = (ve.std(t + h) ** 2 - ve.std(t - h) ** 2) / (2 * h);
    assert.ok(Math.abs(ve.g(t) ** 2 - dv) / dv < 1e-8);
  });
  it('bad configurations are errors', () => {
    assert.throws(() => sk.veSde({ sigmaMin: 1, sigmaMax: 0.5 }), /sigmaMax \(0.5\) must exceed sigmaMin \(1\)/);
    assert.throws(() => sk.vpSde({ betaMin: -1 }), /betaMin must be a finite number > 0/);
    assert.throws(() => sk.subVpSde().discretize(0, 10), /no DDPM-style discretisation/);
    assert.throws(() => sk.vpSde().discretize(1, 2), /N = 2 levels: β_1 = β_max\/N = 10 exceeds 1.*use N ≥ 20 \(N ≥ β_max = 20\)/);
  });
});
