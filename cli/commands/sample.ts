import * as sk from '../../index.js';
import { writeFileAtomic } from '../../index.js';
import { COMMON, type Command, print } from '../command.js';
import { buildNet, dataPart, makeSde, type ModelMeta, parseData, runSampler, scoreFnOf } from '../specs.js';
import { progressBar } from '../progress.js';
import { figure, rangeOf } from '../plot/svg.js';
import { writeFigure } from '../plot/png.js';

export async function modelFromCheckpoint(path: string, be: sk.Backend): Promise<{ meta: ModelMeta; sde: sk.Sde; score: sk.ScoreFn }> {
  const c = await sk.loadCheckpoint(path);
  const meta = c.meta as unknown as ModelMeta;
  if (meta.format !== 'scorekit-model') throw new Error(`${path} is a scorekit checkpoint but not of a model trained by 'scorekit train'`);
  const sde = makeSde(meta.sde.kind, meta.sde.config);
  const net = buildNet(meta, be);
  const params = sk.restoreTree(net.init, c.tensors, c.meta.hasEma ? 'ema' : 'params', { backend: be });
  return { meta, sde, score: scoreFnOf(meta, net, sde, params) };
}

export const sampleCommand: Command = {
  name: 'sample',
  usage: 'scorekit sample (--ckpt CKPT | --score exact --data gmm:FILE.json --sde NAME) --sampler NAME --steps N --n COUNT --out FILE.json|FILE.csv [--plot FILE.png]',
  summary: 'Draw samples with a trained model or the exact score of a Gaussian mixture.',
  options: {
    ckpt: { kind: 'string', help: 'checkpoint written by scorekit train' },
    score: { kind: 'string', help: "'exact': the exact score of --data (a gmm:FILE.json mixture)" },
    data: { kind: 'string', help: 'data (for --score exact, and for the plot)' },
    sde: { kind: 'string', help: 've | vp | subvp | cld (with --score exact)' },
    sampler: { kind: 'string', default: 'em', help: 'em | rd | ancestral | pc | ald | ode-euler | ode-heun | ode-rk4 | ode-dopri5 | sscs' },
    steps: { kind: 'int', default: 100, min: 1, help: 'sampler steps' },
    n: { kind: 'int', default: 1000, min: 1, help: 'number of samples' },
    eps: { kind: 'number', default: 1e-3, help: 'sampling end time ε ∈ (0, T)' },
    snr: { kind: 'number', default: 0.16, help: 'signal-to-noise ratio of the Langevin corrector (pc)' },
    denoise: { kind: 'flag', help: 'final denoising step (Tweedie; a noise-free Euler step for CLD)' },
    out: { kind: 'string', help: 'output FILE.json or FILE.csv (required)' },
    plot: { kind: 'string', help: 'scatter plot PNG of the samples (beside the data when --data is given)' },
    trajectory: { kind: 'string', help: 'PNG of the samples at six times along the run (fixed-grid samplers)' },
    ...COMMON,
  },
  async run(o) {
    const out = o.out as string | undefined;
    if (!out || !/\.(json|csv)$/i.test(out)) throw new Error('--out FILE.json or FILE.csv is required');
    if (!!o.ckpt === !!o.score) throw new Error('give exactly one of --ckpt CKPT and --score exact');
    const be = await sk.getBackend(o.backend as string);
    let sde: sk.Sde;
    let score: sk.ScoreFn;
    let dim: number;
    let data = o.data ? await parseData(o.data as string) : undefined;
    if (o.ckpt) {
      const m = await modelFromCheckpoint(o.ckpt as string, be);
      sde = m.sde;
      score = m.score;
      dim = m.meta.dim;
      if (!data && m.meta.data) data = await parseData(m.meta.data).catch(() => undefined);
    } else {
      if (o.score !== 'exact') throw new Error(`--score must be 'exact', got '${o.score}'`);
      if (!data?.gmm) throw new Error('--score exact needs --data gmm:FILE.json (the exact score is known for mixtures)');
      if (!o.sde) throw new Error('--score exact needs --sde');
      sde = makeSde(o.sde as string);
      score = sk.exactScore(sde, data.gmm);
      dim = data.dim;
    }
    const eps = o.eps as number;
    if (!(eps > 0 && eps < sde.T)) throw new Error(`--eps must lie in (0, ${sde.T}), got ${eps}`);
    const bar = progressBar('sample', !o.json);
    if (o.trajectory && dim !== 2) throw new Error(`--trajectory draws 2-D samples; these have dimension ${dim}`);
    const r = await runSampler(sde, score, o.sampler as string, {
      k: sk.random.key(o.seed as number), n: o.n as number, d: dim, steps: o.steps as number, eps, denoise: !!o.denoise, snr: o.snr as number, be,
      trajectory: !!o.trajectory,
      onProgress: (p) => bar.update(p.step, p.total),
    });
    bar.done();
    const x = dataPart(sde, r.x);
    const values = await x.array() as number[][];
    const info = { nfe: r.nfe, sampler: o.sampler, sde: sde.kind, seed: o.seed, backend: be.name, steps: o.steps, n: o.n, denoise: !!o.denoise };
    if (/\.json$/i.test(out)) await writeFileAtomic(out, JSON.stringify({ samples: values, ...info }) + '\n');
    else await writeFileAtomic(out, [Array.from({ length: dim }, (_, i) => `x${i}`).join(','), ...values.map((row) => row.join(','))].join('\n') + '\n');
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
      await writeFigure(o.plot as string, figure(panels));
    }
    if (o.trajectory && r.trajectory && r.grid) {
      const idx = [0, 1, 2, 3, 4, 5].map((j) => Math.round((j * (r.trajectory!.length - 1)) / 5));
      const frames = await Promise.all(idx.map(async (i) => dataPart(sde, r.trajectory![i]).data()));
      const xr = rangeOf(frames[frames.length - 1], 2, 0);
      const yr = rangeOf(frames[frames.length - 1], 2, 1);
      const label = (i: number): string => (i < r.grid!.length ? `t = ${r.grid![i].toPrecision(3)}` : 'denoised');
      await writeFigure(o.trajectory as string, figure(idx.map((i, j) => ({ kind: 'scatter' as const, title: label(i), points: frames[j], x: xr, y: yr })), { cols: 3, title: `${o.sampler} on ${sde.kind}: samples along the reverse-time run` }));
    }
    print(o, `${o.n} samples with ${o.sampler} on ${sde.kind} (NFE ${r.nfe}) → ${out}`, { out, ...info });
  },
};
