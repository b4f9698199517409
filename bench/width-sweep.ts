/**
 * Network-bound growth: W2 (SSCS sampling with the MLP velocity score) and W3 DSM (a training step
 * with Adam) as the MLP widens (depth 4, width ∈ --widths, default 128, 256, 512) and the batch grows
 * (--batches, default 512 and 4096: W3's batch and W2's particles), on scorekit's backends (--backends,
 * default cpu:float32 and tfjs:wasm) against the PyTorch peer of the main bench
 * (bench/peers/torch_peer.py, the same Mlp, sampler and trainer; 1 and 2 threads, --peer-threads).
 * The networks and the schedule are W2's and W3's of bench/workloads.ts with the width as a parameter
 * (the same keys, Fourier embedding, 100-step CLD schedule of which a prefix is timed, data, loss and
 * Adam), and the peer gets the main bench's plan (torchPlan) with the width and batch of the point.
 *
 * Every side at a point runs the same steps: two 1-step warm-up runs, then --reps (default 3) timed
 * runs of `steps` steps (by default about 4 GFLOP of matmul work per run, 1 to 20 steps; --steps fixes
 * it). Reported per point and side: seconds per step, min / median / max; GFLOP/s, counting the MLP's
 * dense-layer matmuls only: a forward pass is 2·batch·Σ in·out, a training step ≈ 3 forwards; the
 * ratio of medians against the fastest peer, peer time ÷ scorekit time (> 1: scorekit faster), as the
 * main bench's ratios of throughputs (bench/results/latest.md).
 *
 * Usage: node dist/bench/width-sweep.js [--widths 128,256,512] [--batches 512,4096]
 *   [--backends cpu:float32,tfjs:wasm] [--reps 3] [--steps N] [--peer-threads 1,2] [--no-peer] [--out DIR]
 * Writes DIR/widths.json, DIR/widths.md and DIR/widths.vl.json (DIR = bench/results).
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as sk from '../index.js';
import { writeFileAtomic } from '../io/checkpoint.js';
import { nameList, parseFlags, posInt, posIntList, runPeerLines, runScript, type Stat, stat, TORCH_MISSING, torchInfo } from './script.js';
import { FULL, MLP, type Runner, scorekitRunner, torchPlan, workloads } from './workloads.js';

const HERE = dirname(fileURLToPath(import.meta.url));
const PEER = join(HERE, '..', '..', 'bench', 'peers', 'torch_peer.py');

/** The data's dimension (bench/workloads.ts). */
const D = 2;
/** W2's schedule: the bench's 100-step SSCS grid, of which a prefix of `steps` steps is timed. */
const SCHEDULE_STEPS = FULL.samplerSteps;
/** Matmul work aimed at per timed run by the default step rule, and its bounds. */
const TARGET_FLOPS = 4e9;
const MAX_STEPS = 20;

export type SweepWorkload = 'w2-sscs-mlp' | 'w3-dsm';
const WORKLOADS: readonly SweepWorkload[] = ['w3-dsm', 'w2-sscs-mlp'];
const TITLES: Record<SweepWorkload, string> = {
  'w3-dsm': 'W3 DSM training step (Adam), MLP 4 × width on x',
  'w2-sscs-mlp': 'W2 SSCS sampling step, MLP 4 × width velocity score',
};

/** Σ in·out over the MLP's dense layers (input concat(x, Fourier features), depth hidden layers, linear output). */
export function denseMacs(workload: SweepWorkload, width: number, depth: number = MLP.depth): number {
  const inDim = workload === 'w2-sscs-mlp' ? 2 * D : D;
  const dims = [inDim + MLP.embedding.dim, ...new Array<number>(depth).fill(width), D];
  let s = 0;
  for (let i = 0; i + 1 < dims.length; i++) s += dims[i] * dims[i + 1];
  return s;
}

