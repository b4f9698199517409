/**
 * The adaptive reverse-SDE sampler with a step size and a Brownian path per row: a row sampled
 * alone gives the same bits and evaluation count as in a batch (property, any batch size and row);
 * on Gaussian data its variance converges as the tolerance shrinks; on a mixture it reaches the
 * exact samples' MMD² null threshold; bad tolerances are refused.
 */
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import fc from 'fast-check';
import * as sk from '../../index.js';
import { MIX, mmdThreshold } from './fixtures.js';

describe('adaptive reverse-SDE sampler (per-sample steps)', () => {
  it('a row sampled alone equals the same row in a batch, bit for bit, with the same NFE (property)', async () => {
    const sde = sk.vpSde();
    const score = sk.exactScore(sde, MIX);
    await fc.assert(fc.asyncProperty(fc.integer({ min: 2, max: 12 }), fc.nat(), async (n, pick) => {
      const r = pick % n;
      const x0 = sde.priorSample(sk.random.key(4), n, 2);
      const row = sk.sliceAxis(x0, 0, r, 1);
      const all = await sk.adaptiveSde(sk.random.key(5), sde, score, x0, { n, d: 2, rtol: 0.05, atol: 0.05 });
      const one = await sk.adaptiveSde(sk.random.key(5), sde, score, row, { n: 1, d: 2, rtol: 0.05, atol: 0.05, rowOffset: r });
      const a = await all.x.data();
      const b = await one.x.data();
      assert.deepEqual([a[2 * r], a[2 * r + 1]], [b[0], b[1]]);
      assert.equal(all.nfePerRow[r], one.nfePerRow[0]);
    }), { seed: 21, numRuns: 12 });
  });

  it('the propagated norm and a growth limit keep rows independent of their batch, and save evaluations on the mixture at equal tolerance', async () => {
    const sde = sk.vpSde();
    const score = sk.exactScore(sde, MIX);
    const o = { rtol: 0.05, atol: 0.05, norm: 'propagated' as const, dataStd: 1, maxGrowth: 1.5 };
    const n = 6;
    const x0 = sde.priorSample(sk.random.key(4), n, 2);
    const all = await sk.adaptiveSde(sk.random.key(5), sde, score, x0, { n, d: 2, ...o });
    const one = await sk.adaptiveSde(sk.random.key(5), sde, score, sk.sliceAxis(sde.priorSample(sk.random.key(4), n, 2), 0, 3, 1), { n: 1, d: 2, rowOffset: 3, ...o });
    const a = await all.x.data();
    assert.deepEqual([a[6], a[7]], [...(await one.x.data())]);
    assert.equal(all.nfePerRow[3], one.nfePerRow[0]);
    const rows = 400;
    const plain = await sk.adaptiveSde(sk.random.key(5), sde, score, sde.priorSample(sk.random.key(4), rows, 2), { n: rows, d: 2, rtol: 0.05, atol: 0.05 });
    const weighted = await sk.adaptiveSde(sk.random.key(5), sde, score, sde.priorSample(sk.random.key(4), rows, 2), { n: rows, d: 2, ...o });
    assert.ok(weighted.nfe < 0.95 * plain.nfe, `propagated ${weighted.nfe} vs local ${plain.nfe}`);
  });

  it('on N(0, 1) data under VP and VE the sample variance is 1 at rtol = atol = 0.01 (the noise is one Brownian path per row)', async () => {
    const G = sk.gmm({ weights: [1], means: [[0]], covs: [[[1]]] });
    const n = 2000;
    for (const sde of [sk.vpSde(), sk.veSde()]) {
      const score = sk.exactScore(sde, G);
      const x0 = sde.priorSample(sk.random.key(1), n, 1);
      const r = await sk.adaptiveSde(sk.random.key(2), sde, score, x0, { n, d: 1, rtol: 0.01, atol: 0.01 });
      const a = Array.from(await r.x.data());
      const m = a.reduce((s, v) => s + v, 0) / n;
      const v = a.reduce((s, q) => s + (q - m) ** 2, 0) / n;
      // the sampling error of the variance of 2000 normals is 0.032
      assert.ok(Math.abs(v - 1) < 0.1, `${sde.kind}: variance ${v}, NFE ${r.nfe}`);
    }
    // redrawing the noise of a retried step (the reference code's rule) biases it
    const vp = sk.vpSde();
    const r = await sk.adaptiveSde(sk.random.key(2), vp, sk.exactScore(vp, G), vp.priorSample(sk.random.key(1), n, 1), { n, d: 1, rtol: 0.01, atol: 0.01, retry: 'redraw' });
    const a = Array.from(await r.x.data());
    const m = a.reduce((s, q) => s + q, 0) / n;
    const v = a.reduce((s, q) => s + (q - m) ** 2, 0) / n;
    assert.ok(v > 1.3, `redraw: variance ${v}`);
  });

  let threshold = 0;
  before(async () => {
    threshold = await mmdThreshold(1000);
  });
  it('on the mixture under VP, with the exact score and a Tweedie step, it reaches the MMD² null threshold', async () => {
    const sde = sk.vpSde();
    const score = sk.exactScore(sde, MIX);
    const r = await sk.runSampler(sk.random.key(3), sk.samplerByName('adaptive'), sde, score, { n: 1000, d: 2, steps: 1, rtol: 0.05, atol: 0.05, denoise: { kind: 'tweedie', score } });
    const m = await sk.metrics.mmd2(r.x, sk.gmmSample(MIX, sk.random.key(77), 1000));
    assert.ok(m < threshold, `MMD² ${m} ≥ ${threshold} (NFE ${r.nfe})`);
  });

  it('bad input: tolerances ≤ 0, eps outside (0, T), an unknown retry rule, a state that is not a Gaussian path', async () => {
    const sde = sk.vpSde();
    const score = sk.exactScore(sde, MIX);
    const x0 = () => sde.priorSample(sk.random.key(1), 4, 2);
    await assert.rejects(sk.adaptiveSde(sk.random.key(0), sde, score, x0(), { n: 4, d: 2, rtol: 0 }), /rtol and atol must be finite numbers > 0/);
    await assert.rejects(sk.adaptiveSde(sk.random.key(0), sde, score, x0(), { n: 4, d: 2, atol: -1 }), /rtol and atol must be finite numbers > 0/);
    await assert.rejects(sk.adaptiveSde(sk.random.key(0), sde, score, x0(), { n: 4, d: 2, eps: 2 }), /eps must lie in \(0, 1\)/);
    await assert.rejects(sk.adaptiveSde(sk.random.key(0), sde, score, x0(), { n: 4, d: 2, retry: 'again' as 'path' }), /retry must be 'path' or 'redraw'/);
    await assert.rejects(sk.adaptiveSde(sk.random.key(0), sde, score, x0(), { n: 4, d: 2, norm: 'global' as 'local' }), /norm must be 'local' or 'propagated'/);
    await assert.rejects(sk.adaptiveSde(sk.random.key(0), sde, score, x0(), { n: 4, d: 2, norm: 'propagated', dataStd: 0 }), /dataStd must be a finite number > 0/);
    await assert.rejects(sk.adaptiveSde(sk.random.key(0), sde, score, x0(), { n: 4, d: 2, maxGrowth: 1 }), /maxGrowth must be > 1/);
    const cld = sk.cldSde();
    assert.match(sk.samplerByName('adaptive').supports(cld) ?? '', /needs a Gaussian path/);
  });
});
