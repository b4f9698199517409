/**
 * √(x₁² + … + xₙ²) without overflow or underflow, defined by its operations: NaN if an argument is
 * NaN and none is infinite, +∞ if one is infinite, 0 if all are zero; otherwise each |xᵢ| is divided
 * by the largest, the squares are summed with Kahan's compensation, and the root is scaled back:
 * max·√Σ(|xᵢ|/max)². This is how V8 defines Math.hypot (its builtin math.tq), so the result agrees
 * with Node's Math.hypot to the bit (tests/core/libm.test.ts) and is the same in every engine.
 */
export function hypot(...xs: number[]): number {
  let max = 0;
  let nan = false;
  for (const x of xs) {
    const a = Math.abs(x);
    if (a !== a) nan = true;
    else if (a > max) max = a;
  }
  if (max === Infinity) return Infinity;
  if (nan) return NaN;
  if (max === 0) return 0;
  let sum = 0;
  let comp = 0;
  for (const x of xs) {
    const r = Math.abs(x) / max;
    const term = r * r - comp;
    const next = sum + term;
    comp = next - sum - term;
    sum = next;
  }
  return Math.sqrt(sum) * max;
}
