import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { acos } from '../../core/numerics/libm/acos.js';
import { atan } from '../../core/numerics/libm/atan.js';
import { cbrt } from '../../core/numerics/libm/cbrt.js';
import { exp } from '../../core/numerics/libm/exp.js';
import { expm1 } from '../../core/numerics/libm/expm1.js';
import { log } from '../../core/numerics/libm/log.js';
import { log1p } from '../../core/numerics/libm/log1p.js';
import { log2 } from '../../core/numerics/libm/log2.js';
import { tanh } from '../../core/numerics/libm/tanh.js';
import { fromWords } from '../../core/numerics/libm/words.js';
import { float64FromHex, float64Hex, mulberry32, ulpStep } from '../helpers.js';

/**
 * The libm ports of exp, expm1, log, log1p, log2, tanh, cbrt, atan and acos against Node 20 /
 * V8 11.3's Math functions, bit for bit:
 *  1. on any engine, against tests/fixtures/libm-exp-log.json (Node 20's results, recorded by
 *     tests/fixtures/scripts/libm_fixture_exp_log.mjs);
 *  2. on V8 11.3 only, live against Math.X on 2·10^5 seeded arguments per function: random
 *     float64 bit patterns, small magnitudes, the ranges scorekit uses, the high-word thresholds of
 *     each argument reduction, a few ulps and small relative steps around each reduction point,
 *     integers and the special values.
 */

const PORTS = { exp, expm1, log, log1p, log2, tanh, cbrt, atan, acos } as const;
type Name = keyof typeof PORTS;
const NAMES = Object.keys(PORTS) as Name[];

interface Fixture {
  schema: number;
  engine: { node: string; v8: string };
  functions: Record<Name, [string, string][]>;
}
const FIXTURE_FILE = fileURLToPath(new URL('../../../tests/fixtures/libm-exp-log.json', import.meta.url));

function mismatchReport(name: string, bad: [number, string, string][]): string {
  const shown = bad.slice(0, 8).map(([x, got, want]) => `${name}(${x} = 0x${float64Hex(x)}): 0x${got}, want 0x${want}`);
  return `${bad.length} mismatches:\n  ${shown.join('\n  ')}`;
}

describe('libm exp/log family: Node 20 fixture, bit for bit', () => {
  const fixture = JSON.parse(readFileSync(FIXTURE_FILE, 'utf8')) as Fixture;

  it('fixture was recorded by V8 11.3 and covers every function', () => {
    assert.equal(fixture.schema, 1);
    assert.ok(fixture.engine.v8.startsWith('11.3'), fixture.engine.v8);
    for (const name of NAMES) assert.ok(fixture.functions[name].length >= 1000, name);
  });

  for (const name of NAMES) {
    it(name, () => {
      const fn = PORTS[name];
      const bad: [number, string, string][] = [];
      for (const [arg, want] of fixture.functions[name]) {
        const x = float64FromHex(arg);
        const got = float64Hex(fn(x));
        if (got !== want) bad.push([x, got, want]);
      }
      assert.equal(bad.length, 0, mismatchReport(name, bad));
    });
  }
});

interface Cover {
  /** Uniform ranges: the ones scorekit uses and the function's domain. */
  ranges: [number, number][];
  /** High words at which the argument reduction branches. */
  his: number[];
  /** Reduction points (approached by ulps and by small relative steps). */
  points: (u: () => number) => number;
}

const LN2 = Math.LN2;
const intIn = (u: () => number, a: number, b: number): number => a + (u() % (b - a + 1));
const pick = <T>(u: () => number, xs: readonly T[]): T => xs[u() % xs.length];

