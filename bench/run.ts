/**
 * The benchmark runner: scorekit's workloads on every chosen backend and the PyTorch peer
 * (1 thread and all threads) in the same run, as throughputs and ratios scorekit / PyTorch; W4's peak
 * memory in child processes. Timings are medians of repeated runs after a warm-up run. Slow backends
 * time a prefix of the same step schedule (throughput is per step, so the prefix measures the same
 * thing); the steps timed are reported. Writes JSON and a markdown table (temp file, then rename).
 * Entry points: `npm run bench`, `scorekit bench`.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as sk from '../index.js';
import { writeFileAtomic } from '../io/checkpoint.js';
import { normalKernelName, PYTHON, runPeerLines, torchInfo } from './script.js';
import { type BenchSizes, FULL, parallelRunner, QUICK, type Runner, scorekitRunner, stateMiB, torchPlan, type WorkloadId, workloads, type WorkloadSpec } from './workloads.js';

const HERE = dirname(fileURLToPath(import.meta.url));
/** The peer script lives in the source tree (bench/peers), two levels above dist/bench. */
const PEER = join(HERE, '..', '..', 'bench', 'peers', 'torch_peer.py');

/** Every registered engine but the float64 reference and the slow plain-JS fallbacks (those that fail to start are reported and skipped). */
export const DEFAULT_BACKENDS = sk.listBackendSpecs({ fast: true }).filter((s) => s !== 'cpu:float64');

export interface BenchOptions {
  readonly backends?: readonly string[];
  readonly quick?: boolean;
  /** Seconds of timed work aimed at per measurement (default 3). */
  readonly budget?: number;
  readonly peer?: boolean;
  /** W4 step counts (default 5 and 20; a long study with --memory-steps 1000). */
  readonly memorySteps?: readonly number[];
  readonly memoryBackends?: readonly string[];
  /** Rows per chunk of W4's chunked run (sampleChunked; default 4096). */
  readonly memoryChunk?: number;
  /** Worker threads for W1's multi-thread row (default: all cores; 1 leaves the row out). */
  readonly threads?: number;
  readonly only?: readonly WorkloadId[];
  readonly log?: (line: string) => void;
}

export interface Measurement {
  readonly workload: WorkloadId;
  readonly side: string;
  readonly steps: number;
  readonly reps: number;
  readonly seconds: number;
  readonly throughput: number;
  readonly check: number;
}

export interface MemoryRow {
  readonly side: string;
  readonly steps: number;
  readonly n: number;
  readonly baseMiB: number;
  readonly peakMiB: number;
  readonly stateMiB: number;
}

export interface BenchReport {
  readonly date: string;
  readonly machine: { readonly cpu: string; readonly cores: number; readonly node: string; readonly torch: string | null; readonly normalKernel: string };
  readonly sizes: BenchSizes;
  readonly workloads: readonly WorkloadSpec[];
  readonly results: readonly Measurement[];
  readonly memory: readonly MemoryRow[];
  readonly notes: readonly string[];
}

