/**
 * cos 2πu and sin 2πu together, for the Box–Muller transform: a 256-entry table of the angles
 * 2πj/256 and the angle-addition formulas with short Taylor series of the remainder
 * φ = 2π(u − j/256), |φ| ≤ π/256 (the series end at φ⁷ and φ⁶; the next terms are below 2e-20).
 * The argument is reduced exactly (j = ⌊256u + ½⌋ and 256u − j are exact in float64 for u ∈ [0, 1]
 * on the 2⁻⁵³ grid), and the result is within 1e-15 of cos and sin; one table look-up serves both,
 * where Math.cos and Math.sin each reduce the argument again.
 */
const TABLE = 256;
const COS = new Float64Array(TABLE + 1);
const SIN = new Float64Array(TABLE + 1);
// the first octant from Math, the rest by the exact symmetries (so cos π = −1 and sin π = 0 exactly)
for (let j = 0; j <= TABLE / 8; j++) {
  COS[j] = Math.cos((2 * Math.PI * j) / TABLE);
  SIN[j] = Math.sin((2 * Math.PI * j) / TABLE);
}
const Q = TABLE / 4;
for (let j = TABLE / 8 + 1; j <= Q; j++) {
  COS[j] = SIN[Q - j];
  SIN[j] = COS[Q - j];
}
for (let j = Q + 1; j <= TABLE; j++) {
  COS[j] = -SIN[j - Q];
  SIN[j] = COS[j - Q];
}
/** φ = P·r for r = 256u − j ∈ [−½, ½]; the series coefficients in r. */
const P = (2 * Math.PI) / TABLE;
const S3 = -(P ** 3) / 6;
const S5 = P ** 5 / 120;
const S7 = -(P ** 7) / 5040;
const C2 = -(P ** 2) / 2;
const C4 = P ** 4 / 24;
const C6 = -(P ** 6) / 720;

/**
 * The table and coefficients, for kernels that must reproduce cosSin2Pi to the bit (the WASM normal
 * kernel): same table, same operations in the same order.
 */
export const COS_SIN_2PI = Object.freeze({
  size: TABLE,
  cos: (): Float64Array => COS.slice(),
  sin: (): Float64Array => SIN.slice(),
  sinSeries: Object.freeze([P, S3, S5, S7] as const),
  cosSeries: Object.freeze([C2, C4, C6] as const),
});

/** Writes cos 2πu to out[0] and sin 2πu to out[1], for u ∈ [0, 1]. */
export function cosSin2Pi(u: number, out: Float64Array): void {
  const y = u * TABLE;
  const j = Math.floor(y + 0.5); // round half up, as Math.round; written so SIMD code can mirror it
  const r = y - j;
  const r2 = r * r;
  const s = r * (P + r2 * (S3 + r2 * (S5 + r2 * S7))); // sin φ
  const w = r2 * (C2 + r2 * (C4 + r2 * C6)); // cos φ − 1
  const c0 = COS[j];
  const s0 = SIN[j];
  out[0] = c0 + (c0 * w - s0 * s);
  out[1] = s0 + (s0 * w + c0 * s);
}
