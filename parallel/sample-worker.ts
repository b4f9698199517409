/**
 * The worker side of sampleParallel: builds the job's setup once, then samples the row ranges it
 * is sent (rows [a, a + rows) of the batch, by rowOffset) and sends each result back (transferred).
 */
import { parentPort } from 'node:worker_threads';
import { sample } from '../core/index.js';
import { buildSetup, type SampleJob, type SampleSetup } from './job.js';

export type ToWorker = { readonly type: 'init'; readonly job: SampleJob } | { readonly type: 'run'; readonly a: number; readonly rows: number };
export type FromWorker =
  | { readonly type: 'ready' }
  | { readonly type: 'progress' }
  | { readonly type: 'done'; readonly a: number; readonly rows: number; readonly data: Float32Array | Float64Array; readonly nfe: number }
  | { readonly type: 'error'; readonly message: string };

const port = parentPort!;
let setup: Promise<SampleSetup> | undefined;

async function handle(m: ToWorker): Promise<void> {
  if (m.type === 'init') {
    setup = buildSetup(m.job);
    await setup;
    port.postMessage({ type: 'ready' } satisfies FromWorker);
    return;
  }
  const s = await setup!;
  const r = sample(s.key, { ...s.options, n: m.rows, rowOffset: m.a, onProgress: () => port.postMessage({ type: 'progress' } satisfies FromWorker) });
  const v = await r.x.data();
  const data = v instanceof Float64Array || v instanceof Float32Array ? v : Float64Array.from(v);
  r.x.dispose();
  port.postMessage({ type: 'done', a: m.a, rows: m.rows, data, nfe: r.nfe } satisfies FromWorker, [data.buffer as ArrayBuffer]);
}

port.on('message', (m: ToWorker) => {
  handle(m).catch((e: unknown) => port.postMessage({ type: 'error', message: e instanceof Error ? e.message : String(e) } satisfies FromWorker));
});
