/**
 * scorekit checkpoints as safetensors files (core/checkpoint/safetensors.ts). The `__metadata__` strings:
 *   format            "scorekit-checkpoint"
 *   scorekit.version  the writing package's version
 *   scorekit.meta     the checkpoint's metadata as JSON (model, SDE, loss, step counters, …)
 *   scorekit.crc32    CRC-32 (IEEE), 8 lowercase hex digits, of the whole file with these 8 digits read as "00000000"
 * So every header and data byte is covered; a file with any `scorekit.` key must carry a valid checksum.
 * A safetensors file of another writer (no `scorekit.` keys) reads with empty metadata.
 */
import { type CheckpointContents, CheckpointError, crc32 } from './format.js';
import { decodeSafetensors, encodeSafetensors, safetensorsSections } from './safetensors.js';

export const SAFETENSORS_FORMAT = 'scorekit-checkpoint';
const CRC_KEY = 'scorekit.crc32';
const ZERO_CRC = '00000000';

/** The byte index of the checksum's 8 hex digits in `bytes` (a whole file), or −1 when there is none. */
function crcDigitsAt(bytes: Uint8Array, header: Uint8Array): number {
  const key = new TextEncoder().encode(JSON.stringify(CRC_KEY));
  const find = (from: number): number => {
    outer: for (let i = from; i + key.length <= header.length; i++) {
      for (let j = 0; j < key.length; j++) if (header[i + j] !== key[j]) continue outer;
      return i;
    }
    return -1;
  };
  const at = find(0);
  if (at < 0) return -1;
  if (find(at + 1) >= 0) throw new CheckpointError(`corrupted header (two '${CRC_KEY}' keys)`);
  let i = at + key.length;
  while (i < header.length && header[i] !== 0x22) i++;
  const start = header.byteOffset - bytes.byteOffset + i + 1;
  return start + 8 < bytes.length && bytes[start + 8] === 0x22 ? start : -2;
}

const hex8 = (c: number): string => c.toString(16).padStart(8, '0');

function fileCrc(bytes: Uint8Array, at: number): number {
  const copy = bytes.slice();
  copy.set(new TextEncoder().encode(ZERO_CRC), at);
  return crc32(copy);
}

export function encodeSafetensorsCheckpoint(c: CheckpointContents, version: string): Uint8Array {
  const metadata = { format: SAFETENSORS_FORMAT, 'scorekit.version': version, 'scorekit.meta': JSON.stringify(c.meta), [CRC_KEY]: ZERO_CRC };
  const bytes = encodeSafetensors({ tensors: c.tensors, metadata });
  const at = crcDigitsAt(bytes, safetensorsSections(bytes).header);
  bytes.set(new TextEncoder().encode(hex8(fileCrc(bytes, at))), at);
  return bytes;
}

/** The contents of a safetensors checkpoint, its checksum checked; `version` is the writer's, when it says. */
export function decodeSafetensorsCheckpoint(bytes: Uint8Array, source = 'checkpoint'): CheckpointContents & { readonly version?: string } {
  const s = decodeSafetensors(bytes, source);
  const ours = Object.keys(s.metadata).some((k) => k.startsWith('scorekit.')) || s.metadata.format === SAFETENSORS_FORMAT;
  if (!ours) return { meta: {}, tensors: s.tensors };
  const fail = (msg: string): never => {
    throw new CheckpointError(`${source}: ${msg}`);
  };
  const at = crcDigitsAt(bytes, safetensorsSections(bytes, source).header);
  if (at < 0 || !/^[0-9a-f]{8}$/.test(s.metadata[CRC_KEY] ?? '')) fail(`corrupted header (no valid '${CRC_KEY}' in the metadata of a scorekit checkpoint)`);
  if (s.metadata[CRC_KEY] !== hex8(fileCrc(bytes, at))) fail('corrupted (CRC-32 mismatch over the header and data)');
  if (s.metadata.format !== SAFETENSORS_FORMAT) fail(`corrupted header (metadata format is ${JSON.stringify(s.metadata.format)})`);
  let meta: unknown;
  try {
    meta = JSON.parse(s.metadata['scorekit.meta'] ?? '');
  } catch {
    return fail("corrupted header ('scorekit.meta' is not JSON)");
  }
  if (typeof meta !== 'object' || meta === null || Array.isArray(meta)) return fail("corrupted header ('scorekit.meta' is not an object)");
  return { meta: meta as Record<string, unknown>, tensors: s.tensors, version: s.metadata['scorekit.version'] };
}
