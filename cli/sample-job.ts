/**
 * The score a `scorekit sample` run uses (a checkpoint's model, or a mixture's exact score), and the
 * same run as a sample job that worker threads rebuild (`--threads`, `--chunk`: sampleParallel).
 */
import * as sk from '../index.js';
import { buildNet, checkSampler, type DataSpec, denoiseStep, gridOf, type ModelMeta, noiseOf, parseData, scoreFnOf } from './specs.js';
import { refuseWithCheckpoint, sdeFromFlags } from './sde-options.js';
import { checkModelCheckpoint } from './model-meta.js';
import { onnxFileOf, onnxScoreOn } from './onnx-source.js';

export async function modelFromCheckpoint(path: string, be: sk.Backend): Promise<{ meta: ModelMeta; sde: sk.Sde; score: sk.ScoreFn }> {
  const c = await sk.loadCheckpoint(path);
  const checked = checkModelCheckpoint(c, path);
  const meta = checked.meta as unknown as ModelMeta;
  const sde = checked.sde;
  const net = buildNet(meta, be);
  const params = sk.restoreTree(net.init, c.tensors, c.meta.hasEma ? 'ema' : 'params', { backend: be });
  return { meta, sde, score: scoreFnOf(meta, net, sde, params) };
}

export interface ScoreSource {
  readonly ckpt?: string;
  /** 'exact' (with data gmm:FILE.json and sde) or 'onnx:FILE' (with sde) when there is no checkpoint. */
  readonly score?: string;
  readonly data?: string;
  readonly sde?: string;
  /** The SDE flags of --score exact (--sigma-max, --M, …, by flag name); a checkpoint fixes its SDE. */
  readonly sdeFlags?: Record<string, number>;
}

/** The SDE, score and data dimension of a run (and its data, when known, for plots). */
export async function resolveScore(src: ScoreSource, be: sk.Backend): Promise<{ sde: sk.Sde; score: sk.ScoreFn; dim: number; data?: DataSpec }> {
  if (!!src.ckpt === !!src.score) throw new Error('give exactly one of --ckpt CKPT and --score exact');
  let data = src.data ? await parseData(src.data) : undefined;
  if (src.ckpt) {
    refuseWithCheckpoint(src.sdeFlags ?? {}, src.ckpt);
    const m = await modelFromCheckpoint(src.ckpt, be);
    // the data a checkpoint names is used for plots only when it is a toy set: a checkpoint never makes the program read a file
    if (!data && sk.isToyName(m.meta.data)) data = await parseData(m.meta.data);
    return { sde: m.sde, score: m.score, dim: m.meta.dim, data };
  }
  const onnx = onnxFileOf(src.score);
  if (onnx !== undefined) {
    if (!src.sde) throw new Error('--score onnx:FILE needs --sde');
    const sde = sdeFromFlags(src.sde, src.sdeFlags ?? {});
    const m = await onnxScoreOn(onnx, sde);
    if (data && data.dim !== m.dim) throw new Error(`--data has dimension ${data.dim}, the ONNX score ${m.dim}`);
    return { sde, score: m.score, dim: m.dim, data };
  }
  if (src.score !== 'exact') throw new Error(`--score must be 'exact' or onnx:FILE, got '${src.score}'`);
  if (!data?.gmm) throw new Error('--score exact needs --data gmm:FILE.json (the exact score is known for mixtures)');
  if (!src.sde) throw new Error('--score exact needs --sde');
  const sde = sdeFromFlags(src.sde, src.sdeFlags ?? {});
  return { sde, score: sk.exactScore(sde, data.gmm), dim: data.dim, data };
}

export interface CliSampleArgs extends ScoreSource {
  readonly sampler: string;
  readonly n: number;
  readonly steps: number;
  readonly eps: number;
  readonly denoise: boolean;
  readonly snr?: number;
  readonly backend: string;
  readonly seed: number;
  /** --grid (default: defaultGrid of the SDE). */
  readonly grid?: string;
  /** The samplers' other tuning options (--order, --variant, --eta, …). */
  readonly tuning?: Partial<sk.SamplerOptions>;
  /** --noise (default: the per-step stream). */
  readonly noise?: string;
  /** --check-finite (default 0: off). */
  readonly checkFinite?: number;
}

/** A `scorekit sample` run as a SampleSetup (the job factory of --threads; the same key as sk.runSampler). */
export async function cliSampleSetup(a: CliSampleArgs): Promise<sk.SampleSetup> {
  const be = await sk.getBackend(a.backend);
  const { sde, score, dim } = await resolveScore(a, be);
  const s = checkSampler(sde, a.sampler);
  if (!sk.chunkable(s)) {
    const names = sk.SAMPLER_NAMES.filter((n) => sk.chunkable(sk.SAMPLERS[n]) && sk.SAMPLERS[n].supports(sde) === null);
    throw new Error(`--threads, --chunk and --shard need a fixed-grid sampler whose rows are independent (${names.join(', ')}), not ${a.sampler}`);
  }
  const o = { ...a.tuning, ...a };
  sk.checkSamplerOptions(s, o);
  const stepper = s.stepper(sde, score, o);
  return { key: sk.random.key(a.seed), options: { sde, stepper, n: a.n, d: dim, steps: a.steps, eps: a.eps, backend: be, denoise: denoiseStep(sde, score, a.denoise), grid: gridOf(sde, a.grid, a.steps, a.eps), checkFinite: a.checkFinite, noise: noiseOf(a.noise, s, sde, a.seed) } };
}

export const sampleJob = (a: CliSampleArgs): sk.SampleJob => ({ module: import.meta.url, factory: 'cliSampleSetup', args: a });
