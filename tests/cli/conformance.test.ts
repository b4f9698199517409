/** `scorekit conformance`, run as a subprocess the way a user runs it. */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, it } from 'node:test';

const main = fileURLToPath(new URL('../../cli/main.js', import.meta.url));
const FIXTURES = fileURLToPath(new URL('../../../tests/fixtures/conformance/', import.meta.url));
const run = (...args: string[]) => spawnSync(process.execPath, [main, ...args], { encoding: 'utf8' });
const dir = mkdtempSync(join(tmpdir(), 'sk-conf-'));

describe('scorekit conformance', () => {
  it('--json reports the three checks of one sampler, and a table without it', () => {
    const r = run('conformance', '--sampler', 'dpm-solver-1', '--n', '2000', '--json');
    assert.equal(r.status, 0, r.stderr);
    const out = JSON.parse(r.stdout) as { pass: boolean; reports: { sampler: string; golden: { pass: boolean; relError: number }[]; orders: { sde: string; order: number; pass: boolean }[]; nfe: { nfe: number[]; errors: number[]; pass: boolean } }[] };
    assert.equal(out.pass, true);
    const [rep] = out.reports;
    assert.equal(rep.sampler, 'dpm-solver-1');
    assert.ok(rep.golden.length >= 3 && rep.golden.every((c) => c.pass && c.relError < 1e-12));
    assert.deepEqual(rep.orders.map((o) => o.sde).sort(), ['rf', 'vp', 'vp-cosine', 'vp-logsnr']);
    assert.ok(rep.orders.every((o) => Math.abs(o.order - 1) <= 0.15));
    assert.deepEqual(rep.nfe.nfe, [10, 20, 40, 80]);
    const t = run('conformance', '--sampler', 'euler', '--n', '500');
    assert.equal(t.status, 0, t.stderr);
    assert.match(t.stdout, /euler\s+pass\s+3\/3/);
    assert.match(t.stdout, /all pass/);
  });

  it('a fixture that disagrees fails with exit status 1', () => {
    const fx = JSON.parse(readFileSync(join(FIXTURES, 'euler.json'), 'utf8'));
    fx.cases[0].x[0][0] += 1e-6;
    const bad = join(dir, 'bad');
    mkdirSync(bad);
    writeFileSync(join(bad, 'euler.json'), JSON.stringify(fx));
    const r = run('conformance', '--sampler', 'euler', '--fixtures', bad, '--n', '500');
    assert.equal(r.status, 1, r.stderr);
    assert.match(r.stdout, /euler\s+FAIL\s+2\/3/);
    assert.match(r.stdout, /failed: euler/);
  });

  it('bad input: one line on stderr, exit status 2', () => {
    for (const [args, re] of [
      [['--sampler', 'leapfrog'], /unknown sampler 'leapfrog'/],
      [['--sampler', 'euler', '--fixtures', join(dir, 'none')], /--fixtures: no folder/],
      [['--n', '5'], /--n/],
    ] as const) {
      const r = run('conformance', ...args);
      assert.equal(r.status, 2, `${args.join(' ')}: ${r.stdout}`);
      assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
      assert.match(r.stderr, re);
    }
  });
});
