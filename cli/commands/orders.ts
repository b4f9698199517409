/**
 * `scorekit orders`: weak convergence orders of samplers on Gaussian data with the exact (affine)
 * score, by exact moment propagation (core/integrators/convergence.ts): a table of error versus NFE
 * with the fitted slopes, and a log-log plot. With --strong, strong orders instead: the RMS error at ε
 * of 200 rows, each on one Brownian path shared by every step count (path-strong-order.ts), against
 * ShARK on the same path at 8× the finest step count, with 95% bootstrap intervals; the data are a
 * two-scale mixture with a common mean, whose exact score is not affine; with --score onnx:FILE, the
 * ONNX network's score instead, the rows starting from the prior. With --weak, Monte Carlo weak errors
 * on a two-component mixture (whose exact score is not affine) instead: test functions with exact
 * expectations, common random numbers across step counts, Richardson extrapolation with the declared
 * order and bootstrap intervals (mc-weak-error.ts), plotted as bands.
 */
import * as sk from '../../index.js';
import { COMMON, type Command, print } from '../command.js';
import type { Parsed } from '../args.js';
import { checkSampler, SDE_NAMES } from '../specs.js';
import { SDE_OPTIONS, sdeFromFlags } from '../sde-options.js';
import { tuningOf } from './sample.js';
import { figure } from '../plot/render.js';
import { orderBand, referenceOrdersFor } from '../plot/order-lines.js';
import { figureFiles, planRun, stageFigure } from '../run-files.js';
import { onnxFileOf, onnxScoreOn } from '../onnx-source.js';

/** Samplers the exact weak-order tool applies to: fixed grid, rows independent, a declared weak order. */
const measurable = (s: sk.Sampler): s is sk.FixedGridSampler => sk.chunkable(s) && s.weakOrder !== null;
const MEASURABLE = sk.SAMPLER_NAMES.filter((n) => measurable(sk.SAMPLERS[n]));
const STRONG = sk.SAMPLER_NAMES.filter((n) => sk.strongMeasurable(sk.SAMPLERS[n]));
/** Samplers --weak measures by default, where the SDE admits them. */
const WEAK_DEFAULT: readonly sk.SamplerName[] = ['em', 'heun-sde', 'sra1', 'sscs', 'oabao'];
const WEAK_DATA = { weights: [0.4, 0.6], means: [[-1, 0.3], [0.8, -0.2]], covs: [[[0.3, 0.05], [0.05, 0.2]], [[0.2, 0], [0, 0.4]]] };
const STRONG_DATA = { weights: [0.5, 0.5], means: [[0.8, -0.4], [0.8, -0.4]], covs: [[[0.02, 0], [0, 0.02]], [[0.6, 0.1], [0.1, 0.4]]] };