/** Matmul FLOPs of one step: a forward over the batch (W2: one score evaluation per SSCS step), or ≈ 3 forwards (W3). */
export function flopsPerStep(workload: SweepWorkload, width: number, batch: number): number {
  const fwd = 2 * batch * denseMacs(workload, width);
  return workload === 'w3-dsm' ? 3 * fwd : fwd;
}

/** The default step rule: about TARGET_FLOPS per timed run, 1 to MAX_STEPS steps. */
export function autoSteps(workload: SweepWorkload, width: number, batch: number): number {
  return Math.max(1, Math.min(MAX_STEPS, Math.round(TARGET_FLOPS / flopsPerStep(workload, width, batch))));
}

/**
 * Scorekit's W2 / W3 DSM runner at a width and batch: the main bench's runner (bench/workloads.ts)
 * with W2's particles and W3's batch set to `batch` and the MLP at `width`; run(steps) does `steps`
 * steps and reads back.
 */
export function sweepRunner(workload: SweepWorkload, width: number, batch: number, be: sk.Backend): Runner {
  const z = { ...FULL, batch, w2Particles: batch };
  const spec = workloads(z).find((w) => w.id === workload)!;
  return scorekitRunner(spec, z, be, width);
}

// ---- options ---------------------------------------------------------------------------------------

export interface WidthOptions {
  readonly widths: readonly number[];
  readonly batches: readonly number[];
  readonly backends: readonly string[];
  readonly reps: number;
  /** Steps per timed run at every point; undefined: the FLOP-target rule (autoSteps). */
  readonly steps?: number;
  readonly peerThreads: readonly number[];
  readonly peer: boolean;
  readonly out: string;
}

export const WIDTH_DEFAULTS: WidthOptions = {
  widths: [128, 256, 512], batches: [512, 4096], backends: ['cpu:float32', 'tfjs:wasm'], reps: 3,
  peerThreads: [1, 2], peer: true, out: join(HERE, '..', '..', 'bench', 'results'),
};

/** The command line (errors are RangeErrors naming the flag). */
export function parseWidthArgs(argv: readonly string[], base: WidthOptions = WIDTH_DEFAULTS): WidthOptions {
  const o: { -readonly [K in keyof WidthOptions]: WidthOptions[K] } = { ...base };
  const flags: Record<string, (v: string) => void> = {
    '--widths': (v) => void (o.widths = posIntList('--widths', v)),
    '--batches': (v) => void (o.batches = posIntList('--batches', v)),
    '--backends': (v) => void (o.backends = nameList('--backends', v)),
    '--reps': (v) => void (o.reps = posInt('--reps', v)),
    '--steps': (v) => void (o.steps = posInt('--steps', v)),
    '--peer-threads': (v) => void (o.peerThreads = posIntList('--peer-threads', v)),
    '--out': (v) => void (o.out = v),
  };
  const switches: Record<string, () => void> = { '--no-peer': () => void (o.peer = false) };
  parseFlags(argv, flags, switches);
  if (o.steps !== undefined && o.steps > SCHEDULE_STEPS) throw new RangeError(`--steps must be at most ${SCHEDULE_STEPS} (W2's schedule), got ${o.steps}`);
  const known = new Set(sk.listBackendSpecs());
  for (const b of o.backends) if (!known.has(b)) throw new RangeError(`unknown backend '${b}' (registered: ${[...known].join(', ')})`);
  return o;
}

// ---- measurement -----------------------------------------------------------------------------------

export interface SideResult {
  /** 'cpu:float32', 'tfjs:wasm', 'torch 1t', … */
  readonly side: string;
  readonly kind: 'scorekit' | 'torch';
  readonly threads?: number;
  readonly reps: number;
  /** Seconds of each timed run of `steps` steps. */
  readonly times: readonly number[];
  readonly secondsPerStep: Stat;
  /** GFLOP/s from the max, median and min times. */
  readonly gflops: Stat;
  /** Particle·steps/s (W2) or steps/s (W3), at the median. */
  readonly throughput: number;
  /** scorekit: process CPU seconds ÷ wall seconds over the timed runs (threads in use). */
  readonly cpuPerWall?: number;
  /** Mean |x| of the final state (W2) or the last loss (W3). */
  readonly check: number;
}

