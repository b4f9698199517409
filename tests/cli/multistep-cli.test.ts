/** `scorekit sample` with the multistep samplers' flags (--order, --variant, --lower-order-final, --eta, --solver-type). */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { badInput, runCli } from './run-cli.js';

const run = runCli;
const dir = mkdtempSync(join(tmpdir(), 'sk-ms-'));
const p = (f: string): string => join(dir, f);
writeFileSync(p('mix.json'), JSON.stringify({ weights: [0.3, 0.7], means: [[-2, 0], [2, 1]], covs: [[[0.3, 0], [0, 0.3]], [[0.4, 0.1], [0.1, 0.3]]] }));
const base = (sde: string, sampler: string, out: string, ...rest: string[]) => ['sample', '--score', 'exact', '--data', `gmm:${p('mix.json')}`, '--sde', sde, '--sampler', sampler, '--n', '40', '--steps', '10', '--out', p(out), ...rest];


const samples = (f: string): number[][] => (JSON.parse(readFileSync(p(f), 'utf8')) as { samples: number[][] }).samples;

describe('scorekit sample: multistep samplers', () => {
  it('runs UniPC (order, variant, lower-order final) and the DPM-Solver++ SDE (η, solver type); the flags change the samples; row chunks and threads give the same bits', () => {
    for (const [name, args] of [['u3.json', ['--order', '3', '--variant', 'bh2', '--lower-order-final', 'off', '--grid', 'logsnr']], ['u2.json', []]] as const) {
      const r = run(...base('vp', 'unipc', name, ...args));
      assert.equal(r.status, 0, r.stderr);
    }
    assert.notDeepEqual(samples('u3.json'), samples('u2.json'));
    for (const sde of ['edm', 'rf']) assert.equal(run(...base(sde, 'dpmpp-3m', `${sde}.json`, '--grid', 'karras')).status, 0);
    assert.equal(run(...base('vp-cosine', 'dpmpp-2m-sde', 'sde.json', '--eta', '0.5', '--solver-type', 'heun')).status, 0);
    // the tuning options reach row-chunked runs: the same bits
    assert.equal(run(...base('vp-cosine', 'dpmpp-2m-sde', 'sde-chunk.json', '--eta', '0.5', '--solver-type', 'heun', '--chunk', '7')).status, 0);
    assert.deepEqual(samples('sde-chunk.json'), samples('sde.json'));
    assert.equal(run(...base('vp', 'unipc', 'u3-threads.json', '--order', '3', '--variant', 'bh2', '--lower-order-final', 'off', '--grid', 'logsnr', '--threads', '2')).status, 0);
    assert.deepEqual(samples('u3-threads.json'), samples('u3.json'));
  });

  it('bad input: one line, exit status 2, no output file', () => {
    badInput(base('vp', 'unipc', 'b1.json', '--order', '4'), /unipc: order must be an integer from 1 to 3, got 4/, p('b1.json'));
    badInput(base('vp', 'deis', 'b2.json', '--order', '3', '--steps', '2'), /order 3 needs at least 3 steps, the grid has 2/, p('b2.json'));
    badInput(base('vp', 'dpmpp-3m-sde', 'b3.json', '--eta', '-1'), /η must be a finite number ≥ 0, got -1/, p('b3.json'));
    badInput(base('vp', 'unipc', 'b4.json', '--variant', 'bh3'), /--variant must be one of bh1, bh2, got 'bh3'/, p('b4.json'));
    badInput(base('vp', 'dpmpp-2m-sde', 'b5.json', '--solver-type', 'rk4'), /--solver-type must be one of midpoint, heun, got 'rk4'/, p('b5.json'));
    badInput(base('vp', 'dpmpp-2m', 'b6.json', '--lower-order-final', 'maybe'), /--lower-order-final must be one of on, off, got 'maybe'/, p('b6.json'));
    badInput(base('cld', 'unipc', 'b7.json'), /sampler 'unipc' needs a Gaussian path .*which cld's \(x, v\) state is not/, p('b7.json'));
  });
});
