/**
 * `scorekit orders`: weak convergence orders of samplers on Gaussian data with the exact (affine)
 * score, by exact moment propagation (core/integrators/convergence.ts): a table of error versus NFE
 * with the fitted slopes, and a log-log plot.
 */
import * as sk from '../../index.js';
import { COMMON, type Command, print } from '../command.js';
import { checkSampler, makeSde, SDE_NAMES } from '../specs.js';
import { figure } from '../plot/svg.js';
import { renderPng } from '../plot/png.js';
import { planRun } from '../run-files.js';

/** Samplers the exact weak-order tool applies to: fixed grid, rows independent, a declared weak order. */
const measurable = (s: sk.Sampler): s is sk.FixedGridSampler => sk.chunkable(s) && s.weakOrder !== null;
const MEASURABLE = sk.SAMPLER_NAMES.filter((n) => measurable(sk.SAMPLERS[n]));

export const ordersCommand: Command = {
  name: 'orders',
  usage: 'scorekit orders [--sde NAME] [--samplers em,ode-heun,...] [--steps 10,20,40,80] [--plot FILE.png]',
  summary: 'Weak convergence orders of samplers (exact moments on Gaussian data): error vs NFE, fitted slopes, log-log plot.',
  options: {
    sde: { kind: 'string', default: 'vp', help: SDE_NAMES.join(' | ') },
    samplers: { kind: 'string', help: `comma-separated: ${MEASURABLE.join(', ')} (default: those that apply to the SDE)` },
    steps: { kind: 'string', default: '10,20,40,80,160', help: 'comma-separated step counts' },
    eps: { kind: 'number', default: 1e-3, help: 'sampling end time ε' },
    plot: { kind: 'string', help: 'log-log plot of error versus NFE (PNG)' },
    ...COMMON,
  },
  async run(o) {
    const outputs = await planRun([['--plot', o.plot]], []);
    const sde = makeSde(o.sde as string);
    const counts = (o.steps as string).split(',').map((v) => Number(v));
    if (counts.length < 2 || !counts.every((c) => Number.isInteger(c) && c >= 1)) throw new Error(`--steps must list at least two positive integers, got '${o.steps}'`);
    const names = o.samplers ? (o.samplers as string).split(',') : MEASURABLE.filter((n) => sk.SAMPLERS[n].supports(sde) === null);
    const samplers = names.map((n) => {
      const s = checkSampler(sde, n);
      if (!measurable(s)) throw new Error(`sampler '${n}' has no exact weak order here (it needs a fixed grid, independent rows and a declared order); use ${MEASURABLE.join(', ')}`);
      return s;
    });
    const eps = o.eps as number;
    if (!(eps > 0 && eps < sde.T)) throw new Error(`--eps must lie in (0, ${sde.T}), got ${eps}`);
    const gauss = sk.gmm({ weights: [1], means: [[0.8, -0.4]], covs: [[[0.5, 0.15], [0.15, 0.3]]] });
    const mom = (g: sk.Gmm): sk.Moments => ({ mean: g.means[0], cov: g.covs[0] });
    const score = sk.exactScore(sde, gauss);
    const rows = samplers.map((s) => {
      const stepper = (steps: number) => s.stepper(sde, score, { steps, eps });
      const r = sk.weakOrder({
        stepper, grid: (k) => sk.orderGridOf(s, sde, k, eps), stepCounts: counts,
        initial: mom(sk.marginal(sde, gauss, sde.T)), exact: mom(sk.marginal(sde, gauss, eps)),
      });
      return { sampler: s.name, nfe: counts.map((c) => c * s.nfePerStep!), errors: [...r.errors], order: r.order, declared: s.weakOrder };
    });
    if (o.plot) {
      await outputs.stage('--plot', renderPng(figure([{
        kind: 'line', title: `weak error vs NFE (${sde.kind.toUpperCase()})`, xLabel: 'NFE (Gaussian data, exact score)', yLabel: '‖Δmean‖ + ‖Δcov‖_F', logX: true, logY: true,
        series: rows.map((r) => ({ label: `${r.sampler} (${r.order.toFixed(2)})`, x: r.nfe, y: r.errors })),
      }])));
    }
    await outputs.commit();
    const table = rows.map((r) => `  ${r.sampler.padEnd(12)} order ${r.order.toFixed(2)} (declared ${r.declared})   ${r.nfe.map((f, i) => `${f}: ${r.errors[i].toExponential(2)}`).join('  ')}`);
    print(o, `weak errors on ${sde.kind} (NFE: error)\n${table.join('\n')}`, { sde: sde.kind, rows });
  },
};
