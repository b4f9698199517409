/**
 * Dormand–Prince with a step size per sample and the PID step-size controller: a row sampled alone
 * equals the same row in a batch, bit for bit, with the same NFE (property; with the mixture's
 * per-row score and with a plain score evaluated by time groups; both controllers); on Gaussian data
 * the probability-flow ODE's exact map (quantile to quantile) is reached to the tolerance by both
 * solvers and both controllers; the PID factor follows k-diffusion's limiter; bad input is refused.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import * as sk from '../../index.js';
import { MIX } from './fixtures.js';

describe('Dormand–Prince with a step size per sample', () => {
  const vp = sk.vpSde();
  const score = sk.exactScore(vp, MIX);
  const plain: sk.ScoreFn = (x, t) => score(x, t);
  it('a row sampled alone equals the same row in a batch, bit for bit, with the same NFE (property)', async () => {
    const controllers: sk.ControllerKind[] = ['standard', { pid: {} }];
    await fc.assert(fc.asyncProperty(fc.integer({ min: 2, max: 8 }), fc.nat(), fc.boolean(), fc.boolean(), async (n, pick, usePlain, usePid) => {
      const r = pick % n;
      const f = sk.rowProbabilityFlow(vp, usePlain ? plain : score);
      const o = { rtol: 1e-3, atol: 1e-3, controller: controllers[usePid ? 1 : 0] };
      const x0 = vp.priorSample(sk.random.key(4), n, 2);
      const all = await sk.dopri5PerSample(f, x0, 1, 1e-3, o);
      const one = await sk.dopri5PerSample(f, sk.sliceAxis(x0, 0, r, 1), 1, 1e-3, o);
      const a = await all.x.data();
      const b = await one.x.data();
      assert.deepEqual([a[2 * r], a[2 * r + 1]], [b[0], b[1]]);
      assert.equal(all.nfePerRow[r], one.nfePerRow[0]);
      assert.equal(all.rejectedPerRow[r], one.rejectedPerRow[0]);
    }), { seed: 7, numRuns: 16 });
  });
  it('rows take their own number of steps; the registry entry runs from the prior and reports the mean NFE', async () => {
    const x0 = vp.priorSample(sk.random.key(1), 16, 2);
    const r = await sk.dopri5PerSample(sk.rowProbabilityFlow(vp, score), x0, 1, 1e-3);
    assert.ok(new Set(r.nfePerRow).size > 1, `NFE per row ${Array.from(r.nfePerRow).join(' ')}`);
    assert.equal(r.nfe, Array.from(r.nfePerRow).reduce((s, v) => s + v, 0) / 16);
    const run = await sk.runSampler(sk.random.key(3), sk.SAMPLERS['ode-dopri5-per-sample'], vp, score, { n: 8, d: 2, steps: 1 });
    assert.ok((await run.x.data()).every(Number.isFinite) && run.nfe > 7);
  });
  it('on Gaussian data both solvers, with either controller, reach the exact probability-flow map to the tolerance', async () => {
    const mu = 0.7;
    const s2 = 0.3;
    const data = sk.gmm({ weights: [1], means: [[mu]], covs: [[[s2]]] });
    const sc = sk.exactScore(vp, data);
    const x0 = sk.random.normal(sk.random.key(2), [20, 1]);
    // x_ε = α_ε μ + sd_ε (x_T − α_T μ)/sd_T, sd² = α²s² + 1 − α² (VP)
    const path = sk.gaussianPathOf(vp)!;
    const aT = path.alpha(1);
    const aE = path.alpha(1e-3);
    const sd = (a: number) => Math.sqrt(a * a * s2 + 1 - a * a);
    const exact = Array.from(x0.dataSync(), (v) => aE * mu + (sd(aE) * (v - aT * mu)) / sd(aT));
    const nfes: number[] = [];
    for (const controller of ['standard', { pid: {} }] as const) {
      const o = { rtol: 1e-7, atol: 1e-7, controller };
      const a = await sk.dopri5PerSample(sk.rowProbabilityFlow(vp, sc), x0, 1, 1e-3, o);
      const b = await sk.dopri5(sk.probabilityFlow(vp, sc), x0, 1, 1e-3, o);
      for (const [what, x] of [['per sample', a.x], ['batched', b.x]] as const) {
        const got = x.dataSync();
        exact.forEach((v, i) => assert.ok(Math.abs(got[i] - v) < 1e-5, `${what}, ${JSON.stringify(controller)}: row ${i} ${got[i]} vs ${v}`));
      }
      nfes.push(b.nfe);
    }
    assert.notEqual(nfes[0], nfes[1], 'the PID controller chooses other steps than the standard one');
  });
  it('bad input: tolerances ≤ 0, a state that is not [rows, columns], a path without a scalar diffusion, bad PID gains', async () => {
    const f = sk.rowProbabilityFlow(vp, score);
    const x0 = sk.zeros([2, 2]);
    await assert.rejects(sk.dopri5PerSample(f, x0, 1, 1e-3, { rtol: 0 }), /rtol and atol must be > 0/);
    await assert.rejects(sk.dopri5PerSample(f, sk.zeros([2, 2, 1]), 1, 1e-3), /must be \[rows, columns\]/);
    await assert.rejects(sk.dopri5PerSample(f, x0, 1, 1e-3, { controller: { pid: { i: Number.NaN } } }), /PID gain i must be a finite number/);
    await assert.rejects(sk.dopri5(sk.probabilityFlow(vp, score), x0, 1, 1e-3, { controller: { pid: { d: Infinity } } }), /dopri5: PID gain d must be a finite number/);
    const cld = sk.cldSde();
    assert.throws(() => sk.rowProbabilityFlow(cld, sk.exactScore(cld, MIX)), /needs a Gaussian path/);
  });
});

describe('step-size controllers', () => {
  it("PID (p, i, d) = (0, 1, 0): the factor 1 + atan(ε^{1/order} − 1) falls with the error, accepts at err ≤ 1 and rejects well above", () => {
    let last = Infinity;
    for (const err of [1e-6, 0.01, 0.5, 1, 2, 10, 1e6]) {
      const d = sk.controlStep({ pid: {} }, null, err, 5);
      assert.ok(d.factor < last && d.factor > 1 - Math.PI / 2 && d.factor < 1 + Math.PI / 2, `err ${err}: factor ${d.factor}`);
      last = d.factor;
      if (err <= 1) assert.ok(d.accept, `err ${err} accepted`);
      if (err >= 10) assert.ok(!d.accept, `err ${err} rejected`);
    }
    // at err = 1 the factor is 1 up to the 1e-8 guard
    assert.ok(Math.abs(sk.controlStep({ pid: {} }, null, 1, 5).factor - 1) < 1e-8);
  });
  it('a derivative gain uses the history of accepted steps only; a non-finite error rejects and shrinks ×0.2', () => {
    const c: sk.ControllerKind = { pid: { p: 0.1, i: 0.3, d: 0.05 } };
    const s1 = sk.controlStep(c, null, 0.5, 5);
    assert.ok(s1.accept);
    const withHistory = sk.controlStep(c, s1.state, 0.5, 5).factor;
    const fresh = sk.controlStep(c, null, 0.5, 5).factor;
    assert.ok(Math.abs(withHistory - fresh) < 1e-12, 'equal errors: the same factor');
    const rejected = sk.controlStep(c, s1.state, 1e9, 5);
    assert.ok(!rejected.accept);
    assert.deepEqual(rejected.state, s1.state, 'a rejected step leaves the history');
    assert.ok(sk.controlStep(c, s1.state, 0.1, 5).factor > sk.controlStep(c, [1 / 0.1, 1 / 0.1], 0.1, 5).factor, 'a falling error (0.5 → 0.1) grows the step more than a steady 0.1 (the proportional term)');
    for (const k of ['standard', c] as const) assert.deepEqual({ ...sk.controlStep(k, null, Number.NaN, 5), state: null }, { accept: false, factor: 0.2, state: null });
  });
});