export const ordersCommand: Command = {
  name: 'orders',
  usage: 'scorekit orders [--sde NAME] [--samplers em,ode-heun,...] [--steps 10,20,40,80] [--plot FILE.png]',
  summary: 'Weak convergence orders of samplers (exact moments on Gaussian data): error vs NFE, fitted slopes, log-log plot.',
  options: {
    sde: { kind: 'string', default: 'vp', help: SDE_NAMES.join(' | ') },
    samplers: { kind: 'string', help: `comma-separated: ${MEASURABLE.join(', ')} (default: those that apply to the SDE)` },
    steps: { kind: 'string', default: '10,20,40,80,160', help: 'comma-separated step counts' },
    eps: { kind: 'number', default: 1e-3, help: 'sampling end time ε' },
    'sscs-variant': { kind: 'string', help: "SSCS's splitting: strang (default) | official (CLD-SGM's code); read by sscs" },
    ...SDE_OPTIONS,
    plot: { kind: 'string', help: 'log-log plot of error versus NFE with reference slopes (PNG, its Vega-Lite specification beside it as FILE.vl.json)' },
    score: { kind: 'string', help: 'onnx:FILE: strong orders (--strong) of the samplers with an ONNX score network instead of the exact score' },
    weak: { kind: 'flag', help: `Monte Carlo weak errors on a non-Gaussian mixture instead: test functions with exact expectations, one Brownian path per row for every step count, Richardson extrapolation, 95% intervals (default samplers: ${WEAK_DEFAULT.join(', ')} where they apply)` },
    rows: { kind: 'number', default: 10000, help: 'rows of --weak' },
    strong: { kind: 'flag', help: `strong orders on one Brownian path per row instead, against ShARK at 8× the finest steps (default: the samplers that declare one; --samplers any of ${STRONG.join(', ')})` },
    ...COMMON,
  },
  async run(o) {
    const outputs = await planRun(figureFiles('--plot', o.plot), [['--score', onnxFileOf(o.score)]]);
    if (o.score !== undefined && onnxFileOf(o.score) === undefined) throw new Error(`--score must be onnx:FILE, got '${o.score}'`);
    if (o.score !== undefined && !o.strong) throw new Error('--score onnx:FILE needs --strong (the exact weak moments need the exact affine score of Gaussian data)');
    const sde = sdeFromFlags(o.sde as string, o);
    const counts = (o.steps as string).split(',').map((v) => Number(v));
    if (counts.length < 2 || !counts.every((c) => Number.isInteger(c) && c >= 1)) throw new Error(`--steps must list at least two positive integers, got '${o.steps}'`);
    const strong = !!o.strong;
    if (strong && o.weak) throw new Error('--strong and --weak are two different measurements: give one');
    if (o.weak) return mcWeakOrders(o, sde, counts, outputs);
    const pool = strong ? STRONG : MEASURABLE;
    // by default the samplers with a declared order of the kind asked for (strong: em, sra1, shark)
    const names = o.samplers ? (o.samplers as string).split(',') : pool.filter((n) => sk.SAMPLERS[n].supports(sde) === null && (!strong || sk.SAMPLERS[n].strongOrder !== null));
    const samplers = names.map((n) => {
      const s = checkSampler(sde, n);
      if (strong ? !sk.strongMeasurable(s) : !measurable(s)) {
        throw new Error(strong
          ? `sampler '${n}' has no strong error on one Brownian path (it needs a fixed grid, independent rows and the path's increment as its noise); use ${STRONG.join(', ')}`
          : `sampler '${n}' has no exact weak order here (it needs a fixed grid, independent rows and a declared order); use ${MEASURABLE.join(', ')}`);
      }
      return s as sk.FixedGridSampler;
    });
    const { sscsVariant } = tuningOf(o);
    if (sscsVariant && !samplers.some((s) => s.options.includes('sscsVariant'))) throw new Error(`--sscs-variant is read by sscs, which --samplers does not list`);
    const eps = o.eps as number;
    if (!(eps > 0 && eps < sde.T)) throw new Error(`--eps must lie in (0, ${sde.T}), got ${eps}`);
    if (strong) return strongOrders(o, sde, samplers, counts, eps, outputs);
    const gauss = sk.gmm({ weights: [1], means: [[0.8, -0.4]], covs: [[[0.5, 0.15], [0.15, 0.3]]] });
    const mom = (g: sk.Gmm): sk.Moments => ({ mean: g.means[0], cov: g.covs[0] });
    const score = sk.exactScore(sde, gauss);
    const rows = samplers.map((s) => {
      const stepper = (steps: number) => s.stepper(sde, score, { steps, eps, sscsVariant });
      const r = sk.weakOrder({
        stepper, grid: (k) => sk.orderGridOf(s, sde, k, eps), stepCounts: counts,
        initial: mom(sk.marginal(sde, gauss, sde.T)), exact: mom(sk.marginal(sde, gauss, eps)),
      });
      return { sampler: s.name, nfe: counts.map((c) => c * s.nfePerStep!), errors: [...r.errors], order: r.order, declared: s.weakOrder };
    });
    if (o.plot) {
      await stageFigure(outputs, '--plot', await figure([{
        kind: 'line', title: `weak error vs NFE (${sde.kind.toUpperCase()})`, xLabel: 'NFE (Gaussian data, exact score)', yLabel: '‖Δmean‖ + ‖Δcov‖_F', logX: true, logY: true,
        referenceOrders: referenceOrdersFor(rows.map((r) => r.order)),
        series: rows.map((r) => ({ label: `${r.sampler} (${r.order.toFixed(2)})`, x: r.nfe, y: r.errors })),
      }]));
    }
    await outputs.commit();
    const table = rows.map((r) => `  ${r.sampler.padEnd(12)} order ${r.order.toFixed(2)} (declared ${r.declared})   ${r.nfe.map((f, i) => `${f}: ${r.errors[i].toExponential(2)}`).join('  ')}`);
    print(o, `weak errors on ${sde.kind} (NFE: error)\n${table.join('\n')}`, { sde: sde.kind, rows });
  },
};

