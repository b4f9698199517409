/**
 * W5, the dimension sweep: CLD SSCS and VP Euler–Maruyama with the exact score of an 8-component
 * full-covariance Gaussian mixture, D ∈ {2, 16, 64, 256}, scorekit (cpu:float32, one thread)
 * against two PyTorch peers (bench/peers/dimension_sweep.py: vectorised over components, and a loop
 * over components; both with the same one-eigendecomposition-per-run score) measured in the same
 * run. Every side times ≥ 3 repetitions after a warm-up; the report gives min / median / max of the
 * time per particle·step and the ratio of medians against the fastest peer.
 *
 * Usage: node dist/bench/dimension-sweep.js [--reps N] [--out DIR] [--dims 2,16]
 * Writes DIR/w5.json, DIR/w5.md and DIR/w5.vl.json (a log-log Vega-Lite plot), DIR = bench/results.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as sk from '../index.js';
import { writeFileAtomic } from '../io/checkpoint.js';
import { posInt, posIntList, runPeerLines, runScript, type Stat, stat, TORCH_MISSING, torchInfo } from './script.js';

const HERE = dirname(fileURLToPath(import.meta.url));
const PEER = join(HERE, '..', '..', 'bench', 'peers', 'dimension_sweep.py');
const COMPONENTS = 8;
const EPS = 1e-3;

type Method = 'cld-sscs' | 'vp-em';

/** Particles and steps per D: about the same arithmetic per repetition at every D (K·D² per particle·step). */
export const SWEEP_SIZES: Readonly<Record<number, { n: number; steps: number }>> = {
  2: { n: 10_000, steps: 10 }, 16: { n: 2_000, steps: 10 }, 64: { n: 500, steps: 6 }, 256: { n: 128, steps: 4 },
};

/** K (default 8) full-covariance components in D dimensions: means 2·N(0, I), covariances AAᵀ/D + 0.05 I (A normal). */
export function sweepMixture(D: number, seed = 5, K = COMPONENTS): sk.Gmm {
  const z = sk.random.normalHost(sk.random.key(seed), K * (D + D * D));
  const cov = (k: number): number[][] => {
    const A = (i: number, j: number): number => z[K * D + k * D * D + i * D + j];
    const S = Array.from({ length: D }, (_, i) => Array.from({ length: D }, (_, j) => {
      let s = i === j ? 0.05 : 0;
      for (let q = 0; q < D; q++) s += (A(i, q) * A(j, q)) / D;
      return s;
    }));
    return S.map((r, i) => r.map((_, j) => (i <= j ? S[i][j] : S[j][i])));
  };
  return sk.gmm({
    weights: Array.from({ length: K }, () => 1 / K),
    means: Array.from({ length: K }, (_, k) => Array.from({ length: D }, (_, a) => 2 * z[k * D + a])),
    covs: Array.from({ length: K }, (_, k) => cov(k)),
  });
}

/** Scorekit's run of `steps` steps (the check value read back so the work is done). */
function scorekitRun(method: Method, g: sk.Gmm, n: number, steps: number, be: sk.Backend): () => Promise<number> {
  const sde = method === 'cld-sscs' ? sk.cldSde() : sk.vpSde();
  const score = sk.exactScore(sde, g);
  const stepper = method === 'cld-sscs' ? sk.sscs(sde, score) : sk.eulerMaruyama(sde, score);
  const grid = sk.timeGrid({ steps, T: sde.T, eps: EPS });
  return async () => {
    const x0 = sde.priorSample(sk.random.key(1), n, g.dim, { backend: be, dtype: 'float32' });
    const r = sk.integrate(stepper, x0, grid, sk.random.key(2));
    const check = await sk.tidy(() => sk.mean(sk.abs(r.x))).item();
    x0.dispose();
    r.x.dispose();
    return check;
  };
}

