export * from './gmm.js';
