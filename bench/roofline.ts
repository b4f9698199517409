/**
 * The W1 roofline: scorekit's W1 (CLD + SSCS and Euler–Maruyama, the exact score of the 8-component
 * 2-D mixture; bench/workloads.ts) against a plain-C peer of the same algorithm and arithmetic
 * (bench/peers/w1.c: float32 state, float64 arithmetic, the same Threefry normals to the bit,
 * vectorised by gcc, OpenMP over particles) and against the machine's measured peaks
 * (bench/peers/peaks.c: an FMA loop, float32 and float64, and a STREAM-like triad), all in the same run.
 * Both C programs are compiled with gcc -O3 -march=native -fopenmp into a temp dir (skipped, with the
 * reason, when gcc is absent). Every side times ≥ --reps repetitions after a warm-up; the report gives
 * min / median / max of the throughput (particle·steps/s), scorekit ÷ C at equal threads (the
 * target: ≥ 25 %), each side's arithmetic rate against the FMA peak and its state traffic against
 * the triad. Before timing, the C peer's normal stream is compared with scorekit's
 * random.normalHost / random.normal values, and its final state's check value mean |u| with scorekit's.
 *
 * Usage: node dist/bench/roofline.js [--n 100000] [--steps 100] [--reps 3] [--threads 1,2]
 *   [--methods sscs,em] [--triad-mib 256] [--fma-iters 50000000] [--cc gcc] [--no-scorekit] [--out DIR]
 * Writes DIR/roofline.json and DIR/roofline.md, DIR = bench/results.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as sk from '../index.js';
import { writeFileAtomic } from '../io/checkpoint.js';
import { type BenchSizes, FULL, parallelRunner, type Runner, scorekitRunner, workloads, type WorkloadSpec } from './workloads.js';
import { normalKernelName, parseFlags, posInt, posIntList, runScript, type Stat, stat } from './script.js';

const HERE = dirname(fileURLToPath(import.meta.url));
const PEERS = join(HERE, '..', '..', 'bench', 'peers');
/** The issue's target: scorekit reaches at least this fraction of the C peer's throughput. */
export const TARGET = 0.25;
/** w1.c's flags: C11, no FMA contraction (scorekit never fuses; the normals are defined unfused), no errno (sqrt vectorises). */
const W1_FLAGS = ['-O3', '-march=native', '-fopenmp', '-std=c11', '-ffp-contract=off', '-fno-math-errno'];
/** peaks.c's flags: GNU C for the vector types, contraction on so the FMA loop is FMAs. */
const PEAKS_FLAGS = ['-O3', '-march=native', '-fopenmp', '-std=gnu11', '-ffp-contract=fast'];

export type Method = 'sscs' | 'em';

export interface RooflineOptions {
  readonly n: number;
  readonly steps: number;
  readonly reps: number;
  readonly threads: readonly number[];
  readonly methods: readonly Method[];
  readonly triadMiB: number;
  readonly fmaIters: number;
  readonly cc: string;
  readonly scorekit: boolean;
  readonly out: string;
  readonly log: (line: string) => void;
}

export const ROOFLINE_DEFAULTS: RooflineOptions = {
  n: FULL.w1Particles, steps: FULL.samplerSteps, reps: 3, threads: [1, 2], methods: ['sscs', 'em'],
  triadMiB: 256, fmaIters: 50_000_000, cc: 'gcc', scorekit: true,
  out: join(HERE, '..', '..', 'bench', 'results'), log: (l) => void process.stderr.write(`${l}\n`),
};

