/**
 * What the CLI's names mean: data sets (a toy name or gmm:FILE.json), SDEs with their options, score
 * models rebuilt from checkpoints, and the pairing of SDEs with losses, models and samplers (the
 * sampler registry of core says which samplers apply). Every unknown name or bad pairing is an error
 * that says what is accepted.
 */
import { readInput } from '../io/files.js';
import * as E from 'fp-ts/lib/Either.js';
import * as sk from '../index.js';

export interface DataSpec {
  readonly name: string;
  readonly dim: number;
  readonly sample: (k: sk.PRNGKey, n: number, be: sk.Backend) => sk.Tensor;
  /** Present for mixtures: the exact data distribution. */
  readonly gmm?: sk.Gmm;
}

export async function parseData(spec: string): Promise<DataSpec> {
  if (spec.startsWith('gmm:')) {
    const file = spec.slice(4);
    const r = sk.parseGmmJson((await readInput(file, 'mixture file')).toString('utf8'));
    if (E.isLeft(r)) throw new Error(`invalid mixture in ${file}: ${r.left.join('; ')}`);
    const g = r.right;
    return { name: spec, dim: g.dim, gmm: g, sample: (k, n, be) => sk.gmmSample(g, k, n, { backend: be }) };
  }
  if (!sk.isToyName(spec)) throw new Error(`unknown data '${spec}'; use one of ${sk.TOY_DATASETS.join(', ')} or gmm:FILE.json`);
  return { name: spec, dim: 2, sample: (k, n, be) => sk.toyData(spec, k, n, { backend: be }) };
}

export const SDE_NAMES = ['ve', 'vp', 'subvp', 'cld', 'edm', 'rf', 'vp-cosine', 'vp-logsnr'] as const;

export function makeSde(name: string, cfg: Record<string, number> = {}): sk.Sde {
  switch (name) {
    case 've': return sk.veSde({ sigmaMin: cfg.sigmaMin ?? 0.01, sigmaMax: cfg.sigmaMax ?? 10 });
    case 'vp': return sk.vpSde(cfg);
    case 'subvp': return sk.subVpSde(cfg);
    case 'cld': return sk.cldSde(cfg);
    case 'edm': return sk.edmSde(cfg);
    case 'rf': return sk.rfSde();
    case 'vp-cosine': return sk.vpCosineSde(cfg);
    case 'vp-logsnr': return sk.vpLogSnrSde(cfg);
    default: throw new Error(`unknown SDE '${name}'; use one of ${SDE_NAMES.join(', ')}`);
  }
}

export const LOSSES = ['dsm', 'ssm', 'ssm-vr', 'ism', 'hsm', 'qc'] as const;
export const MODELS = ['mlp', 'energy'] as const;

export interface ModelMeta {
  readonly format: 'scorekit-model';
  readonly version: 1;
  readonly model: { readonly kind: 'mlp' | 'energy'; readonly width: number; readonly depth: number; readonly keyWords: [number, number] };
  readonly sde: { readonly kind: string; readonly config: Record<string, number> };
  readonly loss: string;
  readonly data: string;
  readonly dim: number;
  readonly lambda?: number;
}

/** The network of a model description (its Fourier buffer comes from the stored key). */
export function buildNet(meta: Pick<ModelMeta, 'model' | 'sde' | 'dim'>, be: sk.Backend): sk.Mlp {
  const inDim = makeSde(meta.sde.kind, meta.sde.config).stateDim(meta.dim);
  const outDim = meta.model.kind === 'energy' ? 1 : meta.dim;
  return sk.mlp(
    { inDim, outDim, width: meta.model.width, depth: meta.model.depth, embedding: { kind: 'fourier', dim: 16, scale: 4 } },
    sk.random.keyFromWords(meta.model.keyWords),
    { backend: be },
  );
}

