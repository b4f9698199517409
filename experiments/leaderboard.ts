/**
 * The sampler leaderboard: every fixed-grid sampler of the registry × NFE {5, 10, 20, 50, 100} ×
 * paths (VP, cosine VP, EDM, rectified flow, CLD) on Gaussian mixtures in 2 and 16 dimensions with
 * the exact score, against exact samples of the marginal at the end time ε = 1e-3: sliced W₂, MMD²
 * (median bandwidth) and the weak error of mean and covariance (‖Δm‖₂ + ‖ΔP‖_F against the exact
 * mixture moments). Grids: uniform in log-SNR from T to ε on the Gaussian paths (DPM-Solver's),
 * uniform in t on CLD; steps = round(NFE / NFE per step). Writes leaderboard.md/.json and one log-log
 * figure per path (sliced W₂ against NFE, 2-D and 16-D panels), and leaderboard-summary.md (the
 * README's tables). Drivers that choose their own steps (ald, ode-dopri5) are not in it.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import * as sk from '../index.js';
import { writeFileAtomic } from '../index.js';
import { type Cell, log, markdownTable, OUT, plot, report } from './common.js';

const NFES = [5, 10, 20, 50, 100];
const N = 1500;
const EPS = 1e-3;
const PATHS: Record<string, () => sk.Sde> = { vp: () => sk.vpSde(), 'vp-cosine': () => sk.vpCosineSde(), edm: () => sk.edmSde(), rf: () => sk.rfSde(), cld: () => sk.cldSde() };

/** Two data sets: a 2-D mixture of 4 components and a 16-D mixture of 4 components (fixed random means). */
function datasets(): Record<string, sk.Gmm> {
  const two = sk.gmm({
    weights: [0.2, 0.3, 0.25, 0.25],
    means: [[-1.5, 0.5], [1.2, 1], [0.3, -1.4], [-0.2, 0.2]],
    covs: [[[0.05, 0.01], [0.01, 0.03]], [[0.08, -0.02], [-0.02, 0.04]], [[0.03, 0], [0, 0.06]], [[0.1, 0.03], [0.03, 0.05]]],
  });
  const d = 16;
  const z = sk.random.normalHost(sk.random.key(77), 4 * d);
  const means = Array.from({ length: 4 }, (_, k) => Array.from({ length: d }, (_, j) => 0.8 * z[k * d + j]));
  const covs = Array.from({ length: 4 }, (_, k) => Array.from({ length: d }, (_, i) => Array.from({ length: d }, (_, j) => (i === j ? 0.05 + 0.02 * k : 0))));
  return { '2-D': two, '16-D': sk.gmm({ weights: [0.25, 0.25, 0.25, 0.25], means, covs }) };
}

/** The first d columns of an [n, cols] host array as a tensor. */
function dataCols(x: Float64Array | Float32Array, n: number, cols: number, d: number): sk.Tensor {
  if (cols === d) return sk.fromArray(Float64Array.from(x), { shape: [n, d] });
  const out = new Float64Array(n * d);
  for (let r = 0; r < n; r++) for (let i = 0; i < d; i++) out[r * d + i] = x[r * cols + i];
  return sk.fromArray(out, { shape: [n, d] });
}

const SUMMARY_NFES = [10, 20, 50];

/**
 * leaderboard-summary.md: per data set, sliced W₂ / weak error of mean and covariance at the target
 * NFEs 10, 20 and 50 on every path (a cell is the run for that target: steps = round(NFE / NFE per
 * step), so its NFE may differ by a few), with the Monte-Carlo floor of exact samples.
 */
