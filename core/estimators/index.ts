export * from './probes.js';
export * from './trace.js';
export * from './fd-trace.js';
