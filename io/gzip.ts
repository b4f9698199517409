/**
 * Gzip-compressed input (RFC 1952), detected by its magic bytes 1f 8b and inflated with node:zlib;
 * other bytes are returned as they are. A truncated or corrupt stream gives one Error naming the file.
 */
import { gunzipSync } from 'node:zlib';

export function isGzip(bytes: Uint8Array): boolean {
  return bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b;
}

export function gunzipIfCompressed(bytes: Uint8Array, what: string): Uint8Array {
  if (!isGzip(bytes)) return bytes;
  try {
    return gunzipSync(bytes);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    const why = code === 'Z_BUF_ERROR' ? 'truncated gzip data (unexpected end of file)' : `corrupt gzip data (${(e as Error).message})`;
    throw new Error(`${what}: ${why}`);
  }
}
