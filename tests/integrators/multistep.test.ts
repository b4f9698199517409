/**
 * The multistep samplers (DPM-Solver++ 2M/3M and their SDE variants, DEIS, iPNDM, LMS, UniPC):
 * - golden values: in the conformance suite (tests/conformance/), from the independent float64 numpy
 *   implementation tests/fixtures/scripts/conformance_multistep.py (VP, EDM and rectified-flow paths);
 * - weak orders by exact moment propagation beyond the registry's defaults (UniPC p + 1 without
 *   lower-order final steps, DEIS r + 1);
 * - identities: UniPC p = 1 without corrector is DDIM, DEIS tAB-3 ≡ LMS-4 where t = σ̃ (EDM);
 * - memory: the past outputs are released as the state drops them;
 * - bad input: orders above 3 or above the steps, η < 0, unknown variants, CLD.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import * as sk from '../../index.js';

const MULTISTEP = ['dpmpp-2m', 'dpmpp-3m', 'dpmpp-2m-sde', 'dpmpp-3m-sde', 'deis', 'ipndm', 'lms', 'unipc'] as const;
const gauss = sk.gmm({ weights: [1], means: [[0.8, -0.4]], covs: [[[0.5, 0.15], [0.15, 0.3]]] });
const EPS = 1e-3;
const mom = (g: sk.Gmm): sk.Moments => ({ mean: g.means[0], cov: g.covs[0] });

function measured(sde: sk.Sde, make: (n: number) => sk.AnyStepper, counts: number[]): sk.OrderResult {
  return sk.weakOrder({ stepper: make, grid: (n) => sk.sdePathGrid(sde, 'logsnr', n, EPS), stepCounts: counts, initial: mom(sk.marginal(sde, gauss, sde.T)), exact: mom(sk.marginal(sde, gauss, EPS)) });
}
const fmt = (r: sk.OrderResult): string => r.stepCounts.map((n, i) => `${n}: ${r.errors[i].toExponential(2)}`).join(', ') + ` → ${r.order.toFixed(2)}`;

describe('multistep samplers: weak orders beyond the defaults (exact moments, Gaussian data, VP log-SNR grid)', () => {
  const vp = sk.vpSde();
  const score = sk.exactScore(vp, gauss);
  const S = [40, 80, 160, 320];
  const cases: [string, (n: number) => sk.AnyStepper, number][] = [
    ['UniPC p = 2, bh2, no lower-order final: order p + 1 = 3', (n) => sk.unipc(vp, score, { order: 2, variant: 'bh2', steps: n, lowerOrderFinal: false }), 3],
    ['UniPC p = 3, bh2, lower-order final: order 3 (the final DDIM and UniPC-2 steps cost one order)', (n) => sk.unipc(vp, score, { order: 3, variant: 'bh2', steps: n }), 3],
    ['DEIS tAB-2: order 3', (n) => sk.deisTab(vp, score, { order: 2, steps: n }), 3],
    ['DPM-Solver++(2M) SDE, heun term: order 2', (n) => sk.dpmppSde(vp, score, { order: 2, steps: n, solverType: 'heun' }), 2],
  ];
  for (const [what, make, want] of cases) {
    it(`${what} (steps ${S.join(', ')})`, () => {
      const r = measured(vp, make, S);
      assert.ok(Math.abs(r.order - want) < 0.15, `${what}: ${fmt(r)}`);
    });
  }
});

describe('multistep samplers: error against NFE (exact moments, VP log-SNR grid)', () => {
  it('DPM-Solver++(2M) and UniPC (bh2) have a smaller weak error than DDIM at NFE 5, 10 and 20', () => {
    const vp = sk.vpSde();
    const score = sk.exactScore(vp, gauss);
    const err = (st: sk.AnyStepper, n: number) => sk.momentError(sk.propagateMoments(st, sk.sdePathGrid(vp, 'logsnr', n, EPS), mom(sk.marginal(vp, gauss, vp.T))), mom(sk.marginal(vp, gauss, EPS)));
    for (const n of [5, 10, 20]) {
      const ddim = err(sk.dpmppMultistep(vp, score, { order: 1, steps: n }), n);
      const m2 = err(sk.dpmppMultistep(vp, score, { order: 2, steps: n }), n);
      const uni = err(sk.unipc(vp, score, { order: 2, variant: 'bh2', steps: n }), n);
      assert.ok(m2 < 0.5 * ddim && uni < 0.5 * ddim, `NFE ${n}: DDIM ${ddim.toExponential(2)}, 2M ${m2.toExponential(2)}, UniPC ${uni.toExponential(2)}`);
    }
  });
});

describe('multistep samplers: identities, memory and bad input', () => {
  const vp = sk.vpSde();
  const score = sk.exactScore(vp, gauss);
  const x0 = () => vp.priorSample(sk.random.key(3), 8, 2);
  const grid = sk.timeGrid({ steps: 8, eps: EPS });

  it('DEIS tAB-3 equals LMS-4 on the EDM path (t = σ̃, so Lagrange in t is Lagrange in σ̃)', () => {
    const edm = sk.edmSde();
    const s = sk.exactScore(edm, gauss);
    const g = sk.karrasGrid(edm, 10, EPS).subarray(0, 10);
    const x = edm.priorSample(sk.random.key(4), 8, 2);
    const a = sk.integrate(sk.deisTab(edm, s, { order: 3, steps: 9 }), x, g, sk.random.key(0)).x.dataSync();
    const b = sk.integrate(sk.lms(edm, s, { steps: 9 }), x, g, sk.random.key(0)).x.dataSync();
    a.forEach((v, i) => assert.ok(Math.abs(v - b[i]) < 1e-9 * (1 + Math.abs(v)), `${i}: ${v} vs ${b[i]}`));
  });

  it('first steps are DDIM (DPM-Solver++(1), UniPC without its corrector, LMS, DEIS, iPNDM); 2M SDE with η = 0 is 2M', () => {
    const x = x0();
    const run = (st: sk.AnyStepper, g: ArrayLike<number> = grid) => Array.from(sk.integrate(st, x, g, sk.random.key(0)).x.dataSync());
    const close = (a: number[], b: number[], what: string) => a.forEach((v, i) => assert.ok(Math.abs(v - b[i]) < 1e-12 * (1 + Math.abs(v)), `${what} ${i}: ${v} vs ${b[i]}`));
    // one step: UniPC's last step runs no corrector, so UniPC-1 over one step is DDIM
    const g1 = [grid[0], grid[1]];
    close(run(sk.unipc(vp, score, { order: 1, steps: 1 }), g1), run(sk.dpmppMultistep(vp, score, { order: 1, steps: 1 }), g1), 'UniPC-1 vs DDIM');
    const ddim = run(sk.dpmppMultistep(vp, score, { order: 1, steps: 1 }), g1);
    // DDIM is the Euler step in (x̃, σ̃) with ε̂: LMS, DEIS and iPNDM start with it
    for (const st of [sk.lms(vp, score, { steps: 1 }), sk.deisTab(vp, score, { order: 1, steps: 1 }), sk.ipndm(vp, score, { steps: 1 })]) close(run(st, g1), ddim, `${st.name} first step vs DDIM`);
    close(run(sk.dpmppSde(vp, score, { order: 2, steps: 8, eta: 0 })), run(sk.dpmppMultistep(vp, score, { order: 2, steps: 8, lowerOrderFinal: false })), '2M SDE η = 0 vs 2M');
    // over 8 steps the corrector and the higher orders change the result
    assert.notDeepEqual(run(sk.unipc(vp, score, { order: 1, steps: 8, lowerOrderFinal: false })), run(sk.dpmppMultistep(vp, score, { order: 1, steps: 8 })));
  });

  it('order plans: warm-up min(order, i + 1), lower-order final min(·, N − i); DPM-Solver++ lowers the final orders only below 10 steps by default', () => {
    assert.deepEqual(Array.from({ length: 6 }, (_, i) => sk.orderPlan(3, 6, true)(i)), [1, 2, 3, 3, 2, 1]);
    assert.deepEqual(Array.from({ length: 6 }, (_, i) => sk.orderPlan(3, 6, false)(i)), [1, 2, 3, 3, 3, 3]);
    const x = x0();
    const bits = (st: sk.AnyStepper, n: number) => Array.from(sk.integrate(st, x, sk.timeGrid({ steps: n, eps: EPS }), sk.random.key(0)).x.dataSync());
    for (const [n, lof] of [[6, true], [12, false]] as const) {
      assert.deepEqual(bits(sk.dpmppMultistep(vp, score, { order: 3, steps: n }), n), bits(sk.dpmppMultistep(vp, score, { order: 3, steps: n, lowerOrderFinal: lof }), n), `${n} steps`);
      assert.notDeepEqual(bits(sk.dpmppMultistep(vp, score, { order: 3, steps: n }), n), bits(sk.dpmppMultistep(vp, score, { order: 3, steps: n, lowerOrderFinal: !lof }), n), `${n} steps`);
    }
  });

  it('the past outputs are released every step: live tensors stay flat over a long run', () => {
    for (const st of [sk.unipc(vp, score, { order: 3, steps: 200 }), sk.dpmppSde(vp, score, { order: 3, steps: 200 }), sk.lms(vp, score, { steps: 200 })]) {
      const x = x0();
      const before = sk.memory().numTensors;
      const r = sk.integrate(st, x, sk.timeGrid({ steps: 200, eps: EPS }), sk.random.key(1));
      assert.equal(sk.memory().numTensors, before + 1, `${st.name}: live tensors after the run`);
      r.x.dispose();
      x.dispose();
    }
  });

  it('row chunks give the same bits as one run (the past is per row)', async () => {
    for (const name of ['unipc', 'dpmpp-2m-sde', 'deis'] as const) {
      const s = sk.SAMPLERS[name];
      assert.ok(sk.chunkable(s));
      const o = { sde: vp, stepper: s.stepper(vp, score, { steps: 12 }), n: 10, d: 2, steps: 12 };
      const one = sk.sample(sk.random.key(5), o).x.dataSync();
      const chunked = (await sk.sampleChunked(sk.random.key(5), o, { chunk: 3 })).x.dataSync();
      assert.deepEqual(Array.from(chunked), Array.from(one), name);
    }
  });

  it('refuses orders above 3 or above the steps, η < 0, unknown variants and solver types, and CLD', () => {
    assert.throws(() => sk.unipc(vp, score, { order: 4, steps: 10 }), /unipc: order must be an integer from 1 to 3, got 4/);
    assert.throws(() => sk.deisTab(vp, score, { order: 3, steps: 2 }), /order 3 needs at least 3 steps, the grid has 2/);
    assert.throws(() => sk.SAMPLERS.unipc.grid === 'fixed' && sk.SAMPLERS.unipc.stepper(vp, score, { steps: 10, order: 0 }), /order must be an integer from 1 to 3, got 0/);
    assert.throws(() => sk.dpmppSde(vp, score, { order: 2, steps: 10, eta: -0.5 }), /η must be a finite number ≥ 0, got -0.5/);
    assert.throws(() => sk.unipc(vp, score, { steps: 10, variant: 'bh3' as sk.UniPcVariant }), /unknown variant 'bh3' \(bh1, bh2\)/);
    assert.throws(() => sk.dpmppSde(vp, score, { order: 2, steps: 10, solverType: 'euler' as sk.SdeSolverType }), /unknown solver type 'euler'/);
    const cld = sk.cldSde();
    for (const n of MULTISTEP) {
      const why = sk.SAMPLERS[n].supports(cld);
      assert.match(why ?? '', /needs a Gaussian path/, n);
      assert.throws(() => sk.checkSupports(sk.SAMPLERS[n], cld), /needs a Gaussian path/);
    }
  });
});
