export * from './gmm.js';
export * from './energy.js';
