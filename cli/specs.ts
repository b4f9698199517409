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
    case 've': return sk.veSde(cfg);
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

export const LOSSES = ['dsm', 'ssm', 'ssm-vr', 'ism', 'hsm', 'qc', 'edm', 'cfm'] as const;
export const MODELS = ['mlp', 'energy'] as const;

/**
 * What a trained network predicts (`--param`). VE/VP/sub-VP models without one predict the score
 * through the output scaling s = F/σ(t) (score_sde's); a model with a parameterisation is trained
 * with denoising regression in that form (pathDsmLoss) and converted to the score per time
 * (convertPrediction). On EDM the network is always the preconditioned denoiser (x0).
 */
export function parameterisationOf(name: string): sk.Parameterisation {
  const p = sk.PARAMETERISATIONS.find((q) => q === name);
  if (!p) throw new Error(`unknown parameterisation '${name}'; use one of ${sk.PARAMETERISATIONS.join(', ')}`);
  return p;
}

/** The parameterisation a loss trains on an SDE when --param is not given (undefined: the scaled score of VE/VP/sub-VP, or CLD's velocity score). */
export function defaultParam(sde: sk.Sde, loss: string): sk.Parameterisation | undefined {
  switch (sde.kind) {
    case 've': case 'vp': case 'subvp': case 'cld': return undefined;
    case 'edm': return 'x0';
    case 'rf': return 'velocity';
    case 'vp-cosine': case 'vp-logsnr': return loss === 'cfm' ? 'velocity' : 'eps';
    default: return sk.unknownSde(sde);
  }
}

export interface ModelMeta {
  readonly format: 'scorekit-model';
  readonly version: 1;
  readonly model: { readonly kind: 'mlp' | 'energy'; readonly width: number; readonly depth: number; readonly keyWords: [number, number] };
  readonly sde: { readonly kind: string; readonly config: Record<string, number> };
  readonly loss: string;
  readonly data: string;
  readonly dim: number;
  readonly lambda?: number;
  /** What the network predicts (absent: the scaled score of VE/VP/sub-VP, or CLD's velocity score). */
  readonly param?: sk.Parameterisation;
  /** The options of the training run, as --config reads them. */
  readonly config?: Record<string, number | string | boolean>;
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
    case 'edm': case 'vp-cosine': case 'rf': case 'vp-logsnr': return base;
    default: return sk.unknownSde(sde);
  }
}

/** A sampler-ready score s(x, t) at one time from trained parameters. */
export function scoreFnOf(meta: ModelMeta, net: sk.Mlp, sde: sk.Sde, params: sk.MlpParams): sk.ScoreFn {
  const model = scoreModel(meta, net, sde);
  const at = (x: sk.Tensor, t: number): sk.Tensor => sk.full([x.shape[0]], t, { backend: x.backend, dtype: x.dtype });
  const converted = (path: sk.GaussianPath, param: sk.Parameterisation, pred: (x: sk.Tensor, t: number) => sk.Tensor): sk.ScoreFn =>
    (x, t) => sk.convertPrediction(path, param, 'score', t, x, pred(x, t));
  switch (sde.kind) {
    case 've': case 'vp': case 'subvp':
      return meta.param === undefined
        ? (x, t) => model(params, x, at(x, t))
        : converted(sk.linearSdePath(sde), meta.param, (x, t) => net.apply(params, x, at(x, t)));
    case 'cld': return sk.cldScoreFn(sde, model, params, { objective: meta.loss === 'dsm' ? 'dsm' : 'hsm' });
    case 'edm': {
      const edm = sk.edmPath(sde.config);
      return converted(edm, 'x0', (x, t) => sk.edmDenoise(edm, net.apply, params, x, new Float64Array(x.shape[0]).fill(t)));
    }
    case 'vp-cosine': case 'rf': case 'vp-logsnr':
      return converted(sde.path, meta.param ?? 'eps', (x, t) => net.apply(params, x, at(x, t)));
    default: return sk.unknownSde(sde);
  }
}

/**
 * The losses, models and parameterisations each SDE trains with: VE/VP/sub-VP every score-matching
 * loss (and DSM in any parameterisation), CLD hsm or dsm, EDM its preconditioned loss, rectified
 * flow conditional flow matching or DSM in any parameterisation, the VP paths DSM in any one.
 */
