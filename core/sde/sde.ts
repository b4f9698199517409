/**
 * The SDEs of the library as one tagged union. Code that needs more than the common interface
 * (SdeBase: drift, diffusion, reverse drift, prior) switches on `kind` exhaustively, ending in
 * `unknownSde`, so that a new kind is a compile error at every dispatch site instead of a cast.
 */
import type { CldSde } from './cld.js';
import type { ScalarLinearSde } from './linear.js';
import type { PathSde } from './path-sde.js';

export type Sde = ScalarLinearSde | CldSde | PathSde;
export type SdeKind = Sde['kind'];

/** The end of an exhaustive switch on an SDE's kind: unreachable for the kinds the type knows. */
export function unknownSde(sde: never): never {
  throw new RangeError(`unknown SDE kind '${(sde as { kind?: unknown }).kind}'`);
}
