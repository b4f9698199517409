/**
 * Image data sets from files the user supplies (nothing is downloaded):
 * - MNIST (LeCun et al. 1998): the IDX pairs train-images-idx3-ubyte / train-labels-idx1-ubyte
 *   (60 000 training digits) and t10k-images-idx3-ubyte / t10k-labels-idx1-ubyte (10 000 test
 *   digits) in one directory, each gzip-compressed (".gz") or not; the names with a dot before
 *   "idx" (train-images.idx3-ubyte) are accepted too.
 * - CIFAR-10 (Krizhevsky 2009): data_batch_1..5.bin (50 000 training images) and test_batch.bin
 *   (10 000 test images) of the binary version, in one directory, gzip-compressed or not.
 * Images come as [n, H·W·C] rows (channels last, the U-Net's layout), scaled to [−1, 1]
 * (score_sde's data convention) or kept in [0, 1].
 */
import { promises as fs } from 'node:fs';
import { join } from 'node:path';
import { fromArray } from '../core/tensor/create.js';
import type { Tensor } from '../core/tensor/tensor.js';
import type { Backend } from '../core/tensor/backend.js';
import type { FloatDType } from '../core/tensor/dtype.js';
import { mnistFromIdx } from '../core/data/idx.js';
import { CIFAR_CHANNELS, CIFAR_SIDE, parseCifar10 } from '../core/data/cifar.js';
import { readInput } from './files.js';
import { gunzipIfCompressed } from './gzip.js';

export type ImageSplit = 'train' | 'test';

export interface ImageFileOptions {
  readonly split?: ImageSplit;
  readonly range?: 'symmetric' | 'unit';
  readonly backend?: Backend | string;
  readonly dtype?: FloatDType;
}

export interface ImageSet {
  /** [n, height·width·channels], row-major, channels last. */
  readonly images: Tensor;
  readonly labels: Int32Array;
  readonly height: number;
  readonly width: number;
  readonly channels: number;
  /** The files read, in order. */
  readonly files: readonly string[];
}

const MNIST_STEMS: Readonly<Record<ImageSplit, { readonly images: string; readonly labels: string }>> = {
  train: { images: 'train-images', labels: 'train-labels' },
  test: { images: 't10k-images', labels: 't10k-labels' },
};

const CIFAR_FILES: Readonly<Record<ImageSplit, readonly string[]>> = {
  train: ['data_batch_1.bin', 'data_batch_2.bin', 'data_batch_3.bin', 'data_batch_4.bin', 'data_batch_5.bin'],
  test: ['test_batch.bin'],
};

function checkSplit(split: ImageSplit): void {
  if (!Object.hasOwn(MNIST_STEMS, split)) throw new RangeError(`image data: split must be 'train' or 'test', got ${JSON.stringify(split)}`);
}

/** The first existing file of the candidates (plain or .gz), or an error listing them. */
async function findFile(dir: string, names: readonly string[], what: string): Promise<string> {
  for (const n of names) {
    const p = join(dir, n);
    try {
      if ((await fs.stat(p)).isFile()) return p;
    } catch {
      /* try the next name */
    }
  }
  throw new Error(`${what}: none of ${names.join(', ')} in ${dir}`);
}

const withGz = (names: readonly string[]): string[] => names.flatMap((n) => [n, `${n}.gz`]);

async function readMaybeGz(path: string, what: string): Promise<Uint8Array> {
  return gunzipIfCompressed(await readInput(path, what), `${what} ${path}`);
}

function toImageSet(pixels: Float64Array, labels: Int32Array, h: number, w: number, c: number, files: string[], o: ImageFileOptions): ImageSet {
  const data = o.range === 'unit' ? pixels : pixels.map((u) => 2 * u - 1);
  return { images: fromArray(data, { backend: o.backend, dtype: o.dtype, shape: [labels.length, h * w * c] }), labels, height: h, width: w, channels: c, files };
}

/** MNIST's training (60 000) or test (10 000) split from the IDX files in `dir`. */
export async function loadMnistIdx(dir: string, o: ImageFileOptions = {}): Promise<ImageSet> {
  const split = o.split ?? 'train';
  checkSplit(split);
  const stems = MNIST_STEMS[split];
  const imPath = await findFile(dir, withGz([`${stems.images}-idx3-ubyte`, `${stems.images}.idx3-ubyte`]), 'MNIST images');
  const lbPath = await findFile(dir, withGz([`${stems.labels}-idx1-ubyte`, `${stems.labels}.idx1-ubyte`]), 'MNIST labels');
  const m = mnistFromIdx(await readMaybeGz(imPath, 'MNIST images'), await readMaybeGz(lbPath, 'MNIST labels'));
  return toImageSet(m.images, m.labels, m.rows, m.cols, 1, [imPath, lbPath], o);
}

/** CIFAR-10's training (50 000) or test (10 000) split from the binary batches in `dir`. */
export async function loadCifar10(dir: string, o: ImageFileOptions = {}): Promise<ImageSet> {
  const split = o.split ?? 'train';
  checkSplit(split);
  const files: string[] = [];
  const images: Float64Array[] = [];
  const labels: Int32Array[] = [];
  for (const name of CIFAR_FILES[split]) {
    const p = await findFile(dir, withGz([name]), 'CIFAR-10');
    const b = parseCifar10(await readMaybeGz(p, 'CIFAR-10'), `CIFAR-10 ${p}`);
    files.push(p);
    images.push(b.images);
    labels.push(b.labels);
  }
  const cat = <T extends Float64Array | Int32Array>(parts: T[], make: (n: number) => T): T => {
    const out = make(parts.reduce((n, a) => n + a.length, 0));
    let off = 0;
    for (const a of parts) {
      out.set(a, off);
      off += a.length;
    }
    return out;
  };
  const px = cat(images, (n) => new Float64Array(n));
  const lb = cat(labels, (n) => new Int32Array(n));
  return toImageSet(px, lb, CIFAR_SIDE, CIFAR_SIDE, CIFAR_CHANNELS, files, o);
}
