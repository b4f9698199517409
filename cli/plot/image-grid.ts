/**
 * A grid of images as a PNG (W3C PNG specification, 2nd edition: signature, IHDR, one zlib IDAT of
 * filter-0 scanlines, IEND; each chunk's CRC-32 over its type and data): n images [h, w, c] (c = 1
 * grey, 3 RGB; row-major, channels last) in rows of `cols`, `pad` background pixels between them,
 * values mapped linearly from `range` to 0…255 and clipped.
 */
import { deflateSync } from 'node:zlib';
import { crc32 } from '../../core/checkpoint/format.js';

export interface ImageGridOptions {
  /** Images per row (default ⌈√n⌉). */
  readonly cols?: number;
  /** Background pixels between and around images (default 2). */
  readonly pad?: number;
  /** Values mapped to black and white (default [−1, 1], score_sde's data range). */
  readonly range?: readonly [number, number];
}

function chunk(type: string, data: Uint8Array): Uint8Array {
  const out = new Uint8Array(12 + data.length);
  const v = new DataView(out.buffer);
  v.setUint32(0, data.length, false);
  for (let i = 0; i < 4; i++) out[4 + i] = type.charCodeAt(i);
  out.set(data, 8);
  v.setUint32(8 + data.length, crc32(out.subarray(4, 8 + data.length)), false);
  return out;
}

export function imageGridPng(images: ArrayLike<number>, shape: readonly [number, number, number, number], o: ImageGridOptions = {}): Uint8Array {
  const [n, h, w, c] = shape;
  if (!(c === 1 || c === 3)) throw new RangeError(`image grid: images need 1 (grey) or 3 (RGB) channels, got ${c}`);
  if (![n, h, w].every((d) => Number.isInteger(d) && d >= 1)) throw new RangeError(`image grid: bad shape [${shape.join(', ')}]`);
  if (images.length !== n * h * w * c) throw new RangeError(`image grid: ${images.length} values for ${n} images of ${h}×${w}×${c}`);
  const cols = o.cols ?? Math.ceil(Math.sqrt(n));
  const pad = o.pad ?? 2;
  const [lo, hi] = o.range ?? [-1, 1];
  if (!(Number.isInteger(cols) && cols >= 1) || !(Number.isInteger(pad) && pad >= 0) || !(hi > lo)) {
    throw new RangeError(`image grid: need cols ≥ 1, pad ≥ 0 and range lo < hi, got ${cols}, ${pad}, [${lo}, ${hi}]`);
  }
  const rows = Math.ceil(n / cols);
  const W = cols * (w + pad) + pad;
  const H = rows * (h + pad) + pad;
  const line = 1 + W * c;
  const raw = new Uint8Array(H * line); // filter byte 0 on every scanline, background 0
  for (let k = 0; k < n; k++) {
    const y0 = pad + Math.floor(k / cols) * (h + pad);
    const x0 = pad + (k % cols) * (w + pad);
    for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) for (let ch = 0; ch < c; ch++) {
      const v = (images[((k * h + y) * w + x) * c + ch] - lo) / (hi - lo);
      raw[(y0 + y) * line + 1 + (x0 + x) * c + ch] = Math.round(255 * Math.min(1, Math.max(0, v)));
    }
  }
  const ihdr = new Uint8Array(13);
  const v = new DataView(ihdr.buffer);
  v.setUint32(0, W, false);
  v.setUint32(4, H, false);
  ihdr.set([8, c === 1 ? 0 : 2, 0, 0, 0], 8);
  const parts = [Uint8Array.of(137, 80, 78, 71, 13, 10, 26, 10), chunk('IHDR', ihdr), chunk('IDAT', deflateSync(raw)), chunk('IEND', new Uint8Array(0))];
  const out = new Uint8Array(parts.reduce((s, p) => s + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}
