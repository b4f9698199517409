/**
 * Tracing for the core autodiff. Every primitive is applied through `bind`:
 * - with only concrete inputs it calls the primitive's kernel;
 * - otherwise it picks the innermost active transform among the inputs (the highest level),
 *   applies the primitive to the unwrapped values (recursively, so outer transforms see the work), and
 *   wraps the result: a ReverseTracer records a tape node, a ForwardTracer carries a tangent computed
 *   by the primitive's JVP rule.
 * VJP and JVP rules are written with ordinary ops, so the derivative computations are themselves traced
 * by any outer transform: derivatives of derivatives (grad of a function containing jvp/vjp) work.
 * This is the design of JAX's and HIPS autograd's nested tracers, written for TypeScript.
 */
import type { Backend } from './backend.js';
import type { DType } from './dtype.js';
import type { Shape } from './shape.js';
import { ConcreteTensor, Tensor } from './tensor.js';
import { isLevelActive } from './levels.js';

export interface Primitive<P = undefined> {
  readonly name: string;
  /** Compute on concrete tensors (one backend). */
  impl(inputs: readonly ConcreteTensor[], params: P): ConcreteTensor;
  /** Cotangents of the inputs (null = zero / not differentiable), each of its input's shape. */
  vjp?(ct: Tensor, primals: readonly Tensor[], out: Tensor, params: P): readonly (Tensor | null)[];
  /** Tangent of the output from the inputs' tangents (null = zero). */
  jvp?(tangents: readonly (Tensor | null)[], primals: readonly Tensor[], out: Tensor, params: P): Tensor | null;
  /** The output carries no derivative (comparisons, integer results, stop_gradient). */
  readonly nondifferentiable?: boolean;
}

export interface TapeNode {
  readonly prim: Primitive<unknown>;
  readonly inputs: readonly Tensor[];
  readonly primals: readonly Tensor[];
  readonly out: Tensor;
  readonly params: unknown;
}

abstract class Tracer extends Tensor {
  constructor(readonly level: number, readonly primal: Tensor) {
    super();
  }
  get shape(): Shape {
    return this.primal.shape;
  }
  get dtype(): DType {
    return this.primal.dtype;
  }
  get backend(): Backend {
    return this.primal.backend;
  }
  concrete(): ConcreteTensor {
    return this.primal.concrete();
  }
}

/** A value recorded on the tape of reverse-mode transform `level`. `node` is null for its inputs. */
export class ReverseTracer extends Tracer {
  constructor(level: number, primal: Tensor, readonly node: TapeNode | null) {
    super(level, primal);
  }
}

/** A value of forward-mode transform `level` with its tangent (null = zero tangent). */
export class ForwardTracer extends Tracer {
  constructor(level: number, primal: Tensor, readonly tangent: Tensor | null) {
    super(level, primal);
  }
}

export function isTracer(x: Tensor): x is ReverseTracer | ForwardTracer {
  return x instanceof Tracer;
}

export function bind<P>(prim: Primitive<P>, inputs: readonly Tensor[], params: P): Tensor {
  let top = 0;
  let topTracer: Tracer | null = null;
  for (const x of inputs) {
    if (x instanceof Tracer) {
      if (!isLevelActive(x.level)) {
        throw new Error(
          `${prim.name}: a traced tensor escaped its autodiff transform (level ${x.level}); ` +
            'return it from the transformed function instead of storing it outside',
        );
      }
      if (x.level > top) {
        top = x.level;
        topTracer = x;
      }
    }
  }
  if (topTracer === null) return applyConcrete(prim, inputs, params);

  const primals = inputs.map((x) => (x instanceof Tracer && x.level === top ? x.primal : x));
  const out = bind(prim, primals, params);
  if (prim.nondifferentiable) return out;

  if (topTracer instanceof ReverseTracer) {
    if (!prim.vjp) throw new Error(`autodiff: primitive '${prim.name}' has no VJP rule`);
    return new ReverseTracer(top, out, { prim: prim as Primitive<unknown>, inputs, primals, out, params });
  }
  const tangents = inputs.map((x) => (x instanceof ForwardTracer && x.level === top ? x.tangent : null));
  if (tangents.every((t) => t === null)) return out;
  if (!prim.jvp) throw new Error(`autodiff: primitive '${prim.name}' has no JVP rule`);
  return new ForwardTracer(top, out, prim.jvp(tangents, primals, out, params));
}

function applyConcrete<P>(prim: Primitive<P>, inputs: readonly Tensor[], params: P): Tensor {
  const cs = inputs as readonly ConcreteTensor[];
  for (let i = 0; i < cs.length; i++) {
    const c = cs[i];
    c.assertAlive();
    if (i > 0 && c.backend !== cs[0].backend) {
      throw new Error(
        `${prim.name}: operands live on different backends (${cs[0].backend.name} and ${c.backend.name}); ` +
          'move one with toBackend()',
      );
    }
  }
  return prim.impl(cs, params);
}
