export { PRNGKey, key, keyFromWords, split, foldIn, randomBits } from './key.js';
export { threefry2x32 } from './threefry.js';
export * from './distributions.js';
