/** Size limits are checked before any work: a matmul whose product a backend cannot hold is refused with the figure. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import * as sk from '../../index.js';

describe('backend size limits', () => {
  it('a 2^16 × 2^16 product on tfjs:wasm is a RangeError naming the sizes and the limit; within the limit it runs', async () => {
    const be = await sk.getBackend('tfjs:wasm');
    const a = sk.zeros([65536, 1], { backend: be });
    const b = sk.zeros([1, 65536], { backend: be });
    assert.throws(() => sk.matmul(a, b), /matmul \[65536, 1\] @ \[1, 65536\]: 4294967296 elements, more than backend tfjs:wasm holds in one tensor \(268435456 = 2\^28\)/);
    const c = sk.matmul(sk.sliceAxis(a, 0, 0, 4), sk.sliceAxis(b, 1, 0, 4));
    assert.deepEqual(c.shape, [4, 4]);
    sk.dispose([a, b, c]);
  });
});
