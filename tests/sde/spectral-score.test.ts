/**
 * The spectral mixture score (one eigendecomposition per component) against the factorised
 * marginal's score: VE, VP and the EDM path at D = 2, 3, 16, and CLD's velocity and joint scores,
 * at random times, points and mixtures; exactScore takes the spectral form above 8 dimensions.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import * as sk from '../../index.js';
import { assertAllClose, checkProperty, hostNormal } from '../helpers.js';
import { sweepMixture } from '../../bench/dimension-sweep.js';

const randomMixture = (seed: number, K: number, D: number): sk.Gmm => sweepMixture(D, seed, K);

const seedArb = fc.integer({ min: 1, max: 2 ** 30 });
const dimArb = fc.constantFrom(2, 3, 16);

/** Relative agreement to float64 rounding: |a − b| ≤ 1e-9·(max |b| + 1). */
function assertRounding(a: ArrayLike<number>, b: ArrayLike<number>, what: string): void {
  let scale = 1;
  for (let i = 0; i < b.length; i++) scale = Math.max(scale, Math.abs(b[i]));
  assertAllClose(a, b, 0, 1e-9 * scale, what);
}

describe('spectral mixture score', () => {
  it('equals the factorised marginal score under VE, VP and the EDM path (D = 2, 3, 16, float64)', () => {
    checkProperty('scaledGmmScore', fc.property(seedArb, dimArb, fc.double({ min: 0.02, max: 0.98, noNaN: true }), fc.constantFrom('ve', 'vp', 'edm'), (seed, D, frac, kind) => {
      const g = randomMixture(seed, 3, D);
      const sde = kind === 've' ? sk.veSde() : kind === 'vp' ? sk.vpSde() : sk.edmSde();
      const t = frac * sde.T;
      const x = sk.fromArray(hostNormal(seed + 7, 5 * D).map((v) => 3 * v), { backend: 'cpu:float64', shape: [5, D] });
      const ref = sk.gmmScore(sk.marginal(sde, g, t), x).dataSync();
      const [a, s2] = 'path' in sde ? [sde.path.alpha(t), sde.path.sigma(t) ** 2] : [sde.meanCoef(t), sde.std(t) ** 2];
      assertRounding(sk.scaledGmmScore(g, a, s2, x).dataSync(), ref, `${kind} D=${D} t=${t}`);
      assertRounding(sk.exactScore(sde, g)(x, t).dataSync(), ref, `exactScore ${kind} D=${D}`);
    }), 40);
  });

  it('equals the factorised CLD joint marginal score, velocity and joint (D = 2, 3, 16, float64)', () => {
    checkProperty('cldGmmScore', fc.property(seedArb, dimArb, fc.double({ min: 0.01, max: 0.98, noNaN: true }), (seed, D, frac) => {
      const g = randomMixture(seed, 3, D);
      const sde = sk.cldSde();
      const t = frac * sde.T;
      const u = sk.fromArray(hostNormal(seed + 5, 4 * 2 * D).map((v) => 2 * v), { backend: 'cpu:float64', shape: [4, 2 * D] });
      const m = sk.cldMarginal(sde, g, t);
      const k = sde.kernelFrom(t, 0, sde.gamma * sde.M, false);
      assertRounding(sk.cldGmmScore(g, k, u, 'joint').dataSync(), sk.gmmScore(m, u).dataSync(), `joint D=${D} t=${t}`);
      const vel = sk.gmmScore(m, u, { start: D, count: D }).dataSync();
      assertRounding(sk.cldGmmScore(g, k, u).dataSync(), vel, `velocity D=${D} t=${t}`);
      assertRounding(sk.exactScore(sde, g)(u, t).dataSync(), vel, `exactScore cld D=${D}`);
    }), 30);
  });

  it('runs in float32 within float32 rounding of the float64 score, and rejects wrong shapes', () => {
    const g = randomMixture(11, 4, 16);
    const sde = sk.vpSde();
    const h = hostNormal(3, 6 * 16);
    const s64 = sk.exactScore(sde, g)(sk.fromArray(h, { backend: 'cpu:float64', shape: [6, 16] }), 0.3).dataSync();
    const s32 = sk.exactScore(sde, g)(sk.fromArray(h, { backend: 'cpu:float32', shape: [6, 16] }), 0.3).dataSync();
    let scale = 1;
    for (const v of s64) scale = Math.max(scale, Math.abs(v));
    assertAllClose(s32, s64, 0, 1e-4 * scale, 'float32');
    assert.throws(() => sk.scaledGmmScore(g, 1, 0.1, sk.zeros([2, 15])), /shape \[n, 16\]/);
    assert.throws(() => sk.cldGmmScore(g, sk.cldSde().kernelFrom(0.5, 0, 0.04, false), sk.zeros([2, 16])), /shape \[n, 32\]/);
  });
});
