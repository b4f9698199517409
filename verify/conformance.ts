/**
 * The sampler conformance suite: three checks that any registry entry can be put through, using only
 * the registry's public interface (`Sampler`, its `stepper`, `runSampler`).
 *
 * 1. Golden values: a few steps on fixed inputs (an initial state, a grid, the step noise given as
 *    data, the exact score of a Gaussian mixture) against values computed by an independent float64
 *    implementation of the published update formula (tests/fixtures/scripts/conformance_*.py), kept
 *    as one fixture per sampler, tests/fixtures/conformance/<sampler>.json. Fixture schema (version 1):
 *      { "schema": 1, "sampler": NAME, "reference": "papers/files the script follows", "script": PATH,
 *        "cases": [ { "name": TEXT,
 *                     "sde": one of CONFORMANCE_SDES (their default configurations),
 *                     "mixture": { "weights": [K], "means": [K][d], "covs": [K][d][d] } (the data),
 *                     "options": tuning options of the sampler (SamplerOptions names),
 *                     "grid": [t_0 = T, …, t_N] (decreasing; t_N may be 0),
 *                     "x0": [n][d] (the state at t_0),
 *                     "noise": [N][draws][n][d] (the standard normals of each step, in draw order),
 *                     "x": [n][d] (the state at t_N), "nfe": score evaluations,
 *                     "tol": optional, where the reference's own coefficients are quadratures } ] }
 *    A case passes when max|x − x_ref| ≤ tol·max(1, max|x_ref|) (tol 1e-12 in float64) and the NFE agree.
 * 2. Weak order: on every SDE the entry declares a step range for (`orderSteps`), the exact weak-order
 *    tool (core/integrators/convergence.ts; Gaussian data, the entry's order grid from T to ε = 1e-3, exact
 *    moments) gives an order within ±0.15 of the declared one.
 * 3. Error against NFE: on a 2-D two-component Gaussian mixture with the exact score, the weak error of
 *    the mean and covariance of n samples against the exact marginal at ε decreases as the NFE grows
 *    (up to a Monte-Carlo tolerance of 2 standard errors of the sample moments).
 */
import * as sk from '../core/index.js';

/** The SDEs a conformance case may name, in their default configurations. */
export const CONFORMANCE_SDES = {
  vp: () => sk.vpSde(),
  ve: () => sk.veSde(),
  subvp: () => sk.subVpSde(),
  edm: () => sk.edmSde(),
  'vp-cosine': () => sk.vpCosineSde(),
  rf: () => sk.rfSde(),
  'vp-logsnr': () => sk.vpLogSnrSde(),
  cld: () => sk.cldSde(),
} as const satisfies Record<sk.SdeKind, () => sk.Sde>;

export type ConformanceSde = keyof typeof CONFORMANCE_SDES;

export interface GoldenCase {
  readonly name: string;
  readonly sde: ConformanceSde;
  readonly mixture: sk.GmmSpec;
  readonly options?: Partial<Omit<sk.SamplerOptions, 'steps' | 'eps'>>;
  readonly grid: readonly number[];
  readonly x0: readonly (readonly number[])[];
  readonly noise: readonly (readonly (readonly (readonly number[])[])[])[];
  readonly x: readonly (readonly number[])[];
  readonly nfe: number;
  /** The agreement the reference supports where it is itself approximate (default 1e-12; quadrature-based coefficients). */
  readonly tol?: number;
}

export interface GoldenFixture {
  readonly schema: 1;
  readonly sampler: string;
  readonly reference: string;
  readonly script?: string;
  readonly cases: readonly GoldenCase[];
}

export interface GoldenResult {
  readonly name: string;
  /** max|x − x_ref| / max(1, max|x_ref|). */
  readonly relError: number;
  readonly nfe: number;
  readonly nfeRef: number;
  readonly pass: boolean;
}

/** A RangeError naming the first problem of a parsed fixture. */
export function checkGoldenFixture(f: unknown): asserts f is GoldenFixture {
  const fx = f as GoldenFixture;
  if (typeof f !== 'object' || f === null || fx.schema !== 1) throw new RangeError('conformance fixture: expected an object with "schema": 1');
  if (typeof fx.sampler !== 'string' || !Array.isArray(fx.cases) || fx.cases.length === 0) throw new RangeError('conformance fixture: needs "sampler" and a non-empty "cases" list');
  for (const c of fx.cases) {
    const where = `conformance fixture ${fx.sampler}, case '${c.name}'`;
    if (!Object.hasOwn(CONFORMANCE_SDES, c.sde)) throw new RangeError(`${where}: unknown sde '${c.sde}' (${Object.keys(CONFORMANCE_SDES).join(', ')})`);
    if (!Array.isArray(c.grid) || c.grid.length < 2) throw new RangeError(`${where}: the grid needs at least 2 times`);
    if (!Array.isArray(c.noise) || c.noise.length !== c.grid.length - 1) throw new RangeError(`${where}: noise must list one entry per step (${c.grid.length - 1}), got ${c.noise?.length}`);
    if (!Array.isArray(c.x0) || !Array.isArray(c.x) || c.x.length !== c.x0.length) throw new RangeError(`${where}: x0 and x must be [n][d] arrays of equal shape`);
    if (c.tol !== undefined && !(c.tol > 0 && c.tol <= 1e-8)) throw new RangeError(`${where}: tol must lie in (0, 1e-8], got ${c.tol}`);
  }
}

