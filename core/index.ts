export * from './tensor/index.js';
export * from './autodiff/index.js';
export * as random from './random/index.js';
export { PRNGKey } from './random/key.js';
export * from './tree/index.js';
export * as metrics from './metrics/index.js';
export * as linalg from './linalg/index.js';
export * from './models/index.js';
export * from './integrators/index.js';
