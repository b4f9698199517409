export { erf, erfc, normalCdf } from './special.js';
export { ksTest, kolmogorovSf, type KsResult } from './ks.js';