const median = (xs: readonly number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/** Time one workload on one backend: warm-up, then the steps and repetitions that fit the budget. */
async function measure(spec: WorkloadSpec, side: string, r: Runner, budget: number): Promise<Measurement> {
  try {
    const warm = 1;
    await r.run(warm); // compiles kernels, fills caches
    const t0 = performance.now();
    await r.run(warm); // second warm-up run: steady-state per-step time
    const perStep = (performance.now() - t0) / 1000 / warm;
    const steps = Math.max(Math.min(spec.steps, 2), Math.min(spec.steps, Math.floor(budget / perStep)));
    const reps = Math.max(1, Math.min(3, Math.floor((2 * budget) / (perStep * steps))));
    const ts: number[] = [];
    let check = NaN;
    for (let i = 0; i < reps; i++) {
      const t1 = performance.now();
      check = await r.run(steps);
      ts.push((performance.now() - t1) / 1000);
    }
    const s = median(ts);
    return { workload: spec.id, side, steps, reps, seconds: s, throughput: (spec.itemsPerStep * steps) / s, check };
  } finally {
    r.dispose();
  }
}

interface PeerRow { id: string; variant?: string | null; steps: number; reps?: number; seconds: number; check?: number; baseMiB?: number; peakMiB?: number }

const runPeer = (args: readonly string[]): PeerRow[] => runPeerLines<PeerRow>(PEER, args);

function runMemoryChild(spec: string, steps: number, n: number, chunk: number): MemoryRow {
  const args = [join(HERE, 'memory.js'), spec, String(steps), String(n), ...(chunk > 0 ? [String(chunk)] : [])];
  const r = spawnSync(process.execPath, ['--max-old-space-size=8192', ...args], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`W4 on ${spec} failed: ${(r.stderr || '').trim().split('\n').slice(-2).join(' | ')}`);
  const o = JSON.parse(r.stdout.trim().split('\n').pop()!);
  return { side: o.backend, steps, n, baseMiB: o.baseMiB, peakMiB: o.peakMiB, stateMiB: o.stateMiB };
}

export async function runBench(o: BenchOptions = {}): Promise<BenchReport> {
  const log = o.log ?? ((l: string) => process.stderr.write(l + '\n'));
  const z = o.quick ? QUICK : FULL;
  const budget = o.budget ?? (o.quick ? 0.2 : 3);
  if (!(budget > 0 && Number.isFinite(budget))) throw new RangeError(`bench: the time budget must be a positive number of seconds, got ${budget}`);
  const memoryChunk = o.memoryChunk ?? (o.quick ? 1000 : 4096);
  if (!Number.isInteger(memoryChunk) || memoryChunk < 1) throw new RangeError(`bench: the W4 chunk must be a positive integer, got ${memoryChunk}`);
  const all = workloads(z);
  for (const id of o.only ?? []) if (!all.some((w) => w.id === id)) throw new RangeError(`bench: unknown workload '${id}' (${all.map((w) => w.id).join(', ')})`);
  const specs = all.filter((w) => !o.only || o.only.includes(w.id));
  const notes: string[] = [];
  const results: Measurement[] = [];
  const memory: MemoryRow[] = [];

  const torch = o.peer === false ? null : torchInfo()?.version ?? null;
  if (o.peer !== false && torch === null) {
    notes.push(`PyTorch peer skipped: ${PYTHON} cannot import torch. Install it with: apt-get install python3-torch python3-numpy`);
    log(notes[notes.length - 1]);
  }
  if (torch !== null) {
    const dir = mkdtempSync(join(tmpdir(), 'scorekit-bench-'));
    try {
      const timing = Object.fromEntries(specs.map((s) => [s.id, { steps: s.steps, reps: o.quick ? 1 : 3 }])) as Record<WorkloadId, { steps: number; reps: number }>;
      const planPath = join(dir, 'plan.json');
      writeFileSync(planPath, JSON.stringify(await torchPlan(z, timing)));
      const threads = [...new Set([1, cpus().length])];
      for (const th of threads) {
        log(`PyTorch ${torch}, ${th} thread(s): ${specs.map((s) => s.id).join(', ')}`);
        for (const row of runPeer([planPath, '--threads', String(th), '--budget', String(budget), '--only', specs.map((s) => s.id).join(',')])) {
          const spec = specs.find((s) => s.id === row.id)!;
          results.push({ workload: spec.id, side: `torch ${th}t${row.variant ? ` ${row.variant}` : ''}`, steps: row.steps, reps: row.reps ?? 1, seconds: row.seconds, throughput: (spec.itemsPerStep * row.steps) / row.seconds, check: row.check ?? NaN });
        }
      }
      for (const steps of o.memorySteps ?? [5, 20]) {
        const row = runPeer([planPath, '--threads', '1', '--memory', String(steps)])[0];
        memory.push({ side: 'torch 1t', steps, n: z.memoryParticles, baseMiB: row.baseMiB!, peakMiB: row.peakMiB!, stateMiB: stateMiB(z.memoryParticles) });
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }

  for (const spec of o.backends ?? DEFAULT_BACKENDS) {
    let be: sk.Backend;
    try {
      be = await sk.getBackend(spec);
    } catch (e) {
      notes.push(`${spec} skipped: ${(e as Error).message.split('\n')[0]}`);
      log(notes[notes.length - 1]);
      continue;
    }
    for (const w of specs) {
      const m = await measure(w, be.name, scorekitRunner(w, z, be), budget);
      log(`${be.name.padEnd(14)} ${w.id.padEnd(12)} ${fmt(m.throughput, w)} ${w.unit} (${m.steps} steps × ${m.reps})`);
      results.push(m);
    }
  }
  // W1 on worker threads: the CPU backend on every core (the particles split by rows, same noise)
  const threads = o.threads ?? cpus().length;
  const w1 = specs.filter((w) => w.id === 'w1-sscs' || w.id === 'w1-em');
  if (threads > 1 && w1.length && (o.backends ?? DEFAULT_BACKENDS).includes('cpu:float32')) {
    const pool = sk.samplerPool(threads);
    try {
      for (const w of w1) {
        const m = await measure(w, `cpu:float32 ×${threads} threads`, parallelRunner(w, z, 'cpu:float32', pool), budget);
        log(`${m.side.padEnd(14)} ${w.id.padEnd(12)} ${fmt(m.throughput, w)} ${w.unit} (${m.steps} steps × ${m.reps})`);
        results.push(m);
      }
    } finally {
      await pool.close();
    }
  }
  for (const spec of o.memoryBackends ?? ['cpu:float32']) {
    for (const [steps, chunk] of (o.memorySteps ?? [5, 20]).flatMap((st) => [[st, 0], [st, memoryChunk]])) {
      const row = runMemoryChild(spec, steps, z.memoryParticles, chunk);
      log(`W4 ${row.side} ${steps} steps: peak ${row.peakMiB.toFixed(0)} MiB (base ${row.baseMiB.toFixed(0)} MiB, state ${row.stateMiB.toFixed(1)} MiB)`);
      memory.push(row);
    }
  }
  return {
    date: new Date().toISOString(),
    machine: { cpu: cpus()[0]?.model ?? 'unknown', cores: cpus().length, node: process.version, torch, normalKernel: normalKernelName() },
    sizes: z,
    workloads: specs,
    results,
    memory,
    notes,
  };
}

const fmt = (v: number, w: WorkloadSpec): string => (w.unit.startsWith('M ') ? (v / 1e6).toFixed(3) : v.toFixed(1));

/**
 * The strongest PyTorch side of a workload at a thread count ('1t'): the fastest of its variants
 * (for W1, vectorised over components and a loop over components), the peer every ratio is taken against.
 */
export function fastestPeer(results: readonly Measurement[], w: WorkloadId, th: string): Measurement | undefined {
  const sides = results.filter((m) => m.workload === w && (m.side === `torch ${th}` || m.side.startsWith(`torch ${th} `)));
  return sides.sort((a, b) => b.throughput - a.throughput)[0];
}

/** The markdown report: one table per workload with ratios against PyTorch (its fastest variant), QCSGM/DSM cost, W4. */
export function formatReport(r: BenchReport): string {
  const out: string[] = [`# scorekit benchmark, ${r.date}`, '', `${r.machine.cpu}, ${r.machine.cores} cores, Node ${r.machine.node}, PyTorch ${r.machine.torch ?? '(absent)'}; float32 everywhere; normals by the ${r.machine.normalKernel} kernel.`, ''];
  const peer = (w: WorkloadId, th: string): Measurement | undefined => fastestPeer(r.results, w, th);
  const threads = [...new Set(r.results.flatMap((m) => /^torch (\d+t)/.exec(m.side)?.[1] ?? []))];
  out.push('Ratios are against the fastest PyTorch variant at that thread count (W1: vectorised over components, or a loop over components).', '');
  out.push(`| workload | side | throughput | steps × reps | ${threads.map((t) => `÷ torch ${t}`).join(' | ')} |`);
  out.push(`|---|---|---|---|${threads.map(() => '---|').join('')}`);
  for (const w of r.workloads) {
    const rows = r.results.filter((m) => m.workload === w.id).sort((a, b) => b.throughput - a.throughput);
    for (const m of rows) {
      const ratios = threads.map((t) => {
        const p = peer(w.id, t);
        return p ? `${(m.throughput / p.throughput).toFixed(2)}×` : '–';
      });
      out.push(`| ${w.title} | ${m.side} | ${fmt(m.throughput, w)} ${w.unit} | ${m.steps} × ${m.reps} | ${ratios.join(' | ')} |`);
    }
  }
  const sides = [...new Set(r.results.map((m) => m.side))];
  const qc = sides.flatMap((s) => {
    const d = r.results.find((m) => m.side === s && m.workload === 'w3-dsm');
    const q = r.results.find((m) => m.side === s && m.workload === 'w3-qcsgm');
    return d && q ? [`| ${s} | ${(d.throughput / q.throughput).toFixed(2)} |`] : [];
  });
  if (qc.length) out.push('', '| side | QCSGM step ÷ DSM step (time; target ≤ 2.5) |', '|---|---|', ...qc);
  if (r.memory.length) {
    out.push('', `| W4 side | steps | particles | peak RSS | base RSS | (peak − base) ÷ state (${r.memory[0].stateMiB.toFixed(1)} MiB) |`, '|---|---|---|---|---|---|');
    for (const m of r.memory) out.push(`| ${m.side} | ${m.steps} | ${m.n} | ${m.peakMiB.toFixed(0)} MiB | ${m.baseMiB.toFixed(0)} MiB | ${((m.peakMiB - m.baseMiB) / m.stateMiB).toFixed(2)} |`);
  }
  if (r.notes.length) out.push('', ...r.notes.map((n) => `- ${n}`));
  return out.join('\n') + '\n';
}

/** Write latest.json and latest.md under `dir`, each through a temp file and a rename. */
export async function writeReport(r: BenchReport, dir: string): Promise<void> {
  await writeFileAtomic(join(dir, 'latest.json'), JSON.stringify(r, null, 2) + '\n');
  await writeFileAtomic(join(dir, 'latest.md'), formatReport(r));
}
