import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { cos, sin } from '../../core/numerics/libm/sin-cos.js';
import { pow } from '../../core/numerics/libm/pow.js';
import { fromWords } from '../../core/numerics/libm/words.js';
import { float64FromHex, float64Hex, mulberry32, ulpStep } from '../helpers.js';

/**
 * The fdlibm ports of sin, cos (with the π/2 reduction) and pow against Node 20 / V8 11.3's Math, bit
 * for bit: (1) the committed fixture tests/fixtures/libm-trig-pow.json, recorded with Node 20 by
 * tests/fixtures/scripts/libm_fixture_trig_pow.mjs, on any engine; (2) under V8 11.3 only, 2·10⁵
 * seeded arguments per function against Math.sin, Math.cos, Math.pow and ** directly.
 */

// dist/tests/core → the repository root
const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');

interface Fixture {
  recordedWith: { node: string; v8: string };
  sin: [string, string][];
  cos: [string, string][];
  pow: [string, string, string][];
}

/** Same bits, with every NaN the same (Object.is); NaN payloads are not specified by JavaScript. */
const same = (a: number, b: number): boolean => Object.is(a, b);

const fixture = JSON.parse(readFileSync(join(ROOT, 'tests', 'fixtures', 'libm-trig-pow.json'), 'utf8')) as Fixture;

describe('libm ports of sin, cos, pow: the Node 20 fixture, bit for bit', () => {
  for (const [name, fn] of [
    ['sin', sin],
    ['cos', cos],
  ] as const) {
    it(`${name} matches all ${fixture[name].length} recorded results`, () => {
      assert.ok(fixture[name].length >= 1000);
      const bad: string[] = [];
      for (const [xh, rh] of fixture[name]) {
        const got = fn(float64FromHex(xh));
        if (!same(got, float64FromHex(rh))) bad.push(`${name}(${xh}) = ${float64Hex(got)}, recorded ${rh}`);
      }
      assert.deepEqual(bad.slice(0, 10), [], `${bad.length} of ${fixture[name].length} differ`);
    });
  }
  it(`pow matches all ${fixture.pow.length} recorded results`, () => {
    assert.ok(fixture.pow.length >= 1000);
    const bad: string[] = [];
    for (const [xh, yh, rh] of fixture.pow) {
      const got = pow(float64FromHex(xh), float64FromHex(yh));
      if (!same(got, float64FromHex(rh))) bad.push(`pow(${xh}, ${yh}) = ${float64Hex(got)}, recorded ${rh}`);
    }
    assert.deepEqual(bad.slice(0, 10), [], `${bad.length} of ${fixture.pow.length} differ`);
  });
  it('the fixture reaches every reduction path (Payne–Hanek included)', () => {
    let huge = 0;
    let medium = 0;
    for (const [xh] of fixture.sin) {
      const ix = parseInt(xh.slice(0, 8), 16) & 0x7fffffff;
      if (ix > 0x413921fb && ix < 0x7ff00000) huge++;
      else if (ix >= 0x4002d97c && ix <= 0x413921fb) medium++;
    }
    assert.ok(huge >= 200 && medium >= 200, `huge ${huge}, medium ${medium}`);
  });
});

// ---- live comparison under V8 11.3 ----

const LIVE = process.versions.v8.startsWith('11.3');
const N = 200_000;

/** N sin/cos arguments, in groups: [count, generator]. */
function trigArguments(): Float64Array {
  const u32 = mulberry32(0x7219);
  const unif = (): number => u32() / 4294967296;
  const sign = (): number => (u32() & 1 ? -1 : 1);
  const nudge = ulpStep;
  const groups: [number, () => number][] = [
    // random float64 bit patterns over the whole finite range (most are huge: kernel_rem_pio2)
    [40_000, () => {
      for (;;) {
        const x = fromWords(u32(), u32());
        if (Number.isFinite(x)) return x;
      }
    }],
    // multiples of π/2 and a few ulps around them, n up to 2^20 and a log-uniform n up to 2^60
    [30_000, () => {
      const n = u32() & 1 ? 1 + (u32() & 0xfffff) : Math.floor(2 ** (unif() * 60));
      return sign() * nudge(n * (Math.PI / 2), (u32() % 9) - 4);
    }],
    // |x| < 2^-27 (exponents down to the subnormals) and around the 2^-27 cut
    [10_000, () => (u32() & 7 ? sign() * fromWords(u32() % 0x3e400000, u32()) : sign() * nudge(fromWords(0x3e400000, 0), (u32() % 9) - 4))],
    // the medium range, up to 2^20·π/2 (past the 2^19·π/2 switch to kernel_rem_pio2)
    [40_000, () => sign() * unif() * 2 ** 20 * (Math.PI / 2)],
    // scorekit's range for sin/cos
    [50_000, () => (unif() * 2 - 1) * 1e4],
    // [−π/4, π/4], up to 3π/4 (n = ±1), and the cos kernel's cuts at 0.3 and 0.78125
    [20_000, () => {
      const c = u32() & 3;
      const m = c === 0 ? Math.PI / 4 : c === 1 ? (3 * Math.PI) / 4 : c === 2 ? 0.3 : 0.78125;
      return sign() * (c < 2 ? unif() * m : m * (1 + (unif() * 2 - 1) * 1e-3));
    }],
    // log-uniform magnitudes over every exponent
    [10_000, () => sign() * fromWords((((u32() % 2047) << 20) | (u32() & 0xfffff)) >>> 0, u32())],
  ];
  const xs = new Float64Array(N);
  let i = 0;
  for (const [count, gen] of groups) for (let k = 0; k < count; k++) xs[i++] = gen();
  assert.equal(i, N);
  return xs;
}

