export * from './gmm.js';
export * from './spectral-score.js';
export * from './test-functions.js';
