/**
 * CLD-SGM's sampler check (Dockhorn et al. 2022, section 5.1 and appendix: SSCS against Euler–Maruyama
 * at low NFE) from the command line: `scorekit sample --sde cld --score exact` on N(0, 0.5 I) data in
 * 2-D, NFE 20 counted as CLD-SGM counts it (19 steps and the final denoising step), on CLD-SGM's
 * uniform and quadratic grids. Reported: Var(x), the sample variance of each coordinate averaged over
 * the coordinates (target 0.5), with its standard error √(2/(n−1))·Var/√d for Gaussian samples, and
 * the exact Var(x) of the same sampler: with Gaussian data the exact score is affine, so every step
 * (the denoising one included) is an affine map plus Gaussian noise and the moments propagate exactly
 * from the prior N(0, diag(I, M I)) (propagateMoments).
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as sk from '../index.js';
import { type Cell, log, report } from './common.js';

const CLI = fileURLToPath(new URL('../cli/main.js', import.meta.url));
const N = 20000;
const DIM = 2;
const TARGET = 0.5;
const NFES = [20, 50, 100];
const EPS = 1e-3;
const RUNS: readonly { label: string; args: readonly string[]; stepper: (sde: sk.Sde, score: sk.ScoreFn) => sk.Stepper }[] = [
  { label: 'em', args: ['--sampler', 'em'], stepper: (sde, score) => sk.eulerMaruyama(sde, score) },
  { label: 'sscs (official)', args: ['--sampler', 'sscs', '--sscs-variant', 'official'], stepper: (sde, score) => sk.sscs(sde, score, { variant: 'official' }) },
  { label: 'sscs (strang)', args: ['--sampler', 'sscs', '--sscs-variant', 'strang'], stepper: (sde, score) => sk.sscs(sde, score, { variant: 'strang' }) },
];

/** The exact Var(x) after `steps` steps on the grid and the final denoising step (from ε to 0). */
function exactVariance(stepper: sk.Stepper, sde: sk.CldSde, score: sk.ScoreFn, steps: number, grid: sk.GridKind): number {
  const denoised: sk.Stepper = { ...stepper, step: (u, t, tNext, noise) => (tNext === 0 ? sk.denoise(sde, score, u, EPS, sk.defaultDenoise(sde)) : stepper.step(u, t, tNext, noise)) };
  const times = Float64Array.from([...sk.timeGrid({ steps, eps: EPS, T: sde.T, kind: grid }), 0]);
  const D = sde.stateDim(DIM);
  const prior = { mean: new Array<number>(D).fill(0), cov: Array.from({ length: D }, (_, i) => Array.from({ length: D }, (_, j) => (i === j ? (i < DIM ? 1 : sde.M) : 0))) };
  const m = sk.propagateMoments(denoised, times, prior);
  return Array.from({ length: DIM }, (_, j) => m.cov[j][j]).reduce((a, b) => a + b, 0) / DIM;
}

/** Mean over coordinates of the unbiased sample variance. */
function variance(rows: readonly (readonly number[])[]): number {
  let v = 0;
  for (let j = 0; j < DIM; j++) {
    const m = rows.reduce((a, r) => a + r[j], 0) / rows.length;
    v += rows.reduce((a, r) => a + (r[j] - m) ** 2, 0) / (rows.length - 1);
  }
  return v / DIM;
}

function main(): void {
  const dir = mkdtempSync(join(tmpdir(), 'sk-cld-var-'));
  const data = join(dir, 'gauss.json');
  writeFileSync(data, JSON.stringify({ weights: [1], means: [[0, 0]], covs: [[[TARGET, 0], [0, TARGET]]] }));
  const cld = sk.cldSde();
  const gmm = sk.gmm({ weights: [1], means: [[0, 0]], covs: [[[TARGET, 0], [0, TARGET]]] });
  const score = sk.exactScore(cld, gmm);
  const results: { sampler: string; grid: string; nfe: number; steps: number; var: number; exact: number; command: string }[] = [];
  for (const nfe of NFES) {
    for (const grid of ['uniform', 'quadratic'] as const) {
      for (const run of RUNS) {
        const out = join(dir, 'x.json');
        const args = ['sample', '--sde', 'cld', ...run.args, '--grid', grid, '--nfe', String(nfe), '--denoise', '--score', 'exact', '--data', `gmm:${data}`, '--n', String(N), '--seed', '0', '--check-finite', '0', '--out', out];
        const r = spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8' });
        if (r.status !== 0) throw new Error(`scorekit ${args.join(' ')}: exit ${r.status}: ${r.stderr}`);
        const o = JSON.parse(readFileSync(out, 'utf8')) as { samples: number[][]; nfe: number; steps: number };
        const v = variance(o.samples);
        const exact = exactVariance(run.stepper(cld, score), cld, score, o.steps, grid);
        results.push({ sampler: run.label, grid, nfe: o.nfe, steps: o.steps, var: v, exact, command: `scorekit ${args.join(' ').replace(data, 'gauss.json').replace(out, 'x.json')}` });
        log(`${run.label} ${grid} NFE ${o.nfe}: Var(x) = ${v.toFixed(4)} (exact ${exact.toFixed(4)})`);
      }
    }
  }
  rmSync(dir, { recursive: true, force: true });
  const se = TARGET * Math.sqrt(2 / (N - 1)) / Math.sqrt(DIM);
  const rows = (nfe: number): Cell[][] => RUNS.map((run) => [run.label, ...['uniform', 'quadratic'].flatMap((g) => {
    const r = results.find((q) => q.nfe === nfe && q.grid === g && q.sampler === run.label)!;
    return [r.var, r.exact];
  })]);
  const header = ['sampler', 'uniform: samples', 'uniform: exact', 'quadratic: samples', 'quadratic: exact'];
  report('cld-var-nfe', 'CLD: Var(x) of the samples of N(0, 0.5 I) data with the exact score, SSCS against Euler–Maruyama', [
    {
      heading: `NFE 20 (19 steps + the final denoising step), ${N} samples, target 0.5`,
      header,
      rows: rows(20),
      note: `Standard error of each entry ≈ ${se.toExponential(1)}. Command (gauss.json = {"weights":[1],"means":[[0,0]],"covs":[[[0.5,0],[0,0.5]]]}):\n\n    ${results.find((r) => r.nfe === 20 && r.grid === 'quadratic' && r.sampler === 'sscs (official)')!.command}`,
    },
    ...NFES.filter((n) => n !== 20).map((nfe) => ({ heading: `NFE ${nfe}`, header, rows: rows(nfe) })),
  ], { n: N, dim: DIM, target: TARGET, standardError: se, results });
}

main();
