export { PRNGKey, key, keyFromWords, split, foldIn, randomBits } from './key.js';
export { threefry2x32, threefryBlocks } from './threefry.js';
export * from './distributions.js';
export * from './brownian-tree.js';
