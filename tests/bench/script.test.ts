/**
 * The standalone bench scripts' shared parts: min/median/max, option values whose errors name the
 * flag, and bad options of the dimension sweep giving one line and exit status 2.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { parseSweepArgs } from '../../bench/dimension-sweep.js';
import { median, nameList, posInt, posIntList, stat } from '../../bench/script.js';

describe('bench scripts: shared parts', () => {
  it('summarise repetitions by min, median and max', () => {
    assert.equal(median([3, 1, 2]), 2);
    assert.equal(median([4, 1, 3, 2]), 2.5);
    assert.deepEqual(stat([5, 1, 9]), { min: 1, median: 5, max: 9 });
  });

  it('parse option values and name the flag when they are wrong', () => {
    assert.equal(posInt('--reps', '3'), 3);
    assert.deepEqual(posIntList('--dims', '2, 16'), [2, 16]);
    assert.deepEqual(nameList('--backends', 'cpu,tfjs:wasm'), ['cpu', 'tfjs:wasm']);
    assert.throws(() => posInt('--reps', '0'), /--reps must be a positive integer, got '0'/);
    assert.throws(() => posInt('--reps', '1e3'), /--reps must be a positive integer/);
    assert.throws(() => posIntList('--dims', '2,x'), /--dims must be a comma-separated list of positive integers, got '2,x'/);
    assert.throws(() => nameList('--backends', ' , '), /--backends must list at least one name/);
    assert.throws(() => parseSweepArgs(['--dims', '3']), /--dims: no sizes for D = 3/);
    assert.throws(() => parseSweepArgs(['--bogus', '1']), /unknown option '--bogus'/);
    assert.deepEqual(parseSweepArgs(['--reps', '5', '--dims', '2']).dims, [2]);
  });

  it('exit with status 2 and one line on bad options', () => {
    const script = fileURLToPath(new URL('../../bench/dimension-sweep.js', import.meta.url));
    const r = spawnSync(process.execPath, [script, '--reps'], { encoding: 'utf8' });
    assert.equal(r.status, 2);
    assert.equal(r.stderr.trim(), 'bench/dimension-sweep: --reps needs a value');
  });
});
