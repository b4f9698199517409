import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import * as sk from '../../index.js';

/**
 * Independent reference: integrate the moment ODEs of one (x, v) dimension with RK4,
 *   dΦ/dt = F(t)Φ, Φ(0) = I;   dΣ/dt = F(t)Σ + ΣF(t)ᵀ + GGᵀ, Σ(0) = diag(S0xx, S0vv),
 * F = β(t)[[0, 1/M], [−1, −Γ/M]], GGᵀ = diag(0, 2Γβ(t)).
 */
function momentOde(sde: sk.CldSde, t: number, S0xx: number, S0vv: number, steps: number) {
  const { M, Gamma } = sde;
  // state: Φ (4) then Σxx, Σxv, Σvv
  const rhs = (s: number, y: number[]): number[] => {
    const b = sde.beta(s);
    const F = [0, b / M, -b, (-b * Gamma) / M];
    const [p11, p12, p21, p22, sxx, sxv, svv] = y;
    const FP = [F[0] * p11 + F[1] * p21, F[0] * p12 + F[1] * p22, F[2] * p11 + F[3] * p21, F[2] * p12 + F[3] * p22];
    // (FΣ + ΣFᵀ): xx = 2(F00 sxx + F01 sxv), xv = F00 sxv + F01 svv + sxx F10 + sxv F11, vv = 2(F10 sxv + F11 svv)
    const dxx = 2 * (F[0] * sxx + F[1] * sxv);
    const dxv = F[0] * sxv + F[1] * svv + F[2] * sxx + F[3] * sxv;
    const dvv = 2 * (F[2] * sxv + F[3] * svv) + 2 * Gamma * b;
    return [...FP, dxx, dxv, dvv];
  };
  let y = [1, 0, 0, 1, S0xx, 0, S0vv];
  const h = t / steps;
  for (let i = 0; i < steps; i++) {
    const s = i * h;
    const k1 = rhs(s, y);
    const k2 = rhs(s + h / 2, y.map((v, j) => v + (h / 2) * k1[j]));
    const k3 = rhs(s + h / 2, y.map((v, j) => v + (h / 2) * k2[j]));
    const k4 = rhs(s + h, y.map((v, j) => v + h * k3[j]));
    y = y.map((v, j) => v + (h / 6) * (k1[j] + 2 * k2[j] + 2 * k3[j] + k4[j]));
  }
  return { mxx: y[0], mxv: y[1], mvx: y[2], mvv: y[3], Sxx: y[4], Sxv: y[5], Svv: y[6] };
}

const relErr = (a: number, b: number): number => Math.abs(a - b) / Math.max(Math.abs(b), 1e-300);