async function strongOrders(o: Parsed, sde: sk.Sde, samplers: readonly sk.FixedGridSampler[], counts: readonly number[], eps: number, outputs: Awaited<ReturnType<typeof planRun>>): Promise<void> {
  const onnx = onnxFileOf(o.score);
  const { score, dim } = onnx !== undefined ? await onnxScoreOn(onnx, sde) : { score: sk.exactScore(sde, sk.gmm(STRONG_DATA)), dim: STRONG_DATA.means[0].length };
  const key = sk.random.key(o.seed as number);
  const x0 = sde.priorSample(sk.random.split(key, 2)[0], 200, dim);
  const grid = (n: number) => sk.timeGrid({ steps: n, eps, T: sde.T });
  const reference = { steps: 8 * Math.max(...counts), stepper: sk.sraStepper(sde, score, sk.SHARK) };
  // samplers whose discretisation refuses the smallest step count are left out, with the reason
  const skipped: string[] = [];
  const usable = samplers.filter((s) => {
    try {
      s.stepper(sde, score, { steps: Math.min(...counts), eps });
      return true;
    } catch (e) {
      if (o.samplers) throw e;
      skipped.push(`${s.name}: ${(e as Error).message}`);
      return false;
    }
  });
  const rows = usable.map((s) => {
    const r = sk.pathStrongOrder({ stepper: (n) => s.stepper(sde, score, { steps: n, eps }), grid, stepCounts: counts, x0, key: sk.random.split(key, 2)[1], reference });
    return { sampler: s.name, nfe: counts.map((c) => c * s.nfePerStep!), errors: [...r.errors], order: r.order, interval: r.interval, declared: s.strongOrder };
  });
  if (o.plot) {
    await stageFigure(outputs, '--plot', await figure([{
      kind: 'line', title: `strong error vs NFE (${sde.kind.toUpperCase()}, one Brownian path per row)`, xLabel: 'NFE', yLabel: 'RMS error at ε', logX: true, logY: true,
      referenceOrders: referenceOrdersFor(rows.map((r) => r.order)),
      series: rows.map((r) => ({
        label: `${r.sampler} (${r.order.toFixed(2)} [${r.interval[0].toFixed(2)}, ${r.interval[1].toFixed(2)}])`, x: r.nfe, y: r.errors,
        band: orderBand(r.nfe, r.errors, r.interval),
      })),
    }]));
  }
  await outputs.commit();
  const dash = (v: number | null): string => (v === null ? '—' : String(v));
  const table = rows.map((r) => `  ${r.sampler.padEnd(12)} order ${r.order.toFixed(2)} [${r.interval[0].toFixed(2)}, ${r.interval[1].toFixed(2)}] (declared ${dash(r.declared)})   ${r.nfe.map((f, i) => `${f}: ${r.errors[i].toExponential(2)}`).join('  ')}`);
  const notes = skipped.map((m) => `  (left out: ${m})`);
  print(o, `strong errors on ${sde.kind} (NFE: RMS error; 95% interval)\n${[...table, ...notes].join('\n')}`, { sde: sde.kind, strong: true, rows, skipped });
}

