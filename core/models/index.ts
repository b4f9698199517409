export type { ScoreModel } from './score-model.js';
export * from './energy.js';
export * from './mlp.js';
export * from './input-features.js';
export * from './autoencoder.js';
export * from './group-norm.js';
export * from './attention.js';
export * from './unet.js';
export * from './digit-classifier.js';
