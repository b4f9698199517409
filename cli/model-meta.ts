/**
 * The schema of a `scorekit train` checkpoint's metadata, and its check against the stored tensors,
 * run before any SDE or network is built. Each field, SDE kind, loss and parameterisation is one entry
 * of a table below; the SDE table is keyed by the library's SDE kinds, so a new SDE does not compile
 * without its entry. A checkpoint passes when
 * - every field is known and of its type, with integers in range (width and depth bounded, the key's
 *   words 32-bit), the SDE's config keys exactly those of its kind with finite values the SDE accepts, the
 *   loss one that applies to the SDE, the data a name (never read: a checkpoint makes the program read
 *   no other file);
 * - the tensors are exactly the parameter groups the metadata implies (params, adam.m, adam.v, and ema
 *   when hasEma), each with the shapes of the network the metadata describes, in a float dtype, all
 *   values finite. So the network that is then built is no larger than what the file holds.
 */
import * as sk from '../index.js';
import type { StoredTensor } from '../index.js';
import { InputError } from './errors.js';

/** The time embedding of the command line's networks (buildNet in cli/specs.ts): Fourier features. */
export const MODEL_EMBEDDING_DIM = 16;
export const MAX_WIDTH = 1 << 16;
export const MAX_DEPTH = 256;
export const MAX_DIM = 1 << 20;

type SdeKind = sk.Sde['kind'];

interface SdeEntry {
  /** The config keys the SDE stores (sde.config), all required. */
  readonly config: readonly string[];
  /** The SDE of a config (its constructor validates the values). */
  readonly make: (c: Record<string, number>) => sk.Sde;
}

export const SDE_SCHEMA: Record<SdeKind, SdeEntry> = {
  ve: { config: ['sigmaMin', 'sigmaMax', 'T'], make: (c) => sk.veSde(c) },
  vp: { config: ['betaMin', 'betaMax', 'T'], make: (c) => sk.vpSde(c) },
  subvp: { config: ['betaMin', 'betaMax', 'T'], make: (c) => sk.subVpSde(c) },
  cld: { config: ['M', 'Gamma', 'beta0', 'beta1', 'gamma', 'numEps', 'T'], make: (c) => sk.cldSde(c) },
  edm: { config: ['sigmaData', 'sigmaMin', 'sigmaMax'], make: (c) => sk.edmSde(c) },
  rf: { config: [], make: () => sk.rfSde() },
  'vp-cosine': { config: ['s', 'T'], make: (c) => sk.vpCosineSde(c) },
  'vp-logsnr': { config: ['lambdaMin', 'lambdaMax'], make: (c) => sk.vpLogSnrSde(c) },
};

const SCALAR: readonly SdeKind[] = ['ve', 'vp', 'subvp'];
const PATHS: readonly SdeKind[] = ['edm', 'rf', 'vp-cosine', 'vp-logsnr'];

/** Each loss with the SDE kinds a checkpoint of it may have. */
export const LOSS_SCHEMA: Record<string, readonly SdeKind[]> = {
  dsm: [...SCALAR, 'cld', ...PATHS],
  ssm: SCALAR,
  'ssm-vr': SCALAR,
  ism: SCALAR,
  qc: SCALAR,
  hsm: ['cld'],
  edm: ['edm'],
  cfm: ['rf'],
  'dsm-eps': [...SCALAR, ...PATHS],
  'dsm-x0': [...SCALAR, ...PATHS],
  'dsm-v': [...SCALAR, ...PATHS],
};

export const PARAM_SCHEMA: readonly string[] = sk.PARAMETERISATIONS;
export const MODEL_KINDS = ['mlp', 'energy'] as const;

type Check = (v: unknown, at: string) => string | undefined;

