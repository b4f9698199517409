/**
 * The scorekit checkpoint format (pure encoding; file I/O lives in io/checkpoint.ts). Version 2:
 *   bytes 0–7    magic "SKCKPT" 0x00 0x02 (the last byte is the format version)
 *   bytes 8–11   header length H, uint32 little-endian
 *   next H bytes header, UTF-8 JSON: { format: "scorekit-checkpoint", version: 2, meta: {...},
 *                tensors: [{ name, dtype, shape, offset, byteLength }], dataBytes }
 *   next         tensor data, little-endian, each tensor 8-byte aligned at `offset` (from the data start)
 *   last 4 bytes CRC-32 (IEEE), uint32 little-endian, of every byte before it: header and data
 * Version 1 (still read) has no trailer and a `crc32` header field covering the data section only.
 * Before any tensor is copied the header is checked against its schema: no unknown fields, unique
 * non-empty names, known dtypes, shapes of safe sizes, tensors in increasing non-overlapping order
 * inside the data; sizes detect truncation and trailing bytes.
 */
import type { DType, TypedArray } from '../tensor/dtype.js';
import { allocTyped, bytesPerElement, isDType } from '../tensor/dtype.js';
import { sizeOf } from '../tensor/shape.js';

export const CHECKPOINT_MAGIC = Uint8Array.from([0x53, 0x4b, 0x43, 0x4b, 0x50, 0x54, 0x00, 0x02]); // "SKCKPT\0\2"
export const CHECKPOINT_VERSION = 2;
/** The versions decodeCheckpoint reads. */
export const CHECKPOINT_VERSIONS_READ: readonly number[] = [1, 2];
/** The most dimensions a stored tensor may have. */
export const CHECKPOINT_MAX_RANK = 16;

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

/** Encode in the current version (2); `version: 1` writes the old layout (for compatibility tests). */
export function encodeCheckpoint(c: CheckpointContents, opts: { version?: 1 | 2 } = {}): Uint8Array {
  const version = opts.version ?? CHECKPOINT_VERSION;
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
    format: 'scorekit-checkpoint', version, meta: c.meta, tensors: entries, dataBytes, ...(version === 1 ? { crc32: crc32(data) } : {}),
  }));
  const trailer = version === 1 ? 0 : 4;
  const out = new Uint8Array(12 + header.length + dataBytes + trailer);
  out.set(CHECKPOINT_MAGIC, 0);
  out[7] = version;
  const view = new DataView(out.buffer);
  view.setUint32(8, header.length, true);
  out.set(header, 12);
  out.set(data, 12 + header.length);
  if (trailer) view.setUint32(out.length - 4, crc32(out.subarray(0, out.length - 4)), true);
  return out;
}

const HEADER_FIELDS: Record<1 | 2, readonly string[]> = {
  1: ['format', 'version', 'meta', 'tensors', 'dataBytes', 'crc32'],
  2: ['format', 'version', 'meta', 'tensors', 'dataBytes'],
};
const ENTRY_FIELDS = ['name', 'dtype', 'shape', 'offset', 'byteLength'];

/** A header value for a message: short JSON, never a deep structure. */
function show(v: unknown): string {
  if (Array.isArray(v)) return v.length <= 8 && v.every((x) => typeof x !== 'object' || x === null) ? JSON.stringify(v) : `an array of ${v.length}`;
  if (typeof v === 'object' && v !== null) return 'an object';
  const s = JSON.stringify(v) ?? String(v);
  return s.length > 60 ? `${s.slice(0, 60)}…` : s;
}

const isPlainObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

