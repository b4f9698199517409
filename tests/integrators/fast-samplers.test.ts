/**
 * The single-step fast samplers (DDIM, Euler, Euler ancestral, EDM's Heun, DPM-2, DPM-Solver-1/2/3,
 * DPM-Solver++(2S)): they run on every Gaussian path and refuse CLD with the reason, the identities
 * between them hold, the NFE counts steps into σ = 0, and bad options are clear errors. Their golden
 * values, orders and error against NFE are the conformance suite's (tests/conformance/).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import * as sk from '../../index.js';

const FAST = ['ddim', 'euler', 'euler-ancestral', 'edm-heun', 'dpm-2', 'dpm-solver-1', 'dpm-solver-2', 'dpm-solver-3', 'dpmpp-2s'] as const;
const mix = sk.gmm({ weights: [0.4, 0.6], means: [[-1, 0.5], [0.8, -0.3]], covs: [[[0.2, 0.05], [0.05, 0.1]], [[0.15, -0.04], [-0.04, 0.25]]] });
const PATHS: Record<string, () => sk.Sde> = {
  ve: () => sk.veSde(), vp: () => sk.vpSde(), subvp: () => sk.subVpSde(), edm: () => sk.edmSde(),
  'vp-cosine': () => sk.vpCosineSde(), rf: () => sk.rfSde(), 'vp-logsnr': () => sk.vpLogSnrSde(),
};

async function final(name: string, sde: sk.Sde, o: Partial<sk.RunOptions> & { steps: number }, seed = 3): Promise<{ x: number[]; nfe: number }> {
  const r = await sk.runSampler(sk.random.key(seed), sk.samplerByName(name), sde, sk.exactScore(sde, mix), { n: 64, d: 2, eps: 1e-3, ...o });
  const x = Array.from(await r.x.data());
  r.x.dispose();
  return { x, nfe: r.nfe };
}

const maxDiff = (a: number[], b: number[]): number => a.reduce((m, v, i) => Math.max(m, Math.abs(v - b[i])), 0);
const maxAbs = (a: number[]): number => a.reduce((m, v) => Math.max(m, Math.abs(v)), 0);

describe('fast samplers on the Gaussian paths', () => {
  for (const name of FAST) {
    it(`${name} runs on every Gaussian path (uniform, log-SNR and Karras grids) and refuses CLD with the reason`, async () => {
      const s = sk.samplerByName(name);
      for (const [kind, make] of Object.entries(PATHS)) {
        const sde = make();
        assert.equal(s.supports(sde), null, `${name} on ${kind}`);
        for (const grid of [undefined, sk.sdePathGrid(sde, 'logsnr', 12, 1e-3), sk.karrasGrid(sde, 12, 1e-3)]) {
          const { x } = await final(name, sde, { steps: 12, grid });
          assert.ok(x.every(Number.isFinite), `${name} on ${kind}: non-finite samples`);
          // the data lie within a few units of the origin: a sampler that ends at the wrong scale shows
          // here (twelve uniform steps in t are too coarse for EDM's σ ∈ [0.001, 80] to ask that of them)
          if (grid) assert.ok(maxAbs(x) < 6, `${name} on ${kind}: samples reach ${maxAbs(x)}`);
        }
      }
      const why = s.supports(sk.cldSde());
      assert.match(why ?? '', /Gaussian path/);
      await assert.rejects(final(name, sk.cldSde(), { steps: 4 }), /Gaussian path/);
    });
  }

  it('DDIM(η = 0), Euler in σ/α and DPM-Solver-1 are one method (to rounding), on VP and EDM', async () => {
    for (const sde of [sk.vpSde(), sk.edmSde()]) {
      const grid = sk.sdePathGrid(sde, 'logsnr', 7, 1e-3);
      const a = await final('ddim', sde, { steps: 7, grid });
      for (const other of ['euler', 'dpm-solver-1']) {
        const b = await final(other, sde, { steps: 7, grid });
        assert.ok(maxDiff(a.x, b.x) <= 1e-11 * Math.max(1, maxAbs(a.x)), `${other} vs ddim on ${sde.kind}: ${maxDiff(a.x, b.x)}`);
      }
    }
  });

  it('Euler ancestral with η ≤ 1 is DDIM(η) in x/α (same noise)', async () => {
    for (const eta of [0.3, 1]) {
      const sde = sk.vpCosineSde();
      const grid = sk.sdePathGrid(sde, 'logsnr', 5, 1e-3);
      const a = await final('ddim', sde, { steps: 5, grid, eta });
      const b = await final('euler-ancestral', sde, { steps: 5, grid, eta });
      assert.ok(maxDiff(a.x, b.x) <= 1e-11, `η = ${eta}: ${maxDiff(a.x, b.x)}`);
      const c = await final('ddim', sde, { steps: 5, grid, eta: eta / 2 });
      assert.ok(maxDiff(a.x, c.x) > 1e-3, 'η must change the samples');
    }
  });

  it('EDM Heun without churn on the EDM path is the probability-flow Heun method in t = σ', async () => {
    const sde = sk.edmSde();
    const a = await final('edm-heun', sde, { steps: 8 });
    const b = await final('ode-heun', sde, { steps: 8 });
    assert.ok(maxDiff(a.x, b.x) <= 1e-10 * Math.max(1, maxAbs(a.x)), `${maxDiff(a.x, b.x)}`);
  });

  it('EDM Heun: churn changes the samples only where S_tmin ≤ σ/α ≤ S_tmax; NFE 2N − 1 into σ = 0', async () => {
    const sde = sk.edmSde();
    const grid = sk.karrasGrid(sde, 10, 0.002);
    const det = await final('edm-heun', sde, { steps: 10, grid });
    assert.equal(det.nfe, 19);
    const churn = await final('edm-heun', sde, { steps: 10, grid, sChurn: 20, sTmin: 0.05, sTmax: 50 });
    assert.ok(maxDiff(det.x, churn.x) > 1e-3, 'churn must change the samples');
    const outside = await final('edm-heun', sde, { steps: 10, grid, sChurn: 20, sTmin: 100, sTmax: 200 });
    assert.deepEqual(outside.x, det.x);
    const eps = await final('edm-heun', sde, { steps: 10 });
    assert.equal(eps.nfe, 20, 'a grid that ends at ε > 0 has a Heun last step');
    assert.equal((await final('dpm-solver-3', sde, { steps: 4, grid: sk.karrasGrid(sde, 4, 0.002) })).nfe, 10);
  });

  it('bad options are clear errors', async () => {
    const vp = sk.vpSde();
    const s = sk.exactScore(vp, mix);
    const cases: [() => unknown, RegExp][] = [
      [() => sk.ddim(vp, s, { eta: -0.1 }), /ddim: eta \(η\) must be a finite number ≥ 0, got -0.1/],
      [() => sk.ddim(vp, s, { eta: 1.5 }), /ddim: eta \(η\) must lie in \[0, 1\]/],
      [() => sk.eulerAncestral(vp, s, { eta: -1 }), /euler-ancestral: eta \(η\) must be a finite number ≥ 0/],
      [() => sk.eulerAncestral(vp, s, { sNoise: 0 }), /sNoise \(S_noise\) must be a finite number > 0, got 0/],
      [() => sk.edmHeun(vp, s, { steps: 10, sNoise: -1 }), /edm-heun: sNoise \(S_noise\) must be a finite number > 0/],
      [() => sk.edmHeun(vp, s, { steps: 10, sChurn: -5 }), /edm-heun: sChurn \(S_churn\) must be a finite number ≥ 0/],
      [() => sk.edmHeun(vp, s, { steps: 10, sTmin: 2, sTmax: 1 }), /edm-heun: sTmin \(2\) must not exceed sTmax \(1\)/],
      [() => sk.dpmSolver(vp, s, 4 as 1), /dpm-solver: order must be 1, 2 or 3, got 4/],
    ];
    for (const [f, re] of cases) assert.throws(f, (e: unknown) => e instanceof RangeError && re.test(e.message), String(re));
    // churn on a sampler without churn, and options nobody reads
    await assert.rejects(final('ddim', vp, { steps: 5, sChurn: 10 }), /sampler 'ddim' has no option sChurn \(it reads eta\)/);
    await assert.rejects(final('dpm-solver-2', vp, { steps: 5, eta: 0.5 }), /sampler 'dpm-solver-2' has no option eta \(it reads no tuning options\)/);
    await assert.rejects(final('em', vp, { steps: 5, sNoise: 1.1 }), /sampler 'em' has no option sNoise/);
    // churn that leaves the path's noise range
    await assert.rejects(final('edm-heun', sk.edmSde(), { steps: 5, sChurn: 5 }), /edm-heun: σ\/α = .* is outside the edm path's range/);
  });
});