/** The noise of a case as a NoiseSource: step i, draw j is noise[i][j]. */
function fixtureNoise(c: GoldenCase): sk.NoiseSource {
  return {
    step(i, _t, _tNext, draws, like) {
      const given = c.noise[i];
      if (!given || given.length < draws) throw new RangeError(`case '${c.name}': step ${i} needs ${draws} normal draws, the fixture gives ${given?.length ?? 0}`);
      return given.slice(0, draws).map((z) => sk.fromArray(z.map((r) => [...r]), { backend: like.backend, dtype: like.dtype as 'float64' | 'float32' }));
    },
  };
}

/** Run one golden case through runSampler (the fixture's x0, grid and noise) and compare. */
export async function goldenCase(s: sk.Sampler, c: GoldenCase, tol = 1e-12): Promise<GoldenResult> {
  const sde = CONFORMANCE_SDES[c.sde]();
  const score = sk.exactScore(sde, sk.gmm(c.mixture));
  const d = c.x0[0].length;
  const x0 = sk.fromArray(c.x0.map((r) => [...r]), { dtype: 'float64' });
  const steps = c.grid.length - 1;
  const eps = c.grid[steps] > 0 ? c.grid[steps] : undefined;
  const r = await sk.runSampler(sk.random.key(0), s, sde, score, { ...c.options, n: c.x0.length, d, steps, eps, grid: c.grid, x0, noise: fixtureNoise(c) });
  const got = (await r.x.array()) as number[][];
  r.x.dispose();
  x0.dispose();
  let err = 0;
  let scale = 1;
  c.x.forEach((row, i) => row.forEach((v, j) => {
    err = Math.max(err, Math.abs(got[i][j] - v));
    scale = Math.max(scale, Math.abs(v));
  }));
  const relError = Number.isFinite(err) ? err / scale : Infinity;
  return { name: c.name, relError, nfe: r.nfe, nfeRef: c.nfe, pass: relError <= (c.tol ?? tol) && r.nfe === c.nfe };
}

export async function goldenCheck(s: sk.Sampler, f: GoldenFixture, tol = 1e-12): Promise<GoldenResult[]> {
  checkGoldenFixture(f);
  if (f.sampler !== s.name) throw new RangeError(`conformance fixture is for '${f.sampler}', not '${s.name}'`);
  const out: GoldenResult[] = [];
  for (const c of f.cases) out.push(await goldenCase(s, c, tol));
  return out;
}

/** The Gaussian data of the weak-order check (as orders.test.ts and `scorekit orders`). */
export const ORDER_DATA: sk.GmmSpec = { weights: [1], means: [[0.8, -0.4]], covs: [[[0.5, 0.15], [0.15, 0.3]]] };
export const ORDER_TOLERANCE = 0.15;

export interface OrderRow {
  readonly sde: string;
  readonly stepCounts: readonly number[];
  readonly errors: readonly number[];
  readonly order: number;
  readonly declared: number;
  readonly pass: boolean;
}

/** The declared weak order on every SDE the entry gives a step range for; [] when it declares none. */
export function orderCheck(s: sk.Sampler, tol = ORDER_TOLERANCE): OrderRow[] {
  if (s.grid !== 'fixed' || s.weakOrder === null || !s.orderSteps) return [];
  const fixed = s;
  const declared = s.weakOrder;
  const g = sk.gmm(ORDER_DATA);
  const mom = (m: sk.Gmm): sk.Moments => ({ mean: m.means[0], cov: m.covs[0] });
  const eps = 1e-3;
  return Object.entries(s.orderSteps).map(([kind, counts]) => {
    const sde = CONFORMANCE_SDES[kind as ConformanceSde]();
    const score = sk.exactScore(sde, g);
    const r = sk.weakOrder({
      stepper: (n) => fixed.stepper(sde, score, { steps: n, eps }),
      grid: (n) => sk.orderGridOf(fixed, sde, n, eps),
      stepCounts: [...counts!],
      initial: mom(sk.marginal(sde, g, sde.T)),
      exact: mom(sk.marginal(sde, g, eps)),
    });
    return { sde: kind, stepCounts: r.stepCounts, errors: r.errors, order: r.order, declared, pass: Math.abs(r.order - declared) <= tol };
  });
}

