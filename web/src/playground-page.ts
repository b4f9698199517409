/**
 * The playground page: a Gaussian mixture edited as text or by clicks, an SDE/path and a sampler of the
 * registry, NFE and seed; it draws the exact score field, the samples beside exact samples, the
 * trajectories and the weak error against NFE. The training tab fits a small MLP to a toy set with
 * DSM on the VP SDE and draws the loss as it goes. window.playground exposes the runs (the
 * end-to-end test drives them).
 */
import * as sk from 'scorekit';
import { probeBackends } from './backends.js';
import { errorAgainstNfe, mixtureText, parseMixture, runSampling, samplersFor, scoreField, SDES, sdeOf, viewOf, type RunSpec, type View } from './lab.js';
import { arrows, chart, paths, scatter, title } from './plot.js';

const $ = <T extends HTMLElement = HTMLInputElement>(id: string): T => document.getElementById(id) as T;
const COLORS = ['#c33', '#36c', '#393', '#a5c', '#c80', '#088'];
const status = (s: string): void => { $('status').textContent = s; };
const tick = (): Promise<void> => new Promise((r) => setTimeout(r, 0));

const DEFAULT_MIXTURE = mixtureText({
  weights: [0.3, 0.45, 0.25],
  means: [[-2, -1], [1.5, 1.5], [2, -2]],
  covs: [[[0.25, 0], [0, 0.25]], [[0.36, 0], [0, 0.36]], [[0.16, 0], [0, 0.16]]],
});

function spec(): RunSpec {
  return {
    mixture: $<HTMLTextAreaElement>('mixture').value, sde: $<HTMLSelectElement>('sde').value, sampler: $<HTMLSelectElement>('sampler').value,
    steps: Number($('steps').value), seed: Number($('seed').value), n: Number($('n').value), backend: $<HTMLSelectElement>('backend').value,
  };
}

function fill(sel: HTMLSelectElement, values: readonly string[], keep?: string): void {
  sel.innerHTML = values.map((v) => `<option>${v}</option>`).join('');
  if (keep && values.includes(keep)) sel.value = keep;
}

function view(): View {
  return viewOf(parseMixture(spec().mixture));
}

async function drawField(): Promise<void> {
  const s = spec();
  const T = sdeOf(s.sde).T;
  const t = Number($('t').value) * T;
  $('tval').textContent = t.toPrecision(3) + (s.sde === 'cld' ? ' (CLD: the mixture\'s own score)' : '');
  const v = view();
  const side = 21;
  const f = await scoreField(s, Math.max(t, 1e-3), v, side);
  arrows($<HTMLCanvasElement>('c-field'), f.points, f.scores, v, (v.x1 - v.x0) / side);
}

async function sampleRun(): Promise<void> {
  const s = spec();
  status(`sampling ${s.sampler} on ${s.sde}, ${s.steps} steps …`);
  await tick();
  const t0 = performance.now();
  const r = await runSampling(s, 25);
  const v = view();
  scatter($<HTMLCanvasElement>('c-samples'), r.samples, v, '#36c');
  scatter($<HTMLCanvasElement>('c-exact'), r.exact, v, '#c63');
  if (r.trajectories.length) paths($<HTMLCanvasElement>('c-paths'), r.trajectories, v);
  else { $<HTMLCanvasElement>('c-paths').getContext('2d')!.clearRect(0, 0, 260, 260); title($<HTMLCanvasElement>('c-paths'), `${s.sampler} keeps no trajectory (not a fixed-grid sampler)`); }
  $('nfe').textContent = String(r.nfe);
  status(`${s.sampler} on ${s.sde}: ${s.n} samples, ${r.nfe} NFE, ${((performance.now() - t0) / 1000).toFixed(2)} s on ${s.backend}`);
}

async function errorRun(): Promise<void> {
  const s = spec();
  const sde = sdeOf(s.sde);
  const ok = new Set(samplersFor(sde));
  const names = $('compare').value.split(',').map((x) => x.trim()).filter(Boolean);
  const bad = names.filter((n) => !ok.has(n));
  if (bad.length) throw new Error(`not for ${s.sde}: ${bad.join(', ')} (these apply: ${[...ok].join(', ')})`);
  const steps = $('compare-steps').value.split(',').map(Number).filter((x) => Number.isInteger(x) && x > 0);
  status(`error against NFE: ${names.join(', ')} at ${steps.join(', ')} steps …`);
  await tick();
  const { curves, floor } = await errorAgainstNfe(s, names, steps);
  chart($<HTMLCanvasElement>('c-errors'), curves.map((c, i) => ({ name: c.sampler, x: c.nfe, y: c.error, color: COLORS[i % COLORS.length] })), {
    logX: true, logY: true, hline: { y: floor, label: `exact samples (n = ${s.n})` }, xLabel: 'NFE', yLabel: '|Δmean| + ‖Δcov‖',
  });
  status(`error against NFE done (Monte Carlo floor ${floor.toPrecision(2)})`);
}

function updateSamplers(): void {
  const sel = $<HTMLSelectElement>('sampler');
  fill(sel, samplersFor(sdeOf($<HTMLSelectElement>('sde').value)), sel.value || 'em');
}

let stopTraining = false;