/** Parse the command line (errors are RangeErrors naming the flag). */
export function parseRooflineArgs(argv: readonly string[], base: RooflineOptions = ROOFLINE_DEFAULTS): RooflineOptions {
  const o: { -readonly [K in keyof RooflineOptions]: RooflineOptions[K] } = { ...base };
  const flags: Record<string, (v: string) => void> = {
    '--n': (v) => void (o.n = posInt('--n', v)),
    '--steps': (v) => void (o.steps = posInt('--steps', v)),
    '--reps': (v) => void (o.reps = posInt('--reps', v)),
    '--threads': (v) => void (o.threads = [...new Set(posIntList('--threads', v))].sort((a, b) => a - b)),
    '--methods': (v) => {
      const parts = v.split(',').map((s) => s.trim()).filter(Boolean);
      if (!parts.length || parts.some((p) => p !== 'sscs' && p !== 'em')) throw new RangeError(`--methods must list sscs and/or em, got '${v}'`);
      o.methods = [...new Set(parts)] as Method[];
    },
    '--triad-mib': (v) => void (o.triadMiB = posInt('--triad-mib', v)),
    '--fma-iters': (v) => void (o.fmaIters = posInt('--fma-iters', v)),
    '--cc': (v) => void (o.cc = v),
    '--out': (v) => void (o.out = v),
  };
  const switches: Record<string, () => void> = { '--no-scorekit': () => void (o.scorekit = false) };
  parseFlags(argv, flags, switches);
  if (o.n > 2 ** 28) throw new RangeError(`--n must be at most 2^28 (the C peer's Threefry counters), got ${o.n}`);
  if (o.threads.some((t) => t > 256)) throw new RangeError(`--threads: at most 256 threads, got ${o.threads.join(',')}`);
  return o;
}

export type { Stat };

/** One line of w1's JSON. */
export interface CPeerRow {
  readonly method: Method;
  readonly n: number;
  readonly steps: number;
  readonly threads: number;
  readonly seconds: readonly number[];
  readonly throughput: Stat;
  readonly flopsPerParticleStep: number;
  readonly threefryBlocksPerParticleStep: number;
  readonly stateBytesPerParticleStep: number;
  /** mean |u| over the final state [n, 4], as scorekit's runner's check value. */
  readonly check: number;
  readonly mean: readonly number[];
  readonly cov: readonly (readonly number[])[];
  /** The keys: prior key(priorSeed) and noise key(noiseSeed), or split(key(sampleKey), 2). */
  readonly priorSeed?: number;
  readonly noiseSeed?: number;
  readonly sampleKey?: number;
}

export interface ScorekitRow {
  readonly method: Method;
  readonly threads: number;
  readonly side: string;
  readonly seconds: readonly number[];
  readonly throughput: Stat;
  readonly check: number;
}

export interface PeaksRow {
  readonly threads: number;
  /** GFLOP/s per kernel (f32x8, f32x16, f64x4, f64x8: type and lanes). */
  readonly fmaGflops: Record<string, Stat>;
  /** The best median over vector widths. */
  readonly f32: number;
  readonly f64: number;
  readonly triadGBs: Stat;
}

export interface RooflineRow {
  readonly side: 'c' | 'scorekit';
  readonly method: Method;
  readonly threads: number;
  /** Counted float64 FLOPs of the algorithm × median throughput. */
  readonly gflops: number;
  readonly fractionF64Peak: number | null;
  readonly fractionF32Peak: number | null;
  /** The state's read and write per particle·step (16 + 16 bytes) × median throughput: a lower bound on the traffic. */
  readonly stateGBs: number;
  readonly fractionTriad: number | null;
}

export interface RooflineReport {
  readonly date: string;
  readonly command?: string;
  readonly machine: { readonly cpu: string; readonly cores: number; readonly node: string; readonly gcc: string | null; readonly normalKernel: string };
  readonly workload: { readonly n: number; readonly steps: number; readonly precision: string; readonly description: string };
  readonly options: { readonly reps: number; readonly threads: readonly number[]; readonly methods: readonly Method[]; readonly triadMiB: number; readonly fmaIters: number };
  readonly compile: { readonly w1: string; readonly peaks: string } | null;
  readonly skipped: readonly string[];
  readonly normals: { readonly checked: number; readonly f64Mismatches: number; readonly f32Mismatches: number; readonly bitIdentical: boolean } | null;
  readonly c: readonly CPeerRow[];
  readonly scorekit: readonly ScorekitRow[];
  readonly ratios: readonly { readonly method: Method; readonly threads: number; readonly ratio: number; readonly range: { readonly min: number; readonly max: number }; readonly target: number; readonly meets: boolean }[];
  readonly peaks: readonly PeaksRow[];
  readonly roofline: readonly RooflineRow[];
  readonly agreement: readonly { readonly method: Method; readonly threads: number; readonly cCheck: number; readonly scorekitCheck: number; readonly relDiff: number }[];
  readonly notes: readonly string[];
}

