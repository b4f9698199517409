/**
 * Sizes checked before work: an estimate of a run's memory from its options, refused above the limit
 * (--max-memory GiB, default half the machine's memory) with the figure and the option to change, and
 * the worker threads of a run capped at its rows and the machine's cores.
 * The estimates count float64 storage of what a run holds at once, with a factor for the tensors
 * alive together (a sampler step keeps about 8 of its state's size; a training step's autodiff
 * about 24 of its activations; the written samples about 40 bytes a value as JS numbers and text).
 */
import { availableParallelism, totalmem } from 'node:os';
import type { Parsed } from './args.js';
import { InputError } from './errors.js';

const GiB = 2 ** 30;
const F64 = 8;

/** The memory limit of a run in bytes. */
export function memoryLimit(o: Parsed): number {
  const v = o['max-memory'];
  return typeof v === 'number' ? v * GiB : totalmem() / 2;
}

/** One term of an estimate: its bytes and the option that scales it. */
export interface MemoryTerm {
  readonly what: string;
  readonly bytes: number;
  readonly option: string;
}

const fmt = (b: number): string => (b >= GiB ? `${(b / GiB).toPrecision(3)} GiB` : `${(b / 2 ** 20).toPrecision(3)} MiB`);

/** Refuse a run whose estimate exceeds the limit, naming the largest term and its option. */
export function checkMemory(terms: readonly MemoryTerm[], o: Parsed): void {
  const total = terms.reduce((a, t) => a + t.bytes, 0);
  const limit = memoryLimit(o);
  if (total <= limit && Number.isFinite(total)) return;
  const top = terms.reduce((a, t) => (t.bytes > a.bytes ? t : a));
  const opts = [...new Set(terms.filter((t) => t.bytes >= total / 10).map((t) => t.option))].join(' or ');
  throw new InputError(`this run needs about ${fmt(total)} of memory (${top.what}: ${fmt(top.bytes)}), more than the limit of ${fmt(limit)}; lower ${opts} or raise --max-memory (GiB)${opts === '--n' && o.chunk === undefined && terms.length > 1 ? ', or sample in row chunks (--chunk)' : ''}`);
}

/** `scorekit sample`: the particles being sampled (all rows, or one chunk per thread), the grid, the trajectory, the written values. */
export function sampleMemory(a: { n: number; stateDim: number; dim: number; steps: number; threads?: number; chunk?: number; trajectory: boolean }): MemoryTerm[] {
  const live = a.chunk !== undefined ? Math.min(a.n, a.chunk * (a.threads ?? 1)) : a.n;
  return [
    { what: `${live} rows × ${a.stateDim} in flight`, bytes: live * a.stateDim * F64 * 8, option: a.chunk !== undefined ? '--chunk' : '--n' },
    { what: `${a.n} samples of dimension ${a.dim} kept and written`, bytes: a.n * a.dim * (F64 + 40), option: '--n' },
    { what: `a grid of ${a.steps} steps`, bytes: (a.steps + 1) * F64 * 4, option: '--steps' },
    ...(a.trajectory ? [{ what: `${a.steps + 1} trajectory frames`, bytes: (a.steps + 1) * a.n * a.stateDim * F64, option: '--steps or --n' }] : []),
  ];
}

/** `scorekit train`: parameters with their gradients, Adam moments and EMA, and a step's activations. */
export function trainMemory(a: { batch: number; width: number; depth: number; inDim: number; outDim: number; steps: number }): MemoryTerm[] {
  const params = (a.inDim + 16) * a.width + a.depth * a.width * a.width + a.width * a.outDim;
  return [
    { what: `${params} parameters (with gradients, Adam moments and EMA)`, bytes: params * F64 * 6, option: '--width or --depth' },
    { what: `activations of a batch of ${a.batch}`, bytes: a.batch * (a.width * (a.depth + 1) + a.inDim + 16) * F64 * 24, option: '--batch' },
    { what: `the loss of ${a.steps} steps`, bytes: a.steps * F64 * 2, option: '--steps' },
  ];
}

/** `scorekit nll`: the probability-flow ODE on n points with Dormand–Prince stages and a divergence estimate. */
export function nllMemory(a: { n: number; stateDim: number }): MemoryTerm[] {
  return [{ what: `${a.n} points through the ODE`, bytes: a.n * a.stateDim * F64 * 64, option: '--n' }];
}

/** Worker threads: at most one per row and per core (more only idle or contend; the samples are the same bit for bit). */
export function capThreads(threads: number, rows: number): number {
  return Math.max(1, Math.min(threads, rows, availableParallelism()));
}
