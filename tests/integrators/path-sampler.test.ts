/**
 * Sampling every Gaussian path with its exact mixture oracle, in several parameterisations and grids:
 * MMD² against fresh exact samples stays below the null threshold the other sampler tests use.
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

const edm = sk.edmPath();
const rf = sk.rfPath();
const cos = sk.vpCosinePath();
const lsnr = sk.vpLogSnrPath();
const vp = sk.linearSdePath(sk.vpSde());

type Case = [string, sk.GaussianPath, sk.Parameterisation, Float64Array, 'euler' | 'heun', number, number];
const cases: Case[] = [
  ['EDM, x0 (denoiser), Karras 18 steps, Heun', edm, 'x0', sk.pathTimeGrid(edm, { kind: 'karras', steps: 18 }), 'heun', 0, 35],
  ['EDM, eps, Karras 200 steps, reverse SDE (η = 1)', edm, 'eps', sk.pathTimeGrid(edm, { kind: 'karras', steps: 200 }), 'euler', 1, 200],
  ['rectified flow, velocity, uniform 0.999 → 1e-3, 100 Euler steps', rf, 'velocity', sk.pathTimeGrid(rf, { kind: 'uniform', steps: 100, tMin: 1e-3, tMax: 0.999 }), 'euler', 0, 100],
  ['rectified flow, v, Karras (σ/α 80 → 0.002) 30 steps, Heun', rf, 'v', sk.pathTimeGrid(rf, { kind: 'karras', steps: 30 }), 'heun', 0, 59],
  ['cosine VP, eps, log-SNR grid 40 steps, Heun', cos, 'eps', sk.pathTimeGrid(cos, { kind: 'logsnr', steps: 40, tMin: 1e-3 }), 'heun', 0, 80],
  ['cosine VP, score, quadratic grid 200 steps, η = 0.5', cos, 'score', sk.pathTimeGrid(cos, { kind: 'quadratic', steps: 200, tMin: 1e-3 }), 'euler', 0.5, 200],
  ['log-SNR VP, v, log-SNR grid 40 steps, Heun', lsnr, 'v', sk.pathTimeGrid(lsnr, { kind: 'logsnr', steps: 40, tMin: 0 + 1e-3 }), 'heun', 0, 80],
  ['VP, eps, Karras (σ/α 80 → 0.002) 30 steps, Heun', vp, 'eps', sk.pathTimeGrid(vp, { kind: 'karras', steps: 30 }), 'heun', 0, 59],
];

describe('sampling Gaussian paths with the exact oracle (MMD² below the null threshold)', () => {
  for (const [name, path, param, grid, method, eta, nfe] of cases) {
    it(name, async () => {
      const r = sk.samplePath(path, sk.pathOracle(path, MIX, param), param, sk.random.key(3), { n, d: 2, grid, method, eta });
      const m = await sk.metrics.mmd2(r.x, reference);
      assert.ok(m < threshold, `MMD² ${m.toExponential(2)} ≥ threshold ${threshold.toExponential(2)}`);
      assert.equal(r.nfe, nfe);
    });
  }
  it('a wrong parameterisation label fails the same test (the check can fail)', async () => {
    const grid = sk.pathTimeGrid(edm, { kind: 'karras', steps: 18 });
    const r = sk.samplePath(edm, sk.pathOracle(edm, MIX, 'eps'), 'x0', sk.random.key(3), { n, d: 2, grid, method: 'heun' });
    assert.ok((await sk.metrics.mmd2(r.x, reference)) > threshold);
  });
  it('bad input is a RangeError', () => {
    const s = sk.pathOracle(rf, MIX, 'velocity');
    assert.throws(() => sk.samplePath(rf, s, 'velocity', sk.random.key(1), { n: 2, d: 2, grid: Float64Array.of(0.5, 0.6) }), /the grid must decrease strictly/);
    assert.throws(() => sk.samplePath(rf, s, 'velocity', sk.random.key(1), { n: 2, d: 2, grid: Float64Array.of(1.5, 0.6) }), /grid time 1.5 is outside the rf path's domain \[0, 1\]/);
    assert.throws(() => sk.samplePath(rf, s, 'velocity', sk.random.key(1), { n: 2, d: 2, grid: Float64Array.of(0.5, 0.1), method: 'heun', eta: 1 }), /heun integrates the probability-flow ODE/);
  });
});