async function writeSummary(r: { n: number; entries: readonly Entry[]; floors: Record<string, { sw2: number; weak: number }> }): Promise<void> {
  const paths = Object.keys(PATHS);
  const v = (x: number): string => (Number.isFinite(x) ? x.toPrecision(2) : '∞');
  const table = (dname: string): string => {
    const header = ['sampler', ...paths.flatMap((p) => SUMMARY_NFES.map((n) => `${p} ${n}`))];
    const names = sk.SAMPLER_NAMES.filter((n) => r.entries.some((e) => e.sampler === n && e.data === dname));
    const cell = (n: string, p: string, nfe: number): Cell => {
      const e = r.entries.find((x) => x.sampler === n && x.path === p && x.data === dname && x.target === nfe);
      return e === undefined ? '—' : `${v(e.sw2)} / ${v(e.weak)}`;
    };
    const rows: Cell[][] = [
      ...names.map((n) => [`\`${n}\``, ...paths.flatMap((p) => SUMMARY_NFES.map((nfe) => cell(n, p, nfe)))]),
      ['exact samples (floor)', ...paths.flatMap((p) => SUMMARY_NFES.map(() => `${v(r.floors[`${p} ${dname}`].sw2)} / ${v(r.floors[`${p} ${dname}`].weak)}`))],
    ];
    return `Sliced W₂ / weak error of mean and covariance against exact samples, ${dname} mixture (${r.n} samples; columns: path and target NFE):\n\n${markdownTable(header, rows)}\n`;
  };
  await writeFileAtomic(join(OUT, 'leaderboard-summary.md'), ['2-D', '16-D'].map(table).join('\n'));
}

/** leaderboard-PATH.png (and its .vl.json): sliced W₂ against NFE on log–log axes, one panel per data set. */
async function plotPaths(entries: readonly Entry[]): Promise<void> {
  const dnames = [...new Set(entries.map((e) => e.data))];
  for (const pname of Object.keys(PATHS)) {
    await plot(`leaderboard-${pname}.png`, dnames.map((dname) => {
      const here = entries.filter((e) => e.path === pname && e.data === dname && Number.isFinite(e.sw2));
      const names = [...new Set(here.map((e) => e.sampler))];
      return {
        kind: 'line' as const, title: `${pname}, ${dname}: sliced W₂ vs NFE`, xLabel: 'NFE', yLabel: 'sliced W₂ to exact samples', logX: true, logY: true,
        series: names.map((n) => ({ label: n, x: here.filter((e) => e.sampler === n).map((e) => e.nfe), y: here.filter((e) => e.sampler === n).map((e) => e.sw2) })),
      };
    }), { cols: 2 });
  }
}

interface Entry { sampler: string; path: string; data: string; target: number; nfe: number; sw2: number; mmd2: number; weak: number }

