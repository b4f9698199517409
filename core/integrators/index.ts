export * from './langevin.js';
