export * from './gmm.js';
export * from './spectral-score.js';
