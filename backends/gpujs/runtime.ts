/**
 * Where gpu.js kernels run: a kernel cache (one compiled kernel per source, sizes dynamic) and two
 * ways of issuing calls.
 *  - Immediate (modes 'wasm' and 'cpu'): gpu.js calls are synchronous, results are Float32Arrays.
 *  - Queued ('webgpu'): gpu.js calls return Promises (kernel builds and readback are asynchronous),
 *    while the Backend interface issues operations synchronously. Calls are recorded in a FIFO and a
 *    pump runs them in program order, so every operand exists before its consumers run and a release
 *    runs after every consumer issued before it. Results stay GPU-resident (pipeline handles); only
 *    `read` maps a buffer back. A failed call marks its output, and everything computed from it, with
 *    the error, which `read` reports.
 */
/* eslint-disable @typescript-eslint/no-explicit-any */
import { copySource, type KernelSource } from './kernels.js';

/** Device storage of one tensor's values (float32, flat), shared by handles that alias it (reshape). */
export class Store {
  /** Float32Array (immediate modes) or a gpu.js WebGPUBufferResult (queued); undefined until run. */
  data: any;
  error: unknown;
  refs = 1;
  constructor(readonly n: number) {}
}

/** A kernel argument: a tensor's storage, a small host array (meta, coefficients) or a float scalar. */
export type Arg = Store | Float32Array | number;

export interface Runner {
  readonly mode: 'webgpu' | 'wasm' | 'cpu';
  readonly synchronous: boolean;
  call(src: KernelSource, n: number, args: readonly Arg[]): Store;
  upload(data: Float32Array): Store;
  read(s: Store): Promise<Float32Array>;
  readSync(s: Store): Float32Array;
  release(s: Store): void;
  /** Resolves when every call issued so far has run (immediately for the synchronous modes). */
  flush(): Promise<void>;
  /** Live stores and their bytes (device buffers in webgpu mode). */
  readonly live: { stores: number; bytes: number };
  /** Kernels compiled so far. */
  readonly compiled: number;
}

const GPUJS_MODE = { webgpu: 'webgpu', wasm: 'webasm', cpu: 'cpu' } as const;

abstract class RunnerBase {
  protected readonly kernels = new Map<string, { k: any; n: number }>();
  readonly live = { stores: 0, bytes: 0 };
  protected readonly gpu: any;
  constructor(GPU: any, readonly mode: 'webgpu' | 'wasm' | 'cpu') {
    this.gpu = new GPU({ mode: GPUJS_MODE[mode] });
  }

  get compiled(): number {
    return this.kernels.size;
  }

  protected kernel(src: KernelSource, n: number): any {
    let e = this.kernels.get(src.key);
    if (!e) {
      const k = this.gpu.createKernel(src.source, {
        output: [n], pipeline: this.mode === 'webgpu', immutable: true, dynamicOutput: true, dynamicArguments: true,
        argumentTypes: src.argumentTypes, tactic: 'precision', precision: 'single',
      });
      this.kernels.set(src.key, (e = { k, n }));
    }
    if (e.n !== n) {
      e.k.setOutput([n]);
      e.n = n;
    }
    return e.k;
  }

  protected track(s: Store): Store {
    this.live.stores++;
    this.live.bytes += 4 * s.n;
    return s;
  }

  protected untrack(s: Store): void {
    this.live.stores--;
    this.live.bytes -= 4 * s.n;
  }
}

class ImmediateRunner extends RunnerBase implements Runner {
  readonly synchronous = true;

  call(src: KernelSource, n: number, args: readonly Arg[]): Store {
    const out = this.track(new Store(n));
    if (n === 0) {
      out.data = new Float32Array(0);
      return out;
    }
    const k = this.kernel(src, n);
    const r = k(...args.map((a) => (a instanceof Store ? a.data : a)));
    out.data = r instanceof Float32Array ? r : Float32Array.from(r as ArrayLike<number>);
    return out;
  }

  upload(data: Float32Array): Store {
    const s = this.track(new Store(data.length));
    s.data = data;
    return s;
  }

  read(s: Store): Promise<Float32Array> {
    return Promise.resolve(this.readSync(s));
  }

  readSync(s: Store): Float32Array {
    return (s.data as Float32Array).slice();
  }

  release(s: Store): void {
    s.data = undefined;
    this.untrack(s);
  }

  flush(): Promise<void> {
    return Promise.resolve();
  }
}

type Command = () => void | Promise<void>;

class QueuedRunner extends RunnerBase implements Runner {
  readonly synchronous = false;
  private queue: (Command | undefined)[] = [];
  private head = 0;
  private pumping = false;

  private push(c: Command): void {
    this.queue.push(c);
    if (!this.pumping) {
      this.pumping = true;
      queueMicrotask(() => void this.pump());
    }
  }

  private async pump(): Promise<void> {
    while (this.head < this.queue.length) {
      const c = this.queue[this.head]!;
      this.queue[this.head++] = undefined;
      if (this.head >= 4096) {
        this.queue = this.queue.slice(this.head);
        this.head = 0;
      }
      const r = c();
      if (r) await r;
    }
    this.queue = [];
    this.head = 0;
    this.pumping = false;
  }

  call(src: KernelSource, n: number, args: readonly Arg[]): Store {
    const out = this.track(new Store(n));
    if (n === 0) return out;
    this.push(async () => {
      const failed = args.find((a) => a instanceof Store && a.error !== undefined) as Store | undefined;
      if (failed) {
        out.error = failed.error;
        return;
      }
      try {
        const k = this.kernel(src, n);
        out.data = await k(...args.map((a) => (a instanceof Store ? a.data : a)));
      } catch (e) {
        out.error = new Error(`gpujs:webgpu kernel ${src.key}: ${(e as Error).message}`);
      }
    });
    return out;
  }

  upload(data: Float32Array): Store {
    return this.call(copySource(), data.length, [data]);
  }

  read(s: Store): Promise<Float32Array> {
    return new Promise((resolve, reject) => {
      this.push(async () => {
        if (s.error !== undefined) return reject(s.error);
        if (s.n === 0) return resolve(new Float32Array(0));
        try {
          const v = await s.data.toArray();
          resolve(v instanceof Float32Array ? v : Float32Array.from(v));
        } catch (e) {
          reject(e);
        }
      });
    });
  }

  readSync(): Float32Array {
    throw new Error("gpujs:webgpu has no synchronous readback: use 'await tensor.data()'");
  }

  release(s: Store): void {
    this.untrack(s);
    this.push(() => {
      s.data?.delete?.();
      s.data = undefined;
    });
  }

  flush(): Promise<void> {
    return new Promise((resolve) => this.push(() => resolve()));
  }
}

export function makeRunner(GPU: any, mode: 'webgpu' | 'wasm' | 'cpu'): Runner {
  return mode === 'webgpu' ? new QueuedRunner(GPU, mode) : new ImmediateRunner(GPU, mode);
}
