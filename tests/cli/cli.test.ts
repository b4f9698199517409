/** The scorekit command, run as a subprocess the way a user runs it. */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, it } from 'node:test';

const main = fileURLToPath(new URL('../../cli/main.js', import.meta.url));
const run = (...args: string[]) => spawnSync(process.execPath, [main, ...args], { encoding: 'utf8' });
const dir = mkdtempSync(join(tmpdir(), 'sk-cli-'));
const p = (f: string): string => join(dir, f);
const PNG = [0x89, 0x50, 0x4e, 0x47];

writeFileSync(p('mix.json'), JSON.stringify({ weights: [0.3, 0.7], means: [[-2, 0], [2, 1]], covs: [[[0.3, 0], [0, 0.3]], [[0.4, 0.1], [0.1, 0.3]]] }));
writeFileSync(p('bad.json'), '{"weights": [0.5, 0.6], "means": [[0, 0], [1, 1]], "covs": [[[1, 0], [0, 1]], [[1, 2], [2, 1]]]}');
writeFileSync(p('broken.json'), '{"weights": [1], ');

function ok(r: ReturnType<typeof run>): void {
  assert.equal(r.status, 0, `exit ${r.status}: ${r.stderr}`);
}

function badInput(args: string[], pattern: RegExp, outFile?: string): void {
  const r = run(...args);
  assert.equal(r.status, 2, `expected exit 2 for ${args.join(' ')}, got ${r.status}: ${r.stdout}`);
  assert.equal(r.stderr.trim().split('\n').length, 1, `one line on stderr: ${r.stderr}`);
  assert.match(r.stderr, pattern);
  if (outFile) assert.ok(!existsSync(outFile), `${outFile} must not be created`);
}