describe('CLD perturbation kernel', () => {
  const configs: [string, sk.CldConfig][] = [
    ['paper defaults (β = 4, M = 0.25)', {}],
    ['time-varying β (beta0 = 0.1, beta1 = 6.9)', { beta0: 0.1, beta1: 6.9 }],
    ['M = 1 (Γ = 2)', { M: 1, beta0: 2 }],
  ];
  for (const [label, cfg] of configs) {
    const sde = sk.cldSde(cfg);
    for (const [init, S0xx, S0vv] of [['HSM', 0, sde.gamma * sde.M], ['DSM', 0, 0], ['general Σ0', 0.3, 0.2]] as const) {
      it(`${label}, ${init}: closed form = moment ODEs to 1e-10 (relative) from t = 1e-5 to 1`, () => {
        let worst = 0;
        for (const t of [1e-5, 1e-3, 0.05, 0.3, 1]) {
          const k = sde.kernelFrom(t, S0xx, S0vv, false);
          const r = momentOde(sde, t, S0xx, S0vv, 4000);
          for (const key of ['mxx', 'mxv', 'mvx', 'mvv', 'Sxx', 'Sxv', 'Svv'] as const) {
            const e = relErr(k[key], r[key]);
            worst = Math.max(worst, e);
            assert.ok(e < 1e-10, `t = ${t}, ${key}: closed form ${k[key]} vs ODE ${r[key]} (relative error ${e})`);
          }
        }
        assert.ok(worst < 1e-10);
      });
    }
  }

  it('Cholesky factor reproduces the covariance; ℓ_t = √(Σxx/det)', () => {
    const sde = sk.cldSde();
    for (const t of [1e-5, 0.01, 0.5, 1]) {
      const k = sde.kernel(t, 'hsm');
      assert.ok(Math.abs(k.L11 * k.L11 - k.Sxx) <= 1e-15 * k.Sxx);
      assert.ok(Math.abs(k.L11 * k.L21 - k.Sxv) <= 1e-14 * Math.abs(k.Sxv) + 1e-300);
      assert.ok(Math.abs(k.L21 * k.L21 + k.L22 * k.L22 - k.Svv) <= 1e-14 * k.Svv);
      const det = k.Sxx * k.Svv - k.Sxv * k.Sxv;
      assert.ok(relErr(k.ell, Math.sqrt(k.Sxx / det)) < 1e-10, `t = ${t}`);
    }
  });

  it('at small t the covariances stay positive in float64 (the direct formula would cancel)', () => {
    const sde = sk.cldSde({ numEps: 0 });
    for (const t of [1e-7, 1e-6, 1e-5]) {
      const k = sde.kernel(t, 'dsm');
      assert.ok(k.Sxx > 0 && k.Svv > 0 && k.L22 > 0, `t = ${t}: Sxx ${k.Sxx}, Svv ${k.Svv}, L22 ${k.L22}`);
      // leading order for DSM: Σxx ≈ (2/3)·β²Γ... check against the series: Σxx ~ e^{−y}·y³/6
      const y = (4 * sde.B(t)) / sde.Gamma;
      assert.ok(relErr(k.Sxx, Math.exp(-y) * (y ** 3 / 6 + y ** 4 / 24 + y ** 5 / 120)) < 1e-6);
    }
  });

  it('the kernel converges to the equilibrium N(0, I) × N(0, M I) as t grows', () => {
    const sde = sk.cldSde({ numEps: 0, T: 10 });
    const k = sde.kernel(10, 'hsm');
    assert.ok(Math.abs(k.Sxx - 1) < 1e-12 && Math.abs(k.Svv - sde.M) < 1e-12 && Math.abs(k.Sxv) < 1e-12, JSON.stringify(k));
    assert.ok(Math.abs(k.mxx) < 1e-12 && Math.abs(k.mvv) < 1e-12);
  });

  it('invalid configurations are errors naming every problem', () => {
    assert.throws(() => sk.cldSde({ M: 0.25, Gamma: 2 }), /critical damping Γ² = 4M/);
    assert.throws(() => sk.cldSde({ M: -1, gamma: -0.1 }), /M must be a finite number > 0.*gamma must be a finite number ≥ 0/);
    assert.throws(() => sk.cldSde({ beta0: 0, beta1: 0 }), /β\(t\) = beta0 \+ beta1·t must be positive/);
  });

  it('state layout: drift and priors on [n, 2d]', () => {
    const sde = sk.cldSde();
    const u = sk.fromArray([[1, 2, 3, 4]]); // x = (1, 2), v = (3, 4)
    // dx = M⁻¹βv = 16v, dv = −βx − ΓM⁻¹βv = −4x − 16v
    assert.deepEqual(sde.drift(u, 0.5).arraySync(), [[48, 64, -52, -72]]);
    const lp = sde.priorLogp(u).itemSync();
    const expected = -0.5 * (1 + 4 + (9 + 16) / 0.25) - 2 * Math.log(2 * Math.PI) - Math.log(0.25);
    assert.ok(Math.abs(lp - expected) < 1e-12, `${lp} vs ${expected}`);
    assert.throws(() => sde.drift(sk.zeros([2, 3]), 0), /even last axis/);
  });
});
