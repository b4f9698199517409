/** Inputs of a case on a backend (shared with `scorekit verify`, see verify/). */
export { caseInputs as inputsFor, conditionScale } from '../verify/verify.js';