export function checkPairing(sde: sk.Sde, loss: string, model: string, param?: sk.Parameterisation, sampler?: string): void {
  if (!(LOSSES as readonly string[]).includes(loss)) throw new Error(`unknown loss '${loss}'; use one of ${LOSSES.join(', ')}`);
  if (!(MODELS as readonly string[]).includes(model)) throw new Error(`unknown model '${model}'; use one of ${MODELS.join(', ')}`);
  const scalar = ['dsm', 'ssm', 'ssm-vr', 'ism', 'qc'];
  switch (sde.kind) {
    case 've': case 'vp': case 'subvp':
      if (loss === 'hsm') throw new Error(`hybrid score matching (hsm) needs the CLD SDE, not ${sde.kind}`);
      if (!scalar.includes(loss)) throw new Error(`loss '${loss}' is not available for ${sde.kind}; use one of ${scalar.join(', ')}`);
      if (param !== undefined && param !== 'score') {
        if (loss !== 'dsm') throw new Error(`--param ${param} trains by denoising regression: use --loss dsm, not ${loss}`);
        if (model === 'energy') throw new Error(`energy models give a score (s = −∇E): --param ${param} needs --model mlp`);
      }
      break;
    case 'cld':
      if (!['hsm', 'dsm'].includes(loss)) throw new Error(`loss '${loss}' is not available for CLD; use hsm or dsm`);
      if (model === 'energy') throw new Error('energy models give a full score; CLD models learn the velocity score: use --model mlp');
      if (param !== undefined) throw new Error('CLD models learn the velocity score; --param applies to the Gaussian paths (ve, vp, subvp, edm, rf, vp-cosine, vp-logsnr)');
      break;
    case 'edm':
      if (loss !== 'edm') throw new Error(`the edm path trains its preconditioned denoiser with --loss edm, not ${loss}`);
      if (param !== undefined && param !== 'x0') throw new Error(`the EDM loss trains a denoiser (--param x0), not ${param}; a sampler converts it to any parameterisation`);
      break;
    case 'rf': case 'vp-cosine': case 'vp-logsnr':
      if (loss === 'cfm') {
        if (sde.kind !== 'rf') throw new Error(`conditional flow matching (cfm) is rectified flow's; on the ${sde.kind} path use --loss dsm --param velocity`);
        if (param !== undefined && param !== 'velocity') throw new Error(`cfm trains the flow velocity (--param velocity), not ${param}; use --loss dsm --param ${param}`);
      } else if (loss !== 'dsm') throw new Error(`loss '${loss}' is not available on the ${sde.kind} path; use dsm${sde.kind === 'rf' ? ' or cfm' : ''}`);
      break;
    default: sk.unknownSde(sde);
  }
  if (model === 'energy' && sde.kind !== 've' && sde.kind !== 'vp' && sde.kind !== 'subvp') throw new Error(`energy models are trained on ve, vp or subvp, not ${sde.kind}: use --model mlp`);
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

/** The grid a fixed-grid run uses when --grid is not given: EDM's ρ-grid on edm, uniform in log-SNR on the cosine and log-SNR VP paths (whose drift is stiff near T in t), uniform in t elsewhere. */
export function defaultGrid(sde: sk.Sde): 'uniform' | 'karras' | 'logsnr' {
  switch (sde.kind) {
    case 've': case 'vp': case 'subvp': case 'cld': case 'rf': return 'uniform';
    case 'edm': return 'karras';
    case 'vp-cosine': case 'vp-logsnr': return 'logsnr';
    default: return sk.unknownSde(sde);
  }
}

/** The --grid of a run (default: defaultGrid): a timeGrid kind, or the times of a Karras or log-SNR grid. */
export function gridOf(sde: sk.Sde, name: string | undefined, steps: number, eps: number): sk.GridKind | Float64Array {
  const kind = name ?? defaultGrid(sde);
  if (kind === 'uniform' || kind === 'quadratic') return kind;
  if (kind === 'karras' || kind === 'logsnr') return sk.sdePathGrid(sde, kind, steps, eps);
  throw new Error(`unknown grid '${kind}'; use uniform, quadratic, karras or logsnr`);
}

/**
 * The step noise of --noise: the key's per-step stream (default), or one Brownian path per row on
 * [0, T] (a virtual Brownian tree: every grid, chunk and thread count sees the same path; draw 1 of
 * a two-draw sampler is the step's Lévy area, which sra1 and shark use).
 */
export function noiseOf(name: string | undefined, sampler: sk.Sampler, sde: sk.Sde, seed: number): sk.NoiseSource | undefined {
  if (name === undefined || name === 'stream') return undefined;
  if (name !== 'brownian') throw new Error(`unknown noise '${name}'; use stream or brownian`);
  if (sampler.grid !== 'fixed') throw new Error(`--noise brownian needs a fixed-grid sampler; ${sampler.name} draws its own noise`);
  if (sampler.noiseDraws === 2 && !sampler.levyArea) throw new Error(`--noise brownian: ${sampler.name} draws two independent normals per step, not a Brownian increment and its Lévy area`);
  if (sampler.noiseDraws > 2) throw new Error(`--noise brownian: ${sampler.name} draws ${sampler.noiseDraws} normals per step; a Brownian path gives two`);
  return sk.brownianPath(sk.samplingKeys(sk.random.key(seed)).noise, { t0: 0, t1: sde.T });
}