export function decodeCheckpoint(bytes: Uint8Array, source = 'checkpoint'): CheckpointContents {
  const fail = (msg: string): never => {
    throw new CheckpointError(`${source}: ${msg}`);
  };
  if (bytes.length < 12) fail(`truncated: ${bytes.length} bytes, not even a header`);
  for (let i = 0; i < 7; i++) if (bytes[i] !== CHECKPOINT_MAGIC[i]) fail('not a scorekit checkpoint (bad magic bytes)');
  const version = bytes[7];
  if (version !== 1 && version !== 2) fail(`format version ${version} is not supported (this scorekit reads versions ${CHECKPOINT_VERSIONS_READ.join(' and ')})`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const trailer = version === 1 ? 0 : 4;
  if (bytes.length < 12 + trailer) fail(`truncated: ${bytes.length} bytes, not even a header`);
  if (trailer && view.getUint32(bytes.length - 4, true) !== crc32(bytes.subarray(0, bytes.length - 4))) {
    fail('corrupted (CRC-32 mismatch over the header and data)');
  }
  const H = view.getUint32(8, true);
  if (12 + H + trailer > bytes.length) fail(`truncated: the header needs ${H} bytes, the file has ${bytes.length - 12 - trailer} after the preamble`);
  let header: unknown;
  try {
    header = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(12, 12 + H)));
  } catch (e) {
    return fail(`corrupted header (${(e as Error).message})`);
  }
  if (!isPlainObject(header)) return fail('corrupted header (not a JSON object)');
  const extra = Object.keys(header).filter((k) => !HEADER_FIELDS[version as 1 | 2].includes(k));
  if (extra.length) fail(`corrupted header (unknown field${extra.length > 1 ? 's' : ''} ${extra.map((k) => `'${k}'`).join(', ')})`);
  if (header.format !== 'scorekit-checkpoint' || header.version !== version) fail('corrupted header (format/version fields)');
  if (!Number.isSafeInteger(header.dataBytes) || (header.dataBytes as number) < 0 || !Array.isArray(header.tensors) || (version === 1 && typeof header.crc32 !== 'number')) {
    fail('corrupted header (missing fields)');
  }
  if (header.meta !== undefined && !isPlainObject(header.meta)) fail('corrupted header (meta is not an object)');
  const dataBytes = header.dataBytes as number;
  const have = bytes.length - 12 - H - trailer;
  if (have < dataBytes) fail(`truncated: the data needs ${dataBytes} bytes, the file has ${have}`);
  if (have > dataBytes) fail(`${have - dataBytes} unexpected bytes after the data`);
  const data = bytes.subarray(12 + H, 12 + H + dataBytes);
  if (version === 1 && crc32(data) !== header.crc32) fail('corrupted data (CRC-32 mismatch)');
  const names = new Set<string>();
  let end = 0;
  const entries = (header.tensors as unknown[]).map((raw, i) => {
    if (!isPlainObject(raw)) return fail(`corrupted header (tensor entry ${i} is not an object)`);
    const e = raw;
    const extraE = Object.keys(e).filter((k) => !ENTRY_FIELDS.includes(k));
    if (extraE.length) fail(`corrupted header (tensor entry ${i} has unknown field '${extraE[0]}')`);
    if (typeof e.name !== 'string' || e.name === '') fail(`corrupted header (tensor entry ${i} has no name)`);
    const name = e.name as string;
    if (names.has(name)) fail(`corrupted header (duplicate tensor name '${name}')`);
    names.add(name);
    if (!isDType(e.dtype)) fail(`corrupted header (tensor '${name}' has unknown dtype ${show(e.dtype)})`);
    const shape = e.shape;
    if (!Array.isArray(shape) || shape.length > CHECKPOINT_MAX_RANK || !shape.every((d) => Number.isSafeInteger(d) && d >= 0)) {
      fail(`corrupted header (tensor '${name}' has shape ${show(shape)}; expected at most ${CHECKPOINT_MAX_RANK} non-negative integers)`);
    }
    const dtype = e.dtype as DType;
    const n = (shape as number[]).reduce((a, d) => a * d, 1);
    const len = n * bytesPerElement(dtype);
    const off = e.offset as number;
    if (!Number.isSafeInteger(len) || !Number.isSafeInteger(off) || off < end || off % 8 !== 0 || off + len > dataBytes || e.byteLength !== len) {
      fail(`corrupted header (tensor '${name}' lies outside the data or overlaps another)`);
    }
    end = off + len;
    return { name, dtype, shape: [...(shape as number[])], off, n };
  });
  const tensors = entries.map(({ name, dtype, shape, off, n }) => {
    const arr = allocTyped(dtype, sizeOf(shape));
    new Uint8Array(arr.buffer).set(data.subarray(off, off + n * bytesPerElement(dtype)));
    return { name, dtype, shape, data: arr };
  });
  return { meta: (header.meta ?? {}) as Record<string, unknown>, tensors };
}