async function mcWeakOrders(o: Parsed, sde: sk.Sde, counts: readonly number[], outputs: Awaited<ReturnType<typeof planRun>>): Promise<void> {
  const eps = o.eps as number;
  if (!(eps > 0 && eps < sde.T)) throw new Error(`--eps must lie in (0, ${sde.T}), got ${eps}`);
  const rows = o.rows as number;
  if (!(Number.isInteger(rows) && rows >= 100)) throw new Error(`--rows must be an integer ≥ 100, got ${rows}`);
  const names = o.samplers ? (o.samplers as string).split(',') : WEAK_DEFAULT.filter((n) => sk.SAMPLERS[n].supports(sde) === null);
  const samplers = names.map((n) => {
    const s = checkSampler(sde, n);
    if (!sk.chunkable(s)) throw new Error(`sampler '${n}' has no Monte Carlo weak error here (it needs a fixed grid and independent rows)`);
    return s as sk.FixedGridSampler;
  });
  const { sscsVariant } = tuningOf(o);
  const data = sk.gmm(WEAK_DATA);
  const score = sk.exactScore(sde, data);
  const key = sk.random.key(o.seed as number);
  const [kx, kn] = sk.random.split(key, 2);
  const x0 = sk.gmmSample(sk.marginal(sde, data, sde.T), kx, rows);
  const tests = sk.mixtureTestFunctions(sk.marginal(sde, data, eps));
  const results = samplers.map((s) => {
    const noise = sk.strongMeasurable(s) ? 'path' as const : 'stream' as const;
    const r = sk.mcWeakError({
      stepper: (n) => s.stepper(sde, score, { steps: n, eps, sscsVariant }), grid: (n) => sk.orderGridOf(s, sde, n, eps),
      stepCounts: counts, x0, key: kn, tests, richardsonOrder: s.weakOrder ?? undefined, noise,
    });
    return { sampler: s.name, declared: s.weakOrder, noise, nfe: counts.map((c) => c * s.nfePerStep!), ...r, bias: undefined };
  });
  x0.dispose();
  if (o.plot) {
    await stageFigure(outputs, '--plot', await figure([{
      kind: 'line', title: `Monte Carlo weak error vs NFE (${sde.kind.toUpperCase()}, mixture, ${rows} rows)`, xLabel: 'NFE', yLabel: 'standardised weak error (95% band)', logX: true, logY: true,
      referenceOrders: referenceOrdersFor(results.map((r) => r.successiveOrder ?? r.order)),
      series: [
        ...results.map((r) => ({ label: `${r.sampler} (${fmtOrder(r.successiveOrder ?? r.order, r.successiveInterval ?? r.orderInterval)})`, x: r.nfe, y: r.errors, band: { lo: r.intervals.map((i) => i[0]), hi: r.intervals.map((i) => i[1]) } })),
        { label: `noise level 1/√R`, x: [Math.min(...results.flatMap((r) => r.nfe)), Math.max(...results.flatMap((r) => r.nfe))], y: [results[0].noiseLevel, results[0].noiseLevel] },
      ],
    }]));
  }
  await outputs.commit();
  const dash = (v: number | null): string => (v === null ? '—' : String(v));
  const e = (v: number, i: readonly [number, number]): string => `${v.toExponential(2)} [${i[0].toExponential(1)}, ${i[1].toExponential(1)}]`;
  const table = results.flatMap((r) => [
    `  ${r.sampler.padEnd(12)} order ${r.successiveOrder === null ? '—' : fmtOrder(r.successiveOrder, r.successiveInterval!)} from successive differences, ${fmtOrder(r.order, r.orderInterval)} against the oracle (declared ${dash(r.declared)}; noise: ${r.noise})`,
    `    error   ${r.nfe.map((f, i) => `${f}: ${e(r.errors[i], r.intervals[i])}`).join('  ')}`,
    ...(r.richardson.length ? [`    Richardson (p = ${r.declared})   ${r.richardson.map((q) => `${q.steps} steps: ${e(q.error, q.interval)}`).join('  ')}`] : []),
  ]);
  print(o, `Monte Carlo weak errors on ${sde.kind}: ${rows} rows, the same paths for every step count; noise level 1/√R = ${results[0].noiseLevel.toExponential(2)}; 95% intervals\n${table.join('\n')}`, { sde: sde.kind, weak: 'monte-carlo', rows: results });
}

const fmtOrder = (p: number, i: readonly [number, number]): string => `${p.toFixed(2)} [${i[0].toFixed(2)}, ${i[1].toFixed(2)}]`;
