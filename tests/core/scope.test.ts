import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import * as sk from '../../index.js';

describe('scopes and memory', () => {
  it('tidy disposes intermediates and keeps the result', () => {
    const before = sk.memory().numTensors;
    const x = sk.fromArray([1, 2, 3]);
    const y = sk.tidy(() => sk.sum(sk.exp(sk.mul(x, 2))));
    assert.equal(sk.memory().numTensors, before + 2); // x and y
    assert.ok(Number.isFinite(y.itemSync()));
    sk.dispose([x, y]);
    assert.equal(sk.memory().numTensors, before);
  });
  it('a disposed tensor cannot be used, and the error says why', () => {
    const x = sk.fromArray([1]);
    x.dispose();
    assert.throws(() => sk.add(x, 1), /was disposed/);
    assert.throws(() => x.dataSync(), /was disposed/);
  });
  it('keep() survives tidy', () => {
    let kept: sk.Tensor | undefined;
    sk.tidy(() => {
      kept = sk.keep(sk.ones([2]));
      return sk.zeros([1]);
    });
    assert.deepEqual(kept!.arraySync(), [1, 1]);
    kept!.dispose();
  });
  it('a 10 000-step loop in tidy does not grow the live tensor count', () => {
    let x = sk.fromArray([0.5, -0.5]);
    const start = sk.memory().numTensors;
    const counts: number[] = [];
    for (let k = 0; k < 10000; k++) {
      const next = sk.tidy(() => sk.add(x, sk.mul(sk.tanh(x), -0.01)));
      x.dispose();
      x = next;
      if (k % 1000 === 0) counts.push(sk.memory().numTensors);
    }
    assert.ok(counts.every((c) => c === start), `live tensors over the loop: ${counts.join(', ')} (start ${start})`);
    x.dispose();
  });
  it('tidy inside a differentiated function defers disposal until the transform is done', () => {
    const before = sk.memory().numTensors;
    const g = sk.tidy(() => sk.grad((x: sk.Tensor) => sk.tidy(() => sk.sum(sk.mul(sk.exp(x), x))))(sk.fromArray([0, 1])));
    assert.deepEqual(
      (g.arraySync() as number[]).map((v) => +v.toFixed(12)),
      [1, +(2 * Math.E).toFixed(12)],
    );
    g.dispose();
    assert.equal(sk.memory().numTensors, before);
  });
  it('tidy refuses async functions', () => {
    assert.throws(() => sk.tidy((async () => 1) as unknown as () => number), /must be synchronous/);
  });
});
