/**
 * The safetensors format (huggingface/safetensors, "Format" in its README), pure encoding:
 *   bytes 0–7  N, the header length, uint64 little-endian
 *   next N     UTF-8 JSON: { name: { dtype, shape, data_offsets: [begin, end] }, …, "__metadata__": { string: string } },
 *              padded with spaces (0x20) so that the data starts 8-byte aligned
 *   the rest   the byte buffer; offsets are relative to its start, little-endian values, and the tensors
 *              cover it exactly: no holes, no overlaps.
 * The reader checks all of that (and a header below 100 MB, as the reference implementation does) before
 * any tensor is copied. Tensors are written in name order, as the reference implementation does.
 */
import type { DType } from '../tensor/dtype.js';
import { allocTyped, bytesPerElement } from '../tensor/dtype.js';
import { sizeOf } from '../tensor/shape.js';
import { CHECKPOINT_MAX_RANK, CheckpointError, type StoredTensor } from './format.js';

export interface SafetensorsContents {
  readonly tensors: readonly StoredTensor[];
  readonly metadata: Readonly<Record<string, string>>;
}

/** scorekit dtypes ⇄ safetensors dtype names. */
export const SAFETENSORS_DTYPES: Record<DType, string> = { float32: 'F32', float64: 'F64', int32: 'I32', bool: 'BOOL' };
const FROM_NAME: Record<string, DType> = Object.fromEntries(Object.entries(SAFETENSORS_DTYPES).map(([k, v]) => [v, k as DType]));

/** The largest header the reader accepts (the reference implementation's limit). */
export const SAFETENSORS_MAX_HEADER = 100_000_000;

const littleEndian = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/** True when `bytes` may be a safetensors file: a plausible header length followed by '{'. */
export function looksLikeSafetensors(bytes: Uint8Array): boolean {
  if (bytes.length < 9) return false;
  const n = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).getBigUint64(0, true);
  return n > 0n && n <= BigInt(Math.min(SAFETENSORS_MAX_HEADER, bytes.length - 8)) && bytes[8] === 0x7b;
}

/** The header JSON of `c` (before padding). */
function headerJson(c: SafetensorsContents): { json: string; order: StoredTensor[]; offsets: number[] } {
  const order = [...c.tensors].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const header: Record<string, unknown> = {};
  if (Object.keys(c.metadata).length) header.__metadata__ = { ...c.metadata };
  let offset = 0;
  const offsets: number[] = [];
  for (const t of order) {
    if (t.name === '__metadata__' || t.name === '') throw new CheckpointError(`tensor name '${t.name}' is not allowed in safetensors`);
    if (Object.hasOwn(header, t.name)) throw new CheckpointError(`duplicate tensor name '${t.name}'`);
    const byteLength = sizeOf(t.shape) * bytesPerElement(t.dtype);
    if (t.data.byteLength !== byteLength) throw new CheckpointError(`tensor '${t.name}': ${t.data.byteLength} bytes for shape [${t.shape.join(', ')}] ${t.dtype}`);
    header[t.name] = { dtype: SAFETENSORS_DTYPES[t.dtype], shape: [...t.shape], data_offsets: [offset, offset + byteLength] };
    offsets.push(offset);
    offset += byteLength;
  }
  for (const [k, v] of Object.entries(c.metadata)) if (typeof v !== 'string') throw new CheckpointError(`metadata '${k}' must be a string`);
  return { json: JSON.stringify(header), order, offsets };
}

export function encodeSafetensors(c: SafetensorsContents): Uint8Array {
  if (!littleEndian) throw new CheckpointError('big-endian hosts are not supported');
  const { json, order, offsets } = headerJson(c);
  const raw = new TextEncoder().encode(json);
  const N = Math.ceil((8 + raw.length) / 8) * 8 - 8;
  const dataBytes = order.reduce((s, t) => s + t.data.byteLength, 0);
  const out = new Uint8Array(8 + N + dataBytes);
  new DataView(out.buffer).setBigUint64(0, BigInt(N), true);
  out.fill(0x20, 8, 8 + N);
  out.set(raw, 8);
  order.forEach((t, i) => out.set(new Uint8Array(t.data.buffer, t.data.byteOffset, t.data.byteLength), 8 + N + offsets[i]));
  return out;
}

const isPlainObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const show = (v: unknown): string => {
  const s = JSON.stringify(v) ?? String(v);
  return s.length > 60 ? `${s.slice(0, 60)}…` : s;
};

