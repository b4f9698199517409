/**
 * Sampling on a given grid: a Karras grid on EDM with Heun and the exact score reaches the exact
 * samples' MMD² null threshold in 18 steps (EDM's CIFAR-10 setting), where the uniform grid of the
 * same NFE does not; bad grids are refused with the reason.
 */
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import * as sk from '../../index.js';
import { MIX, mmdThreshold } from './fixtures.js';

describe('sampling on a given grid', () => {
  const n = 1000;
  let threshold = 0;
  before(async () => {
    threshold = await mmdThreshold(n);
  });
  const edm = sk.edmSde();
  const score = sk.exactScore(edm, MIX);
  const run = (grid: sk.GridKind | Float64Array) => sk.sample(sk.random.key(6), { sde: edm, stepper: sk.odeStepper(edm, score, 'heun'), n, d: 2, steps: 18, grid });

  it('a Karras grid starts at T, falls in σ/α with ρ = 7 and ends on the data', () => {
    const g = sk.karrasGrid(edm, 18, 0.002);
    assert.equal(g.length, 19);
    assert.equal(g[0], 80);
    assert.equal(g[18], 0);
    assert.ok(Math.abs(g[17] - 0.002) < 1e-12, `last σ ${g[17]}`);
    const r = Array.from(g.subarray(0, 18), (s) => s ** (1 / 7));
    for (let i = 1; i < 17; i++) assert.ok(Math.abs((r[i + 1] - r[i]) - (r[i] - r[i - 1])) < 1e-9, 'uniform in σ^{1/ρ}');
    assert.throws(() => sk.karrasGrid(sk.cldSde(), 10, 1e-3), /needs a Gaussian path; cld is not one/);
  });

  it('Heun on the Karras grid reaches the null threshold in 18 steps; on the uniform grid it does not', async () => {
    const reference = sk.gmmSample(MIX, sk.random.key(77), n);
    const karras = await sk.metrics.mmd2(run(sk.karrasGrid(edm, 18, 0.002)).x, reference);
    const uniform = await sk.metrics.mmd2(run('uniform').x, reference);
    assert.ok(karras < threshold, `Karras: MMD² ${karras} ≥ ${threshold}`);
    assert.ok(uniform > threshold, `uniform: MMD² ${uniform} should exceed ${threshold}`);
  });

  it('a step into σ = 0 is an Euler step that returns the denoiser: Heun costs 2N − 1 evaluations, none at σ = 0', async () => {
    const calls: number[] = [];
    const counted: sk.ScoreFn = (x, t) => { calls.push(t); return score(x, t); };
    const g = sk.karrasGrid(edm, 18, 0.002);
    const r = sk.sample(sk.random.key(6), { sde: edm, stepper: sk.odeStepper(edm, counted, 'heun'), n: 8, d: 2, steps: 18, grid: g });
    assert.equal(r.nfe, 35);
    assert.equal(calls.length, 35);
    assert.ok(calls.every((t) => t > 0), 'no score evaluation at σ = 0');
    // the Euler step from σ to 0 on EDM is x + (0 − σ)(x − D)/σ = D, Tweedie's denoiser at the last σ
    const before = sk.sample(sk.random.key(6), { sde: edm, stepper: sk.odeStepper(edm, score, 'heun'), n: 8, d: 2, steps: 17, grid: g.subarray(0, 18) });
    const D = sk.denoise(edm, score, before.x, g[17], 'tweedie');
    const a = await r.x.data();
    const b = await D.data();
    for (let i = 0; i < a.length; i++) assert.ok(Math.abs(a[i] - b[i]) < 1e-12 * (1 + Math.abs(b[i])), `row value ${i}: ${a[i]} against D = ${b[i]}`);
  });

  it('a grid of the wrong length, not from T, not decreasing, or on the data with denoising is refused', () => {
    const st = sk.odeStepper(edm, score, 'euler');
    const base = { sde: edm, stepper: st, n: 4, d: 2 };
    assert.throws(() => sk.sample(sk.random.key(0), { ...base, steps: 3, grid: [80, 1, 0] }), /has 2 steps, but steps is 3/);
    assert.throws(() => sk.sample(sk.random.key(0), { ...base, steps: 2, grid: [70, 1, 0] }), /must start at T = 80/);
    assert.throws(() => sk.sample(sk.random.key(0), { ...base, steps: 2, grid: [80, 90, 0] }), /must decrease/);
    assert.throws(() => sk.sample(sk.random.key(0), { ...base, steps: 2, grid: [80, 1, 0], denoise: { kind: 'tweedie', score } }), /ends at t = 0, on the data/);
  });
});
