import * as sk from '../../index.js';
import { COMMON, type Command, print } from '../command.js';
import type { OptionSpec, Parsed } from '../args.js';
import { checkSampler, dataPart, defaultGrid, denoiseStep, gridOf, noiseOf, SDE_NAMES } from '../specs.js';
import { resolveScore, sampleJob } from '../sample-job.js';
import { progressBar } from '../progress.js';
import { rangeOf } from '../plot/figure.js';
import { figure } from '../plot/render.js';
import { dataFileOf, figureFiles, planRun, stageFigure } from '../run-files.js';
import { capThreads, checkMemory, sampleMemory } from '../limits.js';
import { requireFiniteSamples } from '../finite.js';
import { DEFAULT_STEPS, stepsOf } from '../nfe.js';
import { SDE_OPTIONS, sdeFlagsGiven, sdeFlagsOf } from '../sde-options.js';
import { effectiveConfig } from '../config-file.js';
import { samplesCsv } from '../csv.js';
import { SHARD_OPTIONS, shardFileText, shardLabel, shardOf } from '../shard.js';
import { onnxFileOf } from '../onnx-source.js';

type Tuning = number | string | boolean;

/** A choice among names, or a RangeError naming the flag and the choices. */
const oneOf = (flag: string, names: readonly string[]) => (v: string): string => {
  if (!names.includes(v)) throw new RangeError(`--${flag} must be one of ${names.join(', ')}, got '${v}'`);
  return v;
};

/**
 * The command-line flags of the samplers' tuning options, each with the samplers that read it (and
 * how a string flag becomes the option's value).
 */
const TUNING: Record<sk.SamplerOptionName, { flag: string; spec: OptionSpec; parse?: (v: string) => Tuning }> = {
  snr: { flag: 'snr', spec: { kind: 'number', min: 0, help: 'signal-to-noise ratio of the Langevin corrector (default 0.16)' } },
  levels: { flag: 'levels', spec: { kind: 'int', min: 1, help: `noise levels (default ${sk.ALD_DEFAULTS.levels})` } },
  stepRatio: { flag: 'step-ratio', spec: { kind: 'number', min: 0, help: `Langevin step at the last level ÷ σ_L² (default ${sk.ALD_DEFAULTS.stepRatio})` } },
  rtol: { flag: 'rtol', spec: { kind: 'number', min: 0, help: 'relative tolerance (default 1e-5)' } },
  atol: { flag: 'atol', spec: { kind: 'number', min: 0, help: 'absolute tolerance (default 1e-5)' } },
  order: { flag: 'order', spec: { kind: 'int', help: 'multistep order, 1–3 (DEIS: past outputs r, default 3; UniPC: p, default 2)' } },
  variant: { flag: 'variant', spec: { kind: 'string', help: "UniPC's B(h): bh1 (default) | bh2" }, parse: oneOf('variant', sk.UNIPC_VARIANTS) },
  lowerOrderFinal: {
    flag: 'lower-order-final', spec: { kind: 'string', help: 'on | off: lower the order of the last steps (default: DPM-Solver++ below 10 steps, UniPC always)' },
    parse: (v) => oneOf('lower-order-final', ['on', 'off'])(v) === 'on',
  },
  eta: { flag: 'eta', spec: { kind: 'number', help: 'noise scale η ≥ 0 (ddim: 0 deterministic … 1, default 0; euler-ancestral and the DPM-Solver++ SDE variants: default 1)' } },
  solverType: { flag: 'solver-type', spec: { kind: 'string', help: 'second-order term of DPM-Solver++(2M) SDE: midpoint (default) | heun' }, parse: oneOf('solver-type', sk.SDE_SOLVER_TYPES) },
  sChurn: { flag: 's-churn', spec: { kind: 'number', help: 'EDM churn S_churn ≥ 0 (default 0: deterministic)' } },
  sTmin: { flag: 's-tmin', spec: { kind: 'number', help: 'churn only where σ/α ≥ S_tmin (default 0)' } },
  sTmax: { flag: 's-tmax', spec: { kind: 'number', help: 'churn only where σ/α ≤ S_tmax (default ∞)' } },
  sNoise: { flag: 's-noise', spec: { kind: 'number', help: 'scale S_noise > 0 of the fresh noise (default 1)' } },
  sscsVariant: { flag: 'sscs-variant', spec: { kind: 'string', help: "SSCS's splitting: strang (default: score at the step's midpoint) | official (CLD-SGM's code: score at the step start)" }, parse: oneOf('sscs-variant', sk.SSCS_VARIANTS) },
};

