export type { SdeBase, ScoreFn, StateOptions, PriorOptions } from './types.js';
export { type Sde, type SdeKind, unknownSde } from './sde.js';
export { veSde, vpSde, subVpSde, type ScalarLinearSde, type VeConfig, type VpConfig } from './linear.js';
export { cldSde, type CldSde, type CldConfig, type CldKernel, type CldInit } from './cld.js';
export { linearMarginal, cldMarginal, marginal, exactScore, exactJointScore, exactLogDensity } from './oracle.js';
export { timeGrid, type GridKind, type GridOptions } from './timegrid.js';
export {
  type GaussianPath, type GaussianPathKind, type EdmPath, type EdmConfig, type CosineConfig, type LogSnrConfig,
  gaussianPath, linearSdePath, edmPath, edmPrecond, vpCosinePath, rfPath, vpLogSnrPath, checkPathTime,
} from './gaussian-path.js';
export { type Parameterisation, PARAMETERISATIONS, affineOf, conversionCoefs, convertPrediction, asParameterisation } from './parameterisation.js';
export { pathSde, edmSde, rfSde, vpCosineSde, vpLogSnrSde, gaussianPathOf, karrasGrid, sdePathGrid, type PathSde, type PathSdeKind } from './path-sde.js';
export { pathMarginal, pathLogDensity, pathScore, pathOracle } from './path-oracle.js';
export { pathTimeGrid, type PathGridKind, type PathGridOptions, PATH_GRID_KINDS } from './path-grid.js';
export { cosineBetas } from './cosine-betas.js';
export * from './row-time-score.js';
export * from './opaque-score.js';
