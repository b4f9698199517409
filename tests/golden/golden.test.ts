/** Every sampler, loss, Langevin sampler, likelihood, order table and the demo give the recorded bits. */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { GOLDEN_FILE, goldenHashes } from './runs.js';

describe('golden hashes', () => {
  it('every recorded result is reproduced bit for bit', async () => {
    const want = JSON.parse(readFileSync(GOLDEN_FILE, 'utf8')) as Record<string, string>;
    const got = await goldenHashes();
    assert.deepEqual(Object.keys(got).sort(), Object.keys(want).sort(), 'the set of golden runs changed');
    const differ = Object.keys(want).filter((k) => got[k] !== want[k]);
    assert.deepEqual(differ, [], `results changed: ${differ.join('; ')}`);
  });
});
