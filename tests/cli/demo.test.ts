import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, it } from 'node:test';

const main = fileURLToPath(new URL('../../cli/main.js', import.meta.url));
const run = (...args: string[]) => spawnSync(process.execPath, [main, ...args], { encoding: 'utf8' });

describe('scorekit CLI', () => {
  it('demo --json reports wrong weights for plain Langevin and right ones for annealed Langevin', () => {
    const r = run('demo', '--n', '1500', '--steps', '600', '--seed', '3', '--json');
    assert.equal(r.status, 0, r.stderr);
    const rep = JSON.parse(r.stdout);
    assert.equal(rep.nfe, 600);
    assert.equal(rep.backend, 'cpu:float64');
    const se = Math.sqrt(0.2 * 0.8 / 1500);
    assert.ok(Math.abs(rep.plainWeights[0] - 0.5) < 5 * se, `plain ${rep.plainWeights}`);
    assert.ok(Math.abs(rep.annealedWeights[0] - 0.2) < 5 * se, `annealed ${rep.annealedWeights}`);
  });
  it('the same seed gives byte-identical output (apart from wall time)', () => {
    const strip = (s: string) => s.replace(/"wallSeconds": [0-9.e-]+/, '');
    const a = run('demo', '--n', '200', '--steps', '20', '--json');
    const b = run('demo', '--n', '200', '--steps', '20', '--json');
    assert.equal(strip(a.stdout), strip(b.stdout));
  });
  it('bad options: one line on stderr naming each problem, exit status 2', () => {
    const r = run('demo', '--n', '-3', '--steps', 'x', '--foo');
    assert.equal(r.status, 2);
    assert.equal(r.stdout, '');
    assert.equal(r.stderr.trim().split('\n').length, 1);
    assert.match(r.stderr, /--n must be ≥ 1, got -3; --steps must be a number, got 'x'; unknown option --foo/);
    const b = run('demo', '--backend', 'nope');
    assert.equal(b.status, 2);
    assert.match(b.stderr, /unknown backend 'nope'; registered backends: cpu/);
    const c = run('frobnicate');
    assert.equal(c.status, 2);
    assert.match(c.stderr, /unknown command 'frobnicate'/);
  });
  it('--help lists the options', () => {
    const r = run('demo', '--help');
    assert.equal(r.status, 0);
    for (const o of ['--n', '--steps', '--seed', '--backend', '--json']) assert.ok(r.stdout.includes(o), o);
  });
});
