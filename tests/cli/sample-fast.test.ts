/** `scorekit sample` with the fast samplers' tuning flags (--eta, --s-churn, --s-tmin, --s-tmax, --s-noise). */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, it } from 'node:test';

const main = fileURLToPath(new URL('../../cli/main.js', import.meta.url));
const run = (...args: string[]) => spawnSync(process.execPath, [main, ...args], { encoding: 'utf8' });
const dir = mkdtempSync(join(tmpdir(), 'sk-fast-'));
const p = (f: string): string => join(dir, f);
writeFileSync(p('mix.json'), JSON.stringify({ weights: [0.3, 0.7], means: [[-2, 0], [2, 1]], covs: [[[0.3, 0], [0, 0.3]], [[0.4, 0.1], [0.1, 0.3]]] }));
const base = ['sample', '--score', 'exact', '--data', `gmm:${p('mix.json')}`, '--n', '50'];
const samples = (f: string): number[][] => (JSON.parse(readFileSync(f, 'utf8')) as { samples: number[][] }).samples;

describe('scorekit sample: fast samplers and their flags', () => {
  it('EDM Heun with churn on the Karras grid (NFE 2N − 1), DDIM with η, threads give the same samples', () => {
    let r = run(...base, '--sde', 'edm', '--sampler', 'edm-heun', '--steps', '12', '--grid', 'karras', '--s-churn', '20', '--s-tmin', '0.05', '--s-tmax', '50', '--s-noise', '1.003', '--out', p('heun.json'), '--json');
    assert.equal(r.status, 0, r.stderr);
    assert.equal((JSON.parse(r.stdout) as { nfe: number }).nfe, 23);
    r = run(...base, '--sde', 'edm', '--sampler', 'edm-heun', '--steps', '12', '--grid', 'karras', '--out', p('heun0.json'), '--json');
    assert.equal(r.status, 0, r.stderr);
    assert.notDeepEqual(samples(p('heun.json')), samples(p('heun0.json')));
    r = run(...base, '--sde', 'edm', '--sampler', 'edm-heun', '--steps', '12', '--grid', 'karras', '--out', p('heun0-threads.json'), '--threads', '2', '--json');
    assert.equal(r.status, 0, r.stderr);
    assert.equal((JSON.parse(r.stdout) as { nfe: number }).nfe, 23);
    assert.deepEqual(samples(p('heun0-threads.json')), samples(p('heun0.json')));
    for (const [f, extra] of [['ddim.json', []], ['ddim-threads.json', ['--threads', '2']]] as const) {
      r = run(...base, '--sde', 'vp', '--sampler', 'ddim', '--eta', '0.5', '--steps', '10', '--grid', 'logsnr', '--out', p(f), ...extra);
      assert.equal(r.status, 0, r.stderr);
    }
    assert.deepEqual(samples(p('ddim.json')), samples(p('ddim-threads.json')));
  });

  it('bad values and options a sampler does not read: one line on stderr, exit 2, no output file', () => {
    for (const [args, re] of [
      [['--sde', 'vp', '--sampler', 'ddim', '--eta', '-1'], /ddim: eta \(η\) must be a finite number ≥ 0, got -1/],
      [['--sde', 'vp', '--sampler', 'ddim', '--s-churn', '5'], /sampler 'ddim' has no option sChurn/],
      [['--sde', 'vp', '--sampler', 'ddim', '--s-churn', '5', '--threads', '2'], /sampler 'ddim' has no option sChurn/],
      [['--sde', 'edm', '--sampler', 'edm-heun', '--s-noise', '0'], /sNoise \(S_noise\) must be a finite number > 0/],
      [['--sde', 'edm', '--sampler', 'edm-heun', '--s-tmin', '3', '--s-tmax', '1'], /sTmin \(3\) must not exceed sTmax \(1\)/],
      [['--sde', 'cld', '--sampler', 'dpm-solver-2'], /needs a Gaussian path/],
    ] as const) {
      const out = p('never.json');
      const r = run(...base, ...args, '--steps', '5', '--out', out);
      assert.equal(r.status, 2, `${args.join(' ')}: ${r.stdout}`);
      assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
      assert.match(r.stderr, re);
      assert.ok(!existsSync(out));
    }
  });
});
