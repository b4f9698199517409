export { erf, erfc, normalCdf } from './special.js';
export { ksTest, kolmogorovSf, type KsResult } from './ks.js';
export { mmd2, mmd2Host, medianDistance, type MmdOptions } from './mmd.js';
export { slicedWasserstein, energyDistance } from './distances.js';
export { sampleMoments } from './moments.js';
export { classReport, type ClassReport } from './class-report.js';
export { nearestNeighbourDistances } from './nearest-neighbour.js';
