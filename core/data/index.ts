export * from './toy.js';
