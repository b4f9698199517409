import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import * as sk from '../../index.js';
import { MIX } from './fixtures.js';

describe('log-likelihood through the probability-flow ODE', () => {
  it('with the exact score it matches the closed-form log-density of p_ε (exact divergence)', async () => {
    const vp = sk.vpSde();
    const x = sk.gmmSample(MIX, sk.random.key(8), 12);
    const eps = 1e-5;
    const exactLogp = sk.exactLogDensity(vp, MIX);
    // Terminal density: the exact p_T, so that the comparison measures the ODE and the divergence only.
    const r = await sk.logLikelihood(vp, sk.exactScore(vp, MIX), x, { eps, rtol: 1e-7, atol: 1e-7, terminalLogp: (y) => exactLogp(y, 1) });
    const truth = exactLogp(x, eps).dataSync();
    const got = r.logp.dataSync();
    let worst = 0;
    for (let i = 0; i < 12; i++) worst = Math.max(worst, Math.abs(got[i] - truth[i]) / Math.abs(truth[i]));
    assert.ok(worst < 1e-6, `worst relative error ${worst} (NFE ${r.nfe})`);
    // With the N(0, I) prior instead of p_T (score_sde's choice) the error is the prior mismatch at T = 1.
    const withPrior = await sk.logLikelihood(vp, sk.exactScore(vp, MIX), x, { eps, rtol: 1e-7, atol: 1e-7 });
    const wp = withPrior.logp.dataSync();
    let worstPrior = 0;
    for (let i = 0; i < 12; i++) worstPrior = Math.max(worstPrior, Math.abs(wp[i] - truth[i]) / Math.abs(truth[i]));
    assert.ok(worstPrior < 1e-2, `prior mismatch ${worstPrior}`);
    const bpd = r.bpd.dataSync();
    assert.ok(Math.abs(bpd[0] - -got[0] / (2 * Math.LN2)) < 1e-12);
  });
  it('the Hutchinson estimate with a fixed probe is unbiased over probes', async () => {
    const vp = sk.vpSde();
    const x = sk.gmmSample(MIX, sk.random.key(9), 4);
    const truth = sk.exactLogDensity(vp, MIX)(x, 1e-5).dataSync();
    const vals: number[][] = [];
    for (let r = 0; r < 16; r++) {
      const q = await sk.logLikelihood(vp, sk.exactScore(vp, MIX), x, { divergence: 'rademacher', key: sk.random.key(100 + r), rtol: 1e-4, atol: 1e-4 });
      vals.push(Array.from(q.logp.dataSync()));
    }
    for (let i = 0; i < 4; i++) {
      const v = vals.map((row) => row[i]);
      const m = v.reduce((a, b) => a + b) / v.length;
      const sd = Math.sqrt(v.reduce((a, b) => a + (b - m) ** 2, 0) / (v.length - 1));
      assert.ok(Math.abs(m - truth[i]) < 4 * sd / Math.sqrt(v.length) + 1e-3, `sample ${i}: mean ${m} vs ${truth[i]} (sd ${sd})`);
    }
  });
  it('errors: probes need a key, shapes must be [n, D]', async () => {
    const vp = sk.vpSde();
    await assert.rejects(sk.logLikelihood(vp, sk.exactScore(vp, MIX), sk.zeros([2, 2]), { divergence: 'gaussian' }), /a key is needed/);
    await assert.rejects(sk.logLikelihood(vp, sk.exactScore(vp, MIX), sk.zeros([2])), /x must have shape \[n, D\]/);
  });
});
