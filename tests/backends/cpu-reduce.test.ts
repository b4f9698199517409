/**
 * The CPU backend's sums over ascending axes (walked in place, one accumulator per output) give the
 * bits of the definition: each output the float64 sum, from zero, of its elements in the row-major
 * order of the reduced axes, rounded once to the dtype. Checked on contiguous and transposed inputs of
 * random shapes, float64 and float32.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { getBackend, fromArray, sum, transpose } from '../../index.js';
import { checkProperty, hostNormal } from '../helpers.js';

/** The definition, on a row-major array of `shape`: sums over `axes` (ascending), kept axes in order. */
function referenceSum(x: Float64Array, shape: number[], axes: number[], f32: boolean): number[] {
  const kept = shape.map((_, i) => i).filter((i) => !axes.includes(i));
  const outSize = kept.reduce((p, i) => p * shape[i], 1);
  const redSize = axes.reduce((p, i) => p * shape[i], 1);
  const strides = shape.map((_, i) => shape.slice(i + 1).reduce((p, d) => p * d, 1));
  const index = (dims: number[], flat: number): number[] => {
    const out: number[] = [];
    for (let k = dims.length - 1; k >= 0; k--) { out[k] = flat % shape[dims[k]]; flat = Math.floor(flat / shape[dims[k]]); }
    return out;
  };
  const res: number[] = [];
  for (let o = 0; o < outSize; o++) {
    const ko = index(kept, o);
    let acc = 0;
    for (let r = 0; r < redSize; r++) {
      const ro = index(axes, r);
      let off = 0;
      kept.forEach((ax, j) => (off += ko[j] * strides[ax]));
      axes.forEach((ax, j) => (off += ro[j] * strides[ax]));
      acc += x[off];
    }
    res.push(f32 ? Math.fround(acc) : acc);
  }
  return res;
}

describe('CPU backend: sums over ascending axes, in place', () => {
  for (const spec of ['cpu', 'cpu:float32'] as const) {
    it(`gives the definition's bits (${spec}, contiguous and transposed inputs)`, async () => {
      const be = await getBackend(spec);
      const f32 = spec === 'cpu:float32';
      checkProperty(`in-place sum ${spec}`, fc.property(
        fc.array(fc.integer({ min: 1, max: 5 }), { minLength: 1, maxLength: 5 }), fc.integer({ min: 1, max: 31 }), fc.boolean(), fc.integer({ min: 0, max: 1e6 }),
        (shape, mask, flip, seed) => {
          const n = shape.reduce((p, d) => p * d, 1);
          const raw = hostNormal(seed, n);
          const data = f32 ? Float64Array.from(raw, Math.fround) : raw;
          const axes = shape.map((_, i) => i).filter((i) => (mask >> i) & 1);
          // a transposed input: the reversed shape's data, transposed back to `shape` (a strided view)
          let x = fromArray(data, { backend: be, dtype: f32 ? 'float32' : 'float64', shape });
          let values = data;
          if (flip && shape.length > 1) {
            const rev = [...shape].reverse();
            const perm = rev.map((_, i) => rev.length - 1 - i);
            const t = fromArray(data, { backend: be, dtype: f32 ? 'float32' : 'float64', shape: rev });
            x = transpose(t, perm);
            // the row-major values of the transposed view
            const got = x.dataSync();
            values = Float64Array.from(got as ArrayLike<number>);
          }
          const want = referenceSum(values, shape, axes, f32);
          const got = Array.from(sum(x, axes).dataSync() as ArrayLike<number>);
          assert.equal(got.length, want.length);
          for (let i = 0; i < want.length; i++) assert.ok(Object.is(got[i], want[i]), `shape ${shape} axes ${axes} flip ${flip}: output ${i} is ${got[i]}, want ${want[i]}`);
        }), 150);
    });
  }
});
