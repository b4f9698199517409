/** `scorekit demo --data mnist` at a tiny size: every output written, metrics consistent, bad sizes refused. */
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { badInput, ok, runCli } from './run-cli.js';

const root = mkdtempSync(join(tmpdir(), 'sk-demo-mnist-'));
after(() => rmSync(root, { recursive: true, force: true }));
const TINY = ['--image-steps', '2', '--image-batch', '4', '--image-n', '6', '--nfe', '3', '--channels', '4'];

describe('demo --data mnist', () => {
  it('trains, samples and writes the grids, the loss curve and the digit metrics', () => {
    const out = join(root, 'run');
    const r = runCli('demo', '--data', 'mnist', '--out', out, ...TINY, '--json');
    ok(r);
    for (const f of ['samples.png', 'data.png', 'loss.png', 'loss.vl.json', 'metrics.json', 'timing.json']) assert.ok(existsSync(join(out, f)), f);
    const png = readFileSync(join(out, 'samples.png'));
    assert.deepEqual([...png.subarray(1, 4)], [0x50, 0x4e, 0x47]);
    const m = JSON.parse(readFileSync(join(out, 'metrics.json'), 'utf8'));
    assert.equal(m.samples, 6);
    assert.equal(m.nfe, 3);
    assert.ok(m.network.parameters > 0 && m.network.forwardFlopsPerSample > 0);
    for (const s of [m.generated, m.heldOut]) {
      assert.equal(s.histogram.length, 10);
      assert.ok(Math.abs(s.histogram.reduce((a: number, b: number) => a + b, 0) - 1) < 1e-12);
      assert.ok(s.meanConfidence > 0.1 && s.meanConfidence <= 1);
      assert.ok(s.nearestNeighbour.min <= s.nearestNeighbour.median);
    }
    assert.ok(m.heldOut.classesPresent >= 5, `held-out digits of several classes: ${m.heldOut.classesPresent}`);
    assert.ok(m.heldOut.confidentFraction >= 0.8, `the classifier is confident on real digits: ${m.heldOut.confidentFraction}`);
    assert.ok(m.generated.nearestNeighbour.min > 0, 'generated digits are not copies');
  });
  it('refuses a channel count the group norm cannot split, leaving nothing behind', () => {
    const out = join(root, 'bad');
    badInput(['demo', '--data', 'mnist', '--out', out, ...TINY.slice(0, -2), '--channels', '6'], /--channels must be a multiple of 4/, join(out, 'metrics.json'));
  });
});