export interface WidthRow {
  readonly workload: SweepWorkload;
  readonly width: number;
  readonly batch: number;
  readonly steps: number;
  readonly flopsPerStep: number;
  readonly sides: readonly SideResult[];
  /** The peer side with the smallest median, '' without a peer. */
  readonly fastestPeer: string;
  /** Per scorekit side: fastest peer median ÷ its median (> 1: scorekit faster); NaN without a peer. */
  readonly ratios: Record<string, number>;
}

export interface WidthReport {
  readonly date: string;
  readonly command: string;
  readonly host: { readonly cpuModel: string; readonly cpus: number; readonly node: string; readonly torch: string; readonly torchBlas: string };
  readonly network: { readonly depth: number; readonly embedding: typeof MLP.embedding; readonly activation: 'silu'; readonly scheduleSteps: number };
  readonly options: Omit<WidthOptions, 'out'>;
  readonly conventions: { readonly flops: string; readonly ratio: string; readonly steps: string };
  readonly rows: readonly WidthRow[];
  readonly skipped: readonly { readonly side: string; readonly reason: string }[];
  readonly seconds: number;
}

/** One side at a point from its timed runs of `steps` steps; `flops` and `items` are per step. */
export function sideResult(side: string, kind: 'scorekit' | 'torch', threads: number | undefined, times: readonly number[], steps: number, flops: number, items: number, check: number, cpuPerWall?: number): SideResult {
  const s = stat(times.map((x) => x / steps));
  return {
    side, kind, ...(threads !== undefined ? { threads } : {}), reps: times.length, times, secondsPerStep: s,
    gflops: { min: flops / s.max / 1e9, median: flops / s.median / 1e9, max: flops / s.min / 1e9 },
    throughput: items / s.median, ...(cpuPerWall !== undefined ? { cpuPerWall } : {}), check,
  };
}

async function timeScorekit(r: Runner, steps: number, reps: number): Promise<{ times: number[]; check: number; cpuPerWall: number }> {
  try {
    await r.run(1); // compiles kernels, fills caches and pools
    await r.run(1);
    const times: number[] = [];
    let check = NaN;
    const c0 = process.cpuUsage();
    for (let i = 0; i < reps; i++) {
      const t0 = performance.now();
      check = await r.run(steps);
      times.push((performance.now() - t0) / 1000);
    }
    const c = process.cpuUsage(c0);
    return { times, check, cpuPerWall: (c.user + c.system) / 1e6 / times.reduce((a, b) => a + b, 0) };
  } finally {
    r.dispose();
  }
}

interface PeerRow { id: string; steps: number; reps: number; seconds: number; times: number[]; check: number }

function runPeer(planPath: string, threads: number): PeerRow[] {
  // a budget far beyond any run: the peer times exactly the plan's steps and repetitions
  return runPeerLines<PeerRow>(PEER, [planPath, '--threads', String(threads), '--budget', '1e9', '--only', WORKLOADS.join(',')], 600_000);
}

