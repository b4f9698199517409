export * from './gmm.js';
export * from './energy.js';
export * from './mlp.js';
export * from './autoencoder.js';
