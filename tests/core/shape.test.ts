import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import * as sk from '../../index.js';

describe('broadcasting follows NumPy rules', () => {
  // Hand-written table: [shapes..., expected] or an expected error.
  const ok: [number[][], number[]][] = [
    [[[], []], []],
    [[[3], []], [3]],
    [[[], [2, 3]], [2, 3]],
    [[[2, 3], [3]], [2, 3]],
    [[[2, 3], [1, 3]], [2, 3]],
    [[[2, 1], [1, 3]], [2, 3]],
    [[[4, 1, 5], [3, 1]], [4, 3, 5]],
    [[[8, 1, 6, 1], [7, 1, 5]], [8, 7, 6, 5]], // NumPy docs example
    [[[5, 4], [1]], [5, 4]],
    [[[15, 3, 5], [15, 1, 5]], [15, 3, 5]],
    [[[15, 3, 5], [3, 1]], [15, 3, 5]],
    [[[0, 3], [1, 3]], [0, 3]],
    [[[0], [1]], [0]],
    [[[2, 1, 3], [2, 3], [1, 1, 1]], [2, 2, 3]],
  ];
  for (const [shapes, expected] of ok) {
    it(`${shapes.map((s) => `[${s}]`).join(' ⊕ ')} → [${expected}]`, () => {
      assert.deepEqual(sk.broadcastShapes('test', ...shapes), expected);
    });
  }
  const bad: number[][][] = [
    [[3], [4]],
    [[2, 1], [8, 4, 3]],
    [[2, 3], [3, 2]],
    [[0], [2]],
  ];
  for (const shapes of bad) {
    it(`${shapes.map((s) => `[${s}]`).join(' ⊕ ')} is an error naming both shapes`, () => {
      assert.throws(() => sk.broadcastShapes('add', ...shapes), (e: Error) => {
        for (const s of shapes) assert.ok(e.message.includes(`[${s.join(', ')}]`), e.message);
        return e instanceof sk.ShapeError;
      });
    });
  }

  it('elementwise ops broadcast values as NumPy does', () => {
    const a = sk.fromArray([[1], [2], [3]]); // [3,1]
    const b = sk.fromArray([10, 20]); // [2]
    assert.deepEqual(sk.add(a, b).arraySync(), [[11, 21], [12, 22], [13, 23]]);
    assert.deepEqual(sk.mul(sk.fromArray(2), b).arraySync(), [20, 40]);
    const c = sk.reshape(sk.arange(24), [2, 3, 4]);
    const d = sk.reshape(sk.arange(4), [1, 1, 4]);
    const r = sk.sub(c, d).dataSync();
    for (let i = 0; i < 24; i++) assert.equal(r[i], i - (i % 4));
  });

  it('mismatched shapes throw with both shapes in the message', () => {
    assert.throws(() => sk.add(sk.zeros([2, 3]), sk.zeros([4])), /\[2, 3\] and \[4\]/);
    assert.throws(() => sk.matmul(sk.zeros([2, 3]), sk.zeros([2, 3])), /\[2, 3\] @ \[2, 3\]/);
    assert.throws(() => sk.reshape(sk.zeros([2, 3]), [4, 2]), /\[2, 3\].*\[4, 2\]/);
    assert.throws(() => sk.concat([sk.zeros([2, 3]), sk.zeros([2, 4])], 0), /\[2, 3\], \[2, 4\]/);
  });
});

describe('shape helpers', () => {
  it('reshape resolves a single -1 and rejects two', () => {
    assert.deepEqual(sk.resolveReshape([2, 3, 4], [-1, 4]), [6, 4]);
    assert.throws(() => sk.resolveReshape([2, 3], [-1, -1]), /more than one -1/);
    assert.throws(() => sk.resolveReshape([2, 3], [-1, 4]), /cannot reshape/);
  });
  it('axes are normalised and checked', () => {
    assert.deepEqual(sk.normalizeAxes([-1, 0], 3, 'sum'), [0, 2]);
    assert.throws(() => sk.normalizeAxes([3], 3, 'sum'), /axis 3 is out of range for a tensor of rank 3/);
    assert.throws(() => sk.normalizeAxes([1, -2], 3, 'sum'), /repeated/);
  });
});