const EXP_POINTS = [709.782712893384, -745.1332191019411, -708.3964185322641, 0.5 * LN2, 1.5 * LN2, 2 ** -28, 1];
const COVER: Record<Name, Cover> = {
  exp: {
    ranges: [[-50, 50], [-745.2, -708], [-1, 1], [-710, 710]],
    his: [0x3fd62e42, 0x3ff0a2b2, 0x3e300000, 0x40862e42, 0x40874910],
    points: (u) => {
      const r = u() % 4;
      if (r === 0) return pick(u, EXP_POINTS);
      return (intIn(u, -1076, 1025) + (r === 1 ? 0.5 : 0)) * LN2;
    },
  },
  expm1: {
    ranges: [[-40, 40], [-1, 1], [-60, 60], [-710, 710]],
    his: [0x3fd62e42, 0x3ff0a2b2, 0x3c900000, 0x4043687a, 0x40862e42],
    points: (u) => {
      const r = u() % 4;
      if (r === 0) return pick(u, [709.782712893384, 56 * LN2, -56 * LN2, 20 * LN2, 2 ** -54, 0.5 * LN2, 1.5 * LN2]);
      return (intIn(u, -60, r === 1 ? 1025 : 60) + (r === 2 ? 0.5 : 0)) * LN2;
    },
  },
  log: {
    ranges: [[0, 1e6], [0, 1], [0.5, 2], [-10, 10]],
    his: [0x00100000, 0x3ff00000, 0x3fe6a09e, 0x3ff6a09e, 0x3fefffff, 0x7fe00000],
    points: (u) => 2 ** intIn(u, -1074, 1023) * pick(u, [1, 1, Math.SQRT2, 1.5]),
  },
  log1p: {
    ranges: [[-1, 1e6], [-1, 1], [-0.3, 0.42], [-10, -1]],
    his: [0x3fda827a, 0x3e200000, 0x3c900000, 0x3fd2bec4, 0x43400000, 0x3ff00000],
    points: (u) =>
      u() % 2 === 0
        ? pick(u, [Math.SQRT2 - 1, Math.SQRT1_2 - 1, -1, -0.5, 2 ** 53, 2 ** -29, 2 ** -54])
        : 2 ** intIn(u, -1074, 1023) * pick(u, [1, Math.SQRT2]) - 1,
  },
  log2: {
    ranges: [[0, 1e6], [0, 1], [0.5, 2], [-10, 10]],
    his: [0x00100000, 0x3ff00000, 0x3fe6a09e, 0x3ff6a09e, 0x3fefffff, 0x7fe00000],
    points: (u) => 2 ** intIn(u, -1074, 1023) * pick(u, [1, 1, Math.SQRT2, 1.5]),
  },
  tanh: {
    ranges: [[-20, 20], [-1, 1], [-25, 25], [-3, 3]],
    his: [0x40360000, 0x3e300000, 0x3ff00000, 0x3c800000],
    points: (u) => pick(u, [22, 1, 2 ** -28, 2 ** -55, 0.5, 19.0615474653984]),
  },
  cbrt: {
    ranges: [[-1e6, 1e6], [-1, 1], [-8, 8], [0, 1e-300]],
    his: [0x00100000, 0x3ff00000, 0x00000001],
    points: (u) => {
      const n = intIn(u, 1, 200000);
      return u() % 2 === 0 ? n * n * n : 2 ** intIn(u, -1074, 1023);
    },
  },
  atan: {
    ranges: [[-10, 10], [-1, 1], [-3, 3], [-1e6, 1e6]],
    his: [0x44100000, 0x3fdc0000, 0x3e400000, 0x3ff30000, 0x3fe60000, 0x40038000],
    points: (u) => pick(u, [7 / 16, 11 / 16, 19 / 16, 39 / 16, 1, 2 ** 66, 2 ** -27]),
  },
  acos: {
    ranges: [[-1, 1], [-0.5, 0.5], [0.9, 1], [-1, -0.9]],
    his: [0x3ff00000, 0x3fe00000, 0x3c600000, 0x3fefffff, 0x3fef3333],
    points: (u) => pick(u, [1, 0.5, 2 ** -57, 0.975, 1 - 2 ** -30]),
  },
};

const SPECIALS = [0, -0, Infinity, -Infinity, NaN, Number.MIN_VALUE, Number.MAX_VALUE, 2.2250738585072014e-308];

/** 2·10^5 arguments for one function, deterministic. */
function liveArgs(name: Name, n: number): Float64Array {
  const u = mulberry32(0x5c0fe000 + NAMES.indexOf(name));
  const unit = (): number => u() / 4294967296;
  const sign = (): number => (u() & 1 ? -1 : 1);
  const cover = COVER[name];
  const out = new Float64Array(n);
  let i = 0;
  for (const s of SPECIALS) {
    out[i++] = s;
    out[i++] = -s;
  }
  for (let k = -100; k <= 100; k++) out[i++] = k;
  for (; i < n; i++) {
    let x: number;
    switch (i % 10) {
      case 0: // any finite bit pattern
        do x = fromWords(u(), u());
        while (!Number.isFinite(x));
        break;
      case 1: // small magnitudes, down to subnormals
        x = sign() * (1 + unit()) * 2 ** -intIn(u, 0, 1075);
        break;
      case 2:
      case 3: {
        const [a, b] = i % 10 === 2 ? cover.ranges[0] : pick(u, cover.ranges); // scorekit's range first
        x = a + (b - a) * unit();
        break;
      }
      case 4: // a reduction threshold's high word ±1, random low word, either sign
        x = fromWords((pick(u, cover.his) + intIn(u, -1, 1)) | (u() & 0x80000000), u());
        break;
      case 5:
      case 6: // a few ulps around a reduction point, either sign
        x = sign() * ulpStep(Math.abs(cover.points(u)), intIn(u, -8, 8));
        break;
      case 7: // small relative steps around a reduction point
        x = cover.points(u) * (1 + sign() * unit() * 2 ** -intIn(u, 1, 60));
        break;
      case 8: // near 1 and near 0 (log and log1p's cancellations)
        x = (u() & 1 ? 1 : 0) + sign() * unit() * 2 ** -intIn(u, 0, 60);
        break;
      default: // integers and half-integers
        x = sign() * intIn(u, 0, 2000) * (u() & 1 ? 1 : 0.5);
    }
    out[i] = x;
  }
  return out;
}

const LIVE = process.versions.v8.startsWith('11.3');
const LIVE_COUNT = 200000;

const LIVE_SKIP = LIVE ? false : `V8 ${process.versions.v8} is not 11.3`;

describe('libm exp/log family: live against V8 11.3 Math, bit for bit', { skip: LIVE_SKIP }, () => {
  for (const name of NAMES) {
    it(`${name}: ${LIVE_COUNT} arguments`, () => {
      const fn = PORTS[name];
      const ref = Math[name] as (x: number) => number;
      const args = liveArgs(name, LIVE_COUNT);
      const bad: [number, string, string][] = [];
      for (let i = 0; i < args.length; i++) {
        const x = args[i];
        const got = fn(x);
        const want = ref(x);
        if (!Object.is(got, want)) bad.push([x, float64Hex(got), float64Hex(want)]);
      }
      assert.equal(bad.length, 0, mismatchReport(name, bad));
    });
  }
});
