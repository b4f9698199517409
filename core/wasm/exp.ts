/**
 * e^x on f64x2 lanes for x ≤ 0, emitted inline (core/wasm/module.ts): x = n ln 2 + r with
 * n = nearest(x / ln 2) and |r| ≤ ½ ln 2 (Cody–Waite: ln 2 split so that n·LN2_HI is exact),
 * e^r by its Taylor series to r¹³ (the first omitted term is below 5e-18 relative), and 2ⁿ built in
 * the exponent bits. x is first raised to −708, where e^x ≈ 3e-308: the kernels use it for softmax
 * weights e^(logit − max), for which anything below that is zero to double precision. Within 2 ulp
 * of Math.exp on [−708, 0] (tests/backends/cpu-wasm.test.ts).
 */
import type { FunctionBuilder, Local } from './module.js';

/** ln 2 = LN2_HI + LN2_LO: LN2_HI keeps 21 significant bits (its low 32 bits are zero), LN2_LO is the rest rounded. */
const LN2_HI = 0.6931467056274414;
const LN2_LO = 4.7493250390316726e-7;
const INV_LN2 = 1.4426950408889634;
const TAYLOR: number[] = [];
for (let k = 0, f = 1; k <= 13; k++, f *= k) TAYLOR.push(1 / f);

/** Replaces the f64x2 on top of the stack by e^x; `n` and `r` are scratch v128 locals. */
export function emitExpNonPositive(f: FunctionBuilder, n: Local, r: Local): void {
  const c = (v: number): FunctionBuilder => f.f64x2(v, v);
  c(-708).op('f64x2.max').tee(r);
  c(INV_LN2).op('f64x2.mul', 'f64x2.nearest').set(n);
  f.get(r).get(n);
  c(LN2_HI).op('f64x2.mul', 'f64x2.sub').get(n);
  c(LN2_LO).op('f64x2.mul', 'f64x2.sub').set(r);
  c(TAYLOR[13]);
  for (let k = 12; k >= 0; k--) {
    f.get(r).op('f64x2.mul');
    c(TAYLOR[k]).op('f64x2.add');
  }
  // × 2ⁿ: n + 2⁵² + 1023 holds n + 1023 in its low mantissa bits; shifted to the exponent field
  f.get(n);
  c(2 ** 52 + 1023).op('f64x2.add').i32(52).op('i64x2.shl', 'f64x2.mul');
}
