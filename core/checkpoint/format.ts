/**
 * The scorekit checkpoint format, version 1 (pure encoding; file I/O lives in io/checkpoint.ts):
 *   bytes 0–7    magic "SKCKPT" 0x00 0x01 (the last byte is the format version)
 *   bytes 8–11   header length H, uint32 little-endian
 *   next H bytes header, UTF-8 JSON: { format: "scorekit-checkpoint", version: 1, meta: {...},
 *                tensors: [{ name, dtype, shape, offset, byteLength }], dataBytes, crc32 }
 *   the rest     tensor data, little-endian, each tensor 8-byte aligned at `offset` (from the data start)
 * CRC-32 (IEEE) of the data section detects corruption; sizes detect truncation.
 */
import type { DType, TypedArray } from '../tensor/dtype.js';
import { allocTyped, bytesPerElement, isDType } from '../tensor/dtype.js';
import { sizeOf } from '../tensor/shape.js';

export const CHECKPOINT_MAGIC = Uint8Array.from([0x53, 0x4b, 0x43, 0x4b, 0x50, 0x54, 0x00, 0x01]); // "SKCKPT\0\1"
export const CHECKPOINT_VERSION = 1;

export class CheckpointError extends Error {
  override name = 'CheckpointError';
}

export interface StoredTensor {
  readonly name: string;
  readonly dtype: DType;
  readonly shape: readonly number[];
  readonly data: TypedArray;
}

export interface CheckpointContents {
  readonly meta: Record<string, unknown>;
  readonly tensors: readonly StoredTensor[];
}

const CRC_TABLE = (() => {
  const t = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[n] = c >>> 0;
  }
  return t;
})();

export function crc32(bytes: Uint8Array): number {
  let c = 0xffffffff;
  for (let i = 0; i < bytes.length; i++) c = CRC_TABLE[(c ^ bytes[i]) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

const littleEndian = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

function toBytes(a: TypedArray): Uint8Array {
  if (!littleEndian) throw new CheckpointError('big-endian hosts are not supported');
  return new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
}

export function encodeCheckpoint(c: CheckpointContents): Uint8Array {
  const names = new Set<string>();
  let offset = 0;
  const entries = c.tensors.map((t) => {
    if (names.has(t.name)) throw new CheckpointError(`duplicate tensor name '${t.name}'`);
    names.add(t.name);
    const byteLength = sizeOf(t.shape) * bytesPerElement(t.dtype);
    if (t.data.byteLength !== byteLength) throw new CheckpointError(`tensor '${t.name}': ${t.data.byteLength} bytes for shape [${t.shape.join(', ')}] ${t.dtype}`);
    offset = Math.ceil(offset / 8) * 8;
    const e = { name: t.name, dtype: t.dtype, shape: [...t.shape], offset, byteLength };
    offset += byteLength;
    return e;
  });
  const dataBytes = Math.ceil(offset / 8) * 8;
  const data = new Uint8Array(dataBytes);
  c.tensors.forEach((t, i) => data.set(toBytes(t.data), entries[i].offset));
  const header = new TextEncoder().encode(JSON.stringify({
    format: 'scorekit-checkpoint', version: CHECKPOINT_VERSION, meta: c.meta, tensors: entries, dataBytes, crc32: crc32(data),
  }));
  const out = new Uint8Array(12 + header.length + dataBytes);
  out.set(CHECKPOINT_MAGIC, 0);
  new DataView(out.buffer).setUint32(8, header.length, true);
  out.set(header, 12);
  out.set(data, 12 + header.length);
  return out;
}

export function decodeCheckpoint(bytes: Uint8Array, source = 'checkpoint'): CheckpointContents {
  const fail = (msg: string): never => {
    throw new CheckpointError(`${source}: ${msg}`);
  };
  if (bytes.length < 12) fail(`truncated: ${bytes.length} bytes, not even a header`);
  for (let i = 0; i < 7; i++) if (bytes[i] !== CHECKPOINT_MAGIC[i]) fail('not a scorekit checkpoint (bad magic bytes)');
  if (bytes[7] !== CHECKPOINT_VERSION) fail(`format version ${bytes[7]} is not supported (this scorekit reads version ${CHECKPOINT_VERSION})`);
  const H = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).getUint32(8, true);
  if (12 + H > bytes.length) fail(`truncated: the header needs ${H} bytes, the file has ${bytes.length - 12} after the preamble`);
  let header: {
    format?: unknown; version?: unknown; meta?: unknown; dataBytes?: unknown; crc32?: unknown;
    tensors?: { name: unknown; dtype: unknown; shape: unknown; offset: unknown; byteLength: unknown }[];
  };
  try {
    header = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(12, 12 + H)));
  } catch (e) {
    return fail(`corrupted header (${(e as Error).message})`);
  }
  if (header.format !== 'scorekit-checkpoint' || header.version !== CHECKPOINT_VERSION) fail('corrupted header (format/version fields)');
  if (typeof header.dataBytes !== 'number' || !Array.isArray(header.tensors) || typeof header.crc32 !== 'number') fail('corrupted header (missing fields)');
  const dataBytes = header.dataBytes as number;
  const have = bytes.length - 12 - H;
  if (have < dataBytes) fail(`truncated: the data needs ${dataBytes} bytes, the file has ${have}`);
  if (have > dataBytes) fail(`${have - dataBytes} unexpected bytes after the data`);
  const data = bytes.slice(12 + H);
  if (crc32(data) !== header.crc32) fail('corrupted data (CRC-32 mismatch)');
  const tensors = header.tensors!.map((e, i) => {
    const shape = e.shape as number[];
    if (typeof e.name !== 'string' || !isDType(e.dtype) || !Array.isArray(shape) || !shape.every((d) => Number.isInteger(d) && d >= 0)) {
      fail(`corrupted header (tensor entry ${i})`);
    }
    const dtype = e.dtype as DType;
    const n = sizeOf(shape);
    const off = e.offset as number;
    if (!Number.isInteger(off) || off % 8 !== 0 || off + n * bytesPerElement(dtype) > dataBytes || e.byteLength !== n * bytesPerElement(dtype)) {
      fail(`corrupted header (tensor '${String(e.name)}' lies outside the data)`);
    }
    const arr = allocTyped(dtype, n);
    new Uint8Array(arr.buffer).set(data.subarray(off, off + arr.byteLength));
    return { name: e.name as string, dtype, shape, data: arr };
  });
  return { meta: (header.meta ?? {}) as Record<string, unknown>, tensors };
}