/** The whole sweep: every (width, batch) point, scorekit's backends, then the peer at each thread count. */
export async function runWidthSweep(o: WidthOptions & { readonly log?: (line: string) => void; readonly command?: string }): Promise<WidthReport> {
  const log = o.log ?? ((l: string) => process.stderr.write(l + '\n'));
  const t0 = performance.now();
  const date = new Date().toISOString();
  const skipped: { side: string; reason: string }[] = [];
  const backends: sk.Backend[] = [];
  for (const spec of o.backends) {
    try {
      backends.push(await sk.getBackend(spec));
    } catch (e) {
      const reason = (e as Error).message.split('\n')[0];
      skipped.push({ side: spec, reason });
      log(`${spec} skipped: ${reason}`);
    }
  }
  let torch: { version: string; blas: string } | null = null;
  if (!o.peer) skipped.push({ side: 'torch', reason: '--no-peer' });
  else {
    torch = torchInfo();
    if (!torch) {
      skipped.push({ side: 'torch', reason: TORCH_MISSING });
      log(`PyTorch peer skipped: ${TORCH_MISSING}`);
    }
  }
  const dir = torch ? mkdtempSync(join(tmpdir(), 'sk-widths-')) : '';
  const rows: WidthRow[] = [];
  try {
    for (const batch of o.batches) {
      for (const width of o.widths) {
        const steps = Object.fromEntries(WORKLOADS.map((w) => [w, o.steps ?? autoSteps(w, width, batch)])) as Record<SweepWorkload, number>;
        const sides = new Map<SweepWorkload, SideResult[]>(WORKLOADS.map((w) => [w, []]));
        const flops = (w: SweepWorkload): number => flopsPerStep(w, width, batch);
        const items = (w: SweepWorkload): number => (w === 'w2-sscs-mlp' ? batch : 1);
        for (const be of backends) {
          for (const w of WORKLOADS) {
            try {
              const m = await timeScorekit(sweepRunner(w, width, batch, be), steps[w], o.reps);
              const s = sideResult(be.name, 'scorekit', undefined, m.times, steps[w], flops(w), items(w), m.check, m.cpuPerWall);
              sides.get(w)!.push(s);
              log(`${w} width ${width} batch ${batch} ${be.name}: ${fmtMs(s.secondsPerStep)} ms/step, ${s.gflops.median.toFixed(2)} GFLOP/s (${steps[w]} steps × ${o.reps})`);
            } catch (e) {
              const reason = (e as Error).message.split('\n')[0];
              skipped.push({ side: `${be.name} ${w} width ${width} batch ${batch}`, reason });
              log(`${w} width ${width} batch ${batch} ${be.name}: failed (${reason})`);
            }
          }
        }
        if (torch) {
          const z = { ...FULL, w2Particles: batch, batch, samplerSteps: SCHEDULE_STEPS };
          const plan = await torchPlan(z, Object.fromEntries(WORKLOADS.map((w) => [w, { steps: steps[w], reps: o.reps }]))) as Record<string, Record<string, unknown>>;
          plan.mlp_cld.width = width; // the Fourier features come from the key alone, the same at every width
          plan.mlp_x.width = width;
          const planPath = join(dir, `plan-${width}-${batch}.json`);
          writeFileSync(planPath, JSON.stringify(plan));
          for (const th of o.peerThreads) {
            try {
              for (const p of runPeer(planPath, th)) {
                const w = p.id as SweepWorkload;
                const s = sideResult(`torch ${th}t`, 'torch', th, p.times, p.steps, flopsPerStep(w, width, batch), w === 'w2-sscs-mlp' ? batch : 1, p.check);
                sides.get(w)!.push(s);
                log(`${w} width ${width} batch ${batch} ${s.side}: ${fmtMs(s.secondsPerStep)} ms/step, ${s.gflops.median.toFixed(2)} GFLOP/s (${p.steps} steps × ${p.reps})`);
              }
            } catch (e) {
              const reason = (e as Error).message.split('\n')[0];
              skipped.push({ side: `torch ${th}t width ${width} batch ${batch}`, reason });
              log(`torch ${th}t width ${width} batch ${batch}: failed (${reason})`);
            }
          }
        }
        for (const w of WORKLOADS) {
          const ss = sides.get(w)!;
          const peer = ss.filter((s) => s.kind === 'torch').sort((a, b) => a.secondsPerStep.median - b.secondsPerStep.median)[0];
          const ratios = Object.fromEntries(ss.filter((s) => s.kind === 'scorekit').map((s) => [s.side, peer ? peer.secondsPerStep.median / s.secondsPerStep.median : NaN]));
          rows.push({ workload: w, width, batch, steps: steps[w], flopsPerStep: flopsPerStep(w, width, batch), sides: ss, fastestPeer: peer?.side ?? '', ratios });
        }
      }
    }
  } finally {
    if (dir) rmSync(dir, { recursive: true, force: true });
  }
  const options = { widths: o.widths, batches: o.batches, backends: o.backends, reps: o.reps, ...(o.steps ? { steps: o.steps } : {}), peerThreads: o.peerThreads, peer: o.peer };
  return {
    date, command: o.command ?? 'node dist/bench/width-sweep.js',
    host: { cpuModel: cpus()[0]?.model ?? 'unknown', cpus: cpus().length, node: process.version, torch: torch?.version ?? 'not run', torchBlas: torch?.blas ?? 'n/a' },
    network: { depth: MLP.depth, embedding: MLP.embedding, activation: 'silu', scheduleSteps: SCHEDULE_STEPS },
    options,
    conventions: {
      flops: 'matmul FLOPs of the dense layers only: forward 2·batch·Σ in·out (W2: one forward per SSCS step), training step 3× forward; GFLOP/s = FLOPs ÷ seconds per step',
      ratio: 'fastest peer median seconds per step ÷ scorekit median (> 1: scorekit faster)',
      steps: o.steps ? `${o.steps} steps per timed run at every point` : `about ${TARGET_FLOPS / 1e9} GFLOP per timed run, 1 to ${MAX_STEPS} steps; two 1-step warm-up runs first`,
    },
    rows, skipped, seconds: (performance.now() - t0) / 1000,
  };
}