/** The score model (params, x, t) → score used for training and sampling (CLD: the network output α). */
export function scoreModel(meta: Pick<ModelMeta, 'model' | 'sde' | 'dim'>, net: sk.Mlp, sde: sk.Sde): sk.ScoreModel<sk.MlpParams> {
  const base: sk.ScoreModel<sk.MlpParams> = meta.model.kind === 'energy'
    ? sk.energyScore<sk.MlpParams>((p, x, t) => sk.reshape(net.apply(p, x, t), [x.shape[0]]))
    : net.apply;
  switch (sde.kind) {
    case 've': case 'vp': case 'subvp': return sk.scaleOutput(base, (t) => sde.stdOf(t));
    case 'cld': return base;
    case 'edm': case 'vp-cosine': case 'rf': case 'vp-logsnr': throw new Error(`no command-line score model for the ${sde.kind} path yet`);
    default: return sk.unknownSde(sde);
  }
}

/** A sampler-ready score s(x, t) at one time from trained parameters. */
export function scoreFnOf(meta: ModelMeta, net: sk.Mlp, sde: sk.Sde, params: sk.MlpParams): sk.ScoreFn {
  const model = scoreModel(meta, net, sde);
  switch (sde.kind) {
    case 've': case 'vp': case 'subvp': return (x, t) => model(params, x, sk.full([x.shape[0]], t, { backend: x.backend, dtype: x.dtype }));
    case 'cld': return sk.cldScoreFn(sde, model, params, { objective: meta.loss === 'dsm' ? 'dsm' : 'hsm' });
    case 'edm': case 'vp-cosine': case 'rf': case 'vp-logsnr': throw new Error(`no command-line score model for the ${sde.kind} path yet`);
    default: return sk.unknownSde(sde);
  }
}

export function checkPairing(sde: sk.Sde, loss: string, model: string, sampler?: string): void {
  if (!(LOSSES as readonly string[]).includes(loss)) throw new Error(`unknown loss '${loss}'; use one of ${LOSSES.join(', ')}`);
  if (!(MODELS as readonly string[]).includes(model)) throw new Error(`unknown model '${model}'; use one of ${MODELS.join(', ')}`);
  switch (sde.kind) {
    case 've': case 'vp': case 'subvp':
      if (loss === 'hsm') throw new Error(`hybrid score matching (hsm) needs the CLD SDE, not ${sde.kind}`);
      break;
    case 'cld':
      if (!['hsm', 'dsm'].includes(loss)) throw new Error(`loss '${loss}' is not available for CLD; use hsm or dsm`);
      if (model === 'energy') throw new Error('energy models give a full score; CLD models learn the velocity score: use --model mlp');
      break;
    case 'edm': case 'vp-cosine': case 'rf': case 'vp-logsnr': throw new Error(`training on the ${sde.kind} path is not offered by the command line yet (the library has pathDsmLoss, cfmLoss and edmLoss); sample it with --score exact`);
    default: sk.unknownSde(sde);
  }
  if (sampler !== undefined) checkSampler(sde, sampler);
}

/** The registry entry of a sampler name that applies to the SDE, or an error saying why not. */
export function checkSampler(sde: sk.Sde, sampler: string): sk.Sampler {
  const s = sk.samplerByName(sampler);
  sk.checkSupports(s, sde);
  return s;
}

/** The final denoising step of --denoise: Tweedie, or a noise-free Euler step for CLD. */
export function denoiseStep(sde: sk.Sde, score: sk.ScoreFn, on: boolean): { kind: sk.DenoiseKind; score: sk.ScoreFn } | undefined {
  return on ? { kind: sk.defaultDenoise(sde), score } : undefined;
}

/** The data part of samples (the x half for CLD). */
export function dataPart(sde: sk.Sde, x: sk.Tensor): sk.Tensor {
  switch (sde.kind) {
    case 've': case 'vp': case 'subvp': return x;
    case 'cld': return sde.split(x).x;
    case 'edm': case 'vp-cosine': case 'rf': case 'vp-logsnr': return x;
    default: return sk.unknownSde(sde);
  }
}

/** The --grid of a run: a timeGrid kind, or the times of a Karras grid. */
export function gridOf(sde: sk.Sde, name: string, steps: number, eps: number): sk.GridKind | Float64Array {
  if (name === 'uniform' || name === 'quadratic') return name;
  if (name === 'karras' || name === 'logsnr') return sk.sdePathGrid(sde, name, steps, eps);
  throw new Error(`unknown grid '${name}'; use uniform, quadratic, karras or logsnr`);
}
