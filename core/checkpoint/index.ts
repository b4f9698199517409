export * from './format.js';
export * from './restore.js';