/** N pow argument pairs, interleaved [x0, y0, x1, y1, …]. */
function powArguments(): Float64Array {
  const u32 = mulberry32(0x9a0e);
  const unif = (): number => u32() / 4294967296;
  const specials = [0, -0, Infinity, -Infinity, NaN, 1, -1, 0.5, -0.5, 2, -2, 3, 1 / 7, 1e308, -1e308, 5e-324, -5e-324, 2 ** 31 + 1, 2 ** 53, 2 ** 53 + 2, 2 ** 64, 1024, -1075];
  const special = (): number => specials[u32() % specials.length];
  const bits = (): number => fromWords(u32(), u32());
  const groups: [number, () => [number, number]][] = [
    // base (0, 1e4], exponent [-10, 10]
    [50_000, () => [(1 - unif()) * 1e4, unif() * 20 - 10]],
    // integer exponents, positive and negative bases
    [30_000, () => [(u32() & 1 ? -1 : 1) * (1 - unif()) * (u32() & 1 ? 1e4 : 3), (u32() % 129) - 64]],
    // exponent 2, 0.5, 1/7 (EDM's ρ), −0.5, 3, ±1 with bases of both signs
    [20_000, () => [(u32() & 3 ? 1 : -1) * unif() * 100, [2, 0.5, 1 / 7, -0.5, 3, 1, -1, 7][u32() & 7]]],
    // random bit patterns (NaN, ±Infinity, subnormals when drawn)
    [40_000, () => [bits(), u32() & 1 ? bits() : unif() * 40 - 20]],
    // special values against each other and against random values
    [10_000, () => [u32() & 1 ? special() : bits(), u32() & 3 ? special() : bits()]],
    // subnormal bases; bases near 1 with |y| > 2^31 (the series branch) and |y| > 2^64
    [20_000, () => {
      const c = u32() % 3;
      if (c === 0) return [(u32() & 1 ? -1 : 1) * fromWords(u32() & 0xfffff, u32()), (u32() % 9) - 4 || unif()];
      const x = 1 + (unif() * 2 - 1) * 2 ** -20;
      return [x, (u32() & 1 ? -1 : 1) * (c === 1 ? 2 ** 31 * (1 + unif() * 1000) : 2 ** (64 + unif() * 900))];
    }],
    // overflow and underflow edges: y·log2(x) near 1024, −1022 … −1075
    [20_000, () => {
      const x = 1.001 + unif() * 9;
      const l = Math.log2(x);
      const target = u32() & 1 ? 1024 : -1022 - unif() * 54;
      return [u32() & 7 ? x : -x, (target / l) * (1 + (unif() * 2 - 1) * 1e-12)];
    }],
    // x within a few thousand ulps of 1 with moderate y
    [10_000, () => [1 + ((u32() % 4001) - 2000) * 2 ** -52, unif() * 2e6 - 1e6]],
  ];
  const xy = new Float64Array(2 * N);
  let i = 0;
  for (const [count, gen] of groups) {
    for (let k = 0; k < count; k++) {
      const [x, y] = gen();
      xy[i++] = x;
      xy[i++] = y;
    }
  }
  assert.equal(i, 2 * N);
  return xy;
}

describe('libm ports of sin, cos, pow: live against V8 11.3 Math', { skip: LIVE ? false : `V8 ${process.versions.v8} is not Node 20's 11.3` }, () => {
  const xs = trigArguments();
  for (const [name, port, ref] of [
    ['sin', sin, Math.sin],
    ['cos', cos, Math.cos],
  ] as const) {
    it(`${name} equals Math.${name} on ${N} arguments`, () => {
      let bad = 0;
      let first = '';
      for (let i = 0; i < N; i++) {
        const x = xs[i];
        const got = port(x);
        const want = ref(x);
        if (!same(got, want)) {
          if (bad++ === 0) first = `${name}(${float64Hex(x)}) = ${float64Hex(got)}, Math: ${float64Hex(want)}`;
        }
      }
      assert.equal(bad, 0, first);
    });
  }
  it(`pow equals Math.pow and ** on ${N} argument pairs`, () => {
    const xy = powArguments();
    let bad = 0;
    let first = '';
    for (let i = 0; i < N; i++) {
      const x = xy[2 * i];
      const y = xy[2 * i + 1];
      const got = pow(x, y);
      const want = Math.pow(x, y);
      if (!same(got, want) || !same(got, x ** y)) {
        if (bad++ === 0) first = `pow(${float64Hex(x)}, ${float64Hex(y)}) = ${float64Hex(got)}, Math.pow: ${float64Hex(want)}, **: ${float64Hex(x ** y)}`;
      }
    }
    assert.equal(bad, 0, first);
  });
});