/** Train an MLP score model with DSM on the VP SDE in chunks of steps, drawing the loss between chunks. */
async function trainRun(): Promise<{ losses: number[] }> {
  stopTraining = false;
  const be = await sk.getBackend($<HTMLSelectElement>('backend').value);
  const toy = $<HTMLSelectElement>('toy').value as sk.ToyName;
  const total = Number($('train-steps').value);
  const lr = Number($('lr').value);
  const sde = sk.vpSde({});
  const key = sk.random.key(Number($('seed').value));
  const data = sk.toyData(toy, sk.random.foldIn(key, 0), 1000, { backend: be });
  const dv: View = { x0: -4.5, x1: 4.5, y0: -4.5, y1: 4.5 };
  scatter($<HTMLCanvasElement>('c-data'), Float64Array.from((await data.data()) as ArrayLike<number>), dv, '#c63');
  const net = sk.mlp({ inDim: 2, outDim: 2, width: Number($('width').value), depth: 2, embedding: { kind: 'fourier', dim: 16, scale: 4 } }, sk.random.foldIn(key, 1), { backend: be });
  const model = sk.scaleOutput(net.apply, (t) => sde.stdOf(t));
  const cfg = { optimizer: { lr }, emaDecay: 0.99 };
  let state = sk.trainInit(net.init, cfg);
  const losses: number[] = [];
  const chunk = 25;
  const t0 = performance.now();
  for (let done = 0, j = 0; done < total && !stopTraining; j++) {
    const steps = Math.min(chunk, total - done);
    const prev = state;
    const r = await sk.train(state, sk.random.foldIn(key, 100 + j), {
      ...cfg, steps,
      loss: (p, batch, k) => sk.sdeDsmLoss(sde, model, p, batch, k),
      batch: (_i, k) => sk.toyData(toy, k, 256, { backend: be }),
    });
    state = r.state;
    if (j > 0) {
      const live = new Set(sk.treeLeaves(state));
      sk.dispose(sk.treeLeaves(prev).filter((t) => !live.has(t)));
    }
    losses.push(...r.losses);
    done += steps;
    chart($<HTMLCanvasElement>('c-loss'), [{ name: 'DSM loss (per step)', x: losses.map((_, i) => i + 1), y: losses, color: '#36c' }], { xLabel: 'step', yLabel: 'loss' });
    $('train-status').textContent = `step ${done} / ${total}, loss ${losses[losses.length - 1].toPrecision(3)}, ${(done / ((performance.now() - t0) / 1000)).toFixed(0)} steps/s on ${be.name}`;
    await tick();
  }
  const params = state.ema ?? state.params;
  const score: sk.ScoreFn = (x, t) => model(params, x, sk.full([x.shape[0]], t, { backend: x.backend, dtype: x.dtype }));
  const y = await sk.runSampler(sk.random.foldIn(key, 2), sk.SAMPLERS.em, sde, score, { n: 1000, d: 2, steps: 200, backend: be });
  scatter($<HTMLCanvasElement>('c-learned'), Float64Array.from((await y.x.data()) as ArrayLike<number>), dv, '#36c');
  y.x.dispose();
  $('train-status').textContent += ' — sampled';
  return { losses };
}

function guard(f: () => Promise<unknown>, out: (s: string) => void = status): () => void {
  return () => void f().catch((e) => out(`error: ${(e as Error).message}`));
}

function tab(name: 'sample' | 'train'): void {
  for (const t of ['sample', 'train']) {
    $(`tab-${t}`).classList.toggle('on', t === name);
    $(`pane-${t}`).classList.toggle('hidden', t !== name);
  }
}

async function main(): Promise<void> {
  $<HTMLTextAreaElement>('mixture').value = DEFAULT_MIXTURE;
  fill($<HTMLSelectElement>('sde'), Object.keys(SDES), 'vp');
  updateSamplers();
  fill($<HTMLSelectElement>('toy'), sk.TOY_DATASETS, '8gaussians');
  const probes = await probeBackends();
  const found = probes.filter((p) => p.name).map((p) => p.spec);
  fill($<HTMLSelectElement>('backend'), found, 'cpu');
  $('found').textContent = `backends in this browser: ${found.join(', ')}`;
  $('found').title = probes.filter((p) => !p.name).map((p) => `${p.spec}: ${p.reason}`).join('\n');
  $('sde').addEventListener('change', () => { updateSamplers(); guard(drawField)(); });
  $('mixture').addEventListener('change', guard(drawField));
  $('t').addEventListener('input', guard(drawField));
  $('run').addEventListener('click', guard(sampleRun));
  $('errors').addEventListener('click', guard(errorRun));
  $('train').addEventListener('click', guard(trainRun, (s) => { $('train-status').textContent = s; }));
  $('stop').addEventListener('click', () => { stopTraining = true; });
  $('tab-sample').addEventListener('click', () => tab('sample'));
  $('tab-train').addEventListener('click', () => tab('train'));
  $('c-exact').addEventListener('click', (ev) => {
    const c = ev.currentTarget as HTMLCanvasElement;
    const v = view();
    const x = v.x0 + (ev.offsetX / c.clientWidth) * (v.x1 - v.x0);
    const y = v.y1 - (ev.offsetY / c.clientHeight) * (v.y1 - v.y0);
    const ta = $<HTMLTextAreaElement>('mixture');
    ta.value = `${ta.value.trimEnd()}\n0.2 ${x.toFixed(2)} ${y.toFixed(2)} 0.4`;
    guard(drawField)();
  });
  (window as unknown as { playground: unknown }).playground = {
    probes, runSampling, errorAgainstNfe, sampleRun, errorRun, trainRun, tab, spec,
    /** The samples of a run as the hex of their float64 bytes (bit-exact across the page boundary). */
    async samplesHex(s: RunSpec): Promise<{ hex: string; nfe: number }> {
      const r = await runSampling(s, 0);
      return { hex: [...new Uint8Array(r.samples.buffer)].map((b) => b.toString(16).padStart(2, '0')).join(''), nfe: r.nfe };
    },
  };
  await drawField();
  await sampleRun();
}

void main().catch((e) => status(`error: ${(e as Error).message}`));
