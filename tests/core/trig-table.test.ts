/**
 * The table of cosSin2Pi (core/numerics/trig.ts) is written as literals so that every JavaScript
 * engine gives the same bits; here they are checked against Math.cos, Math.sin and Math.pow to
 * within an ulp in the first octant, and the full table against the symmetries it is built by.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { COS_SIN_2PI } from '../../core/numerics/trig.js';

/** Distance in ulps between two doubles of the same sign (0 when equal). */
function ulps(a: number, b: number): number {
  if (a === b) return 0;
  const f = new Float64Array([a, b]);
  const i = new BigInt64Array(f.buffer);
  return Number(i[0] > i[1] ? i[0] - i[1] : i[1] - i[0]);
}

describe('cosSin2Pi table', () => {
  const cos = COS_SIN_2PI.cos();
  const sin = COS_SIN_2PI.sin();

  it('holds cos and sin of 2πj/256 within an ulp in the first octant', () => {
    assert.equal(cos.length, COS_SIN_2PI.size + 1);
    for (let j = 0; j <= COS_SIN_2PI.size / 8; j++) {
      const a = (2 * Math.PI * j) / COS_SIN_2PI.size;
      for (const [name, got, want] of [['cos', cos[j], Math.cos(a)], ['sin', sin[j], Math.sin(a)]] as const) {
        if (Math.abs(want) < 1e-15) assert.ok(Math.abs(got) < 1e-15, `${name} 2π·${j}/256 = ${got}`);
        else assert.ok(ulps(got, want) <= 1, `${name} 2π·${j}/256: ${got} against Math's ${want}`);
      }
    }
  });

  it('is exact at the quarter turns and symmetric', () => {
    assert.deepEqual([cos[0], cos[128], cos[256], sin[64], sin[192]], [1, -1, 1, 1, -1]);
    assert.deepEqual([cos[64], cos[192], sin[0], sin[128], sin[256]].map(Math.abs), [0, 0, 0, 0, 0]);
    for (let j = 33; j <= 64; j++) assert.ok(cos[j] === sin[64 - j] && sin[j] === cos[64 - j], `2π·${j}/256 mirrors 2π·${64 - j}/256`);
    for (let j = 65; j <= 256; j++) assert.ok(cos[j] === -sin[j - 64] && sin[j] === cos[j - 64], `2π·${j}/256 is a quarter turn on`);
  });

  it('has the series coefficients of P = 2π/256 within an ulp', () => {
    const P = (2 * Math.PI) / COS_SIN_2PI.size;
    const [p, s3, s5, s7] = COS_SIN_2PI.sinSeries;
    const [c2, c4, c6] = COS_SIN_2PI.cosSeries;
    assert.equal(p, P);
    const want = [-(P ** 3) / 6, P ** 5 / 120, -(P ** 7) / 5040, -(P ** 2) / 2, P ** 4 / 24, -(P ** 6) / 720];
    [s3, s5, s7, c2, c4, c6].forEach((v, i) => assert.ok(ulps(v, want[i]) <= 1, `coefficient ${i}: ${v} against ${want[i]}`));
  });
});