describe('scorekit CLI', () => {
  it('--help lists the commands, and each command its options', () => {
    const r = run('--help');
    ok(r);
    for (const c of ['demo', 'train', 'sample', 'samplers', 'eval', 'nll', 'orders', 'verify']) assert.match(r.stdout, new RegExp(`\\b${c}\\b`));
    for (const [c, opts] of [['train', ['--data', '--sde', '--loss', '--model', '--steps', '--out']], ['sample', ['--ckpt', '--score', '--sampler', '--steps', '--n', '--denoise', '--out', '--plot']], ['eval', ['--samples', '--data']], ['nll', ['--ckpt', '--score']], ['demo', ['--out', '--steps', '--nfe']]] as const) {
      const h = run(c, '--help');
      ok(h);
      for (const o of [...opts, '--seed', '--backend', '--json']) assert.ok(h.stdout.includes(o), `${c} --help lacks ${o}`);
    }
  });

  it('samplers lists the registry, and sample --help and its errors name every sampler', () => {
    const r = run('samplers', '--json');
    ok(r);
    const rows = JSON.parse(r.stdout) as { name: string; sdes: string[]; weakOrder: number | null }[];
    const names = rows.map((x) => x.name);
    for (const n of ['em', 'rd', 'ancestral', 'pc', 'ald', 'ode-euler', 'ode-heun', 'ode-rk4', 'ode-dopri5', 'sscs', 'sscs-heun']) assert.ok(names.includes(n), `samplers lacks ${n}`);
    assert.deepEqual(rows.find((x) => x.name === 'sscs')!.sdes, ['cld']);
    const h = run('sample', '--help');
    for (const n of names) assert.ok(h.stdout.includes(n), `sample --help lacks ${n}`);
    for (const f of ['--snr', '--levels', '--step-ratio', '--rtol', '--atol']) assert.ok(h.stdout.includes(f), `sample --help lacks ${f}`);
    badInput(['sample', '--score', 'exact', '--data', `gmm:${p('mix.json')}`, '--sde', 'vp', '--sampler', 'nope', '--out', p('n.csv')], new RegExp(`unknown sampler 'nope'; use one of ${names.join(', ')}`), p('n.csv'));
  });

  it('the Gaussian paths (edm, rf, vp-cosine, vp-logsnr) sample with the exact score on their default grids and on a uniform one', () => {
    for (const [sde, grid] of [['edm', []], ['edm', ['--grid', 'uniform', '--denoise']], ['rf', ['--denoise']], ['vp-cosine', ['--denoise']], ['vp-logsnr', ['--grid', 'uniform', '--denoise']]] as const) {
      const out = p(`path-${sde}.json`);
      ok(run('sample', '--score', 'exact', '--data', `gmm:${p('mix.json')}`, '--sde', sde, '--sampler', 'ode-heun', '--steps', '20', '--n', '50', ...grid, '--out', out));
      const js = JSON.parse(readFileSync(out, 'utf8'));
      assert.equal(js.sde, sde);
      assert.ok(js.samples.flat().every(Number.isFinite), `${sde}: finite samples`);
    }
    badInput(['sample', '--score', 'exact', '--data', `gmm:${p('mix.json')}`, '--sde', 'edm', '--sampler', 'rd', '--out', p('rd.json')], /sampler 'rd' needs a DDPM\/SMLD discretisation, which the edm path lacks/, p('rd.json'));
    ok(run('sample', '--score', 'exact', '--data', `gmm:${p('mix.json')}`, '--sde', 'edm', '--sampler', 'ode-heun', '--steps', '18', '--grid', 'karras', '--n', '50', '--out', p('karras.json')));
    badInput(['sample', '--score', 'exact', '--data', `gmm:${p('mix.json')}`, '--sde', 'edm', '--sampler', 'ode-heun', '--grid', 'karras', '--denoise', '--out', p('k2.json')], /ends at t = 0, on the data/, p('k2.json'));
    badInput(['sample', '--score', 'exact', '--data', `gmm:${p('mix.json')}`, '--sde', 'cld', '--sampler', 'sscs', '--grid', 'karras', '--out', p('k3.json')], /needs a Gaussian path; cld is not one/, p('k3.json'));
    badInput(['sample', '--score', 'exact', '--data', `gmm:${p('mix.json')}`, '--sde', 'vp', '--grid', 'zigzag', '--out', p('k4.json')], /unknown grid 'zigzag'/, p('k4.json'));
    ok(run('sample', '--score', 'exact', '--data', `gmm:${p('mix.json')}`, '--sde', 'vp', '--sampler', 'ode-heun', '--steps', '10', '--grid', 'logsnr', '--denoise', '--n', '50', '--out', p('logsnr.json')));
    assert.ok(JSON.parse(readFileSync(p('logsnr.json'), 'utf8')).samples.flat().every(Number.isFinite));
  });

  it('train → sample → eval → nll on a mixture, with a loss plot and a sample plot', () => {
    ok(run('train', '--data', `gmm:${p('mix.json')}`, '--sde', 'vp', '--loss', 'dsm', '--steps', '40', '--width', '16', '--depth', '1', '--out', p('m.ckpt'), '--plot', p('loss.png')));
    assert.deepEqual([...readFileSync(p('loss.png')).subarray(0, 4)], PNG);
    const s = run('sample', '--ckpt', p('m.ckpt'), '--sampler', 'em', '--steps', '20', '--n', '100', '--denoise', '--out', p('s.json'), '--plot', p('s.png'), '--json');
    ok(s);
    const js = JSON.parse(readFileSync(p('s.json'), 'utf8'));
    assert.equal(js.samples.length, 100);
    assert.equal(js.samples[0].length, 2);
    assert.equal(js.nfe, 21);
    assert.deepEqual([js.sampler, js.sde, js.seed, js.backend], ['em', 'vp', 0, 'cpu:float64']);
    assert.deepEqual([...readFileSync(p('s.png')).subarray(0, 4)], PNG);
    const e = run('eval', '--samples', p('s.json'), '--data', `gmm:${p('mix.json')}`, '--json');
    ok(e);
    const m = JSON.parse(e.stdout);
    for (const k of ['mmd2', 'slicedWasserstein2', 'energyDistance', 'meanLogLikelihood']) assert.ok(Number.isFinite(m[k]), k);
    const n = run('nll', '--score', 'exact', '--sde', 'vp', '--data', `gmm:${p('mix.json')}`, '--n', '10', '--json');
    ok(n);
    const nl = JSON.parse(n.stdout);
    assert.ok(Math.abs(nl.nll - nl.exactNll) < 0.05, `NLL ${nl.nll} vs exact ${nl.exactNll}`);
  });

  it('the same seed and arguments give byte-identical output files', () => {
    for (const f of ['a.csv', 'b.csv']) ok(run('sample', '--score', 'exact', '--data', `gmm:${p('mix.json')}`, '--sde', 'cld', '--sampler', 'sscs', '--steps', '10', '--n', '50', '--seed', '4', '--out', p(f)));
    assert.equal(readFileSync(p('a.csv'), 'utf8'), readFileSync(p('b.csv'), 'utf8'));
    assert.match(readFileSync(p('a.csv'), 'utf8').split('\n')[0], /^x0,x1$/);
    // on worker threads, and in row chunks: the same samples, byte for byte
    ok(run('sample', '--score', 'exact', '--data', `gmm:${p('mix.json')}`, '--sde', 'cld', '--sampler', 'sscs', '--steps', '10', '--n', '50', '--seed', '4', '--threads', '2', '--chunk', '17', '--out', p('c.csv')));
    ok(run('sample', '--score', 'exact', '--data', `gmm:${p('mix.json')}`, '--sde', 'cld', '--sampler', 'sscs', '--steps', '10', '--n', '50', '--seed', '4', '--chunk', '20', '--out', p('d.csv')));
    for (const f of ['c.csv', 'd.csv']) assert.equal(readFileSync(p(f), 'utf8'), readFileSync(p('a.csv'), 'utf8'), f);
    badInput(['sample', '--score', 'exact', '--data', `gmm:${p('mix.json')}`, '--sde', 'vp', '--sampler', 'ode-dopri5', '--threads', '2', '--out', p('e.csv')], /need a fixed-grid sampler/, p('e.csv'));
  });

  it('bad input: one line on stderr, exit status 2, no output file', () => {
    const out = p('never.json');
    badInput(['sample', '--score', 'exact', '--data', 'nosuch', '--sde', 'vp', '--out', out], /unknown data 'nosuch'/, out);
    badInput(['sample', '--score', 'exact', '--data', `gmm:${p('mix.json')}`, '--sde', 'xx', '--out', out], /unknown SDE 'xx'/, out);
    badInput(['sample', '--score', 'exact', '--data', `gmm:${p('mix.json')}`, '--sde', 'vp', '--sampler', 'leapfrog', '--out', out], /unknown sampler 'leapfrog'/, out);
    badInput(['sample', '--score', 'exact', '--data', `gmm:${p('mix.json')}`, '--sde', 'vp', '--sampler', 'sscs', '--out', out], /sampler 'sscs' needs the CLD SDE, not vp/, out);
    badInput(['sample', '--score', 'exact', '--data', `gmm:${p('bad.json')}`, '--sde', 'vp', '--out', out], /invalid mixture .*weights sum to 1.1.*covs\[1\] is not positive definite/, out);
    badInput(['sample', '--score', 'exact', '--data', `gmm:${p('broken.json')}`, '--sde', 'vp', '--out', out], /malformed JSON/, out);
    badInput(['sample', '--score', 'exact', '--data', `gmm:${p('mix.json')}`, '--sde', 'vp', '--n', '-5', '--out', out], /--n must be ≥ 1, got -5/, out);
    badInput(['sample', '--score', 'exact', '--data', `gmm:${p('mix.json')}`, '--sde', 'vp', '--steps', 'many', '--out', out], /--steps must be a number, got 'many'/, out);
    badInput(['sample', '--score', 'exact', '--data', `gmm:${p('mix.json')}`, '--sde', 'vp', '--eps', '2', '--out', out], /--eps must lie in \(0, 1\)/, out);
    badInput(['train', '--data', '8gaussians', '--sde', 'vp', '--loss', 'hsm', '--out', p('x.ckpt')], /hybrid score matching \(hsm\) needs the CLD SDE/, p('x.ckpt'));
    badInput(['train', '--data', '8gaussians', '--sde', 'cld', '--loss', 'qc', '--out', p('x.ckpt')], /loss 'qc' is not available for CLD/, p('x.ckpt'));
    badInput(['train', '--data', '8gaussians', '--loss', 'magic', '--out', p('x.ckpt')], /unknown loss 'magic'/, p('x.ckpt'));
    writeFileSync(p('notmodel.ckpt'), 'hello, this is a text file and no checkpoint');
    badInput(['sample', '--ckpt', p('notmodel.ckpt'), '--out', out], /not a scorekit checkpoint/, out);
    badInput(['sample', '--ckpt', p('missing.ckpt'), '--out', out], /cannot read checkpoint .*ENOENT/, out);
    badInput(['eval', '--samples', p('broken.json'), '--data', '8gaussians'], /malformed JSON/);
    badInput(['frobnicate'], /unknown command 'frobnicate'/);
    badInput(['demo', '--bogus'], /unknown option --bogus/);
  });

  it('orders measures weak orders and plots them; sample --trajectory draws the run', () => {
    const r = run('orders', '--sde', 'vp', '--samplers', 'ode-euler,ode-heun', '--steps', '20,40,80', '--plot', p('orders.png'), '--json');
    ok(r);
    const rows = JSON.parse(r.stdout).rows as { sampler: string; order: number }[];
    assert.ok(Math.abs(rows[0].order - 1) < 0.3 && Math.abs(rows[1].order - 2) < 0.3, JSON.stringify(rows));
    assert.deepEqual([...readFileSync(p('orders.png')).subarray(0, 4)], PNG);
    badInput(['orders', '--sde', 'vp', '--samplers', 'sscs'], /sampler 'sscs' needs the CLD SDE/);
    badInput(['orders', '--sde', 'vp', '--samplers', 'pc'], /sampler 'pc' has no exact weak order here/);
    const weak = run('orders', '--weak', '--sde', 'vp', '--samplers', 'em,heun-sde', '--steps', '5,10,20', '--rows', '4000', '--plot', p('weak.png'), '--json');
    ok(weak);
    const wrows = JSON.parse(weak.stdout).rows as { sampler: string; successiveOrder: number; successiveInterval: [number, number]; errors: number[]; richardson: { steps: number; error: number }[] }[];
    assert.deepEqual(wrows.map((w) => w.sampler), ['em', 'heun-sde']);
    assert.ok(wrows[1].successiveOrder > 1.4 && wrows[1].richardson.length === 2, JSON.stringify(wrows[1]));
    assert.ok(wrows.every((w) => w.errors[2] < w.errors[0] && w.successiveInterval[0] <= w.successiveOrder && w.successiveOrder <= w.successiveInterval[1]), weak.stdout);
    assert.deepEqual([...readFileSync(p('weak.png')).subarray(0, 4)], PNG);
    badInput(['orders', '--weak', '--strong'], /two different measurements/);
    badInput(['orders', '--weak', '--rows', '5'], /--rows must be an integer ≥ 100/);
    badInput(['orders', '--weak', '--samplers', 'pc'], /sampler 'pc' has no Monte Carlo weak error here/);
    ok(run('sample', '--score', 'exact', '--data', `gmm:${p('mix.json')}`, '--sde', 'cld', '--sampler', 'sscs', '--steps', '10', '--n', '100', '--out', p('t.json'), '--trajectory', p('traj.png')));
    assert.deepEqual([...readFileSync(p('traj.png')).subarray(0, 4)], PNG);
    badInput(['sample', '--score', 'exact', '--data', `gmm:${p('mix.json')}`, '--sde', 'vp', '--sampler', 'ode-dopri5', '--out', p('u.json'), '--trajectory', p('u.png')], /--trajectory needs a fixed-grid sampler/, p('u.json'));
  });

  it('verify passes cpu:float32 and catches a backend with an off-by-one sum (exit status 1)', () => {
    const good = run('verify', '--runs', '5');
    ok(good);
    assert.match(good.stdout, /\d+ passed, 0 failed/);
    const broken = fileURLToPath(new URL('../fixtures/broken-backend.js', import.meta.url));
    const bad = run('verify', '--backends', broken, '--runs', '5');
    assert.equal(bad.status, 1, bad.stderr);
    assert.match(bad.stdout, /primitive sum\s+broken:sum\s+\d+\s+\S+\s+FAIL/);
    assert.match(bad.stdout, /primitive mean\s+broken:sum.*FAIL/);
    assert.match(bad.stdout, /\d+ passed, [1-9]\d* failed/);
    const j = JSON.parse(run('verify', '--backends', broken, '--runs', '3', '--json').stdout);
    assert.ok(j.failed > 0 && j.rows.some((r: { property: string; pass: boolean }) => r.property === 'primitive sum' && !r.pass));
    badInput(['verify', '--backends', './no/such/backend.js'], /cannot load backend module/);
    badInput(['verify', '--backends', 'nosuch'], /unknown backend 'nosuch'/);
    badInput(['verify', '--backend', 'cpu:float32', '--backends', 'cpu:float32'], /either --backend or --backends/);
  });

  it('a checkpoint of another kind of model is refused', () => {
    ok(run('train', '--data', '8gaussians', '--sde', 'cld', '--loss', 'hsm', '--steps', '5', '--width', '8', '--depth', '1', '--out', p('c.ckpt')));
    const bytes = readFileSync(p('c.ckpt'));
    bytes[bytes.length - 1] ^= 0xff;
    writeFileSync(p('corrupt.ckpt'), bytes);
    badInput(['sample', '--ckpt', p('corrupt.ckpt'), '--out', p('z.json')], /corrupted \(CRC-32 mismatch over the header and data\)/, p('z.json'));
    badInput(['sample', '--ckpt', p('c.ckpt'), '--sampler', 'ancestral', '--out', p('z.json')], /not defined for CLD/, p('z.json'));
  });

  it('demo writes its figures and metrics (short run)', () => {
    const out = p('demo');
    const r = run('demo', '--out', out, '--steps', '30', '--n', '200', '--nfe', '10', '--evals', '3', '--json');
    ok(r);
    for (const f of ['samples.png', 'score-field.png', 'loss.png', 'quality-vs-time.png']) {
      assert.deepEqual([...readFileSync(join(out, f)).subarray(0, 4)], PNG, f);
      assert.ok(existsSync(join(out, f.replace(/\.png$/, '.vl.json'))), `${f} has its specification beside it`);
    }
    const m = JSON.parse(readFileSync(join(out, 'metrics.json'), 'utf8'));
    assert.equal(m.nfe, 10);
    assert.ok(Number.isFinite(m.mmd2.SSCS) && Number.isFinite(m.mmd2['Euler–Maruyama']));
    assert.deepEqual(m.qualityCurve.map((c: { step: number }) => c.step), [10, 20, 30]);
    assert.ok(m.qualityCurve.every((c: { mmd2Bandwidth05: number; slicedWasserstein2: number }) => Number.isFinite(c.mmd2Bandwidth05) && c.slicedWasserstein2 > 0));
    assert.equal(m.null.pairs, 20);
    assert.ok(m.null.mmd2Bandwidth05.q95 >= m.null.mmd2Bandwidth05.median && m.null.slicedWasserstein2.q95 > 0);
    assert.ok(JSON.parse(readFileSync(join(out, 'timing.json'), 'utf8')).totalSeconds > 0);
    badInput(['demo', '--out', p('demo-bad'), '--lr-final', '2'], /--lr-final .* \[0, 1\]/, p('demo-bad'));
    badInput(['demo', '--out', p('demo-bad'), '--ema', '1'], /--ema must lie in \[0, 1\)/, p('demo-bad'));
  });
});