// ---- the C side ----------------------------------------------------------------------------------------

/** gcc's version, or null with the reason it cannot run. */
export function compilerVersion(cc: string): { version: string } | { reason: string } {
  const r = spawnSync(cc, ['-dumpfullversion'], { encoding: 'utf8' });
  if (r.error) return { reason: `${cc} cannot be run (${(r.error as NodeJS.ErrnoException).code ?? r.error.message})` };
  if (r.status !== 0) return { reason: `${cc} -dumpfullversion exited with status ${r.status}: ${(r.stderr || '').trim().split('\n')[0]}` };
  return { version: r.stdout.trim() };
}

export interface CompiledPeers {
  readonly w1: string;
  readonly peaks: string;
  readonly commands: { readonly w1: string; readonly peaks: string };
}

/** Compile w1.c and peaks.c into `dir`; throws with gcc's first lines when a compile fails. */
export function compilePeers(cc: string, dir: string): CompiledPeers {
  const build = (src: string, out: string, flags: readonly string[]): string => {
    const args = [...flags, '-o', out, join(PEERS, src), '-lm'];
    const r = spawnSync(cc, args, { encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`compiling ${src} failed (${cc} ${args.join(' ')}): ${(r.stderr || r.error?.message || '').trim().split('\n').slice(0, 3).join(' | ')}`);
    return `${cc} ${[...flags, '-o', out.split('/').pop(), `bench/peers/${src}`, '-lm'].join(' ')}`;
  };
  const w1 = join(dir, 'w1');
  const peaks = join(dir, 'peaks');
  return { w1, peaks, commands: { w1: build('w1.c', w1, W1_FLAGS), peaks: build('peaks.c', peaks, PEAKS_FLAGS) } };
}

function runJson<T>(bin: string, args: readonly string[]): T {
  const r = spawnSync(bin, args, { encoding: 'utf8', maxBuffer: 1 << 28, timeout: 600_000 });
  if (r.status !== 0) throw new Error(`${bin} ${args.join(' ')} failed (status ${r.status}): ${(r.stderr || r.error?.message || '').trim().split('\n').slice(-2).join(' | ')}`);
  return JSON.parse(r.stdout.trim().split('\n').pop()!) as T;
}

export interface W1PeerOptions {
  readonly method: Method;
  readonly n: number;
  readonly steps: number;
  readonly reps: number;
  readonly threads: number;
  readonly warmup?: number;
  readonly priorSeed?: number;
  readonly noiseSeed?: number;
  /** Prior and noise keys split(key(sampleKey), 2), as sampleParallel (instead of priorSeed, noiseSeed). */
  readonly sampleKey?: number;
  /** Write the final state here as [n, 4] float32 rows. */
  readonly dump?: string;
}

/** One run of the C peer (warm-up, then `reps` timed runs of the whole sampler). */
export function runW1Peer(bin: string, o: W1PeerOptions): CPeerRow {
  const args = ['--method', o.method, '--n', String(o.n), '--steps', String(o.steps), '--reps', String(o.reps), '--threads', String(o.threads),
    '--warmup', String(o.warmup ?? 1),
    ...(o.sampleKey !== undefined ? ['--sample-key', String(o.sampleKey)] : ['--prior-seed', String(o.priorSeed ?? 1), '--noise-seed', String(o.noiseSeed ?? 2)]), ...(o.dump ? ['--dump', o.dump] : [])];
  return runJson<CPeerRow>(bin, args);
}

/** Values offset … offset + count − 1 of the C peer's normal stream of key(seed). */
export function peerNormals(bin: string, seed: number, count: number, offset = 0): Float64Array {
  const r = spawnSync(bin, ['--normals', String(count), '--seed', String(seed), '--offset', String(offset)], { encoding: 'utf8', maxBuffer: 1 << 28 });
  if (r.status !== 0) throw new Error(`${bin} --normals failed: ${(r.stderr || '').trim()}`);
  return Float64Array.from(r.stdout.trim().split('\n').map(Number));
}

/** Compare the peer's normals with scorekit's (float64 host values and the float32 tensor) at a few keys and offsets. */
export async function compareNormals(bin: string, count: number): Promise<NonNullable<RooflineReport['normals']>> {
  let checked = 0;
  let f64Mismatches = 0;
  let f32Mismatches = 0;
  const be = await sk.getBackend('cpu:float32');
  for (const [seed, offset] of [[2, 0], [1, 0], [7, 12_345], [2 ** 40 + 3, 1]]) {
    const c = peerNormals(bin, seed, count, offset);
    const s = sk.random.normalHost(sk.random.key(seed), count, offset);
    const t = sk.random.normal(sk.random.key(seed), [count], { dtype: 'float32', offset, backend: be });
    const s32 = await t.data();
    t.dispose();
    for (let i = 0; i < count; i++) {
      if (!Object.is(c[i], s[i])) f64Mismatches++;
      if (!Object.is(Math.fround(c[i]), s32[i])) f32Mismatches++;
    }
    checked += count;
  }
  return { checked, f64Mismatches, f32Mismatches, bitIdentical: f64Mismatches === 0 && f32Mismatches === 0 };
}

interface PeaksJson { threads: number; fmaGflops: Record<string, Stat & { values: number[] }>; triadGBs: { f64: Stat & { values: number[] } } }

export function runPeaks(bin: string, threads: number, reps: number, triadMiB: number, fmaIters: number): PeaksRow {
  const j = runJson<PeaksJson>(bin, ['--threads', String(threads), '--reps', String(reps), '--triad-mib', String(triadMiB), '--fma-iters', String(fmaIters)]);
  const best = (prefix: string): number => Math.max(...Object.entries(j.fmaGflops).filter(([k]) => k.startsWith(prefix)).map(([, v]) => v.median));
  const strip = (s: Stat): Stat => ({ min: s.min, median: s.median, max: s.max });
  return {
    threads,
    fmaGflops: Object.fromEntries(Object.entries(j.fmaGflops).map(([k, v]) => [k, strip(v)])),
    f32: best('f32'), f64: best('f64'),
    triadGBs: strip(j.triadGBs.f64),
  };
}

// ---- the scorekit side --------------------------------------------------------------------------------

async function timeRunner(r: Runner, steps: number, reps: number): Promise<{ seconds: number[]; check: number }> {
  try {
    await r.run(Math.min(steps, 10)); // warm-up: compiles the kernels, fills the pools
    const seconds: number[] = [];
    let check = NaN;
    for (let i = 0; i < reps; i++) {
      const t0 = performance.now();
      check = await r.run(steps);
      seconds.push((performance.now() - t0) / 1000);
    }
    return { seconds, check };
  } finally {
    r.dispose();
  }
}

async function scorekitRows(o: RooflineOptions, log: (l: string) => void): Promise<ScorekitRow[]> {
  const z: BenchSizes = { ...FULL, w1Particles: o.n, samplerSteps: o.steps };
  const specs = workloads(z).filter((w) => (w.id === 'w1-sscs' && o.methods.includes('sscs')) || (w.id === 'w1-em' && o.methods.includes('em')));
  const method = (w: WorkloadSpec): Method => (w.id === 'w1-em' ? 'em' : 'sscs');
  const be = await sk.getBackend('cpu:float32');
  const rows: ScorekitRow[] = [];
  const push = (w: WorkloadSpec, threads: number, side: string, t: { seconds: number[]; check: number }): void => {
    const row = { method: method(w), threads, side, seconds: t.seconds, throughput: stat(t.seconds.map((s) => (o.n * o.steps) / s)), check: t.check };
    log(`scorekit ${side} ${row.method}: ${(row.throughput.median / 1e6).toFixed(3)} M particle·steps/s (${t.seconds.map((s) => s.toFixed(3)).join(' ')} s)`);
    rows.push(row);
  };
  for (const th of o.threads) {
    if (th === 1) {
      for (const w of specs) push(w, 1, 'cpu:float32', await timeRunner(scorekitRunner(w, z, be), o.steps, o.reps));
      continue;
    }
    const pool = sk.samplerPool(th);
    try {
      for (const w of specs) push(w, th, `cpu:float32 ×${th} threads`, await timeRunner(parallelRunner(w, z, 'cpu:float32', pool), o.steps, o.reps));
    } finally {
      await pool.close();
    }
  }
  return rows;
}

// ---- the run ---------------------------------------------------------------------------------------------

export async function runRoofline(o: RooflineOptions): Promise<RooflineReport> {
  const log = o.log;
  const skipped: string[] = [];
  const notes: string[] = [];
  const c: CPeerRow[] = [];
  const peaks: PeaksRow[] = [];
  let compile: RooflineReport['compile'] = null;
  let normals: RooflineReport['normals'] = null;
  const cv = compilerVersion(o.cc);
  const gcc = 'version' in cv ? cv.version : null;
  if ('reason' in cv) {
    skipped.push(`C peer and machine peaks skipped: ${cv.reason}; install gcc (apt-get install gcc) to measure them`);
    log(skipped[skipped.length - 1]);
  } else {
    const dir = mkdtempSync(join(tmpdir(), 'scorekit-roofline-'));
    try {
      const bins = compilePeers(o.cc, dir);
      compile = bins.commands;
      log(`compiled: ${bins.commands.w1}; ${bins.commands.peaks}`);
      normals = await compareNormals(bins.w1, Math.min(65_536, 4 * o.n));
      log(`normals: ${normals.checked} values, ${normals.f64Mismatches} float64 and ${normals.f32Mismatches} float32 mismatches against scorekit's`);
      for (const method of o.methods) {
        for (const th of o.threads) {
          // the keys of scorekit's runner at these threads (workloads.ts: key(1), key(2) on one thread; w1Setup's key(2) split by sampleParallel on several), so both sides make the same samples
          const row = runW1Peer(bins.w1, { method, n: o.n, steps: o.steps, reps: o.reps, threads: th, ...(th > 1 ? { sampleKey: 2 } : {}) });
          log(`C peer ${method} ${th} thread(s): ${(row.throughput.median / 1e6).toFixed(3)} M particle·steps/s (${row.seconds.map((s) => s.toFixed(4)).join(' ')} s)`);
          c.push(row);
        }
      }
      for (const th of o.threads) {
        const p = runPeaks(bins.peaks, th, o.reps, o.triadMiB, o.fmaIters);
        log(`peaks ${th} thread(s): FMA ${p.f32.toFixed(1)} GFLOP/s float32, ${p.f64.toFixed(1)} float64; triad ${p.triadGBs.median.toFixed(1)} GB/s`);
        peaks.push(p);
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }
  const scorekit = o.scorekit ? await scorekitRows(o, log) : [];
  if (!o.scorekit) skipped.push('scorekit side skipped (--no-scorekit)');

  const ratios = scorekit.flatMap((s) => {
    const p = c.find((r) => r.method === s.method && r.threads === s.threads);
    if (!p) return [];
    const ratio = s.throughput.median / p.throughput.median;
    return [{ method: s.method, threads: s.threads, ratio, range: { min: s.throughput.min / p.throughput.max, max: s.throughput.max / p.throughput.min }, target: TARGET, meets: ratio >= TARGET }];
  });
  const flopsOf = (m: Method): number | undefined => c.find((r) => r.method === m)?.flopsPerParticleStep;
  const bytesOf = (m: Method): number | undefined => c.find((r) => r.method === m)?.stateBytesPerParticleStep;
  const roof = (side: 'c' | 'scorekit', method: Method, threads: number, tput: number): RooflineRow[] => {
    const fl = flopsOf(method);
    const by = bytesOf(method);
    if (fl === undefined || by === undefined) return [];
    const pk = peaks.find((p) => p.threads === threads);
    const gflops = (fl * tput) / 1e9;
    const stateGBs = (by * tput) / 1e9;
    return [{ side, method, threads, gflops, fractionF64Peak: pk ? gflops / pk.f64 : null, fractionF32Peak: pk ? gflops / pk.f32 : null, stateGBs, fractionTriad: pk ? stateGBs / pk.triadGBs.median : null }];
  };
  const roofline = [
    ...c.flatMap((r) => roof('c', r.method, r.threads, r.throughput.median)),
    ...scorekit.flatMap((r) => roof('scorekit', r.method, r.threads, r.throughput.median)),
  ];
  const agreement = scorekit.flatMap((s) => {
    const p = c.find((r) => r.method === s.method && r.threads === s.threads);
    return p ? [{ method: s.method, threads: s.threads, cCheck: p.check, scorekitCheck: s.check, relDiff: Math.abs(p.check - s.check) / Math.abs(s.check) }] : [];
  });
  if (c.length) {
    notes.push('FLOPs are counted float64 operations of the algorithm (add, sub, mul, div, sqrt, compare-select each 1; w1.c comments give the breakdown); they exclude the Threefry integer work (about 110 int32 operations a block: 8 blocks a particle·step for SSCS, 2 for EM), which runs on the same vector units.');
    notes.push('The arithmetic is float64 (as scorekit\'s cpu:float32 kernels: float64 throughout, rounded to float32 on the store) and unfused (w1.c is compiled with -ffp-contract=off), so a mul–add pair costs 2 instructions where the FMA peak counts 2 FLOPs for one: the attainable fraction of the float64 FMA peak is about ½.');
    notes.push('State traffic is the minimum, the float32 state [n, 4] read and written once a step (32 B a particle·step); the state (1.6 MB at 100 000 particles) stays in L2/L3, so neither side is bandwidth-bound. scorekit makes several passes a step (noise tensors, OU half-steps, concatenations), so its real traffic is a few times this.');
    notes.push('The scorekit side counts the same FLOPs (its useful work); for EM it draws the whole [n, 4] normal tensor where only the v columns enter, twice the C peer\'s normals.');
  }
  return {
    date: new Date().toISOString(),
    machine: { cpu: cpus()[0]?.model ?? 'unknown', cores: cpus().length, node: process.version, gcc, normalKernel: normalKernelName() },
    workload: {
      n: o.n, steps: o.steps, precision: 'float32 state, float64 arithmetic (both sides)',
      description: 'W1: reverse CLD (M = 0.25, Γ = 1, β = 4) from T = 1 to 1e-3, uniform grid, exact velocity score of the joint (x, v) marginal of 8 Gaussians on the circle of radius 2 (std 0.1); keys: prior key(1), noise key(2) on one thread, split(key(2), 2) with worker threads (the runners of bench/workloads.ts)',
    },
    options: { reps: o.reps, threads: o.threads, methods: o.methods, triadMiB: o.triadMiB, fmaIters: o.fmaIters },
    compile, skipped, normals, c, scorekit, ratios, peaks, roofline, agreement, notes,
  };
}

// ---- the report --------------------------------------------------------------------------------------------

const M = (v: number): string => (v / 1e6).toFixed(2);
const pct = (v: number | null): string => (v === null ? '–' : `${(100 * v).toFixed(1)} %`);
const title = (m: Method): string => (m === 'sscs' ? 'W1 SSCS' : 'W1 Euler–Maruyama');

export function formatRoofline(r: RooflineReport): string {
  const out: string[] = [`# W1 roofline (${r.date})`, ''];
  if (r.command) out.push(`\`${r.command}\``, '');
  out.push(`${r.machine.cpu}, ${r.machine.cores} cores, Node ${r.machine.node}, gcc ${r.machine.gcc ?? '(absent)'}; ${r.workload.n} particles × ${r.workload.steps} steps; ${r.workload.precision}; ${r.options.reps} repetitions after a warm-up, median (min–max).`, '');
  if (r.compile) out.push(`C: \`${r.compile.w1}\`, \`${r.compile.peaks}\``, '');
  if (r.normals) out.push(`Normals: the C peer's Threefry-2x32-20 / Box–Muller stream against scorekit's random.normalHost and random.normal (float32) at 4 keys and offsets, ${r.normals.checked} values: ${r.normals.bitIdentical ? '**bit-identical**' : `${r.normals.f64Mismatches} float64 and ${r.normals.f32Mismatches} float32 mismatches`}.`, '');
  const rows = [...r.c.map((x) => ({ side: 'C peer', ...x })), ...r.scorekit.map((x) => ({ ...x, side: `scorekit ${x.side}` }))];
  if (rows.length) {
    out.push('| workload | side | threads | M particle·steps/s | GFLOP/s (f64) | of f64 FMA peak | state GB/s | of triad |', '|---|---|---:|---:|---:|---:|---:|---:|');
    for (const m of r.options.methods) {
      for (const x of rows.filter((y) => y.method === m)) {
        const ro = r.roofline.find((y) => y.side === (x.side === 'C peer' ? 'c' : 'scorekit') && y.method === m && y.threads === x.threads);
        out.push(`| ${title(m)} | ${x.side} | ${x.threads} | ${M(x.throughput.median)} (${M(x.throughput.min)}–${M(x.throughput.max)}) | ${ro ? ro.gflops.toFixed(2) : '–'} | ${pct(ro?.fractionF64Peak ?? null)} | ${ro ? ro.stateGBs.toFixed(3) : '–'} | ${pct(ro?.fractionTriad ?? null)} |`);
      }
    }
    out.push('');
  }
  if (r.ratios.length) {
    out.push(`| workload | threads | scorekit ÷ C (median) | range (min–max) | target ≥ ${(100 * TARGET).toFixed(0)} % |`, '|---|---:|---:|---:|---|');
    for (const x of r.ratios) out.push(`| ${title(x.method)} | ${x.threads} | ${pct(x.ratio)} | ${pct(x.range.min)}–${pct(x.range.max)} | ${x.meets ? 'met' : 'not met'} |`);
    out.push('');
  }
  if (r.peaks.length) {
    out.push('| threads | FMA float32 GFLOP/s (256-bit / 512-bit) | FMA float64 GFLOP/s (256-bit / 512-bit) | triad GB/s |', '|---:|---:|---:|---:|');
    const g = (p: PeaksRow, k: string): string => (p.fmaGflops[k] ? p.fmaGflops[k].median.toFixed(1) : '–');
    for (const p of r.peaks) out.push(`| ${p.threads} | ${g(p, 'f32x8')} / ${g(p, 'f32x16')} | ${g(p, 'f64x4')} / ${g(p, 'f64x8')} | ${p.triadGBs.median.toFixed(1)} (${p.triadGBs.min.toFixed(1)}–${p.triadGBs.max.toFixed(1)}) |`);
    out.push('');
  }
  if (r.agreement.length) {
    out.push(`Same samples: check value mean |u| of the final state, C ÷ scorekit − 1: ${r.agreement.map((a) => `${a.method} ${a.threads}t ${a.relDiff.toExponential(1)}`).join(', ')}.`, '');
  }
  for (const s of r.skipped) out.push(`- ${s}`);
  for (const n of r.notes) out.push(`- ${n}`);
  return out.join('\n') + '\n';
}

export async function writeRoofline(r: RooflineReport, dir: string): Promise<void> {
  mkdirSync(dir, { recursive: true });
  await writeFileAtomic(join(dir, 'roofline.json'), JSON.stringify(r, null, 2) + '\n');
  await writeFileAtomic(join(dir, 'roofline.md'), formatRoofline(r));
}

async function main(o: RooflineOptions, argv: readonly string[]): Promise<void> {
  const r = { ...(await runRoofline(o)), command: `node dist/bench/roofline.js ${argv.join(' ')}`.trim() };
  await writeRoofline(r, o.out);
  process.stdout.write(formatRoofline(r));
}

runScript(import.meta.url, 'bench/roofline', (argv) => parseRooflineArgs(argv), main);