/** The mixture of the error-against-NFE check: two separated components in 2-D. */
export const NFE_DATA: sk.GmmSpec = { weights: [0.35, 0.65], means: [[-1.2, 0.4], [0.9, -0.5]], covs: [[[0.08, 0.02], [0.02, 0.05]], [[0.12, -0.03], [-0.03, 0.06]]] };
export const NFE_TARGETS: readonly number[] = [10, 20, 40, 80];

export interface NfeRow {
  readonly sde: string;
  readonly grid: string;
  readonly nfe: readonly number[];
  /** Target NFEs the sampler refused (e.g. DDPM's discretisation needs ≥ 20 levels on VP), with the reason. */
  readonly refused: readonly string[];
  /** ‖mean − mean*‖₂ + ‖cov − cov*‖_F of the samples against the exact marginal at ε. */
  readonly errors: readonly number[];
  /** Monte-Carlo tolerance: 2 × (the standard error of the sample mean's norm + that of the covariance's). */
  readonly mcTolerance: number;
  readonly pass: boolean;
}

/** The first SDE (VP, EDM, VE, sub-VP, CLD) the sampler applies to. */
function nfeSde(s: sk.Sampler): sk.Sde | undefined {
  for (const k of ['vp', 'edm', 've', 'subvp', 'cld'] as const) {
    const sde = CONFORMANCE_SDES[k]();
    if (s.supports(sde) === null) return sde;
  }
  return undefined;
}

/**
 * Error against NFE (fixed-grid samplers; null for the others, which choose their own steps): n
 * samples per level from one key, the log-SNR grid on Gaussian paths (uniform in t on CLD).
 */
export async function nfeCheck(s: sk.Sampler, o: { readonly n?: number; readonly targets?: readonly number[] } = {}): Promise<NfeRow | null> {
  if (s.grid !== 'fixed' || s.nfePerStep === null) return null;
  const sde = nfeSde(s);
  if (!sde) return null;
  const n = o.n ?? 8000;
  const targets = o.targets ?? NFE_TARGETS;
  const g = sk.gmm(NFE_DATA);
  const d = g.dim;
  const eps = 1e-3;
  const exact = sk.gmmMoments(sk.marginal(sde, g, eps), d);
  const onPath = sk.gaussianPathOf(sde) !== undefined;
  const score = sk.exactScore(sde, g);
  const nfes: number[] = [];
  const errors: number[] = [];
  const refused: string[] = [];
  for (const target of targets) {
    const steps = Math.max(1, Math.round(target / s.nfePerStep));
    const grid = onPath ? sk.sdePathGrid(sde, 'logsnr', steps, eps) : undefined;
    let r: sk.SampleRun;
    try {
      r = await sk.runSampler(sk.random.key(11), s, sde, score, { n, d, steps, eps, grid });
    } catch (e) {
      if (!(e instanceof RangeError)) throw e;
      refused.push(`NFE ${target}: ${e.message}`);
      continue;
    }
    const vals = (await r.x.data()) as Float64Array;
    const cols = r.x.shape[1];
    r.x.dispose();
    const m = sk.metrics.sampleMoments(vals, n, cols, d);
    nfes.push(r.nfe);
    errors.push(sk.momentError(m, exact));
  }
  // standard errors of the sample mean (√(tr P/n)) and covariance (≈ ‖P‖_F √(2/n)) of exact samples
  const tr = exact.cov.reduce((a, row, i) => a + row[i], 0);
  const fro = Math.sqrt(exact.cov.flat().reduce((a, v) => a + v * v, 0));
  const mcTolerance = 2 * (Math.sqrt(tr / n) + fro * Math.sqrt(2 / n));
  const decreasing = errors.every((e, i) => i === 0 || e <= errors[i - 1] || e <= mcTolerance);
  // when even the fewest NFE are at the Monte-Carlo floor, no decrease can be resolved
  const pass = errors.length >= 2 && decreasing && (errors[errors.length - 1] < errors[0] || errors[0] <= mcTolerance);
  return { sde: sde.kind, grid: onPath ? 'logsnr' : 'uniform', nfe: nfes, refused, errors, mcTolerance, pass };
}

export interface ConformanceReport {
  readonly sampler: string;
  /** null: no fixture for this sampler. */
  readonly golden: readonly GoldenResult[] | null;
  readonly orders: readonly OrderRow[];
  readonly nfe: NfeRow | null;
  readonly pass: boolean;
}

/** All three checks of one sampler (the fixture when there is one). */
export async function samplerConformance(s: sk.Sampler, fixture?: GoldenFixture, o: { readonly n?: number } = {}): Promise<ConformanceReport> {
  const golden = fixture ? await goldenCheck(s, fixture) : null;
  const orders = orderCheck(s);
  const nfe = await nfeCheck(s, o);
  const pass = (golden ?? []).every((c) => c.pass) && orders.every((r) => r.pass) && (nfe?.pass ?? true);
  return { sampler: s.name, golden, orders, nfe, pass };
}
