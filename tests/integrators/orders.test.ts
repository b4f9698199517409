/**
 * Convergence orders, measured by the library's own convergence tools:
 * - weak orders by exact moment propagation (Gaussian data, exact affine score; verify/conformance.ts `orderCheck`): the reverse SDE /
 *   probability-flow ODE maps the exact marginal at T to the exact marginal at ε, so the error is the
 *   discretisation error alone;
 * - strong order 0.5 of Euler–Maruyama on geometric Brownian motion (multiplicative noise: additive-noise
 *   problems would show order 1 and hide a broken solver).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import * as sk from '../../index.js';

const gauss = sk.gmm({ weights: [1], means: [[0.8, -0.4]], covs: [[[0.5, 0.15], [0.15, 0.3]]] });
const EPS = 1e-3;
const moments = (g: sk.Gmm): sk.Moments => ({ mean: g.means[0], cov: g.covs[0] });

describe('weak orders by exact moment propagation', () => {
  const vp = sk.vpSde();
  const cld = sk.cldSde();
  const sv = sk.exactScore(vp, gauss);
  const sc = sk.exactScore(cld, gauss);
  // every declared weak order of the registry, on every SDE it declares a step range for, within
  // ±0.15 (the conformance suite's order check, verify/conformance.ts)
  for (const name of sk.SAMPLER_NAMES) {
    const s = sk.SAMPLERS[name];
    if (s.orderSteps) {
      it(`${name}: declared weak order ${s.weakOrder} on ${Object.keys(s.orderSteps).join(', ')}`, () => {
        assert.ok(s.grid === 'fixed' && s.weakOrder !== null, `${name} declares step ranges, so it must be a fixed-grid sampler with a declared order`);
        const rows = sk.orderCheck(s);
        assert.equal(rows.length, Object.keys(s.orderSteps!).length);
        for (const r of rows) {
          const msg = `${name} on ${r.sde}: ${r.stepCounts.map((n, i) => `${n}: ${r.errors[i].toExponential(2)}`).join(', ')} → order ${r.order.toFixed(2)}`;
          assert.ok(r.pass && Math.abs(r.order - s.weakOrder) <= sk.ORDER_TOLERANCE, msg);
        }
      });
    }
  }

  it('SSCS has a smaller weak error than Euler–Maruyama at the same NFE on CLD (the paper\'s claim)', () => {
    for (const n of [10, 20, 50, 100]) {
      const grid = sk.timeGrid({ steps: n, eps: EPS });
      const init = moments(sk.cldMarginal(cld, gauss, 1));
      const exact = moments(sk.cldMarginal(cld, gauss, EPS));
      const es = sk.momentError(sk.propagateMoments(sk.sscs(cld, sc), grid, init), exact);
      const ee = sk.momentError(sk.propagateMoments(sk.eulerMaruyama(cld, sc), grid, init), exact);
      assert.ok(es < ee, `NFE ${n}: SSCS ${es} vs EM ${ee}`);
    }
  });

  it('the tool refuses steps that are not affine (Langevin corrector)', () => {
    const lc = sk.langevinCorrector(vp, sv, { snr: 0.16 });
    assert.throws(() => sk.affineStep(lc, 2, 0.5, 0.5), /not affine/);
  });
});

describe('strong order', () => {
  it('Euler–Maruyama on geometric Brownian motion has strong order ≈ 0.5', () => {
    const mu = 0.5;
    const sigma = 0.8;
    const r = sk.strongOrder({
      // Euler–Maruyama for dX = μX dt + σX dW as a stepper: x + μx·h + σx·√h·z
      stepper: { name: 'gbm-em', noiseDraws: 1, nfePerStep: 0, step: (x, t, tn, [z]) => sk.add(x, sk.add(sk.mul(x, mu * (tn - t)), sk.mul(sk.mul(x, z), sigma * Math.sqrt(tn - t)))) },
      exact: (x0, T, W) => sk.mul(x0, sk.exp(sk.add(sk.mul(W, sigma), (mu - sigma * sigma / 2) * T))),
      x0: sk.ones([4000]),
      T: 1,
      stepCounts: [16, 32, 64, 128, 256],
      key: sk.random.key(5),
    });
    assert.ok(Math.abs(r.order - 0.5) < 0.15, `errors ${r.errors.map((e) => e.toExponential(2)).join(', ')} → order ${r.order}`);
  });
  it('fitOrder recovers a known slope and refuses non-positive errors', () => {
    assert.ok(Math.abs(sk.fitOrder([0.1, 0.05, 0.025], [2e-2, 5e-3, 1.25e-3]) - 2) < 1e-12);
    assert.throws(() => sk.fitOrder([0.1, 0.05], [1e-3, 0]), /not positive/);
  });
});
