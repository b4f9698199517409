/**
 * What the playground computes, all in the page with the exact oracle of a Gaussian mixture: the
 * mixture from its editable text, the SDEs/paths on offer, a sampler run, exact samples, the exact
 * score field and the weak error of sample moments against the mixture's moments for a range of NFE.
 */
import * as sk from 'scorekit';

/** The SDEs and paths of the playground, with the command line's defaults (VE: σ from 0.01 to 10). */
export const SDES: Record<string, () => sk.Sde> = {
  vp: () => sk.vpSde({}),
  ve: () => sk.veSde({ sigmaMin: 0.01, sigmaMax: 10 }),
  subvp: () => sk.subVpSde({}),
  cld: () => sk.cldSde({}),
  edm: () => sk.edmSde({}),
  rf: () => sk.rfSde(),
  'vp-cosine': () => sk.vpCosineSde({}),
  'vp-logsnr': () => sk.vpLogSnrSde({}),
};

/**
 * A 2-D isotropic mixture from text, one component a line: `weight meanX meanY std` (weights are
 * normalised). Throws with the line that is wrong.
 */
export function parseMixture(text: string): sk.Gmm {
  const rows = text.split('\n').map((l) => l.trim()).filter((l) => l && !l.startsWith('#'));
  if (rows.length === 0) throw new Error('the mixture has no component (one a line: weight meanX meanY std)');
  const comps = rows.map((l, i) => {
    const v = l.split(/[\s,]+/).map(Number);
    if (v.length !== 4 || v.some((x) => !Number.isFinite(x))) throw new Error(`component ${i + 1} ('${l}'): give four numbers, weight meanX meanY std`);
    if (!(v[0] > 0) || !(v[3] > 0)) throw new Error(`component ${i + 1} ('${l}'): weight and std must be > 0`);
    return v;
  });
  const total = comps.reduce((s, c) => s + c[0], 0);
  return sk.gmm({
    weights: comps.map((c) => c[0] / total),
    means: comps.map((c) => [c[1], c[2]]),
    covs: comps.map((c) => [[c[3] ** 2, 0], [0, c[3] ** 2]]),
  });
}

/** The text of a mixture's components (inverse of parseMixture for isotropic components). */
export function mixtureText(g: Pick<sk.GmmSpec, 'weights' | 'means' | 'covs'>): string {
  return g.weights.map((w, i) => `${+w.toFixed(4)} ${+g.means[i][0].toFixed(3)} ${+g.means[i][1].toFixed(3)} ${+Math.sqrt(g.covs[i][0][0]).toFixed(3)}`).join('\n');
}

export interface RunSpec {
  readonly mixture: string;
  readonly sde: string;
  readonly sampler: string;
  readonly steps: number;
  readonly seed: number;
  readonly n: number;
  readonly backend: string;
}

/** The samplers of the registry that apply to an SDE. */
export function samplersFor(sde: sk.Sde): string[] {
  return sk.SAMPLER_NAMES.filter((name) => {
    try {
      sk.checkSupports(sk.SAMPLERS[name], sde);
      return true;
    } catch {
      return false;
    }
  });
}

export function sdeOf(name: string): sk.Sde {
  const make = SDES[name];
  if (!make) throw new Error(`unknown SDE '${name}'; use one of ${Object.keys(SDES).join(', ')}`);
  return make();
}

/** The data part of a state ([n, 2] of CLD's [n, 4]). */
function dataPart(sde: sk.Sde, x: sk.Tensor): sk.Tensor {
  return sde.kind === 'cld' ? (sde as sk.CldSde).split(x).x : x;
}

export interface RunResult {
  /** The samples' data part, [n, 2] row-major, float64. */
  readonly samples: Float64Array;
  readonly nfe: number;
  /** Data parts of the first particles along the grid: trajectories[i] is particle i's [x0, y0, x1, y1, …]. */
  readonly trajectories: Float64Array[];
  readonly exact: Float64Array;
}

async function host(t: sk.Tensor): Promise<Float64Array> {
  return Float64Array.from((await t.data()) as ArrayLike<number>);
}

/**
 * One run: the sampler from the prior with the key of `seed` and the exact score, the exact samples
 * under foldIn(key, 1), and the trajectories of the first `paths` particles (fixed-grid samplers).
 */
