/** The image-grid PNG: chunk layout and CRCs, the pixels back from the inflated scanlines, bad input. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { inflateSync, crc32 } from 'node:zlib';
import { imageGridPng } from '../../cli/plot/image-grid.js';

function chunks(png: Uint8Array): { type: string; data: Uint8Array; crcOk: boolean }[] {
  const v = new DataView(png.buffer, png.byteOffset);
  const out = [];
  for (let at = 8; at < png.length;) {
    const len = v.getUint32(at, false);
    const type = String.fromCharCode(...png.subarray(at + 4, at + 8));
    const data = png.subarray(at + 8, at + 8 + len);
    out.push({ type, data, crcOk: crc32(png.subarray(at + 4, at + 8 + len)) === v.getUint32(at + 8 + len, false) });
    at += 12 + len;
  }
  return out;
}

describe('image grid PNG', () => {
  it('lays out n images in rows of cols with padding, values mapped from range to 0…255', () => {
    // three 2×2 grey images, values −1, 0, 1, 3 (clipped)
    const imgs = [-1, 0, 1, 3, 1, 1, 1, 1, -1, -1, -1, -1];
    const png = imageGridPng(imgs, [3, 2, 2, 1], { cols: 2, pad: 1 });
    assert.deepEqual(Array.from(png.subarray(0, 8)), [137, 80, 78, 71, 13, 10, 26, 10]);
    const cs = chunks(png);
    assert.deepEqual(cs.map((c) => c.type), ['IHDR', 'IDAT', 'IEND']);
    assert.ok(cs.every((c) => c.crcOk), 'every CRC-32 matches');
    const hv = new DataView(cs[0].data.buffer, cs[0].data.byteOffset);
    const [W, H] = [hv.getUint32(0, false), hv.getUint32(4, false)];
    assert.deepEqual([W, H, cs[0].data[8], cs[0].data[9]], [2 * 3 + 1, 2 * 3 + 1, 8, 0]);
    const raw = inflateSync(cs[1].data);
    assert.equal(raw.length, H * (W + 1));
    const px = (x: number, y: number): number => raw[y * (W + 1) + 1 + x];
    assert.deepEqual([px(1, 1), px(2, 1), px(1, 2), px(2, 2)], [0, 128, 255, 255]); // image 0
    assert.deepEqual([px(4, 1), px(5, 2)], [255, 255]); // image 1
    assert.deepEqual([px(1, 4), px(2, 5), px(4, 4), px(0, 0)], [0, 0, 0, 0]); // image 2, the empty slot, padding
    for (let y = 0; y < H; y++) assert.equal(raw[y * (W + 1)], 0, 'filter byte 0');
  });

  it('rejects bad input with one clear error', () => {
    assert.throws(() => imageGridPng([0, 0], [1, 1, 1, 2]), /1 \(grey\) or 3 \(RGB\) channels, got 2/);
    assert.throws(() => imageGridPng([0, 0, 0], [1, 2, 2, 1]), /3 values for 1 images of 2×2×1/);
    assert.throws(() => imageGridPng([0], [1, 1, 1, 1], { range: [1, 1] }), /range lo < hi/);
  });
});
