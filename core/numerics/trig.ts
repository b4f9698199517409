/**
 * cos 2πu and sin 2πu together, for the Box–Muller transform: a 256-entry table of the angles
 * 2πj/256 and the angle-addition formulas with short Taylor series of the remainder
 * φ = 2π(u − j/256), |φ| ≤ π/256 (the series end at φ⁷ and φ⁶; the next terms are below 2e-20).
 * The argument is reduced exactly (j = ⌊256u + ½⌋ and 256u − j are exact in float64 for u ∈ [0, 1]
 * on the 2⁻⁵³ grid), and the result is within 1e-15 of cos and sin; one table look-up serves both,
 * where Math.cos and Math.sin each reduce the argument again.
 */
const TABLE = 256;
/**
 * The first octant, cos and sin of 2πj/256 for j = 0 … 32, as float64 literals: Math.cos and
 * Math.sin are not specified to the bit and JavaScript engines differ by an ulp (cos 2π·30/256 is
 * …592 in one, …591 in another), so the table is fixed here for every runtime to give the same
 * bits. The values are within an ulp of cos and sin (tests/core/trig-table.test.ts).
 */
const COS_OCTANT = [
  1, 0.9996988186962042, 0.9987954562051724, 0.9972904566786902, 0.9951847266721969, 0.99247953459871,
  0.989176509964781, 0.9852776423889412, 0.9807852804032304, 0.9757021300385286, 0.970031253194544, 0.9637760657954398,
  0.9569403357322088, 0.9495281805930367, 0.9415440651830208, 0.932992798834739, 0.9238795325112867, 0.9142097557035307,
  0.9039892931234433, 0.8932243011955153, 0.881921264348355, 0.8700869911087115, 0.8577286100002721, 0.8448535652497071,
  0.8314696123025452, 0.8175848131515837, 0.8032075314806449, 0.7883464276266063, 0.773010453362737, 0.7572088465064846,
  0.7409511253549592, 0.724247082951467, 0.7071067811865476,
] as const;
const SIN_OCTANT = [
  0, 0.024541228522912288, 0.049067674327418015, 0.07356456359966743, 0.0980171403295606, 0.1224106751992162,
  0.14673047445536175, 0.17096188876030122, 0.19509032201612825, 0.2191012401568698, 0.24298017990326387, 0.26671275747489837,
  0.29028467725446233, 0.3136817403988915, 0.33688985339222005, 0.3598950365349881, 0.3826834323650898, 0.40524131400498986,
  0.4275550934302821, 0.44961132965460654, 0.47139673682599764, 0.49289819222978404, 0.5141027441932217, 0.5349976198870972,
  0.5555702330196022, 0.5758081914178453, 0.5956993044924334, 0.6152315905806268, 0.6343932841636455, 0.6531728429537768,
  0.6715589548470183, 0.6895405447370668, 0.7071067811865475,
] as const;
const COS = new Float64Array(TABLE + 1);
const SIN = new Float64Array(TABLE + 1);
// the first octant from the literals, the rest by the exact symmetries (so cos π = −1 and sin π = 0 exactly)
for (let j = 0; j <= TABLE / 8; j++) {
  COS[j] = COS_OCTANT[j];
  SIN[j] = SIN_OCTANT[j];
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
/**
 * φ = P·r for r = 256u − j ∈ [−½, ½]; the series coefficients in r, −P³/6, P⁵/120, −P⁷/5040 and
 * −P²/2, P⁴/24, −P⁶/720, as literals for the same reason (** is Math.pow, not specified to the bit).
 */
const P = (2 * Math.PI) / TABLE;
const S3 = -0.000002464157476448998;
const S5 = 7.421954185344934e-11;
const S7 = -1.0645076452689606e-15;
const C2 = -0.0003011964233730883;
const C4 = 1.511988090879011e-8;
const C6 = -3.0360360343697477e-13;

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
