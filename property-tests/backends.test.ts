/**
 * Backend equivalence: every primitive on each backend under test agrees with the CPU float64
 * reference on the same (dtype-rounded) inputs, within a tolerance derived from the dtype and the
 * condition of the computation:  |y − y_ref| ≤ k·ε·(|y_ref| + (|J|·|x|)),
 * where ε is the dtype's machine epsilon and |J|·|x| = Σ_j |∂y/∂x_j|·|x_j| (computed by the core
 * autodiff in float64) bounds how rounding at the scale of the inputs propagates to the output.
 * k is a small per-backend budget of ulps (the CPU backend rounds once per primitive). Piecewise-constant
 * ops, comparisons, logic and casts must agree exactly.
 */
import { describe, it } from 'node:test';
import fc from 'fast-check';
import * as sk from '../index.js';
import { checkProperty } from '../tests/helpers.js';
import { caseApplies, OP_CASES } from '../verify/cases.js';
import { conditionScale, inputsFor } from './instantiate.js';

interface BackendUnderTest {
  readonly spec: string;
  readonly dtype: sk.FloatDType;
  readonly ulps: number;
}

const UNDER_TEST: readonly BackendUnderTest[] = [{ spec: 'cpu:float32', dtype: 'float32', ulps: 8 }];
const RUNS = 20;
const ref = sk.getBackendSync('cpu:float64');

for (const b of UNDER_TEST) {
  describe(`backend ${b.spec} agrees with cpu:float64`, () => {
    let be: sk.Backend | undefined;
    let why = '';
    try {
      be = sk.getBackendSync(b.spec);
    } catch (e) {
      why = (e as Error).message;
    }
    for (const c of OP_CASES) {
      const skip = !be ? `backend ${b.spec} unavailable: ${why}` : !caseApplies(c, be) ? `backend ${b.spec} lacks a dtype of ${c.requires}` : false;
      it(c.name, { skip }, () => {
        const eps = sk.epsOf(b.dtype);
        checkProperty(
          `${b.spec} ${c.name}`,
          fc.property(c.gen, (inst) =>
            sk.tidy(() => {
              const f = (xs: sk.Tensor[]): sk.Tensor => c.apply(xs, inst.params);
              const xsRef = inputsFor(c, inst, ref, b.dtype, 'float64');
              const xs = inputsFor(c, inst, be!, b.dtype);
              const y = f(xs);
              const yRef = f(xsRef);
              if (y.shape.join() !== yRef.shape.join()) throw new Error(`shape [${y.shape}] vs reference [${yRef.shape}]`);
              const got = y.dataSync();
              const want = yRef.dataSync();
              if (c.exact) {
                for (let i = 0; i < want.length; i++) if (got[i] !== want[i]) throw new Error(`element ${i}: ${got[i]} vs reference ${want[i]} (exact)`);
                return;
              }
              if (y.dtype !== b.dtype) throw new Error(`result dtype ${y.dtype}, expected ${b.dtype}`);
              const cond = conditionScale(f, xsRef);
              for (let i = 0; i < want.length; i++) {
                const tol = b.ulps * eps * (Math.abs(want[i]) + cond[i]) + Number.MIN_VALUE;
                if (!(Math.abs(got[i] - want[i]) <= tol)) {
                  throw new Error(`element ${i}: ${got[i]} vs reference ${want[i]} (tolerance ${tol.toExponential(2)})`);
                }
              }
            }),
          ),
          RUNS,
        );
      });
    }
  });
}
