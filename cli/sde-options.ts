/**
 * The SDE hyperparameters of the command line: VE's noise range (Song et al. 2021: σ(t) =
 * σ_min(σ_max/σ_min)^t, defaults 0.01 and 50 as veSde's), VP/sub-VP's β range (β(t) = β_min +
 * t(β_max − β_min), defaults 0.1 and 20) and CLD's mass M (0.25), β (the constant β₀ = 4 of β(t) =
 * β₀ + β₁t) and initial velocity factor γ (v₀ ~ N(0, γM), 0.04), with friction Γ = 2√M (critical
 * damping; Dockhorn et al. 2022, section 3 and CLD-SGM's configs). A flag applies to the SDEs its
 * entry names; every value is checked here with the flag's name (finite, > 0 (γ ≥ 0), min < max).
 */
import type { OptionSpec, Parsed } from './args.js';
import { InputError } from './errors.js';
import { makeSde } from './specs.js';
import type { Sde } from '../index.js';

interface SdeFlag {
  /** The key of the SDE's config (veSde, vpSde, subVpSde, cldSde). */
  readonly key: string;
  readonly sdes: readonly string[];
  readonly help: string;
  /** 0 when the value may be zero (γ), else it must be > 0. */
  readonly floor?: 0;
}

const SDE_FLAGS = {
  'sigma-min': { key: 'sigmaMin', sdes: ['ve'], help: 'VE: σ_min > 0 (default 0.01)' },
  'sigma-max': { key: 'sigmaMax', sdes: ['ve'], help: 'VE: σ_max > σ_min (default 50, the library\'s and score_sde\'s)' },
  'beta-min': { key: 'betaMin', sdes: ['vp', 'subvp'], help: 'VP, sub-VP: β_min > 0 (default 0.1)' },
  'beta-max': { key: 'betaMax', sdes: ['vp', 'subvp'], help: 'VP, sub-VP: β_max > β_min (default 20)' },
  M: { key: 'M', sdes: ['cld'], help: 'CLD: mass M > 0; friction Γ = 2√M (default 0.25)' },
  beta: { key: 'beta0', sdes: ['cld'], help: 'CLD: constant β > 0 of the time change (default 4)' },
  gamma: { key: 'gamma', sdes: ['cld'], help: 'CLD: initial velocity variance factor γ ≥ 0, v₀ ~ N(0, γM) (default 0.04)', floor: 0 },
} as const satisfies Record<string, SdeFlag>;

type SdeFlagName = keyof typeof SDE_FLAGS;
const FLAGS = Object.entries(SDE_FLAGS) as [SdeFlagName, SdeFlag][];

/** The pairs (min, max) that must be ordered. */
const RANGES: readonly (readonly [SdeFlagName, SdeFlagName])[] = [['sigma-min', 'sigma-max'], ['beta-min', 'beta-max']];

/** The options of the SDE flags, for a command's option table. */
export const SDE_OPTIONS: Record<string, OptionSpec> = Object.fromEntries(FLAGS.map(([flag, f]) => [flag, { kind: 'number', help: f.help }]));

/** The SDE flags given, by flag name. */
export const sdeFlagsGiven = (o: Parsed): Record<string, number> =>
  Object.fromEntries(FLAGS.filter(([flag]) => o[flag] !== undefined).map(([flag]) => [flag, o[flag] as number]));

/** A checkpoint fixes its SDE: no SDE flag goes with one. */
export function refuseWithCheckpoint(flags: Readonly<Record<string, number>>, ckpt: string): void {
  const given = Object.keys(flags);
  if (given.length) throw new InputError(`--${given[0]}: a checkpoint fixes its SDE (${ckpt}); the SDE flags apply with --score exact`);
}

/** The SDE config of the flags given for `sde` (an error for a flag of another SDE or a bad value). */
export function sdeConfigOf(sde: string, o: Parsed): Record<string, number> {
  const cfg: Record<string, number> = {};
  for (const [flag, f] of FLAGS) {
    const v = o[flag];
    if (v === undefined) continue;
    if (!f.sdes.includes(sde)) throw new InputError(`--${flag} applies to --sde ${f.sdes.join(' or ')}, not ${sde}`);
    if (typeof v !== 'number' || !Number.isFinite(v)) throw new InputError(`--${flag} must be a finite number, got ${String(v)}`);
    if (f.floor === 0 ? v < 0 : v <= 0) throw new InputError(`--${flag} must be ${f.floor === 0 ? '≥ 0' : '> 0'}, got ${v}`);
    cfg[f.key] = v;
  }
  return cfg;
}

/** The SDE flags of a config (the inverse of sdeConfigOf on the keys the flags name), to write back as the effective options. */
export function sdeFlagsOf(sde: string, config: Readonly<Record<string, unknown>>): Record<string, number> {
  return Object.fromEntries(FLAGS.filter(([, f]) => f.sdes.includes(sde) && typeof config[f.key] === 'number').map(([flag, f]) => [flag, config[f.key] as number]));
}

/** Range checks across flags: each min below its max (the other end from the SDE's defaults when one is given alone). */
export function checkSdeRanges(sde: string, config: Readonly<Record<string, unknown>>): void {
  const flags = sdeFlagsOf(sde, config);
  for (const [lo, hi] of RANGES) {
    if (flags[lo] !== undefined && flags[hi] !== undefined && !(flags[lo] < flags[hi])) throw new InputError(`--${lo} (${flags[lo]}) must be below --${hi} (${flags[hi]})`);
  }
}

/** The SDE of a run from its name, the SDE flags given and other config (e.g. train's σ_data), range-checked with the flags' names. */
export function sdeFromFlags(name: string, o: Parsed, extra: Record<string, number> = {}): Sde {
  const cfg = { ...extra, ...sdeConfigOf(name, o) };
  checkSdeRanges(name, { ...makeSde(name).config, ...cfg });
  return makeSde(name, cfg);
}
