import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import * as sk from '../../index.js';

const rel = (a: number, b: number): number => Math.abs(a - b) / Math.abs(b);

describe('grids on Gaussian paths', () => {
  it('Karras on EDM: n steps, n + 1 points, σ_0 = 80, σ_{n−1} = 0.002, trailing 0, ρ-spacing', () => {
    const p = sk.edmPath();
    const g = sk.pathTimeGrid(p, { kind: 'karras', steps: 18 });
    assert.equal(g.length, 19);
    assert.ok(rel(g[0], 80) < 1e-14 && rel(g[17], 0.002) < 1e-14 && g[18] === 0);
    // σ^{1/7} is linear in i
    const r = Array.from(g.slice(0, 18), (s) => s ** (1 / 7));
    for (let i = 1; i < 17; i++) assert.ok(Math.abs(r[i + 1] - 2 * r[i] + r[i - 1]) < 1e-13);
  });
  for (const [label, p] of [['VP', sk.linearSdePath(sk.vpSde())], ['cosine VP', sk.vpCosinePath()], ['rectified flow', sk.rfPath()], ['log-SNR VP', sk.vpLogSnrPath()]] as const) {
    it(`Karras on ${label}: σ/α at the grid times are the Karras levels`, () => {
      const g = sk.pathTimeGrid(p, { kind: 'karras', steps: 10, sigmaMin: 0.01, sigmaMax: 20 });
      const a = 20 ** (1 / 7);
      const b = 0.01 ** (1 / 7);
      for (let i = 0; i < 10; i++) {
        const want = (a + (i / 9) * (b - a)) ** 7;
        assert.ok(rel(p.sigma(g[i]) / p.alpha(g[i]), want) < 1e-9, `${label} i = ${i}: ${p.sigma(g[i]) / p.alpha(g[i])} vs ${want}`);
      }
      assert.equal(g[10], 0);
    });
    it(`log-SNR grid on ${label}: λ uniform, endpoints exact`, () => {
      const g = sk.pathTimeGrid(p, { kind: 'logsnr', steps: 8, tMin: 1e-3 * p.T, tMax: 0.9 * p.T });
      assert.equal(g[0], 0.9 * p.T);
      assert.equal(g[8], 1e-3 * p.T);
      const l = Array.from(g, (t) => p.logSnr(t));
      for (let i = 1; i < 8; i++) assert.ok(Math.abs(l[i + 1] - 2 * l[i] + l[i - 1]) < 1e-8, `${label} λ spacing at ${i}`);
    });
  }
  it('quadratic and uniform grids', () => {
    const p = sk.rfPath();
    const q = sk.pathTimeGrid(p, { kind: 'quadratic', steps: 4, tMin: 0.01 });
    const sq = [1, 0.775, 0.55, 0.325, 0.1].map((v) => v * v);
    q.forEach((t, i) => assert.ok(Math.abs(t - sq[i]) < 1e-15, `quadratic ${i}: ${t}`));
    const u = sk.pathTimeGrid(sk.edmPath(), { kind: 'uniform', steps: 4, tMin: 0 });
    assert.deepEqual(Array.from(u), [80, 60, 40, 20, 0]);
  });
  it('bad input is a clear RangeError', () => {
    const edm = sk.edmPath();
    assert.throws(() => sk.pathTimeGrid(edm, { kind: 'karras', steps: 5, sigmaMin: 1, sigmaMax: 1 }), /σmin \(1\) must be below σmax \(1\)/);
    assert.throws(() => sk.pathTimeGrid(edm, { kind: 'karras', steps: 5, rho: 0 }), /ρ must be a finite number > 0, got 0/);
    assert.throws(() => sk.pathTimeGrid(edm, { kind: 'karras', steps: 5, sigmaMax: 100 }), /σ\/α ∈ \[0.002, 100\] is outside the path's range \[0, 80\]/);
    assert.throws(() => sk.pathTimeGrid(sk.linearSdePath(sk.veSde()), { kind: 'karras', steps: 5 }), /outside the path's range \[0.01, 50/);
    assert.throws(() => sk.pathTimeGrid(edm, { kind: 'karras', steps: 0 }), /steps must be a positive integer, got 0/);
    assert.throws(() => sk.pathTimeGrid(sk.rfPath(), { kind: 'uniform', steps: 5, tMin: 0, tMax: 1.5 }), /need 0 ≤ tMin < tMax ≤ T = 1, got tMin = 0, tMax = 1.5/);
    assert.throws(() => sk.pathTimeGrid(sk.rfPath(), { kind: 'logsnr', steps: 5, tMin: 0 }), /λ must be finite at both ends/);
    assert.throws(() => sk.pathTimeGrid(sk.rfPath(), { kind: 'quadratic', steps: 5 }), /the end time tMin is required/);
    assert.throws(() => sk.pathTimeGrid(edm, { kind: 'cosine' as sk.PathGridKind, steps: 5 }), /unknown grid kind 'cosine'/);
  });
});