async function main(): Promise<void> {
  const t0 = Date.now();
  const data = datasets();
  const entries: Entry[] = [];
  const refusals: string[] = [];
  const floors: Record<string, { sw2: number; mmd2: number; weak: number }> = {};
  for (const [pname, make] of Object.entries(PATHS)) {
    const sde = make();
    for (const [dname, mix] of Object.entries(data)) {
      const d = mix.dim;
      const marg = sk.marginal(sde, mix, EPS);
      const exactAll = sk.gmmSample(marg, sk.random.key(5), N);
      const ex = await exactAll.data() as Float64Array;
      const ref = dataCols(ex, N, exactAll.shape[1], d);
      exactAll.dispose();
      // the data part of the exact marginal at ε (CLD's marginal is over (x, v))
      const exact = sk.gmmMoments(marg, d);
      const weakOf = (m: sk.Moments): number => sk.momentError(m, exact);
      // the Monte-Carlo floor: a second set of exact samples
      const second = sk.gmmSample(marg, sk.random.key(6), N);
      const sx = await second.data() as Float64Array;
      const st = dataCols(sx, N, second.shape[1], d);
      floors[`${pname} ${dname}`] = { sw2: await sk.metrics.slicedWasserstein(st, ref, sk.random.key(9)), mmd2: await sk.metrics.mmd2(st, ref), weak: weakOf(sk.metrics.sampleMoments(sx, N, second.shape[1], d)) };
      second.dispose();
      st.dispose();
      const score = sk.exactScore(sde, mix);
      const onPath = sk.gaussianPathOf(sde) !== undefined;
      for (const name of sk.SAMPLER_NAMES) {
        const s = sk.SAMPLERS[name];
        if (s.grid !== 'fixed' || s.nfePerStep === null || s.supports(sde) !== null) continue;
        for (const nfe of NFES) {
          const steps = Math.max(1, Math.round(nfe / s.nfePerStep));
          const grid = onPath ? sk.sdePathGrid(sde, 'logsnr', steps, EPS) : undefined;
          let r: sk.SampleRun;
          try {
            r = await sk.runSampler(sk.random.key(3), s, sde, score, { n: N, d, steps, eps: EPS, grid });
          } catch (e) {
            if (!(e instanceof RangeError)) throw e;
            refusals.push(`${name} on ${pname} (${dname}) at NFE ${nfe}: ${e.message}`);
            continue;
          }
          const vals = await r.x.data() as Float64Array;
          const cols = r.x.shape[1];
          r.x.dispose();
          const finite = vals.every(Number.isFinite);
          const x = dataCols(vals, N, cols, d);
          const sw2 = finite ? await sk.metrics.slicedWasserstein(x, ref, sk.random.key(9)) : Infinity;
          const mmd = finite ? await sk.metrics.mmd2(x, ref) : Infinity;
          x.dispose();
          entries.push({ sampler: name, path: pname, data: dname, target: nfe, nfe: r.nfe, sw2, mmd2: mmd, weak: finite ? weakOf(sk.metrics.sampleMoments(vals, N, cols, d)) : Infinity });
        }
        log(`${pname} ${dname} ${name} (${((Date.now() - t0) / 1000).toFixed(0)} s)`);
      }
      ref.dispose();
    }
  }
  const sections: { heading: string; header: string[]; rows: Cell[][]; note?: string }[] = [];
  const fmt = (v: number): Cell => (Number.isFinite(v) ? v : '∞');
  for (const pname of Object.keys(PATHS)) {
    for (const dname of Object.keys(data)) {
      const here = entries.filter((e) => e.path === pname && e.data === dname);
      const names = [...new Set(here.map((e) => e.sampler))];
      const rows: Cell[][] = names.map((n) => {
        const mine = here.filter((e) => e.sampler === n);
        return [n, ...mine.flatMap((e) => [`${e.nfe}`, fmt(e.sw2), fmt(e.mmd2), fmt(e.weak)])];
      });
      const width = Math.max(...rows.map((r) => r.length));
      const header = ['sampler', ...Array.from({ length: (width - 1) / 4 }, (_, i) => [`NFE (${NFES[i]})`, 'SW₂', 'MMD²', 'weak']).flat()];
      const f = floors[`${pname} ${dname}`];
      sections.push({ heading: `${pname}, ${dname} mixture`, header, rows: rows.map((r) => [...r, ...new Array(width - r.length).fill('—')]), note: `Monte-Carlo floor (two sets of ${N} exact samples): SW₂ ${f.sw2.toExponential(2)}, MMD² ${f.mmd2.toExponential(2)}, weak ${f.weak.toExponential(2)}.` });
    }
  }
  await plotPaths(entries);
  const seconds = (Date.now() - t0) / 1000;
  await writeSummary({ n: N, entries, floors });
  sections.push({ heading: 'refused', header: ['run', 'reason'], rows: refusals.map((r) => { const i = r.indexOf(': '); return [r.slice(0, i), r.slice(i + 2)]; }), note: `${entries.length} runs in ${seconds.toFixed(0)} s.` });
  await report('leaderboard', `Sampler leaderboard: exact-score Gaussian mixtures, ${N} samples, end time ε = ${EPS}`, sections, { nfes: NFES, n: N, eps: EPS, entries, floors, refusals, seconds });
}

// `--summary`: rewrite leaderboard-summary.md and the figures from a saved leaderboard.json
const run = process.argv.includes('--summary')
  ? async () => {
    const saved = JSON.parse(await readFile(join(OUT, 'leaderboard.json'), 'utf8')) as { n: number; entries: Entry[]; floors: Record<string, { sw2: number; weak: number }> };
    await writeSummary(saved);
    await plotPaths(saved.entries);
  }
  : main;
run().catch((e: unknown) => {
  process.stderr.write(`${e instanceof Error ? e.stack : String(e)}\n`);
  process.exit(1);
});