/** The header bytes (as stored, padding included) and the byte buffer of a safetensors file. */
export function safetensorsSections(bytes: Uint8Array, source = 'safetensors file'): { header: Uint8Array; data: Uint8Array } {
  if (bytes.length < 8) throw new CheckpointError(`${source}: truncated: ${bytes.length} bytes, not even a header length`);
  const n = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).getBigUint64(0, true);
  if (n > BigInt(SAFETENSORS_MAX_HEADER)) throw new CheckpointError(`${source}: corrupted header (its length ${n} exceeds ${SAFETENSORS_MAX_HEADER} bytes)`);
  if (n > BigInt(bytes.length - 8)) throw new CheckpointError(`${source}: truncated: the header needs ${n} bytes, the file has ${bytes.length - 8} after the length`);
  const N = Number(n);
  return { header: bytes.subarray(8, 8 + N), data: bytes.subarray(8 + N) };
}

export function decodeSafetensors(bytes: Uint8Array, source = 'safetensors file'): SafetensorsContents {
  if (!littleEndian) throw new CheckpointError('big-endian hosts are not supported');
  const fail = (msg: string): never => {
    throw new CheckpointError(`${source}: ${msg}`);
  };
  const { header: hb, data } = safetensorsSections(bytes, source);
  let header: unknown;
  try {
    header = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(hb));
  } catch (e) {
    return fail(`corrupted header (${(e as Error).message})`);
  }
  if (!isPlainObject(header)) return fail('corrupted header (not a JSON object)');
  const metadata: Record<string, string> = {};
  if (header.__metadata__ !== undefined) {
    if (!isPlainObject(header.__metadata__)) fail('corrupted header (__metadata__ is not an object)');
    for (const [k, v] of Object.entries(header.__metadata__ as Record<string, unknown>)) {
      if (typeof v !== 'string') fail(`corrupted header (__metadata__ '${k}' is not a string)`);
      metadata[k] = v as string;
    }
  }
  const entries = Object.entries(header).filter(([k]) => k !== '__metadata__').map(([name, e]) => {
    if (!isPlainObject(e)) return fail(`corrupted header (tensor '${name}' is not an object)`);
    const extra = Object.keys(e).filter((k) => !['dtype', 'shape', 'data_offsets'].includes(k));
    if (extra.length) fail(`corrupted header (tensor '${name}' has unknown field '${extra[0]}')`);
    if (name === '') fail('corrupted header (a tensor has an empty name)');
    const dtype = typeof e.dtype === 'string' ? FROM_NAME[e.dtype] : undefined;
    if (!dtype) fail(`tensor '${name}' has dtype ${show(e.dtype)}; scorekit reads ${Object.values(SAFETENSORS_DTYPES).join(', ')}`);
    const shape = e.shape;
    if (!Array.isArray(shape) || shape.length > CHECKPOINT_MAX_RANK || !shape.every((d) => Number.isSafeInteger(d) && d >= 0)) {
      fail(`corrupted header (tensor '${name}' has shape ${show(shape)}; expected at most ${CHECKPOINT_MAX_RANK} non-negative integers)`);
    }
    const off = e.data_offsets;
    if (!Array.isArray(off) || off.length !== 2 || !off.every((d) => Number.isSafeInteger(d) && d >= 0) || off[1] < off[0]) {
      fail(`corrupted header (tensor '${name}' has data_offsets ${show(off)})`);
    }
    const len = (shape as number[]).reduce((a, d) => a * d, 1) * bytesPerElement(dtype as DType);
    if (!Number.isSafeInteger(len) || (off as number[])[1] - (off as number[])[0] !== len) {
      fail(`corrupted header (tensor '${name}': data_offsets ${show(off)} do not hold shape ${show(shape)} of ${e.dtype as string})`);
    }
    return { name, dtype: dtype as DType, shape: [...(shape as number[])], begin: (off as number[])[0], end: (off as number[])[1] };
  });
  const byBegin = [...entries].sort((a, b) => a.begin - b.begin || a.end - b.end);
  let end = 0;
  for (const e of byBegin) {
    if (e.begin !== end) fail(`corrupted header (tensor '${e.name}' ${e.begin < end ? 'overlaps another' : 'leaves a hole before it'} in the byte buffer)`);
    end = e.end;
  }
  if (end < data.length) fail(`${data.length - end} unexpected bytes after the data`);
  if (end > data.length) fail(`truncated: the data needs ${end} bytes, the file has ${data.length}`);
  const tensors = entries.map(({ name, dtype, shape, begin, end: e }) => {
    const arr = allocTyped(dtype, sizeOf(shape));
    new Uint8Array(arr.buffer).set(data.subarray(begin, e));
    return { name, dtype, shape, data: arr };
  });
  return { tensors, metadata };
}
