export type { SdeBase, ScoreFn, StateOptions, PriorOptions } from './types.js';
export { type Sde, type SdeKind, unknownSde } from './sde.js';
export { veSde, vpSde, subVpSde, type ScalarLinearSde, type VeConfig, type VpConfig } from './linear.js';
export { cldSde, type CldSde, type CldConfig, type CldKernel, type CldInit } from './cld.js';
export { linearMarginal, cldMarginal, marginal, exactScore, exactJointScore, exactLogDensity } from './oracle.js';
export { timeGrid, type GridKind, type GridOptions } from './timegrid.js';
