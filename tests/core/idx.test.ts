/** IDX parsing (MNIST's file format) on bytes written here by the format's definition, and its errors. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import * as sk from '../../index.js';

/** An IDX file: magic 0 0 type nd, big-endian uint32 dims, big-endian values. */
function idx(type: number, dims: number[], values: number[], width: number): Uint8Array {
  const head = 4 + 4 * dims.length;
  const out = new Uint8Array(head + values.length * width);
  const v = new DataView(out.buffer);
  out[2] = type;
  out[3] = dims.length;
  dims.forEach((d, i) => v.setUint32(4 + 4 * i, d, false));
  values.forEach((x, i) => {
    const o = head + i * width;
    if (type === 0x08) v.setUint8(o, x);
    else if (type === 0x0b) v.setInt16(o, x, false);
    else if (type === 0x0d) v.setFloat32(o, x, false);
    else v.setFloat64(o, x, false);
  });
  return out;
}

describe('IDX', () => {
  it('parses every width big-endian, and an MNIST pair to [0, 1] pixels and labels', () => {
    assert.deepEqual(sk.parseIdx(idx(0x0b, [2, 2], [-300, 7, 256, -1], 2)), { dims: [2, 2], values: Float64Array.of(-300, 7, 256, -1) });
    assert.deepEqual(sk.parseIdx(idx(0x0d, [3], [0.5, -2, 1024], 4)).values, Float64Array.of(0.5, -2, 1024));
    assert.deepEqual(sk.parseIdx(idx(0x0e, [1], [Math.PI], 8)).values, Float64Array.of(Math.PI));
    const m = sk.mnistFromIdx(idx(0x08, [2, 2, 3], [0, 255, 51, 102, 0, 0, 1, 2, 3, 4, 5, 255], 1), idx(0x08, [2], [7, 0], 1));
    assert.equal(m.rows, 2);
    assert.equal(m.cols, 3);
    assert.deepEqual(Array.from(m.labels), [7, 0]);
    assert.deepEqual(Array.from(m.images.slice(0, 4)), [0, 1, 0.2, 0.4]);
  });

  it('rejects malformed headers with one clear error', () => {
    assert.throws(() => sk.parseIdx(Uint8Array.of(0, 0)), /too short for an IDX header/);
    assert.throws(() => sk.parseIdx(Uint8Array.of(0x1f, 0x8b, 8, 0)), /bad magic number.*gzip data: decompress it first/);
    assert.throws(() => sk.parseIdx(Uint8Array.of(0, 0, 0x07, 1, 0, 0, 0, 0)), /unknown data type 0x07/);
    assert.throws(() => sk.parseIdx(Uint8Array.of(0, 0, 8, 3, 0, 0, 0, 1)), /declares 3 dimensions but the file ends after 8 bytes/);
    assert.throws(() => sk.parseIdx(idx(0x08, [2, 3], [1, 2, 3, 4, 5], 1)), /dimensions \[2, 3\] need 18 bytes, the file has 17/);
    const images = idx(0x08, [2, 1, 1], [0, 1], 1);
    assert.throws(() => sk.mnistFromIdx(images, idx(0x08, [3], [0, 1, 2], 1)), /2 images but 3 labels/);
    assert.throws(() => sk.mnistFromIdx(images, idx(0x08, [2], [0, 10], 1)), /label 10 at index 1 is not a digit/);
    assert.throws(() => sk.mnistFromIdx(idx(0x08, [2], [0, 1], 1), idx(0x08, [2], [0, 1], 1)), /expected 3 dimensions/);
  });
});