// ---- reports ---------------------------------------------------------------------------------------

const fmtMs = (s: Stat): string => `${(s.median * 1e3).toPrecision(3)} (${(s.min * 1e3).toPrecision(3)}–${(s.max * 1e3).toPrecision(3)})`;
const fmtRatio = (r: number | undefined): string => (r !== undefined && Number.isFinite(r) ? `${r.toFixed(2)}×` : '–');

export function widthMarkdown(r: WidthReport): string {
  const sideNames = [...new Set(r.rows.flatMap((row) => row.sides.map((s) => s.side)))];
  const ours = [...new Set(r.rows.flatMap((row) => row.sides.filter((s) => s.kind === 'scorekit').map((s) => s.side)))];
  const lines = [
    `# Network-bound growth: W2 / W3 DSM against MLP width and batch (${r.date})`, '',
    `\`${r.command}\`; ${r.host.cpuModel}, ${r.host.cpus} cores, Node ${r.host.node}, PyTorch ${r.host.torch} (BLAS_INFO=${r.host.torchBlas}); float32; MLP ${r.network.depth} × width SiLU, Fourier time features (dim ${r.network.embedding.dim}).`,
    `Steps per timed run: ${r.conventions.steps}; ${r.options.reps} timed runs per side.`,
    `Times: ms per step, median (min–max). Ratio: ${r.conventions.ratio}. GFLOP/s: ${r.conventions.flops}.`, '',
  ];
  for (const w of WORKLOADS) {
    const rows = r.rows.filter((row) => row.workload === w);
    if (!rows.length) continue;
    lines.push(`## ${TITLES[w]}${w === 'w2-sscs-mlp' ? ' (batch = particles)' : ''}`, '',
      `| width | batch | steps × reps | ${sideNames.join(' | ')} | fastest peer | ${ours.map((s) => `${s} ÷ peer`).join(' | ')} |`,
      `|---:|---:|---:|${sideNames.map(() => '---:|').join('')}---|${ours.map(() => '---:|').join('')}`);
    for (const row of rows) {
      const cell = (name: string): string => { const s = row.sides.find((x) => x.side === name); return s ? fmtMs(s.secondsPerStep) : '–'; };
      lines.push(`| ${row.width} | ${row.batch} | ${row.steps} × ${r.options.reps} | ${sideNames.map(cell).join(' | ')} | ${row.fastestPeer || '–'} | ${ours.map((s) => fmtRatio(row.ratios[s])).join(' | ')} |`);
    }
    lines.push('', `GFLOP/s (median; min–max in widths.json):`, '', `| width | batch | ${sideNames.join(' | ')} |`, `|---:|---:|${sideNames.map(() => '---:|').join('')}`);
    for (const row of rows) {
      const cell = (name: string): string => { const s = row.sides.find((x) => x.side === name); return s ? s.gflops.median.toFixed(2) : '–'; };
      lines.push(`| ${row.width} | ${row.batch} | ${sideNames.map(cell).join(' | ')} |`);
    }
    lines.push('');
  }
  const withPeer = r.rows.filter((row) => row.fastestPeer);
  if (withPeer.length) {
    lines.push('Where scorekit is at least as fast as the fastest peer (ratio ≥ 1):', '');
    for (const s of ours) {
      const at = (ok: boolean): string => withPeer.filter((row) => (row.ratios[s] >= 1) === ok && Number.isFinite(row.ratios[s])).map((row) => `${row.workload} ${row.width}/${row.batch}`).join(', ') || 'none';
      lines.push(`- ${s}: ≥ 1× at ${at(true)}; < 1× at ${at(false)}.`);
    }
    lines.push('');
  }
  const cpw = r.rows.flatMap((row) => row.sides.filter((s) => s.cpuPerWall !== undefined).map((s) => s.cpuPerWall!));
  if (cpw.length) lines.push(`scorekit CPU time ÷ wall time over the timed runs: ${Math.min(...cpw).toFixed(2)}–${Math.max(...cpw).toFixed(2)} (per side in widths.json).`, '');
  if (r.skipped.length) lines.push(...r.skipped.map((s) => `- skipped ${s.side}: ${s.reason}`), '');
  lines.push(`Whole sweep: ${r.seconds.toFixed(0)} s.`);
  return lines.join('\n') + '\n';
}

