export * from './optim.js';
export * from './train.js';
