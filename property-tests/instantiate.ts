/** Turn a case instance into concrete inputs on a backend: values from the case's seed. */
import * as sk from '../index.js';
import { hostUniform } from '../tests/helpers.js';
import type { CaseInstance, OpCase } from './cases.js';

export function inputsFor(c: OpCase, inst: CaseInstance, backend: sk.Backend, dtype: sk.FloatDType): sk.Tensor[] {
  return inst.shapes.map((s, i) => {
    const [lo, hi] = c.domains[i];
    const v = hostUniform(inst.seed + 7919 * i, sk.sizeOf(s), lo, hi);
    // Round to the dtype first, so that every backend and dtype sees the same input values.
    if (dtype === 'float32') for (let j = 0; j < v.length; j++) v[j] = Math.fround(v[j]);
    return sk.fromArray(v, { backend, dtype, shape: s });
  });
}
