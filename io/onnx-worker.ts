/**
 * The worker thread of io/onnx-score.ts: it holds an onnxruntime-node session and answers each
 * request { x, n, t } on its port with { y } or { error }, then raises the shared flag so that the
 * blocked caller wakes (Atomics.notify).
 */
import { type MessagePort, workerData } from 'node:worker_threads';

interface Data { readonly file: string; readonly port: MessagePort; readonly flag: SharedArrayBuffer }
interface Request { readonly x: Float32Array | Float64Array; readonly n: number; readonly t: Float64Array }

const { file, port, flag } = workerData as Data;
const done = new Int32Array(flag);
const wake = (): void => {
  Atomics.store(done, 0, 1);
  Atomics.notify(done, 0);
};

async function main(): Promise<void> {
  let ort: typeof import('onnxruntime-node');
  try {
    ort = await import('onnxruntime-node');
  } catch (e) {
    port.postMessage({ error: `onnxruntime-node failed to load (${(e as Error).message.split('\n')[0]}); install it with npm (the project's .npmrc sets onnxruntime-node-install=skip)` });
    return;
  }
  let session: import('onnxruntime-node').InferenceSession;
  try {
    session = await ort.InferenceSession.create(file);
  } catch (e) {
    port.postMessage({ error: `${file}: not an ONNX model onnxruntime can load (${(e as Error).message.split('\n')[0]})` });
    return;
  }
  const meta = (list: readonly unknown[]): unknown[] => list.map((m) => {
    const r = m as { name: string; isTensor: boolean; type?: string; shape?: readonly (number | string)[] };
    return { name: r.name, isTensor: r.isTensor, type: r.type, shape: r.shape ? [...r.shape] : undefined };
  });
  port.postMessage({ ready: true, inputs: meta(session.inputMetadata), outputs: meta(session.outputMetadata) });
  const [xName, tName] = session.inputNames;
  const [yName] = session.outputNames;
  port.on('message', (m: Request) => {
    const type = m.x instanceof Float64Array ? 'float64' : 'float32';
    const feeds = {
      [xName]: new ort.Tensor(type, m.x, [m.n, m.x.length / Math.max(1, m.n)]),
      [tName]: new ort.Tensor(type, type === 'float64' ? m.t : Float32Array.from(m.t), [m.n]),
    };
    session.run(feeds).then((r) => {
      const y = r[yName];
      port.postMessage({ y: y.data, dims: [...y.dims] });
    }, (e: unknown) => {
      port.postMessage({ error: `${file}: onnxruntime failed (${(e as Error).message.split('\n')[0]})` });
    }).finally(wake);
  });
}

void main();
