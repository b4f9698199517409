import assert from 'node:assert/strict';
import { it } from 'node:test';
import { quickstart } from '../examples/quickstart.js';

it("the README's library example runs (short training)", async () => {
  const r = await quickstart(60);
  assert.equal(r.nfe, 50);
  assert.ok(Math.abs(r.exactMmd2) < 5e-3, `exact-score SSCS MMD² ${r.exactMmd2}`);
  assert.ok(Number.isFinite(r.learnedMmd2));
  assert.deepEqual(r.dW.shape, [2, 2]);
});
