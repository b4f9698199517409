/**
 * The IDX file format of the MNIST distribution (LeCun et al., http://yann.lecun.com/exdb/mnist/):
 * two zero bytes, a type byte (0x08 unsigned byte, 0x09 signed byte, 0x0B int16, 0x0C int32,
 * 0x0D float32, 0x0E float64), the number of dimensions, each dimension as a big-endian uint32, then
 * the values big-endian in row-major order. Parsed from bytes already decompressed (the caller
 * gunzips); every malformed header gives one RangeError naming the problem.
 */

export interface IdxArray {
  readonly dims: readonly number[];
  readonly values: Float64Array;
}

const TYPES: Readonly<Record<number, { readonly bytes: number; readonly read: (v: DataView, o: number) => number }>> = {
  0x08: { bytes: 1, read: (v, o) => v.getUint8(o) },
  0x09: { bytes: 1, read: (v, o) => v.getInt8(o) },
  0x0b: { bytes: 2, read: (v, o) => v.getInt16(o, false) },
  0x0c: { bytes: 4, read: (v, o) => v.getInt32(o, false) },
  0x0d: { bytes: 4, read: (v, o) => v.getFloat32(o, false) },
  0x0e: { bytes: 8, read: (v, o) => v.getFloat64(o, false) },
};

export function parseIdx(bytes: Uint8Array, what = 'IDX'): IdxArray {
  if (bytes.length < 4) throw new RangeError(`${what}: ${bytes.length} bytes is too short for an IDX header (4 bytes of magic number)`);
  if (bytes[0] !== 0 || bytes[1] !== 0) {
    const gz = bytes[0] === 0x1f && bytes[1] === 0x8b ? ' (this is gzip data: decompress it first)' : '';
    throw new RangeError(`${what}: bad magic number: the first two bytes must be 0, got 0x${bytes[0].toString(16)} 0x${bytes[1].toString(16)}${gz}`);
  }
  const type = TYPES[bytes[2]];
  if (!type) throw new RangeError(`${what}: unknown data type 0x${bytes[2].toString(16).padStart(2, '0')} (0x08, 0x09, 0x0b, 0x0c, 0x0d, 0x0e)`);
  const nd = bytes[3];
  if (nd === 0) throw new RangeError(`${what}: zero dimensions`);
  const head = 4 + 4 * nd;
  if (bytes.length < head) throw new RangeError(`${what}: header declares ${nd} dimensions but the file ends after ${bytes.length} bytes`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const dims = Array.from({ length: nd }, (_, i) => view.getUint32(4 + 4 * i, false));
  const n = dims.reduce((a, b) => a * b, 1);
  const want = head + n * type.bytes;
  if (bytes.length !== want) {
    throw new RangeError(`${what}: dimensions [${dims.join(', ')}] need ${want} bytes, the file has ${bytes.length}`);
  }
  const values = new Float64Array(n);
  for (let i = 0; i < n; i++) values[i] = type.read(view, head + i * type.bytes);
  return { dims, values };
}

export interface MnistIdx {
  /** [n·rows·cols] pixels in [0, 1] (bytes / 255), row-major. */
  readonly images: Float64Array;
  readonly labels: Int32Array;
  readonly rows: number;
  readonly cols: number;
}

/** An MNIST images/labels pair (train-images-idx3-ubyte with train-labels-idx1-ubyte, or the t10k pair). */
export function mnistFromIdx(imageBytes: Uint8Array, labelBytes: Uint8Array): MnistIdx {
  const im = parseIdx(imageBytes, 'MNIST images');
  const lb = parseIdx(labelBytes, 'MNIST labels');
  if (imageBytes[2] !== 0x08 || labelBytes[2] !== 0x08) throw new RangeError('MNIST IDX: images and labels must be unsigned bytes (type 0x08)');
  if (im.dims.length !== 3) throw new RangeError(`MNIST images: expected 3 dimensions [n, rows, cols], got [${im.dims.join(', ')}]`);
  if (lb.dims.length !== 1) throw new RangeError(`MNIST labels: expected 1 dimension [n], got [${lb.dims.join(', ')}]`);
  if (im.dims[0] !== lb.dims[0]) throw new RangeError(`MNIST IDX: ${im.dims[0]} images but ${lb.dims[0]} labels`);
  const labels = Int32Array.from(lb.values);
  const bad = labels.findIndex((l) => l > 9);
  if (bad >= 0) throw new RangeError(`MNIST labels: label ${labels[bad]} at index ${bad} is not a digit 0..9`);
  return { images: im.values.map((v) => v / 255), labels, rows: im.dims[1], cols: im.dims[2] };
}