const tuningOptions: Record<string, OptionSpec> = Object.fromEntries(Object.entries(TUNING).map(([name, { flag, spec }]) => {
  const users = sk.SAMPLER_NAMES.filter((n) => (sk.SAMPLERS[n].options as readonly string[]).includes(name));
  return [flag, { ...spec, help: `${spec.help}; read by ${users.join(', ')}` }];
}));

/** The tuning options given on the command line, by their SamplerOptions names. */
export const tuningOf = (o: Parsed): Partial<sk.SamplerOptions> =>
  Object.fromEntries(Object.entries(TUNING).filter(([, { flag }]) => o[flag] !== undefined).map(([name, { flag, parse }]) => [name, parse ? parse(String(o[flag])) : o[flag]]));

export const sampleCommand: Command = {
  name: 'sample',
  usage: 'scorekit sample (--ckpt CKPT | --score exact --data gmm:FILE.json --sde NAME | --score onnx:FILE --sde NAME) --sampler NAME --steps N --n COUNT --out FILE.json|FILE.csv [--plot FILE.png]',
  summary: 'Draw samples with a trained model or the exact score of a Gaussian mixture.',
  options: {
    ckpt: { kind: 'string', help: 'checkpoint written by scorekit train' },
    score: { kind: 'string', help: "'exact': the exact score of --data (a gmm:FILE.json mixture); onnx:FILE: an ONNX score network (x [n, S], t [n] → score) under --sde" },
    data: { kind: 'string', help: 'data (for --score exact, and for the plot)' },
    sde: { kind: 'string', help: `${SDE_NAMES.join(' | ')} (with --score exact)` },
    sampler: { kind: 'string', default: 'em', help: `${sk.SAMPLER_NAMES.join(' | ')} (scorekit samplers lists them)` },
    steps: { kind: 'int', min: 1, help: `sampler steps (default ${DEFAULT_STEPS})` },
    nfe: { kind: 'int', min: 1, help: "score evaluations instead of --steps, counting --denoise's as CLD-SGM does (fixed-grid samplers; must be reachable exactly)" },
    ...SDE_OPTIONS,
    n: { kind: 'int', default: 1000, min: 1, help: 'number of samples' },
    eps: { kind: 'number', default: 1e-3, help: 'sampling end time ε ∈ (0, T)' },
    grid: { kind: 'string', help: "time grid of fixed-grid samplers: uniform | quadratic (CLD-SGM's) | karras (EDM's ρ = 7 in σ/α, ending on the data: no --denoise) | logsnr (uniform in log-SNR, DPM-Solver's); the last two on Gaussian paths. Default: karras on edm, logsnr on vp-cosine and vp-logsnr, uniform elsewhere" },
    ...tuningOptions,
    denoise: { kind: 'flag', help: 'final denoising step (Tweedie; a noise-free Euler step for CLD)' },
    noise: { kind: 'string', help: "step noise of fixed-grid samplers: stream (default, per step index) | brownian (one Brownian path per row, the same for every grid: strong errors, refinement studies)" },
    out: { kind: 'string', help: 'output FILE.json or FILE.csv (required)' },
    plot: { kind: 'string', help: 'scatter plot PNG of the samples (beside the data when --data is given), with FILE.vl.json' },
    trajectory: { kind: 'string', help: 'PNG of the samples at six times along the run (fixed-grid samplers), with FILE.vl.json' },
    threads: { kind: 'int', min: 1, help: 'worker threads: the particles split by rows, the same samples bit for bit (fixed-grid samplers but pc)' },
    chunk: { kind: 'int', min: 1, help: 'rows sampled at a time (bounds the memory; the same samples bit for bit)' },
    ...SHARD_OPTIONS,
    'check-finite': { kind: 'int', default: 1, min: 0, help: 'stop at the first step whose state holds NaN or ±∞, checked every N steps (fixed-grid samplers; 0: off)' },
    ...COMMON,
  },
  async run(o) {
    const out = o.out as string | undefined;
    if (!out || !/\.(json|csv)$/i.test(out)) throw new Error('--out FILE.json or FILE.csv is required');
    const shard = shardOf(o);
    const rows = shard ? shard.rows[1] - shard.rows[0] : o.n as number;
    const outputs = await planRun([['--out', out], ...figureFiles('--plot', o.plot), ...figureFiles('--trajectory', o.trajectory)], [['--ckpt', o.ckpt], ['--score', onnxFileOf(o.score)], ['--data', dataFileOf(o.data)], ['--config', o.config]]);
    const be = await sk.getBackend(o.backend as string);
    const source = { ckpt: o.ckpt as string | undefined, score: o.score as string | undefined, data: o.data as string | undefined, sde: o.sde as string | undefined, sdeFlags: sdeFlagsGiven(o) };
    const { sde, score, dim, data } = await resolveScore(source, be);
    const eps = o.eps as number;
    if (!(eps > 0 && eps < sde.T)) throw new Error(`--eps must lie in (0, ${sde.T}), got ${eps}`);
    const sampler = checkSampler(sde, o.sampler as string);
    const steps = stepsOf(sampler, sde, { steps: o.steps as number | undefined, nfe: o.nfe as number | undefined, grid: o.grid as string | undefined, eps, denoise: !!o.denoise });
    checkMemory(sampleMemory({ n: rows, stateDim: sde.stateDim(dim), dim, steps, threads: o.threads as number | undefined, chunk: o.chunk as number | undefined, trajectory: !!o.trajectory }), o);
    const bar = progressBar('sample', !o.json);
    if (o.trajectory && dim !== 2) throw new Error(`--trajectory draws 2-D samples; these have dimension ${dim}`);
    const tuning = tuningOf(o);
    if (sampler.grid !== 'fixed' && o.grid !== undefined) throw new Error(`--grid needs a fixed-grid sampler; ${sampler.name} chooses its own times`);
    if (o.denoise && o.grid === undefined && sampler.grid === 'fixed' && defaultGrid(sde) === 'karras') throw new Error(`--denoise: the default grid on ${sde.kind} is karras, which ends on the data; give --grid uniform or logsnr for a final denoising step`);
    const noise = noiseOf(o.noise as string | undefined, sampler, sde, o.seed as number);
    const grid = sampler.grid === 'fixed' ? gridOf(sde, o.grid as string | undefined, steps, eps) : undefined;
    if (o.trajectory && sampler.grid !== 'fixed') throw new Error(`--trajectory needs a fixed-grid sampler, not ${sampler.name}`);
    const threads = o.threads as number | undefined;
    const chunk = o.chunk as number | undefined;
    if ((threads !== undefined || chunk !== undefined) && o.trajectory) throw new Error('--trajectory is not kept with --threads or --chunk');
    const onProgress = (p: { step: number; total: number }): void => bar.update(p.step, p.total);
    const parallel = threads !== undefined || chunk !== undefined || shard !== undefined;
    const run = parallel
      ? await sk.sampleParallel(sampleJob({
        ...source, sampler: o.sampler as string, n: rows, steps, eps, denoise: !!o.denoise, snr: o.snr as number | undefined, tuning, backend: o.backend as string, seed: o.seed as number, grid: o.grid as string | undefined, checkFinite: o['check-finite'] as number, noise: o.noise as string | undefined,
      }), { threads: capThreads(threads ?? 1, rows), chunk, onProgress, rowOffset: shard?.rows[0] })
      : await sk.runSampler(sk.random.key(o.seed as number), sampler, sde, score, {
        ...tuning, n: o.n as number, d: dim, steps, eps, backend: be, grid,
        denoise: denoiseStep(sde, score, !!o.denoise), trajectory: !!o.trajectory, onProgress, checkFinite: o['check-finite'] as number, noise,
      });
    bar.done();
    // the worker pool counts steps × NFE per step; an entry that counts its grid (steps into σ = 0) says so
    const r = sampler.nfeOn && run.grid && parallel ? { ...run, nfe: sampler.nfeOn(sde, run.grid) + (o.denoise ? 1 : 0) } : run;
    const x = dataPart(sde, r.x);
    requireFiniteSamples(await x.data(), dim, { sampler: o.sampler as string, sde: sde.kind, steps });
    const values = await x.array() as number[][];
    const config = effectiveConfig(o, { steps, ...(source.ckpt ? {} : sdeFlagsOf(sde.kind, sde.config)) });
    const info = { nfe: r.nfe, sampler: o.sampler, sde: sde.kind, seed: o.seed, backend: be.name, steps, n: o.n, denoise: !!o.denoise, config };
    if (shard) await outputs.stage('--out', await shardFileText({ samples: values, ...info }, shard));
    else if (/\.json$/i.test(out)) await outputs.stage('--out', JSON.stringify({ samples: values, ...info }) + '\n');
    else await outputs.stage('--out', samplesCsv(values, dim));
    if (o.plot) {
      if (dim !== 2) throw new Error(`--plot draws 2-D samples; these have dimension ${dim}`);
      const pts = await x.data();
      const ref = data ? await data.sample(sk.random.key(1 + (o.seed as number)), o.n as number, be).data() : undefined;
      const both = ref ? Float64Array.from([...pts, ...ref]) : pts;
      const xr = rangeOf(both, 2, 0);
      const yr = rangeOf(both, 2, 1);
      const panels = [
        ...(ref ? [{ kind: 'scatter' as const, title: `data (${data!.name})`, points: ref, x: xr, y: yr, color: '#555' }] : []),
        { kind: 'scatter' as const, title: `${o.sampler} samples (NFE ${r.nfe})`, points: pts, x: xr, y: yr },
      ];
      await stageFigure(outputs, '--plot', await figure(panels), config);
    }
    if (o.trajectory && r.trajectory && r.grid) {
      const idx = [0, 1, 2, 3, 4, 5].map((j) => Math.round((j * (r.trajectory!.length - 1)) / 5));
      const frames = await Promise.all(idx.map(async (i) => dataPart(sde, r.trajectory![i]).data()));
      const xr = rangeOf(frames[frames.length - 1], 2, 0);
      const yr = rangeOf(frames[frames.length - 1], 2, 1);
      const label = (i: number): string => (i < r.grid!.length ? `t = ${r.grid![i].toPrecision(3)}` : 'denoised');
      await stageFigure(outputs, '--trajectory', await figure(idx.map((i, j) => ({ kind: 'scatter' as const, title: label(i), points: frames[j], x: xr, y: yr })), { cols: 3, title: `${o.sampler} on ${sde.kind}: samples along the reverse-time run` }), config);
    }
    await outputs.commit();
    print(o, `${shardLabel(shard, o.n as number)} samples with ${o.sampler} on ${sde.kind} (NFE ${r.nfe}) → ${out}`, { out, ...info, ...(shard ? { shard } : {}) });
  },
};
