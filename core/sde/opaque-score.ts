/**
 * Scores that autodiff cannot differentiate (computed outside scorekit, e.g. by an ONNX runtime),
 * marked with the relative precision of their values, so that estimators that need their Jacobian
 * (the probability-flow divergence) take finite differences instead of a forward-mode pass, which
 * would see a constant.
 */
import type { ScoreFn } from './types.js';

export type OpaqueScoreFn<S extends ScoreFn = ScoreFn> = S & { readonly opaque: { readonly precision: number } };

/** `score` marked opaque, with its values' relative precision (e.g. 2^−23 for float32). */
export const opaqueScore = <S extends ScoreFn>(score: S, precision: number): OpaqueScoreFn<S> => Object.assign(score, { opaque: { precision } });

/** The precision of an opaque score, or undefined for a score autodiff sees through. */
export const opaquePrecision = (score: ScoreFn): number | undefined => (score as Partial<OpaqueScoreFn>).opaque?.precision;
