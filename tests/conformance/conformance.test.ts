/**
 * The sampler conformance suite over the registry (verify/conformance.ts): every fixture of
 * tests/fixtures/conformance/ (golden values from independent float64 implementations of the
 * published updates, tests/fixtures/scripts/conformance_*.py) agrees to 1e-12, and every fixed-grid
 * sampler's error against NFE on a Gaussian mixture decreases. The declared weak orders are checked
 * by tests/integrators/orders.test.ts with the suite's orderCheck.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, it } from 'node:test';
import * as sk from '../../index.js';

const DIR = fileURLToPath(new URL('../../../tests/fixtures/conformance/', import.meta.url));
const fixtures = new Map<string, sk.GoldenFixture>(readdirSync(DIR).filter((f) => f.endsWith('.json')).map((f) => {
  const fx = JSON.parse(readFileSync(join(DIR, f), 'utf8')) as sk.GoldenFixture;
  return [f.replace(/\.json$/, ''), fx];
}));
/** The samplers whose fixtures this suite requires (entries added later bring their own). */
const REQUIRED = [
  'ddim', 'euler', 'euler-ancestral', 'edm-heun', 'dpm-2', 'dpm-solver-1', 'dpm-solver-2', 'dpm-solver-3', 'dpmpp-2s',
  'dpmpp-2m', 'dpmpp-3m', 'dpmpp-2m-sde', 'dpmpp-3m-sde', 'deis', 'ipndm', 'lms', 'unipc',
];

describe('conformance: golden values against independent float64 references', () => {
  it('the fixtures are named after registry samplers, and the fast samplers have theirs', () => {
    for (const [file, fx] of fixtures) {
      assert.equal(fx.sampler, file, `${file}.json names sampler '${fx.sampler}'`);
      assert.ok(sk.isSamplerName(fx.sampler), `${file}.json: '${fx.sampler}' is not in the registry`);
      sk.checkGoldenFixture(fx);
    }
    for (const name of REQUIRED) assert.ok(fixtures.has(name), `no fixture for ${name}`);
  });

  for (const name of sk.SAMPLER_NAMES) {
    const fx = fixtures.get(name);
    if (!fx) continue;
    it(`${name}: ${fx.cases.length} cases agree to 1e-12 relative (${fx.reference})`, async () => {
      const rs = await sk.goldenCheck(sk.SAMPLERS[name], fx);
      for (const r of rs) assert.ok(r.pass, `${name}, ${r.name}: relative error ${r.relError.toExponential(2)}, NFE ${r.nfe} (reference ${r.nfeRef})`);
    });
  }

  it('a tampered fixture fails: a state off by 1e-9, a wrong NFE, a malformed file', async () => {
    const fx = fixtures.get('dpm-solver-2')!;
    const c = fx.cases[0];
    const off = { ...c, x: c.x.map((r, i) => r.map((v, j) => (i === 0 && j === 0 ? v + 1e-9 * Math.max(1, Math.abs(v)) : v))) };
    const [r1] = await sk.goldenCheck(sk.SAMPLERS['dpm-solver-2'], { ...fx, cases: [off] });
    assert.ok(!r1.pass && r1.relError > 1e-10, `relative error ${r1.relError}`);
    const [r2] = await sk.goldenCheck(sk.SAMPLERS['dpm-solver-2'], { ...fx, cases: [{ ...c, nfe: c.nfe + 1 }] });
    assert.ok(!r2.pass && r2.relError < 1e-12);
    // the same inputs through another method: DPM-2 (midpoint in log σ/α) is DPM-Solver-2 (r₁ = ½ in
    // λ) to rounding, DPM-Solver++(2S) (the data form) is a different method
    await assert.rejects(sk.goldenCheck(sk.SAMPLERS['dpm-2'], fx), /fixture is for 'dpm-solver-2', not 'dpm-2'/);
    const [r3] = await sk.goldenCheck(sk.SAMPLERS['dpm-2'], { ...fx, sampler: 'dpm-2', cases: [c] });
    assert.ok(r3.pass, `DPM-2 vs DPM-Solver-2: ${r3.relError}`);
    const [r4] = await sk.goldenCheck(sk.SAMPLERS['dpmpp-2s'], { ...fx, sampler: 'dpmpp-2s', cases: [c] });
    assert.ok(!r4.pass && r4.relError > 1e-6, `DPM-Solver++(2S) vs DPM-Solver-2: ${r4.relError}`);
    assert.throws(() => sk.checkGoldenFixture({ schema: 2 }), /schema/);
    assert.throws(() => sk.checkGoldenFixture({ ...fx, cases: [{ ...c, sde: 'heat' }] }), /unknown sde 'heat'/);
    assert.throws(() => sk.checkGoldenFixture({ ...fx, cases: [{ ...c, noise: [] }] }), /noise must list one entry per step/);
  });
});

describe('conformance: error against NFE on a Gaussian mixture (exact score and moments)', () => {
  for (const name of sk.SAMPLER_NAMES) {
    const s = sk.SAMPLERS[name];
    it(`${name}: the weak error of mean and covariance decreases with the NFE`, async () => {
      const r = await sk.nfeCheck(s);
      if (!r) {
        assert.ok(s.grid !== 'fixed', `${name} is a fixed-grid sampler, so the check applies`);
        return;
      }
      const table = r.nfe.map((n, i) => `${n}: ${r.errors[i].toExponential(2)}`).join(', ');
      assert.ok(r.pass, `${name} on ${r.sde} (${r.grid} grid): ${table}; Monte-Carlo tolerance ${r.mcTolerance.toExponential(2)}${r.refused.length ? `; ${r.refused.join('; ')}` : ''}`);
    });
  }
});
