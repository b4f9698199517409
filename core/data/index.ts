export * from './toy.js';
export * from './idx.js';
