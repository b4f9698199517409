/**
 * OABAO on CLD, against SSCS and Euler–Maruyama at equal NFE by exact moment propagation (Gaussian
 * data, exact score): both splittings are first order with errors of the same size, and both are
 * below Euler–Maruyama's; its declared weak order is measured in orders.test.ts. Non-CLD SDEs are
 * refused.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import * as sk from '../../index.js';

const gauss = sk.gmm({ weights: [1], means: [[0.8, -0.4]], covs: [[[0.5, 0.15], [0.15, 0.3]]] });
const EPS = 1e-3;
const moments = (g: sk.Gmm): sk.Moments => ({ mean: g.means[0], cov: g.covs[0] });

describe('OABAO splitting of the reverse CLD SDE', () => {
  it('its moment error is below Euler–Maruyama\'s and within 1.5× of SSCS\'s at equal NFE', () => {
    const cld = sk.cldSde();
    const sc = sk.exactScore(cld, gauss);
    const init = moments(sk.cldMarginal(cld, gauss, 1));
    const exact = moments(sk.cldMarginal(cld, gauss, EPS));
    for (const n of [10, 20, 50, 100]) {
      const grid = sk.timeGrid({ steps: n, eps: EPS });
      const err = (st: sk.Stepper): number => sk.momentError(sk.propagateMoments(st, grid, init), exact);
      const eo = err(sk.cldOabao(cld, sc));
      const es = err(sk.sscs(cld, sc));
      const ee = err(sk.eulerMaruyama(cld, sc));
      assert.ok(eo < ee, `NFE ${n}: OABAO ${eo} vs EM ${ee}`);
      assert.ok(eo < 1.5 * es && es < 1.5 * eo, `NFE ${n}: OABAO ${eo} vs SSCS ${es}`);
    }
  });
  it('refuses SDEs other than CLD', () => {
    const vp = sk.vpSde();
    assert.throws(() => sk.cldOabao(vp, sk.exactScore(vp, gauss)), /OABAO is a sampler for CLD only, not for the VP SDE/);
  });
});
