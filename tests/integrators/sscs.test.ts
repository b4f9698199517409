/** Strang-splitting invariants of SSCS's sub-flows and skeleton. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import * as sk from '../../index.js';

const cld = sk.cldSde();
/** The exact OU/Hamiltonian sub-flow A over a fixed β-integral, as a stepper. */
const flowA = (b: number): sk.Stepper => ({ name: `A(${b})`, noiseDraws: 1, nfePerStep: 0, step: (u, _t, _n, [z]) => sk.sscsLinearFlow(cld, u, b, z) });
const once = [1, 0.5];
const close = (a: sk.Moments, b: sk.Moments, tol: number): boolean => sk.momentError(a, b) < tol;

describe('SSCS sub-flows and skeleton', () => {
  const start: sk.Moments = {
    mean: [0.3, -1.2, 0.7, 0.1],
    cov: [[1.1, 0.2, 0.1, 0], [0.2, 0.8, 0, -0.05], [0.1, 0, 0.3, 0.02], [0, -0.05, 0.02, 0.4]],
  };
  it('the A flow is a semigroup: A(b₁)∘A(b₂) = A(b₁ + b₂) in mean and covariance', () => {
    for (const [b1, b2] of [[0.3, 0.7], [1e-6, 2e-6], [1.5, 0.01]]) {
      const two = sk.propagateMoments(flowA(b2), once, sk.propagateMoments(flowA(b1), once, start));
      const one = sk.propagateMoments(flowA(b1 + b2), once, start);
      assert.ok(close(two, one, 1e-12), `b = ${b1}, ${b2}: ${sk.momentError(two, one)}`);
    }
  });
  it('the A flow preserves the equilibrium N(0, I) × N(0, M I)', () => {
    const eq: sk.Moments = { mean: [0, 0, 0, 0], cov: [[1, 0, 0, 0], [0, 1, 0, 0], [0, 0, cld.M, 0], [0, 0, 0, cld.M]] };
    for (const b of [1e-7, 0.01, 0.5, 3]) assert.ok(close(sk.propagateMoments(flowA(b), once, eq), eq, 1e-13), `b = ${b}`);
  });
  it('the deterministic skeleton is time-symmetric: a step of h then −h returns the start (to rounding)', () => {
    // For scores −v/M + g(x, t) the S field 2Γβ(s + v/M) does not depend on v, so its Euler step is exact.
    const score: sk.ScoreFn = (u, t) => sk.add(sk.mul(cld.split(u).v, -1 / cld.M), sk.mul(sk.tanh(cld.split(u).x), 1 + t));
    const st = sk.sscs(cld, score, { stochastic: false });
    const u0 = sk.random.normal(sk.random.key(3), [5, 4]);
    const z: sk.Tensor[] = [];
    for (const [t, h] of [[0.8, 0.1], [0.3, 0.01], [0.05, 0.04]]) {
      const back = st.step(st.step(u0, t, t - h, z), t - h, t, z);
      const err = sk.max(sk.abs(sk.sub(back, u0))).itemSync();
      assert.ok(err < 1e-12, `t = ${t}, h = ${h}: max |u − u₀| = ${err}`);
    }
  });
  it('tiny half-steps (quadratic striding, 2000 steps) keep a valid Cholesky factor', () => {
    const g = sk.timeGrid({ steps: 2000, eps: 1e-3, kind: 'quadratic' });
    const last = cld.B(g[1999]) - cld.B((g[1999] + g[2000]) / 2);
    const k = cld.kernelOfIntegral(last, 0, 0);
    assert.ok(last > 0 && last < 1e-5, `half-step β-integral ${last}`);
    assert.ok(k.Sxx > 0 && Number.isFinite(k.L22) && k.L22 > 0, JSON.stringify(k));
  });
});
