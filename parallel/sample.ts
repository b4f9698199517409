/**
 * Sampling on several threads: the batch is cut into row chunks, and worker threads sample them
 * (each chunk is rows [a, b) of the batch, by rowOffset). Prior draws and noise are the rows of the
 * full batch's (counter-based Threefry), so the result is bit-for-bit the single-thread `sample` for
 * any thread count and chunk size. Steppers that couple rows (the Langevin corrector) are refused.
 *
 * Workers live in a pool: `sampleParallel` opens one for the call unless it is given one. A worker
 * pays for its start once (a thread, the module imports, JIT warm-up), so repeated runs
 * share a pool.
 */
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { checkChunking, type Progress, RowBuffer, sampleChunked, type SampleResult, timeGrid } from '../core/index.js';
import { buildSetup, type SampleJob } from './job.js';
import type { FromWorker, ToWorker } from './sample-worker.js';

export interface SamplerPool {
  readonly threads: number;
  /** Stops the workers; the pool cannot be used afterwards. */
  close(): Promise<void>;
}

interface PoolState extends SamplerPool {
  readonly workers: Worker[];
  busy: boolean;
  closed: boolean;
}

const checkThreads = (threads: number): void => {
  if (!Number.isInteger(threads) || threads < 1) throw new RangeError(`sampler pool: threads must be a positive integer, got ${threads}`);
};

/** A pool of `threads` sampling workers (default: the machine's available parallelism). */
export function samplerPool(threads = availableParallelism()): SamplerPool {
  checkThreads(threads);
  const workers = Array.from({ length: threads }, () => new Worker(new URL('./sample-worker.js', import.meta.url)));
  const pool: PoolState = {
    threads, workers, busy: false, closed: false,
    async close() {
      pool.closed = true;
      await Promise.all(workers.map((w) => w.terminate()));
    },
  };
  return pool;
}

export interface ParallelOptions {
  /** Threads (default: the machine's available parallelism); 1 samples on this thread, chunk by chunk. */
  readonly threads?: number;
  /** Workers to use (then `threads` is the pool's). */
  readonly pool?: SamplerPool;
  /** Rows per work item (default: n / threads, so each thread gets one). */
  readonly chunk?: number;
  /** Steps done over all chunks. */
  readonly onProgress?: (p: Progress) => void;
  /** The job's n rows are rows rowOffset … rowOffset + n − 1 of a larger batch under the same key (default 0). */
  readonly rowOffset?: number;
}

export async function sampleParallel(job: SampleJob, o: ParallelOptions = {}): Promise<SampleResult> {
  const threads = o.pool?.threads ?? o.threads ?? availableParallelism();
  checkThreads(threads);
  const setup = await buildSetup(job);
  const { n, steps } = setup.options;
  const chunk = o.chunk ?? Math.ceil(n / threads);
  checkChunking(setup.options, chunk, 'sampleParallel');
  const rowOffset = o.rowOffset ?? 0;
  if (!Number.isSafeInteger(rowOffset) || rowOffset < 0) throw new RangeError(`sampleParallel: rowOffset must be a non-negative integer, got ${rowOffset}`);
  if (threads === 1 && !o.pool) return sampleChunked(setup.key, { ...setup.options, rowOffset }, { chunk, onProgress: o.onProgress });

  const pool = (o.pool ?? samplerPool(threads)) as PoolState;
  if (pool.closed) throw new Error('sampleParallel: the sampler pool is closed');
  if (pool.busy) throw new Error('sampleParallel: the sampler pool is running another job');
  pool.busy = true;
  const items: number[] = [];
  for (let a = 0; a < n; a += chunk) items.push(a);
  const total = items.length * steps;
  const out = new RowBuffer(n);
  let nfe = 0;
  const workers = pool.workers.slice(0, items.length);
  const cleanups: (() => void)[] = [];
  try {
    await new Promise<void>((resolve, reject) => {
      let next = 0;
      let pending = items.length;
      let done = 0;
      const give = (w: Worker): void => {
        if (next >= items.length) return;
        const a = items[next++];
        w.postMessage({ type: 'run', a: rowOffset + a, rows: Math.min(chunk, n - a) } satisfies ToWorker);
      };
      for (const w of workers) {
        const onExit = (code: number): void => { if (pending > 0) reject(new Error(`sampleParallel: a worker exited with code ${code}`)); };
        const onMessage = (m: FromWorker): void => {
          switch (m.type) {
            case 'ready': give(w); break;
            case 'progress': o.onProgress?.({ step: ++done, total }); break;
            case 'error': reject(new Error(m.message)); break;
            case 'done':
              out.put(m.a - rowOffset, m.rows, m.data);
              nfe = m.nfe;
              if (--pending === 0) resolve();
              else give(w);
          }
        };
        w.on('error', reject);
        w.on('exit', onExit);
        w.on('message', onMessage);
        cleanups.push(() => { w.off('error', reject); w.off('exit', onExit); w.off('message', onMessage); });
        w.postMessage({ type: 'init', job } satisfies ToWorker);
      }
    });
  } catch (e) {
    await pool.close(); // a worker may still be running the failed job: the pool is not reusable
    throw e;
  } finally {
    cleanups.forEach((f) => f());
    pool.busy = false;
    if (!o.pool) await pool.close();
  }
  const so = setup.options;
  return { x: out.tensor(so.backend), nfe, grid: typeof so.grid === 'object' ? Float64Array.from(so.grid) : timeGrid({ steps, T: so.sde.T, eps: so.eps ?? 1e-3, kind: so.grid }) };
}
