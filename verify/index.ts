export * from './cases.js';
export * from './verify.js';
