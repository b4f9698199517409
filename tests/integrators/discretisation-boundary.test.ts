/**
 * The boundary values of every discretisation (score_sde's `discretize`, used by reverse diffusion,
 * ancestral sampling and the Langevin corrector): the smallest N each accepts runs with finite
 * coefficients, the one below is refused with a message whose recommendation is itself accepted.
 * VP: β_i = (β_min + i(β_max − β_min)/(N − 1))/N, so β_{N−1} = β_max/N; reverse diffusion needs
 * β_i ≤ 1 (N ≥ β_max), ancestral sampling divides by √(1 − β_i) (N > β_max). VE: geometric σ_i, any N ≥ 2.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import * as sk from '../../index.js';

const recommended = (msg: string): number => Number(/use N ≥ (\d+)/.exec(msg)![1]);
const errorOf = (f: () => unknown): string => {
  try {
    f();
  } catch (e) {
    return (e as Error).message;
  }
  return '';
};

/** Every coefficient a stepper computes over all N levels, from one step of each level on a tiny batch. */
function stepAll(sde: sk.Sde, stepper: sk.Stepper, N: number): number[] {
  const be = 'cpu';
  const x = sk.fromArray([[0.5, -0.25]], { backend: be });
  const out: number[] = [];
  for (let i = N - 1; i >= 0; i--) {
    const t = (i / (N - 1)) * sde.T;
    const z = Array.from({ length: stepper.noiseDraws }, () => sk.fromArray([[0.1, 0.2]], { backend: be }));
    out.push(...stepper.step(x, t, t - sde.T / (N - 1), z).dataSync());
  }
  return out;
}

const score: sk.ScoreFn = (x) => sk.neg(x);

describe('discretisation boundaries', () => {
  for (const betaMax of [20, 20.5, 7, 1]) {
    it(`VP, β_max = ${betaMax}: reverse diffusion from N = ⌈β_max⌉, ancestral from N = ⌊β_max⌋ + 1`, () => {
      const vp = sk.vpSde({ betaMin: Math.min(0.1, betaMax), betaMax });
      const rdMin = Math.max(2, Math.ceil(betaMax));
      const anMin = Math.max(2, Math.floor(betaMax) + 1);
      for (const N of [rdMin, rdMin + 1]) {
        for (let i = 0; i < N; i++) {
          const { a, G } = vp.discretize(i, N);
          assert.ok(Number.isFinite(a) && Number.isFinite(G) && G * G <= 1, `β_${i} at N = ${N}`);
        }
        assert.ok(stepAll(vp, sk.reverseDiffusion(vp, score, N), N).every(Number.isFinite), `rd N = ${N}`);
        assert.ok(stepAll(vp, sk.langevinCorrector(vp, score, { snr: 0.16, N }), N).every(Number.isFinite), `Langevin N = ${N}`);
      }
      if (rdMin > 2) {
        const msg = errorOf(() => sk.reverseDiffusion(vp, score, rdMin - 1));
        assert.match(msg, new RegExp(`N = ${rdMin - 1} levels: .*exceeds 1`));
        assert.equal(recommended(msg), rdMin, msg);
        assert.throws(() => sk.langevinCorrector(vp, score, { snr: 0.16, N: rdMin - 1 }), /exceeds 1/);
      }
      for (const N of [anMin, anMin + 1]) assert.ok(stepAll(vp, sk.ancestral(vp, score, N), N).every(Number.isFinite), `ancestral N = ${N}`);
      if (anMin > 2) {
        const msg = errorOf(() => sk.ancestral(vp, score, anMin - 1));
        assert.match(msg, new RegExp(`ancestral sampling of the VP SDE with N = ${anMin - 1} levels`));
        assert.equal(recommended(msg), anMin, msg);
      }
    });
  }
  it('VE: every N ≥ 2 gives finite steps; N = 1 is refused', () => {
    const ve = sk.veSde({ sigmaMin: 0.01, sigmaMax: 10 });
    for (const N of [2, 3]) {
      assert.ok(stepAll(ve, sk.ancestral(ve, score, N), N).every(Number.isFinite), `ancestral N = ${N}`);
      assert.ok(stepAll(ve, sk.reverseDiffusion(ve, score, N), N).every(Number.isFinite), `rd N = ${N}`);
    }
    assert.throws(() => sk.ancestral(ve, score, 1), /N must be an integer ≥ 2, got 1/);
    assert.throws(() => sk.reverseDiffusion(ve, score, 1), /N must be an integer ≥ 2, got 1/);
  });
  it('VP levels outside [0, N) are refused', () => {
    assert.throws(() => sk.vpSde().discretize(30, 30), /level 30 of N = 30/);
    assert.throws(() => sk.vpSde().discretize(0, 1), /level 0 of N = 1/);
  });
});