/** The per-step scalars the peer needs for the same schedule. */
function peerSchedule(method: Method, steps: number): object[] {
  if (method === 'vp-em') {
    const sde = sk.vpSde();
    const grid = sk.timeGrid({ steps, T: sde.T, eps: EPS });
    return Array.from({ length: steps }, (_, i) => ({ h: grid[i] - grid[i + 1], beta: sde.diffusion(grid[i]) ** 2, a: sde.meanCoef(grid[i]), s2: sde.std(grid[i]) ** 2 }));
  }
  const sde = sk.cldSde();
  const grid = sk.timeGrid({ steps, T: sde.T, eps: EPS });
  const ks = (k: sk.CldKernel): object => ({ mxx: k.mxx, mxv: k.mxv, mvx: k.mvx, mvv: k.mvv, L11: k.L11, L21: k.L21, L22: k.L22 });
  return Array.from({ length: steps }, (_, i) => {
    const t = grid[i];
    const tNext = grid[i + 1];
    const h = t - tNext;
    const ts = t - h / 2;
    const m = sde.kernelFrom(ts, 0, sde.gamma * sde.M, false);
    return {
      k1: ks(sde.kernelOfIntegral(sde.B(t) - sde.B(ts), 0, 0)),
      k2: ks(sde.kernelOfIntegral(sde.B(ts) - sde.B(tNext), 0, 0)),
      c: 2 * sde.Gamma * sde.beta(ts) * h, M: sde.M,
      score: { mxx: m.mxx, mvx: m.mvx, Sxx: m.Sxx, Sxv: m.Sxv, Svv: m.Svv },
    };
  });
}

interface Row {
  readonly method: Method; readonly D: number; readonly n: number; readonly steps: number;
  /** µs per particle·step, per side. */
  readonly sides: Record<string, Stat>;
  readonly peer: string;
  readonly ratio: number;
  /** Mean |state| after the run, per side (the same distribution, so close but not equal). */
  readonly checks: Record<string, number>;
}

const runPeer = (planPath: string): { method: Method; D: number; side: string; seconds: number[]; check: number }[] => runPeerLines(PEER, [planPath]);

function vegaLite(rows: readonly Row[]): object {
  const methods: Method[] = ['cld-sscs', 'vp-em'];
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v5.json', background: 'white', padding: 8,
    hconcat: methods.map((m) => ({
      title: `W5 ${m}: time per particle·step vs D (K = ${COMPONENTS})`, width: 300, height: 260,
      data: { values: rows.filter((r) => r.method === m).flatMap((r) => Object.entries(r.sides).map(([side, s]) => ({ side, D: r.D, us: s.median, lo: s.min, hi: s.max }))) },
      layer: [
        { mark: { type: 'line', point: true }, encoding: {
          x: { field: 'D', type: 'quantitative', scale: { type: 'log', base: 2 }, title: 'D' },
          y: { field: 'us', type: 'quantitative', scale: { type: 'log' }, title: 'µs per particle·step (median)' },
          color: { field: 'side', type: 'nominal' } } },
        { mark: 'rule', encoding: { x: { field: 'D', type: 'quantitative' }, y: { field: 'lo', type: 'quantitative' }, y2: { field: 'hi' }, color: { field: 'side', type: 'nominal' } } },
      ],
    })),
  };
}

function markdown(rows: readonly Row[], meta: { date: string; command: string; reps: number; torch: string }): string {
  const f = (s: Stat): string => `${s.median.toPrecision(3)} (${s.min.toPrecision(3)}–${s.max.toPrecision(3)})`;
  const lines = [
    `# W5: dimension sweep (${meta.date})`, '',
    `\`${meta.command}\`; K = ${COMPONENTS} full covariances; one thread each side; ${meta.reps} repetitions after a warm-up; PyTorch ${meta.torch}.`,
    'µs per particle·step, median (min–max); ratio = fastest peer median ÷ scorekit median.', '',
    '| workload | D | particles × steps | scorekit cpu:float32 | torch vectorised | torch loop | ratio |',
    '|---|---:|---:|---:|---:|---:|---:|',
  ];
  for (const r of rows) {
    lines.push(`| ${r.method} | ${r.D} | ${r.n} × ${r.steps} | ${f(r.sides.scorekit)} | ${r.sides['torch-vectorised'] ? f(r.sides['torch-vectorised']) : '–'} | ${r.sides['torch-loop'] ? f(r.sides['torch-loop']) : '–'} | ${Number.isFinite(r.ratio) ? r.ratio.toFixed(2) + '×' : '–'} |`);
  }
  return lines.join('\n') + '\n';
}

export interface SweepOptions { readonly reps: number; readonly out: string; readonly dims: readonly number[] }

