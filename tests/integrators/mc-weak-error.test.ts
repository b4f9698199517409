/**
 * Monte Carlo weak errors on a mixture target (mc-weak-error.ts): the test functions' exact
 * expectations against many exact draws and against quadrature; measured weak orders from common-
 * random-number differences (EM 1, stochastic Heun and SRA1 2) with bootstrap intervals that the
 * common Brownian path narrows; Richardson extrapolation that removes EM's leading bias; bad input.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import * as sk from '../../index.js';

const MIX = sk.gmm({ weights: [0.4, 0.6], means: [[-1, 0.3], [0.8, -0.2]], covs: [[[0.3, 0.05], [0.05, 0.2]], [[0.2, 0], [0, 0.4]]] });
const EPS = 1e-3;

function measure(name: string, counts: number[], rows: number, noise: 'path' | 'stream' = 'path'): sk.McWeakErrorResult {
  const sde = sk.vpSde();
  const score = sk.exactScore(sde, MIX);
  const s = sk.samplerByName(name) as sk.FixedGridSampler;
  return sk.mcWeakError({
    stepper: (n) => s.stepper(sde, score, { steps: n, eps: EPS }),
    grid: (n) => sk.timeGrid({ steps: n, eps: EPS, T: sde.T }),
    stepCounts: counts,
    x0: sk.gmmSample(sk.marginal(sde, MIX, sde.T), sk.random.key(1), rows),
    key: sk.random.key(2),
    tests: sk.mixtureTestFunctions(sk.marginal(sde, MIX, EPS)),
    richardsonOrder: s.weakOrder ?? undefined,
    noise,
  });
}

describe('test functions with exact mixture expectations', () => {
  it('agree with the means of 200 000 exact draws within 5 standard errors (2-D and 3-D)', async () => {
    const g3 = sk.gmm({ weights: [0.5, 0.5], means: [[0, 1, -1], [1, 0, 0.5]], covs: [[[0.4, 0.1, 0], [0.1, 0.3, 0], [0, 0, 0.2]], [[0.2, 0, 0], [0, 0.5, 0.1], [0, 0.1, 0.3]]] });
    for (const g of [MIX, g3]) {
      const tests = sk.mixtureTestFunctions(g, { width: 0.4 });
      const n = 200000;
      const phi = tests.evaluate(await sk.gmmSample(g, sk.random.key(7), n).data(), n);
      const m = tests.exact.length;
      assert.equal(m, g.dim + (g.dim * (g.dim + 1)) / 2 + g.means.length);
      for (let j = 0; j < m; j++) {
        let s = 0;
        let q = 0;
        for (let r = 0; r < n; r++) {
          s += phi[r * m + j];
          q += phi[r * m + j] ** 2;
        }
        const mean = s / n;
        const se = Math.sqrt((q / n - mean * mean) / n);
        assert.ok(Math.abs(mean - tests.exact[j]) < 5 * se, `${tests.names[j]} (D = ${g.dim}): MC ${mean} ± ${se}, exact ${tests.exact[j]}`);
      }
    }
  });

  it('a 1-D bump expectation equals the integral by the trapezoid rule', () => {
    const g = sk.gmm({ weights: [0.3, 0.7], means: [[-0.5], [1]], covs: [[[0.2]], [[0.05]]] });
    const tests = sk.mixtureTestFunctions(g, { centres: [[0.4]], width: 0.25 });
    const dens = (x: number): number => g.weights.reduce((s, w, k) => s + (w * Math.exp(-((x - g.means[k][0]) ** 2) / (2 * g.covs[k][0][0]))) / Math.sqrt(2 * Math.PI * g.covs[k][0][0]), 0);
    let integral = 0;
    const h = 1e-4;
    for (let x = -8; x <= 8; x += h) integral += h * dens(x) * Math.exp(-((x - 0.4) ** 2) / (2 * 0.25 ** 2));
    assert.ok(Math.abs(integral - tests.exact[2]) < 1e-8, `${integral} vs ${tests.exact[2]}`);
  });
});

describe('Monte Carlo weak error with common random numbers', () => {
  it('EM has weak order 1 and stochastic Heun and SRA1 order 2 (95 % intervals of the successive differences)', () => {
    const cases: [string, number[], number, [number, number]][] = [
      ['em', [20, 40, 80], 5000, [0.8, 1.35]],
      ['heun-sde', [5, 10, 20], 10000, [1.5, 2.4]],
      ['sra1', [5, 10, 20], 10000, [1.5, 2.4]],
    ];
    for (const [name, counts, rows, [lo, hi]] of cases) {
      const r = measure(name, counts, rows);
      const [a, b] = r.successiveInterval!;
      assert.ok(a <= r.successiveOrder! && r.successiveOrder! <= b, `${name}: ${r.successiveOrder} outside its own interval [${a}, ${b}]`);
      assert.ok(r.successiveOrder! > lo && r.successiveOrder! < hi, `${name}: successive order ${r.successiveOrder} [${a}, ${b}], declared ${sk.samplerByName(name).weakOrder}`);
      assert.ok(b - a < 0.5, `${name}: interval [${a}, ${b}] is too wide to tell orders apart`);
      r.errors.forEach((e, i) => assert.ok(r.intervals[i][0] <= e && e <= r.intervals[i][1], `${name}: error ${e} outside [${r.intervals[i]}]`));
    }
  });

  it('the common Brownian path narrows the order interval against independent noise per step count', () => {
    const path = measure('em', [20, 40, 80], 4000, 'path');
    const stream = measure('em', [20, 40, 80], 4000, 'stream');
    const width = (r: sk.McWeakErrorResult): number => r.successiveInterval![1] - r.successiveInterval![0];
    assert.ok(width(path) * 2 < width(stream), `path ${path.successiveInterval}, stream ${stream.successiveInterval}`);
  });

  it("Richardson extrapolation removes EM's leading bias: the extrapolated error is below the plain one, at the noise level", () => {
    const r = measure('em', [5, 10, 20], 20000);
    const rich = r.richardson.find((q) => q.steps === 20)!;
    assert.ok(r.errors[2] > 4 * r.noiseLevel, `EM at 20 steps: error ${r.errors[2]}, noise ${r.noiseLevel}`);
    assert.ok(rich.error < r.errors[2] / 2, `Richardson ${rich.error} vs plain ${r.errors[2]}`);
    assert.ok(rich.interval[0] < 3 * r.noiseLevel, `Richardson interval [${rich.interval}] vs noise ${r.noiseLevel}`);
  });

  it('refuses one step count, a width mismatch, a bad Richardson order and too few rows', () => {
    const sde = sk.vpSde();
    const score = sk.exactScore(sde, MIX);
    const base = {
      stepper: (sk.samplerByName('em') as sk.FixedGridSampler).stepper(sde, score, { steps: 4, eps: EPS }), grid: (n: number) => sk.timeGrid({ steps: n, eps: EPS, T: sde.T }), stepCounts: [4, 8],
      x0: sk.gmmSample(MIX, sk.random.key(1), 200), key: sk.random.key(2), tests: sk.mixtureTestFunctions(MIX),
    };
    assert.throws(() => sk.mcWeakError({ ...base, stepCounts: [4] }), /at least two step counts/);
    assert.throws(() => sk.mcWeakError({ ...base, stepCounts: [4, 2.5] }), /positive integers/);
    assert.throws(() => sk.mcWeakError({ ...base, tests: sk.mixtureTestFunctions(sk.gmm({ weights: [1], means: [[0]], covs: [[[1]]] })) }), /rows of 1, the state has 2 columns/);
    assert.throws(() => sk.mcWeakError({ ...base, richardsonOrder: 0 }), /Richardson order/);
    assert.throws(() => sk.mcWeakError({ ...base, groups: 500 }), /fewer than the 500 bootstrap groups/);
    assert.throws(() => sk.mixtureTestFunctions(MIX, { width: -1 }), /bump width/);
    assert.throws(() => sk.mixtureTestFunctions(MIX, { centres: [[0]] }), /2 finite numbers/);
  });
});
