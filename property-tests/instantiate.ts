/** Inputs of a case on a backend (shared with `scorekit verify`, see core/verify). */
export { caseInputs as inputsFor, conditionScale } from '../core/verify/verify.js';
