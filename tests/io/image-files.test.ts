/** MNIST IDX (plain and gzip) and CIFAR-10 binary files crafted here by the formats' definitions, and their errors. */
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import * as sk from '../../index.js';

const root = mkdtempSync(join(tmpdir(), 'sk-images-'));
after(() => rmSync(root, { recursive: true, force: true }));
let dirs = 0;
/** A fresh directory holding exactly these files. */
function dirWith(files: Record<string, Uint8Array>): string {
  const d = join(root, String(dirs++));
  mkdirSync(d);
  for (const [n, b] of Object.entries(files)) writeFileSync(join(d, n), b);
  return d;
}

/** An unsigned-byte IDX file: 0 0 0x08 nd, big-endian uint32 dims, the bytes. */
function idxU8(dims: number[], values: ArrayLike<number>): Uint8Array {
  const head = 4 + 4 * dims.length;
  const out = new Uint8Array(head + values.length);
  const v = new DataView(out.buffer);
  out[2] = 0x08;
  out[3] = dims.length;
  dims.forEach((d, i) => v.setUint32(4 + 4 * i, d, false));
  out.set(Array.from(values), head);
  return out;
}

/** n CIFAR records: label, then the R, G and B planes of 32×32 (pixel p of channel c = (7i + 3c + p) mod 256). */
function cifar(labels: number[]): Uint8Array {
  const out = new Uint8Array(labels.length * 3073);
  labels.forEach((l, i) => {
    out[i * 3073] = l;
    for (let c = 0; c < 3; c++) for (let p = 0; p < 1024; p++) out[i * 3073 + 1 + c * 1024 + p] = (7 * i + 3 * c + p) % 256;
  });
  return out;
}

describe('MNIST from IDX files', () => {
  const pixels = Array.from({ length: 3 * 4 * 5 }, (_, i) => (i * 37) % 256);
  const images = idxU8([3, 4, 5], pixels);
  const labels = idxU8([3], [4, 0, 9]);
  it('reads the same digits from plain and gzip-compressed files, both splits, both ranges', async () => {
    const d = dirWith({
      'train-images-idx3-ubyte.gz': gzipSync(images), 'train-labels-idx1-ubyte': labels,
      't10k-images.idx3-ubyte': images, 't10k-labels.idx1-ubyte.gz': gzipSync(labels),
    });
    const tr = await sk.loadMnistIdx(d, { range: 'unit' });
    const te = await sk.loadMnistIdx(d, { split: 'test', range: 'unit' });
    for (const s of [tr, te]) {
      assert.deepEqual(s.images.shape, [3, 20]);
      assert.deepEqual([s.height, s.width, s.channels], [4, 5, 1]);
      assert.deepEqual(Array.from(s.labels), [4, 0, 9]);
      assert.deepEqual(Array.from(await s.images.data()), pixels.map((p) => p / 255));
    }
    const sym = await sk.loadMnistIdx(d);
    assert.deepEqual(Array.from(await sym.images.data()), pixels.map((p) => 2 * (p / 255) - 1));
    assert.match(tr.files[0], /train-images-idx3-ubyte\.gz$/);
  });
  it('rejects malformed headers, a length that disagrees with the dimensions, truncated gzip, missing files', async () => {
    const bad = (im: Uint8Array, lb: Uint8Array = labels): Promise<unknown> => sk.loadMnistIdx(dirWith({ 'train-images-idx3-ubyte': im, 'train-labels-idx1-ubyte': lb }));
    const magic = images.slice();
    magic[0] = 1;
    await assert.rejects(bad(magic), /MNIST images: bad magic number/);
    await assert.rejects(bad(images.subarray(0, images.length - 1)), /MNIST images: dimensions \[3, 4, 5\] need 76 bytes, the file has 75/);
    await assert.rejects(bad(idxU8([3, 4, 5], [...pixels, 1])), /need 76 bytes, the file has 77/);
    await assert.rejects(bad(images.subarray(0, 10)), /MNIST images: header declares 3 dimensions but the file ends after 10 bytes/);
    await assert.rejects(bad(images, idxU8([2], [1, 2])), /3 images but 2 labels/);
    const gz = gzipSync(images);
    await assert.rejects(sk.loadMnistIdx(dirWith({ 'train-images-idx3-ubyte.gz': gz.subarray(0, gz.length - 9), 'train-labels-idx1-ubyte': labels })),
      /MNIST images .*train-images-idx3-ubyte\.gz: truncated gzip data/);
    await assert.rejects(sk.loadMnistIdx(dirWith({ 'train-labels-idx1-ubyte': labels })), /MNIST images: none of train-images-idx3-ubyte, train-images-idx3-ubyte\.gz/);
    await assert.rejects(sk.loadMnistIdx(root, { split: 'val' as 'test' }), /split must be 'train' or 'test'/);
  });
});

describe('CIFAR-10 from binary batches', () => {
  it('joins data_batch_1..5 in order, HWC pixels in [0, 1]', async () => {
    const files: Record<string, Uint8Array> = { 'test_batch.bin': cifar([3]) };
    for (let b = 1; b <= 5; b++) files[`data_batch_${b}.bin${b === 2 ? '.gz' : ''}`] = b === 2 ? gzipSync(cifar([b, 9])) : cifar([b, 0]);
    const d = dirWith(files);
    const tr = await sk.loadCifar10(d, { range: 'unit' });
    assert.deepEqual(tr.images.shape, [10, 3072]);
    assert.deepEqual(Array.from(tr.labels), [1, 0, 2, 9, 3, 0, 4, 0, 5, 0]);
    const px = await tr.images.data();
    // record 1 of batch 1 (i = 1): pixel p = row 2, col 5 → 69; channel c at HWC index 3p + c
    const p = 2 * 32 + 5;
    for (let c = 0; c < 3; c++) assert.equal(px[3072 + 3 * p + c], ((7 + 3 * c + p) % 256) / 255);
    const te = await sk.loadCifar10(d, { split: 'test' });
    assert.deepEqual([te.images.shape, Array.from(te.labels), te.height, te.width, te.channels], [[1, 3072], [3], 32, 32, 3]);
  });
  it('rejects a length that is not a multiple of 3073, a bad label, a missing batch', async () => {
    const ok = cifar([0]);
    await assert.rejects(sk.loadCifar10(dirWith({ 'test_batch.bin': ok.subarray(0, 3000) }), { split: 'test' }), /3000 bytes is not a whole number of 3073-byte records/);
    const lab = ok.slice();
    lab[0] = 10;
    await assert.rejects(sk.loadCifar10(dirWith({ 'test_batch.bin': lab }), { split: 'test' }), /label 10 of record 0 is not a class 0\.\.9/);
    await assert.rejects(sk.loadCifar10(dirWith({ 'data_batch_1.bin': ok })), /CIFAR-10: none of data_batch_2\.bin, data_batch_2\.bin\.gz/);
  });
});