export async function runSampling(spec: RunSpec, paths = 40): Promise<RunResult> {
  const g = parseMixture(spec.mixture);
  const sde = sdeOf(spec.sde);
  const s = sk.samplerByName(spec.sampler);
  const be = await sk.getBackend(spec.backend);
  const k = sk.random.key(spec.seed);
  const fixed = s.grid === 'fixed';
  const r = await sk.runSampler(k, s, sde, sk.exactScore(sde, g), { n: spec.n, d: 2, steps: spec.steps, backend: be, trajectory: fixed });
  const samples = await host(dataPart(sde, r.x));
  const trajectories: Float64Array[] = [];
  if (r.trajectory) {
    const m = Math.min(paths, spec.n);
    for (let i = 0; i < m; i++) trajectories.push(new Float64Array(2 * r.trajectory.length));
    for (let j = 0; j < r.trajectory.length; j++) {
      const v = await host(dataPart(sde, r.trajectory[j]));
      for (let i = 0; i < m; i++) trajectories[i].set([v[2 * i], v[2 * i + 1]], 2 * j);
    }
    for (const t of r.trajectory) if (t !== r.x) t.dispose();
  }
  r.x.dispose();
  const e = sk.gmmSample(g, sk.random.foldIn(k, 1), spec.n, { backend: be });
  const exact = await host(e);
  e.dispose();
  return { samples, nfe: r.nfe, trajectories, exact };
}

/** The exact score s(x, t) = ∇log p_t(x) on a side × side grid over the view (CLD: the data-space score of the mixture at t). */
export async function scoreField(spec: Pick<RunSpec, 'mixture' | 'sde' | 'backend'>, t: number, view: View, side = 21): Promise<{ points: Float64Array; scores: Float64Array }> {
  const g = parseMixture(spec.mixture);
  const sde = sdeOf(spec.sde);
  const be = await sk.getBackend(spec.backend);
  const points = new Float64Array(2 * side * side);
  for (let i = 0; i < side; i++) for (let j = 0; j < side; j++) {
    points[2 * (i * side + j)] = view.x0 + ((j + 0.5) / side) * (view.x1 - view.x0);
    points[2 * (i * side + j) + 1] = view.y0 + ((i + 0.5) / side) * (view.y1 - view.y0);
  }
  const x = sk.fromArray(points, { backend: be, shape: [side * side, 2] });
  const s = sde.kind === 'cld' ? sk.gmmScore(g, x) : sk.exactScore(sde, g)(x, t);
  const scores = await host(s);
  x.dispose();
  s.dispose();
  return { points, scores };
}

export interface ErrorCurve {
  readonly sampler: string;
  readonly nfe: number[];
  readonly error: number[];
}

/**
 * Weak error against NFE: |mean − mean*| + ‖cov − cov*‖_F of n samples of each sampler against the
 * mixture's moments, for each step count; and the same error of n exact samples (the Monte Carlo floor).
 */
export async function errorAgainstNfe(spec: RunSpec, samplers: readonly string[], stepCounts: readonly number[]): Promise<{ curves: ErrorCurve[]; floor: number }> {
  const g = parseMixture(spec.mixture);
  const sde = sdeOf(spec.sde);
  const be = await sk.getBackend(spec.backend);
  const target = sk.gmmMoments(g);
  const k = sk.random.key(spec.seed);
  const curves: ErrorCurve[] = [];
  for (const name of samplers) {
    const s = sk.samplerByName(name);
    const nfe: number[] = [];
    const error: number[] = [];
    for (const steps of stepCounts) {
      const r = await sk.runSampler(k, s, sde, sk.exactScore(sde, g), { n: spec.n, d: 2, steps, backend: be });
      const v = await host(dataPart(sde, r.x));
      r.x.dispose();
      nfe.push(r.nfe);
      error.push(sk.momentError(sk.metrics.sampleMoments(v, spec.n, 2, 2), target));
      await new Promise((res) => setTimeout(res, 0));
    }
    curves.push({ sampler: name, nfe, error });
  }
  const e = sk.gmmSample(g, sk.random.foldIn(k, 1), spec.n, { backend: be });
  const floor = sk.momentError(sk.metrics.sampleMoments(await host(e), spec.n, 2, 2), target);
  e.dispose();
  return { curves, floor };
}

export interface View { readonly x0: number; readonly x1: number; readonly y0: number; readonly y1: number }

/** A square view around the mixture: its means ± 3 std, with a margin. */
export function viewOf(g: sk.Gmm): View {
  let x0 = Infinity, x1 = -Infinity, y0 = Infinity, y1 = -Infinity;
  g.means.forEach((m, i) => {
    const r = 3 * Math.sqrt(Math.max(g.covs[i][0][0], g.covs[i][1][1]));
    x0 = Math.min(x0, m[0] - r); x1 = Math.max(x1, m[0] + r);
    y0 = Math.min(y0, m[1] - r); y1 = Math.max(y1, m[1] + r);
  });
  const c = [(x0 + x1) / 2, (y0 + y1) / 2];
  const h = Math.max(x1 - x0, y1 - y0) / 2 + 0.5;
  return { x0: c[0] - h, x1: c[0] + h, y0: c[1] - h, y1: c[1] + h };
}