/** A value for a message: its JSON, cut at 60 characters (arrays and objects nested past any depth are described, not printed). */
function show(v: unknown): string {
  if (Array.isArray(v)) return v.length <= 4 && v.every((x) => typeof x !== 'object' || x === null) ? JSON.stringify(v) : `an array of ${v.length}`;
  if (typeof v === 'object' && v !== null) return 'an object';
  const s = JSON.stringify(v) ?? String(v);
  return s.length > 60 ? `${s.slice(0, 60)}…` : s;
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const intIn = (lo: number, hi: number): Check => (v, at) =>
  Number.isSafeInteger(v) && (v as number) >= lo && (v as number) <= hi ? undefined : `${at} must be an integer in [${lo}, ${hi}], got ${show(v)}`;
const oneOf = (xs: readonly unknown[]): Check => (v, at) => (xs.includes(v) ? undefined : `${at} must be one of ${xs.map((x) => show(x)).join(', ')}, got ${show(v)}`);
const finiteAtLeast = (lo: number): Check => (v, at) => (typeof v === 'number' && Number.isFinite(v) && v >= lo ? undefined : `${at} must be a finite number ≥ ${lo}, got ${show(v)}`);
const bool: Check = (v, at) => (typeof v === 'boolean' ? undefined : `${at} must be true or false, got ${show(v)}`);
const dataName: Check = (v, at) => (typeof v === 'string' && v.length <= 4096 && (sk.isToyName(v) || v.startsWith('gmm:')) ? undefined : `${at} must be a data name (toy set or gmm:FILE), got ${show(v)}`);

function fields(schema: Record<string, { readonly check: Check; readonly optional?: boolean }>, v: unknown, at: string): string | undefined {
  if (!isObject(v)) return `${at} must be an object, got ${show(v)}`;
  for (const k of Object.keys(v)) if (!Object.hasOwn(schema, k)) return `${at} has an unknown field '${k}'`;
  for (const [k, f] of Object.entries(schema)) {
    if (v[k] === undefined) {
      if (f.optional) continue;
      return `${at} lacks the field '${k}'`;
    }
    const e = f.check(v[k], `${at}.${k}`);
    if (e) return e;
  }
  return undefined;
}

const MODEL_FIELDS = {
  kind: { check: oneOf(MODEL_KINDS) },
  width: { check: intIn(1, MAX_WIDTH) },
  depth: { check: intIn(0, MAX_DEPTH) },
  keyWords: { check: ((v, at) => (Array.isArray(v) && v.length === 2 && v.every((w) => Number.isSafeInteger(w) && w >= 0 && w < 2 ** 32) ? undefined : `${at} must be two 32-bit unsigned integers, got ${show(v)}`)) as Check },
};

const sdeCheck: Check = (v, at) => {
  const e = fields({ kind: { check: oneOf(Object.keys(SDE_SCHEMA)) }, config: { check: (c, a) => (isObject(c) ? undefined : `${a} must be an object`) } }, v, at);
  if (e) return e;
  const { kind, config } = v as { kind: SdeKind; config: Record<string, unknown> };
  const allowed = SDE_SCHEMA[kind].config;
  for (const [k, x] of Object.entries(config)) {
    if (!allowed.includes(k)) return `${at}.config has an unknown field '${k}' for the ${kind} SDE (its fields: ${allowed.join(', ') || 'none'})`;
    if (typeof x !== 'number' || !Number.isFinite(x)) return `${at}.config.${k} must be a finite number, got ${show(x)}`;
  }
  const missing = allowed.filter((k) => !Object.hasOwn(config, k));
  if (missing.length) return `${at}.config lacks ${missing.map((k) => `'${k}'`).join(', ')} for the ${kind} SDE`;
  return undefined;
};

/** The metadata fields of a training checkpoint (ModelMeta of cli/specs.ts and saveTrainState's counters). */
/** The options a run used (train's --config form): an object of numbers, strings and booleans. */
const optionValues: Check = (v, at) => {
  if (!isObject(v)) return `${at} must be an object`;
  const bad = Object.entries(v).find(([, x]) => !['number', 'string', 'boolean'].includes(typeof x));
  return bad ? `${at}.${bad[0]} must be a number, string or boolean, got ${show(bad[1])}` : undefined;
};

export const META_SCHEMA: Record<string, { readonly check: Check; readonly optional?: boolean }> = {
  format: { check: oneOf(['scorekit-model']) },
  version: { check: oneOf([1]) },
  model: { check: (v, at) => fields(MODEL_FIELDS, v, at) },
  sde: { check: sdeCheck },
  loss: { check: oneOf(Object.keys(LOSS_SCHEMA)) },
  param: { check: oneOf(PARAM_SCHEMA), optional: true },
  data: { check: dataName },
  dim: { check: intIn(1, MAX_DIM) },
  lambda: { check: finiteAtLeast(0), optional: true },
  step: { check: intIn(0, Number.MAX_SAFE_INTEGER) },
  adamStep: { check: intIn(0, Number.MAX_SAFE_INTEGER) },
  hasEma: { check: bool },
  config: { check: optionValues, optional: true },
};

export interface CheckedModel {
  readonly meta: Record<string, unknown> & {
    readonly model: { readonly kind: 'mlp' | 'energy'; readonly width: number; readonly depth: number; readonly keyWords: [number, number] };
    readonly sde: { readonly kind: SdeKind; readonly config: Record<string, number> };
    readonly loss: string;
    readonly dim: number;
    readonly hasEma: boolean;
  };
  readonly sde: sk.Sde;
}

/** The [name, shape] list of one parameter group of the network the metadata describes. */
export function expectedShapes(group: string, inDim: number, outDim: number, width: number, depth: number): [string, number[]][] {
  const dims = [inDim + MODEL_EMBEDDING_DIM, ...new Array<number>(depth).fill(width), outDim];
  return dims.slice(1).flatMap((out, i) => [[`${group}.layers.${i}.W`, [dims[i], out]], [`${group}.layers.${i}.b`, [out]]] as [string, number[]][]);
}

/**
 * Check a checkpoint's metadata and tensors (see the file comment); returns the metadata and its SDE,
 * or throws an InputError naming the checkpoint and the first problem.
 */
export function checkModelCheckpoint(c: sk.CheckpointContents, source: string): CheckedModel {
  const fail = (msg: string): never => {
    throw new InputError(`${source}: ${msg}`);
  };
  if (!isObject(c.meta) || c.meta.format !== 'scorekit-model') fail(`a scorekit checkpoint but not of a model trained by 'scorekit train'`);
  const e = fields(META_SCHEMA, c.meta, 'meta');
  if (e) fail(e);
  const meta = c.meta as CheckedModel['meta'];
  if (!LOSS_SCHEMA[meta.loss].includes(meta.sde.kind)) fail(`meta.loss '${meta.loss}' does not apply to the ${meta.sde.kind} SDE`);
  let sde: sk.Sde;
  try {
    sde = SDE_SCHEMA[meta.sde.kind].make(meta.sde.config);
  } catch (err) {
    return fail(`meta.sde: ${(err as Error).message}`);
  }
  const inDim = sde.stateDim(meta.dim);
  const outDim = meta.model.kind === 'energy' ? 1 : meta.dim;
  const groups = ['params', 'adam.m', 'adam.v', ...(meta.hasEma ? ['ema'] : [])];
  const byName = new Map<string, StoredTensor>(c.tensors.map((t) => [t.name, t]));
  if (byName.size !== c.tensors.length) fail('duplicate tensor names');
  let expected = 0;
  for (const g of groups) {
    for (const [name, shape] of expectedShapes(g, inDim, outDim, meta.model.width, meta.model.depth)) {
      const t = byName.get(name);
      if (!t) fail(`the metadata describes a ${meta.model.kind} of width ${meta.model.width} and depth ${meta.model.depth}, but there is no tensor '${name}'`);
      if (t!.shape.length !== shape.length || t!.shape.some((d, i) => d !== shape[i])) {
        fail(`tensor '${name}' has shape [${t!.shape.join(', ')}]; the metadata (width ${meta.model.width}, depth ${meta.model.depth}, dim ${meta.dim}) implies [${shape.join(', ')}]`);
      }
      if (t!.dtype !== 'float32' && t!.dtype !== 'float64') fail(`tensor '${name}' is ${t!.dtype}; parameters are float32 or float64`);
      const bad = t!.data.findIndex((v) => !Number.isFinite(v));
      if (bad >= 0) fail(`tensor '${name}' holds ${t!.data[bad]} at element ${bad}; parameters must be finite`);
      expected++;
    }
  }
  if (c.tensors.length !== expected) {
    const known = new Set(groups.flatMap((g) => expectedShapes(g, inDim, outDim, meta.model.width, meta.model.depth).map(([n]) => n)));
    fail(`tensors the metadata does not describe: ${c.tensors.filter((t) => !known.has(t.name)).slice(0, 3).map((t) => `'${t.name}'`).join(', ')}`);
  }
  return { meta, sde };
}