/** --reps N, --out DIR, --dims 2,16,… (errors are RangeErrors naming the flag). */
export function parseSweepArgs(argv: readonly string[]): SweepOptions {
  const o = { reps: 3, out: join(HERE, '..', '..', 'bench', 'results'), dims: [2, 16, 64, 256] };
  for (let i = 0; i < argv.length; i += 2) {
    const v = argv[i + 1];
    if (v === undefined) throw new RangeError(`${argv[i]} needs a value`);
    if (argv[i] === '--reps') o.reps = posInt('--reps', v);
    else if (argv[i] === '--out') o.out = v;
    else if (argv[i] === '--dims') o.dims = posIntList('--dims', v);
    else throw new RangeError(`unknown option '${argv[i]}' (use --reps, --out, --dims)`);
  }
  for (const D of o.dims) if (!SWEEP_SIZES[D]) throw new RangeError(`--dims: no sizes for D = ${D} (known: ${Object.keys(SWEEP_SIZES).join(', ')})`);
  return o;
}

async function main({ reps, out, dims }: SweepOptions, argv: readonly string[]): Promise<void> {
  const be = await sk.getBackend('cpu:float32');
  const methods: Method[] = ['cld-sscs', 'vp-em'];
  const timings = new Map<string, Record<string, number[]>>();
  const checks = new Map<string, Record<string, number>>();
  const plan: object[] = [];
  for (const D of dims) {
    const g = sweepMixture(D);
    const { n, steps } = SWEEP_SIZES[D];
    for (const method of methods) {
      const run = scorekitRun(method, g, n, steps, be);
      const check = await run(); // warm-up: the spectrum is computed once per mixture and the code is compiled
      const secs: number[] = [];
      for (let r = 0; r < reps; r++) {
        const t0 = performance.now();
        await run();
        secs.push((performance.now() - t0) / 1000);
      }
      process.stderr.write(`scorekit ${method} D=${D}: ${secs.map((s) => s.toFixed(3)).join(' ')} s\n`);
      timings.set(`${method}:${D}`, { scorekit: secs });
      checks.set(`${method}:${D}`, { scorekit: check });
      plan.push({ method, D, n, steps, reps, weights: g.weights, means: g.means, covs: g.covs, prior: { M: sk.cldSde().M }, schedule: peerSchedule(method, steps) });
    }
  }
  let torch = 'not run';
  const info = torchInfo();
  if (info) {
    torch = info.version;
    const dir = mkdtempSync(join(tmpdir(), 'sk-w5-'));
    try {
      const planPath = join(dir, 'plan.json');
      writeFileSync(planPath, JSON.stringify(plan));
      for (const p of runPeer(planPath)) {
        timings.get(`${p.method}:${p.D}`)![p.side] = p.seconds;
        checks.get(`${p.method}:${p.D}`)![p.side] = p.check;
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  } else process.stderr.write(`PyTorch peer skipped: ${TORCH_MISSING}\n`);
  const rows: Row[] = [];
  for (const D of dims) {
    for (const method of methods) {
      const { n, steps } = SWEEP_SIZES[D];
      const t = timings.get(`${method}:${D}`)!;
      const sides: Record<string, Stat> = {};
      for (const [side, secs] of Object.entries(t)) sides[side] = stat(secs.map((s) => (s * 1e6) / (n * steps)));
      const peers = Object.keys(sides).filter((s) => s !== 'scorekit');
      const peer = peers.sort((a, b) => sides[a].median - sides[b].median)[0] ?? '';
      rows.push({ method, D, n, steps, sides, peer, ratio: peer ? sides[peer].median / sides.scorekit.median : NaN, checks: checks.get(`${method}:${D}`)! });
    }
  }
  mkdirSync(out, { recursive: true });
  const meta = { date: new Date().toISOString(), command: `node dist/bench/dimension-sweep.js ${argv.join(' ')}`.trim(), reps, torch };
  await writeFileAtomic(join(out, 'w5.json'), JSON.stringify({ ...meta, rows }, null, 2) + '\n');
  await writeFileAtomic(join(out, 'w5.md'), markdown(rows, meta));
  await writeFileAtomic(join(out, 'w5.vl.json'), JSON.stringify(vegaLite(rows)) + '\n');
  process.stdout.write(markdown(rows, meta));
}

runScript(import.meta.url, 'bench/dimension-sweep', parseSweepArgs, main);
