/**
 * Score functions s(x, t) from ONNX models (e.g. a PyTorch network exported with torch.onnx.export),
 * run by onnxruntime-node. The model takes x [n, S] and t [n] (float32 or float64) and returns the
 * score [n, D] as the samplers use it (D = S, or the velocity score of CLD: S = 2D). onnxruntime's
 * session.run is asynchronous while the samplers call their score synchronously, so the session lives
 * in a worker thread (io/onnx-worker.ts) and each call waits for its answer with Atomics.wait: every
 * sampler, the likelihood and the order studies take an ONNX score unchanged. The score is marked
 * opaque (core/sde/opaque-score.ts): the likelihood's divergence takes finite differences of it.
 * x is read with dataSync, so the backend must read back synchronously (cpu).
 * The model's inputs and output are checked when it is loaded: two inputs (x of rank 2 with a fixed
 * width, t of rank 1), one output of rank 2 with a fixed width, float32 or float64 tensors.
 */
import { MessageChannel, receiveMessageOnPort, Worker } from 'node:worker_threads';
import { fromArray } from '../core/tensor/create.js';
import type { Tensor } from '../core/tensor/tensor.js';
import type { ScoreFn } from '../core/sde/types.js';
import { type RowTimeScoreFn, withRowTimes } from '../core/sde/row-time-score.js';
import { type OpaqueScoreFn, opaqueScore } from '../core/sde/opaque-score.js';
import { readInput } from './files.js';

export class OnnxModelError extends Error {
  override name = 'OnnxModelError';
}

export interface OnnxScore {
  /** s(x, t), with the per-row form `atRows` (the model takes one time per row); opaque to autodiff. */
  readonly score: OpaqueScoreFn<RowTimeScoreFn & { readonly atRows: (x: Tensor, t: Float64Array) => Tensor }>;
  /** The widths of x (S) and of the score (D). */
  readonly inDim: number;
  readonly outDim: number;
  /** The element type of the model's tensors. */
  readonly type: 'float32' | 'float64';
  /** Stop the worker thread. */
  close(): Promise<void>;
}

export interface OnnxScoreOptions {
  /** The longest a single call may take before it fails (default 120 000 ms). */
  readonly timeoutMs?: number;
}

interface Meta { readonly name: string; readonly isTensor: boolean; readonly type?: string; readonly shape?: readonly (number | string)[] }

const showShape = (m: Meta): string => (m.shape ? `[${m.shape.join(', ')}]` : 'an unknown shape');

/** The model's x width, score width and element type, or an error naming the mismatch. */
export function checkOnnxSignature(file: string, inputs: readonly Meta[], outputs: readonly Meta[]): { inDim: number; outDim: number; type: 'float32' | 'float64' } {
  const fail = (msg: string): never => {
    throw new OnnxModelError(`${file}: ${msg}; a score model takes x [n, S] and t [n] and returns the score [n, D]`);
  };
  if (inputs.length !== 2) fail(`the model has ${inputs.length} input${inputs.length === 1 ? '' : 's'} (${inputs.map((m) => m.name).join(', ')}), not 2`);
  if (outputs.length !== 1) fail(`the model has ${outputs.length} outputs, not 1`);
  const [x, t] = inputs;
  const [y] = outputs;
  for (const m of [x, t, y]) if (!m.isTensor || (m.type !== 'float32' && m.type !== 'float64')) fail(`'${m.name}' is ${m.isTensor ? `a ${m.type} tensor` : 'not a tensor'}, not float32 or float64`);
  if (x.type !== t.type || x.type !== y.type) fail(`its tensors mix ${x.type}, ${t.type} and ${y.type}`);
  if (x.shape?.length !== 2 || typeof x.shape[1] !== 'number' || x.shape[1] < 1) fail(`input '${x.name}' has shape ${showShape(x)}, not [n, S] with a fixed S`);
  if (t.shape?.length !== 1) fail(`input '${t.name}' has shape ${showShape(t)}, not [n]`);
  if (y.shape?.length !== 2 || typeof y.shape[1] !== 'number' || y.shape[1] < 1) fail(`output '${y.name}' has shape ${showShape(y)}, not [n, D] with a fixed D`);
  return { inDim: x.shape![1] as number, outDim: y.shape![1] as number, type: x.type as 'float32' | 'float64' };
}

/** Load an ONNX score model (see the file's comment). */
export async function onnxScore(file: string, opts: OnnxScoreOptions = {}): Promise<OnnxScore> {
  await readInput(file, 'ONNX model');
  const flag = new SharedArrayBuffer(4);
  const done = new Int32Array(flag);
  const { port1, port2 } = new MessageChannel();
  const worker = new Worker(new URL('./onnx-worker.js', import.meta.url), { workerData: { file, port: port2, flag }, transferList: [port2] });
  worker.unref();
  const first = await new Promise<{ ready?: boolean; error?: string; inputs?: Meta[]; outputs?: Meta[] }>((resolve, reject) => {
    port1.once('message', resolve);
    worker.once('error', reject);
    worker.once('exit', (code) => reject(new OnnxModelError(`${file}: the ONNX worker stopped (exit ${code}) before the model loaded`)));
  });
  worker.removeAllListeners();
  port1.removeAllListeners();
  port1.unref();
  if (first.error !== undefined) {
    await worker.terminate();
    throw new OnnxModelError(first.error);
  }
  let sig: ReturnType<typeof checkOnnxSignature>;
  try {
    sig = checkOnnxSignature(file, first.inputs!, first.outputs!);
  } catch (e) {
    await worker.terminate();
    throw e;
  }
  const timeoutMs = opts.timeoutMs ?? 120_000;
  const atRows = (x: Tensor, t: Float64Array): Tensor => {
    if (x.rank !== 2 || x.shape[1] !== sig.inDim || t.length !== x.shape[0]) {
      throw new OnnxModelError(`${file}: the model takes x [n, ${sig.inDim}] and t [n], got x [${x.shape.join(', ')}] and ${t.length} times`);
    }
    const n = x.shape[0];
    const data = x.dataSync();
    const xs = sig.type === 'float64' ? Float64Array.from(data) : Float32Array.from(data);
    Atomics.store(done, 0, 0);
    port1.postMessage({ x: xs, n, t: Float64Array.from(t) });
    if (Atomics.wait(done, 0, 0, timeoutMs) === 'timed-out') throw new OnnxModelError(`${file}: no answer from onnxruntime within ${timeoutMs} ms`);
    const reply = receiveMessageOnPort(port1)?.message as { y?: Float32Array | Float64Array; dims?: number[]; error?: string } | undefined;
    if (!reply) throw new OnnxModelError(`${file}: the ONNX worker stopped`);
    if (reply.error !== undefined) throw new OnnxModelError(reply.error);
    const dims = reply.dims!;
    if (dims.length !== 2 || dims[0] !== n || dims[1] !== sig.outDim) throw new OnnxModelError(`${file}: the model returned shape [${dims.join(', ')}] for ${n} rows, not [${n}, ${sig.outDim}]`);
    return fromArray(Float64Array.from(reply.y!), { backend: x.backend, dtype: x.dtype, shape: [n, sig.outDim] });
  };
  const score: ScoreFn = (x, t) => atRows(x, new Float64Array(x.shape[0]).fill(t));
  return { score: opaqueScore(Object.assign(withRowTimes(score, atRows), { atRows }), sig.type === 'float64' ? 2 ** -52 : 2 ** -23), ...sig, close: async () => { port1.close(); await worker.terminate(); } };
}
