/**
 * Every sampler, driven by the exact score of a Gaussian mixture, produces samples of the mixture:
 * MMD² against fresh exact samples stays below mean + 6 sd of the null distribution (MMD² between
 * independent exact samples of the same size), measured here.
 */
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import * as sk from '../../index.js';
import { MIX, mmdThreshold } from './fixtures.js';

const n = 800;
let threshold = 0;
const reference = sk.gmmSample(MIX, sk.random.key(77), n);

before(async () => {
  threshold = await mmdThreshold(n);
});

type Case = [string, sk.Sde, (score: sk.ScoreFn) => sk.Stepper, number, sk.DenoiseKind];
const vp = sk.vpSde();
const ve = sk.veSde({ sigmaMin: 0.01, sigmaMax: 10 });
const sub = sk.subVpSde();
const cld = sk.cldSde();

const cases: Case[] = [
  ['VP Euler–Maruyama', vp, (s) => sk.eulerMaruyama(vp, s), 200, 'tweedie'],
  ['VP reverse diffusion', vp, (s) => sk.reverseDiffusion(vp, s, 200), 200, 'tweedie'],
  ['VP ancestral (DDPM)', vp, (s) => sk.ancestral(vp, s, 200), 200, 'tweedie'],
  ['VP predictor–corrector (RD + Langevin, snr 0.16)', vp, (s) => sk.predictorCorrector(sk.reverseDiffusion(vp, s, 100), sk.langevinCorrector(vp, s, { snr: 0.16, N: 100 })), 100, 'tweedie'],
  ['VP probability-flow ODE, Euler', vp, (s) => sk.odeStepper(vp, s, 'euler'), 200, 'tweedie'],
  ['VP probability-flow ODE, Heun', vp, (s) => sk.odeStepper(vp, s, 'heun'), 40, 'tweedie'],
  ['VP probability-flow ODE, RK4', vp, (s) => sk.odeStepper(vp, s, 'rk4'), 20, 'tweedie'],
  ['VE Euler–Maruyama', ve, (s) => sk.eulerMaruyama(ve, s), 300, 'tweedie'],
  ['VE ancestral (SMLD)', ve, (s) => sk.ancestral(ve, s, 300), 300, 'tweedie'],
  ['VE predictor–corrector (RD + Langevin, snr 0.16)', ve, (s) => sk.predictorCorrector(sk.reverseDiffusion(ve, s, 200), sk.langevinCorrector(ve, s, { snr: 0.16 })), 200, 'tweedie'],
  ['sub-VP Euler–Maruyama', sub, (s) => sk.eulerMaruyama(sub, s), 200, 'tweedie'],
  ['sub-VP probability-flow ODE, RK4', sub, (s) => sk.odeStepper(sub, s, 'rk4'), 20, 'tweedie'],
  ['CLD Euler–Maruyama', cld, (s) => sk.eulerMaruyama(cld, s), 200, 'mean-step'],
  ['CLD SSCS', cld, (s) => sk.sscs(cld, s), 50, 'mean-step'],
  ['CLD SSCS (official variant)', cld, (s) => sk.sscs(cld, s, { variant: 'official' }), 50, 'mean-step'],
  ['CLD probability-flow ODE, RK4', cld, (s) => sk.odeStepper(cld, s, 'rk4'), 30, 'mean-step'],
];

