/**
 * Stochastic Heun and Reversible Heun: strong orders on one Brownian path with bootstrap intervals
 * (1.0 on additive noise, the nonlinear dx = −sin 3x dt + (1 + t)dW and the reverse VP SDE of a
 * mixture, Reversible Heun on Gaussian data; Reversible Heun 1.0 on the scalar Stratonovich geometric
 * Brownian motion, whose noise commutes),
 * Reversible Heun's algebraic reversibility (a step back with the negated increment returns the state
 * to rounding), and its NFE (two on the first step, one after).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import * as sk from '../../index.js';

const R = sk.random;

const grid = (n: number) => Float64Array.from({ length: n + 1 }, (_, i) => i / n);
const counts = [8, 16, 32, 64, 128];
const check = (r: sk.PathStrongOrderResult, want: number, what: string): void => {
  assert.ok(Math.abs(r.order - want) <= 0.1, `${what}: order ${r.order} (95% interval ${r.interval.join(' – ')}), errors ${r.errors.map((e) => e.toExponential(2)).join(' ')}`);
  assert.ok(r.interval[0] <= r.order && r.order <= r.interval[1], 'the interval holds the estimate');
};
const F = (x: sk.Tensor) => sk.neg(sk.sin(sk.mul(x, 3)));
const G = (z: sk.Tensor, t: number) => sk.mul(z, 1 + t);

describe('Heun solvers: strong orders on one Brownian path', () => {
  it('on dx = −sin 3x dt + (1 + t)dW: stochastic Heun 1.0, Reversible Heun 1.0 (against ShARK at 2048 steps)', () => {
    const x0 = sk.full([200, 1], 0.5);
    const reference = { steps: 2048, stepper: sk.additiveSraStepper(F, G, sk.SHARK) };
    check(sk.pathStrongOrder({ stepper: sk.additiveHeunStepper(F, G), grid, stepCounts: counts, x0, key: R.key(9), reference }), 1, 'stochastic Heun');
    check(sk.pathStrongOrder({ stepper: sk.reversibleHeunStepper(F, G), grid, stepCounts: counts, x0, key: R.key(9), reference }), 1, 'Reversible Heun');
  });
  it('Reversible Heun: 1.0 on the scalar Stratonovich geometric Brownian motion dX = μX dt + σX∘dW (exact X₀e^{μt + σW}; scalar noise commutes)', () => {
    const rows = 400;
    const x0 = sk.full([rows, 1], 1);
    const mu = 0.5;
    const sigma = 0.5;
    const r = sk.pathStrongOrder({
      stepper: sk.reversibleHeunStepper((x) => sk.mul(x, mu), (z, _t, at) => sk.mul(sk.mul(z, at), sigma)), grid, stepCounts: [16, 32, 64, 128, 256], x0, key: R.key(3),
      reference: { exact: (x, tree) => sk.mul(x, sk.exp(sk.add(sk.mul(sk.fromArray(tree.at(1, rows, 1).w, { shape: [rows, 1] }), sigma), mu))) },
    });
    check(r, 1, 'Reversible Heun on GBM');
  });
  it("the reverse VP SDE with an exact score: the registry's heun-sde (mixture data) and reversible-heun (Gaussian data) steppers 1.0", () => {
    const vp = sk.vpSde();
    const x0 = R.normal(R.key(5), [300, 1]);
    const vgrid = (n: number) => Float64Array.from({ length: n + 1 }, (_, i) => 1 - (i * (1 - 1e-3)) / n);
    const o = { steps: 0, eps: 1e-3 };
    // Reversible Heun's y − ŷ mode is multiplied by −(1 + |λ|h) each step on a contracting drift, so it
    // grows like exp ∫|λ|dt along the reverse VP SDE; on the mixture it plateaus near 0.3 up to 256 steps
    const cases = [
      ['heun-sde', sk.gmm({ weights: [0.5, 0.5], means: [[0], [0]], covs: [[[0.02]], [[1]]] }), counts],
      ['reversible-heun', sk.gmm({ weights: [1], means: [[0]], covs: [[[1]]] }), [64, 128, 256]],
    ] as const;
    for (const [name, data, stepCounts] of cases) {
      const s = sk.SAMPLERS[name];
      const score = sk.exactScore(vp, data);
      assert.ok(s.grid === 'fixed' && sk.strongMeasurable(s));
      const reference = { steps: 2048, stepper: sk.sraStepper(vp, score, sk.SHARK) };
      check(sk.pathStrongOrder({ stepper: s.stepper(vp, score, o), grid: vgrid, stepCounts, x0, key: R.key(9), reference }), s.strongOrder!, name);
    }
  });
});

describe('Reversible Heun', () => {
  it('a step back with the negated increment returns (y, ŷ, F(ŷ)) to rounding', () => {
    const vp = sk.vpSde();
    const data = sk.gmm({ weights: [0.3, 0.7], means: [[1, -1], [-0.5, 0.5]], covs: [[[0.2, 0], [0, 0.1]], [[0.3, 0.1], [0.1, 0.2]]] });
    const st = sk.reversibleHeun(vp, sk.exactScore(vp, data));
    const x = R.normal(R.key(1), [6, 2]);
    const z1 = R.normal(R.key(2), [6, 2]);
    const z2 = R.normal(R.key(3), [6, 2]);
    const s1 = st.step(sk.startState(x), 0.9, 0.85, [z1]);
    const s2 = st.step(s1, 0.85, 0.8, [z2]);
    const back = st.step(s2, 0.8, 0.85, [sk.neg(z2)]);
    const pairs: [sk.Tensor, sk.Tensor, string][] = [[back.x, s1.x, 'y'], [back.past[1].value, s1.past[1].value, 'ŷ'], [back.past[0].value, s1.past[0].value, 'F(ŷ)']];
    for (const [a, b, what] of pairs) {
      const u = a.dataSync();
      const v = b.dataSync();
      u.forEach((w, i) => assert.ok(Math.abs(w - v[i]) < 1e-12 * (1 + Math.abs(v[i])), `${what}[${i}]: ${w} vs ${v[i]}`));
    }
    // the back step moved: it is not the identity
    assert.ok(Math.abs(s2.x.dataSync()[0] - s1.x.dataSync()[0]) > 1e-3);
  });
  it('NFE: steps + 1 (the first step also evaluates F(ŷ₀)), in integrate and in the registry', async () => {
    const vp = sk.vpSde();
    const data = sk.gmm({ weights: [1], means: [[0]], covs: [[[1]]] });
    const score = sk.exactScore(vp, data);
    let calls = 0;
    const counted: sk.ScoreFn = (x, t) => { calls++; return score(x, t); };
    const r = sk.integrate(sk.reversibleHeun(vp, counted), sk.zeros([3, 1]), sk.timeGrid({ steps: 10, eps: 1e-3 }), R.key(0));
    assert.equal(calls, 11);
    assert.equal(r.nfe, 11);
    const run = await sk.runSampler(R.key(0), sk.SAMPLERS['reversible-heun'], vp, score, { n: 3, d: 1, steps: 10 });
    assert.equal(run.nfe, 11);
  });
});
