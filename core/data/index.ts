export * from './toy.js';
export * from './idx.js';
export * from './cifar.js';
export * from './split.js';