describe('samplers reproduce a Gaussian mixture with its exact score (MMD² below the null threshold)', () => {
  for (const [name, sde, make, steps, dn] of cases) {
    it(`${name}, ${steps} steps`, async () => {
      const score = sk.exactScore(sde, MIX);
      const r = sk.sample(sk.random.key(3), { sde, stepper: make(score), n, d: 2, steps, eps: sde.kind === 've' ? 1e-5 : 1e-3, denoise: { kind: dn, score } });
      const x = sde.kind === 'cld' ? sk.sliceAxis(r.x, 1, 0, 2) : r.x;
      const m = await sk.metrics.mmd2(x, reference);
      assert.ok(m < threshold, `MMD² ${m.toExponential(2)} ≥ threshold ${threshold.toExponential(2)} (NFE ${r.nfe})`);
      assert.equal(r.nfe, steps * make(score).nfePerStep + 1);
    });
  }

  it('adaptive Dormand–Prince on the VP probability-flow ODE (rtol = atol = 1e-5)', async () => {
    const score = sk.exactScore(vp, MIX);
    const x0 = vp.priorSample(sk.random.key(4), n, 2);
    const r = await sk.dopri5(sk.probabilityFlow(vp, score), x0, 1, 1e-3);
    const m = await sk.metrics.mmd2(sk.denoise(vp, score, r.x, 1e-3, 'tweedie'), reference);
    assert.ok(m < threshold, `MMD² ${m} (NFE ${r.nfe}, ${r.accepted} steps, ${r.rejected} rejected)`);
    assert.ok(r.nfe < 2000 && r.accepted > 5, `NFE ${r.nfe}`);
  });

  it('a score off by 30% fails the same test (its power: at n = 800 a 20% error, MMD² ≈ 0.003, goes unseen)', async () => {
    const score = sk.exactScore(vp, MIX);
    const wrong: sk.ScoreFn = (x, t) => sk.mul(score(x, t), 0.7);
    const r = sk.sample(sk.random.key(3), { sde: vp, stepper: sk.eulerMaruyama(vp, wrong), n, d: 2, steps: 200 });
    const m = await sk.metrics.mmd2(r.x, reference);
    assert.ok(m > threshold, `MMD² ${m} should exceed ${threshold}`);
  });
});

describe('sampler input errors', () => {
  const score = sk.exactScore(vp, MIX);
  it('SSCS needs CLD; Tweedie needs the full score; discretised samplers need VE/VP', () => {
    assert.throws(() => sk.sscs(vp, score), /SSCS is a sampler for CLD only, not for the VP SDE/);
    assert.throws(() => sk.denoise(cld, score, sk.zeros([1, 4]), 1e-3, 'tweedie'), /use 'mean-step'/);
    assert.throws(() => sk.ancestral(cld, score, 100), /not for CLD/);
    assert.throws(() => sk.reverseDiffusion(sub, score, 100), /sub-VP/);
    assert.throws(() => sk.langevinCorrector(vp, score, { snr: 0 }), /snr must be a finite number > 0/);
  });
  it('non-positive step counts and ε outside (0, T) are errors', () => {
    const st = sk.eulerMaruyama(vp, score);
    assert.throws(() => sk.sample(sk.random.key(0), { sde: vp, stepper: st, n: 10, d: 2, steps: 0 }), /steps must be a positive integer, got 0/);
    assert.throws(() => sk.sample(sk.random.key(0), { sde: vp, stepper: st, n: 10, d: 2, steps: 10, eps: 1.5 }), /eps must lie in \(0, T = 1\), got 1.5/);
    assert.throws(() => sk.sample(sk.random.key(0), { sde: vp, stepper: st, n: -1, d: 2, steps: 10 }), /n must be a positive integer/);
    assert.throws(() => sk.integrate(st, sk.zeros([2, 2]), [1, 1], sk.random.key(0)), /entries 0 and 1 are equal/);
  });
  it('a trajectory is kept only on request, and the loop does not grow memory', () => {
    const st = sk.eulerMaruyama(vp, score);
    const x0 = vp.priorSample(sk.random.key(1), 50, 2);
    const before = sk.memory().numTensors;
    const r = sk.integrate(st, x0, sk.timeGrid({ steps: 300, eps: 1e-3 }), sk.random.key(2));
    assert.equal(sk.memory().numTensors, before + 1);
    r.x.dispose();
    const t = sk.integrate(st, x0, sk.timeGrid({ steps: 5, eps: 1e-3 }), sk.random.key(2), { trajectory: true });
    assert.equal(t.trajectory!.length, 6);
  });
});
