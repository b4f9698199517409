/**
 * The ports of tan (fdlibm's s_tan.c/k_tan.c) and hypot (V8's definition) against Node 20 / V8 11.3's
 * Math, bit for bit: (1) the committed fixture tests/fixtures/libm-tan-hypot.json, recorded with Node
 * 20 by tests/fixtures/scripts/libm_fixture_tan_hypot.mjs, on any engine; (2) under V8 11.3 only,
 * seeded arguments against Math.tan and Math.hypot directly (π/4 multiples, the kernel's 0.6744 and
 * 2⁻²⁸ boundaries, huge arguments, ±0, ±∞, NaN).
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { hypot } from '../../core/numerics/libm/hypot.js';
import { tan } from '../../core/numerics/libm/tan.js';
import { fromWords } from '../../core/numerics/libm/words.js';
import { float64FromHex, float64Hex, mulberry32 } from '../helpers.js';

interface Fixture { tan: [string, string][]; hypot: [string[], string][] }
const fixture = JSON.parse(readFileSync(fileURLToPath(new URL('../../../tests/fixtures/libm-tan-hypot.json', import.meta.url)), 'utf8')) as Fixture;

describe('libm ports of tan and hypot', () => {
  it(`tan matches the ${fixture.tan.length} recorded results bit for bit`, () => {
    assert.ok(fixture.tan.length > 1000);
    const bad = fixture.tan.filter(([x, r]) => !Object.is(tan(float64FromHex(x)), float64FromHex(r))).map(([x, r]) => `tan(${x}) = ${float64Hex(tan(float64FromHex(x)))}, recorded ${r}`);
    assert.deepEqual(bad.slice(0, 5), []);
  });

  it(`hypot matches the ${fixture.hypot.length} recorded results bit for bit`, () => {
    const bad = fixture.hypot.filter(([xs, r]) => !Object.is(hypot(...xs.map((h) => float64FromHex(h))), float64FromHex(r))).map(([xs, r]) => `hypot(${xs.join(', ')}) recorded ${r}`);
    assert.deepEqual(bad.slice(0, 5), []);
  });

  it('agrees with this engine\'s Math.tan and Math.hypot (V8 11.3 only)', { skip: process.versions.v8.startsWith('11.3.') ? false : `V8 ${process.versions.v8} is not Node 20's` }, () => {
    const u32 = mulberry32(0x2545f491);
    const unif = (): number => u32() / 4294967296;
    const bad: string[] = [];
    const checkTan = (x: number): void => { if (!Object.is(tan(x), Math.tan(x)) && bad.length < 5) bad.push(`tan(${x})`); };
    for (let i = 0; i < 50_000; i++) {
      checkTan(fromWords(u32(), u32()));
      checkTan((unif() - 0.5) * 20);
      checkTan((((u32() % 2000) - 1000) * Math.PI) / 4 + (unif() - 0.5) * 1e-9);
      checkTan((unif() - 0.5) * 2 ** -20);
    }
    for (const x of [0.6744, 0.67434, 0.6745, 2 ** -28, -(2 ** -28), 5e-324, 1e300, Math.PI / 2]) checkTan(x);
    for (let i = 0; i < 50_000; i++) {
      const xs = Array.from({ length: 1 + (u32() % 5) }, () => (unif() - 0.5) * Math.exp((unif() - 0.5) * 60));
      if (!Object.is(hypot(...xs), Math.hypot(...xs)) && bad.length < 5) bad.push(`hypot(${xs.join(', ')})`);
    }
    assert.deepEqual(bad, []);
  });
});
