import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import * as E from 'fp-ts/lib/Either.js';
import * as sk from '../../index.js';

describe('time grids', () => {
  it('uniform: T down to ε in equal steps', () => {
    const g = sk.timeGrid({ steps: 4, eps: 0.2 });
    assert.deepEqual([...g].map((v) => +v.toFixed(12)), [1, 0.8, 0.6, 0.4, 0.2]);
  });
  it('quadratic striding: steps shrink towards the data end, endpoints exact', () => {
    const g = sk.timeGrid({ steps: 10, eps: 1e-3, kind: 'quadratic' });
    assert.equal(g[0], 1);
    assert.equal(g[10], 1e-3);
    const h = Array.from({ length: 10 }, (_, i) => g[i] - g[i + 1]);
    for (let i = 1; i < 10; i++) assert.ok(h[i] < h[i - 1], `step ${i} (${h[i]}) should be smaller than step ${i - 1} (${h[i - 1]})`);
    // s_i = (1 − ε)(1 − ((n − i)/n)²): first step (1 − ε)·19/100
    assert.ok(Math.abs(h[0] - 0.999 * 0.19) < 1e-15);
  });
  it('bad grids are errors', () => {
    assert.throws(() => sk.timeGrid({ steps: 0, eps: 1e-3 }), /steps must be a positive integer, got 0/);
    assert.throws(() => sk.timeGrid({ steps: 10, eps: 1 }), /eps must lie in \(0, T = 1\), got 1/);
    assert.throws(() => sk.timeGrid({ steps: 10, eps: 0.1, kind: 'cubic' as sk.GridKind }), /unknown kind 'cubic'/);
  });
  it('mixtures parse from JSON with clear errors', () => {
    const ok = sk.parseGmmJson('{"weights": [1], "means": [[0, 1]], "covs": [[[1, 0], [0, 2]]]}');
    assert.ok(E.isRight(ok));
    const bad = sk.parseGmmJson('{"weights": [1], "means": [[0, 1]]');
    assert.ok(E.isLeft(bad) && /malformed JSON/.test(bad.left[0]));
    const wrong = sk.parseGmmJson('{"weights": [0.5], "means": [[0]], "covs": [[[1]]]}');
    assert.ok(E.isLeft(wrong) && /weights sum to 0.5/.test(wrong.left.join()));
  });
});
