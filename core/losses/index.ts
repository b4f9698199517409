export * from './score-matching.js';
export * from './dsm.js';
export * from './cld.js';
export * from './qcsgm.js';
export * from './sde-sm.js';
export * from './path-dsm.js';
export * from './edm.js';
export * from './cross-entropy.js';