/** GFLOP/s (median, min–max rules) against width, one line per side and batch, a panel per workload. */
export function widthVegaLite(r: WidthReport): object {
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v5.json', background: 'white', padding: 8,
    hconcat: WORKLOADS.filter((w) => r.rows.some((row) => row.workload === w)).map((w) => ({
      title: `${TITLES[w]}: GFLOP/s vs width`, width: 320, height: 260,
      data: { values: r.rows.filter((row) => row.workload === w).flatMap((row) => row.sides.map((s) => ({ side: s.side, batch: `batch ${row.batch}`, series: `${s.side}, batch ${row.batch}`, width: row.width, gflops: s.gflops.median, lo: s.gflops.min, hi: s.gflops.max }))) },
      layer: [
        { mark: { type: 'line', point: true }, encoding: {
          x: { field: 'width', type: 'quantitative', scale: { type: 'log', base: 2 }, title: 'MLP width' },
          y: { field: 'gflops', type: 'quantitative', scale: { type: 'log' }, title: 'GFLOP/s (median)' },
          color: { field: 'side', type: 'nominal' }, strokeDash: { field: 'batch', type: 'nominal' }, detail: { field: 'series' } } },
        { mark: 'rule', encoding: { x: { field: 'width', type: 'quantitative' }, y: { field: 'lo', type: 'quantitative' }, y2: { field: 'hi' }, color: { field: 'side', type: 'nominal' } } },
      ],
    })),
  };
}

export async function writeWidthSweep(r: WidthReport, dir: string): Promise<void> {
  mkdirSync(dir, { recursive: true });
  await writeFileAtomic(join(dir, 'widths.json'), JSON.stringify(r, null, 2) + '\n');
  await writeFileAtomic(join(dir, 'widths.md'), widthMarkdown(r));
  await writeFileAtomic(join(dir, 'widths.vl.json'), JSON.stringify(widthVegaLite(r)) + '\n');
}

async function main(o: WidthOptions, argv: readonly string[]): Promise<void> {
  const r = await runWidthSweep({ ...o, command: `node dist/bench/width-sweep.js ${argv.join(' ')}`.trim() });
  await writeWidthSweep(r, o.out);
  process.stdout.write(widthMarkdown(r));
}

runScript(import.meta.url, 'bench/width-sweep', (argv) => parseWidthArgs(argv), main);
