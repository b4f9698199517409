export * from './probes.js';
export * from './trace.js';
