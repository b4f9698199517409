/**
 * The Butcher-tableau steppers against the textbook formulas written out by hand: Euler and the
 * stage inputs are the same bits; Heun's and RK4's final sums are grouped differently (one fused
 * Σ b_s k_s against (k1 + 2(k2 + k3) + k4)/6), so they agree to rounding.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import * as sk from '../../index.js';
import { MIX } from './fixtures.js';

type F = (x: sk.Tensor, t: number) => sk.Tensor;
const textbook: Record<'euler' | 'heun' | 'rk4', (F: F) => sk.Stepper> = {
  euler: (F) => ({ name: 'euler', noiseDraws: 0, nfePerStep: 1, step: (x, t, tn) => sk.add(x, sk.mul(F(x, t), tn - t)) }),
  heun: (F) => ({
    name: 'heun', noiseDraws: 0, nfePerStep: 2,
    step(x, t, tn) {
      const h = tn - t;
      const k1 = F(x, t);
      const k2 = F(sk.add(x, sk.mul(k1, h)), tn);
      return sk.add(x, sk.mul(sk.add(k1, k2), h / 2));
    },
  }),
  rk4: (F) => ({
    name: 'rk4', noiseDraws: 0, nfePerStep: 4,
    step(x, t, tn) {
      const h = tn - t;
      const k1 = F(x, t);
      const k2 = F(sk.add(x, sk.mul(k1, h / 2)), t + h / 2);
      const k3 = F(sk.add(x, sk.mul(k2, h / 2)), t + h / 2);
      const k4 = F(sk.add(x, sk.mul(k3, h)), tn);
      return sk.add(x, sk.mul(sk.add(sk.add(k1, sk.mul(sk.add(k2, k3), 2)), k4), h / 6));
    },
  }),
};

describe('Runge–Kutta tableaux', () => {
  for (const [name, sde] of [['VP', sk.vpSde()], ['CLD', sk.cldSde()]] as const) {
    const F = sk.probabilityFlow(sde, sk.exactScore(sde, MIX));
    for (const m of ['euler', 'heun', 'rk4'] as const) {
      it(`${name} ${m}: the tableau stepper equals the textbook formula (to one step's rounding for the grouped sums)`, () => {
        // one step from the same state at several times: the difference is the rounding of one step
        const x = sk.random.normal(sk.random.key(9), [64, sde.stateDim(2)]);
        const grid = sk.timeGrid({ steps: 8, eps: 1e-3 });
        const tab = sk.odeStepper(sde, sk.exactScore(sde, MIX), m);
        const ref = textbook[m](F);
        let worst = 0;
        let scale = 0;
        for (let i = 0; i + 1 < grid.length; i++) {
          const a = tab.step(x, grid[i], grid[i + 1], []).dataSync();
          const b = ref.step(x, grid[i], grid[i + 1], []).dataSync();
          for (let j = 0; j < a.length; j++) {
            worst = Math.max(worst, Math.abs(a[j] - b[j]));
            scale = Math.max(scale, Math.abs(b[j]));
          }
        }
        if (m === 'euler') assert.equal(worst, 0, 'Euler is x + h·F in both, the same bits');
        else assert.ok(worst > 0 && worst <= 8 * Number.EPSILON * scale, `${m}: max |Δ| = ${worst} against ${8 * Number.EPSILON * scale}`);
      });
    }
  }

  it('every tableau is consistent (Σb = 1, c_s = Σ_j a_sj) and an FSAL tableau ends on b', () => {
    for (const tab of [sk.EULER, sk.HEUN, sk.MIDPOINT, sk.RK4, sk.DOPRI5]) {
      const sb = tab.b.reduce((p, q) => p + q, 0);
      assert.ok(Math.abs(sb - 1) < 1e-15, `${tab.name}: Σb = ${sb}`);
      tab.a.forEach((row, s) => {
        assert.equal(row.length, s, `${tab.name}: row ${s} of a has ${row.length} entries`);
        const sa = row.reduce((p, q) => p + q, 0);
        assert.ok(Math.abs(sa - tab.c[s]) < 1e-14, `${tab.name}: c_${s} = ${tab.c[s]} but Σa = ${sa}`);
      });
      if (tab.fsal) assert.deepEqual([...tab.a[tab.a.length - 1], 0], [...tab.b]);
      if (tab.bErr) assert.ok(Math.abs(tab.bErr.reduce((p, q) => p + q, 0)) < 1e-15, `${tab.name}: Σ bErr must vanish`);
    }
  });
});
