/**
 * Functional autodiff transforms over functions of tensors and parameter trees:
 * vjp (reverse mode), jvp (forward mode), grad, valueAndGrad, jacobian (jacrev / jacfwd), hessian.
 * They nest to any order (see tracer.ts): grad(x ↦ ⟨v, jvp(s, x, v)⟩) differentiates through the JVP.
 */
import { Tensor } from '../tensor/tensor.js';
import { shapeToString } from '../tensor/shape.js';
import { isFloat } from '../tensor/dtype.js';
import { add, astype } from '../tensor/ops/elementwise.js';
import { reshape, stack } from '../tensor/ops/manipulate.js';
import { fromArray, zerosLike } from '../tensor/create.js';
import { treeFlatten as flatten, type TreeDef } from '../tree/index.js';
import { closeLevel, openLevel } from '../tensor/levels.js';
import { ForwardTracer, ReverseTracer } from '../tensor/tracer.js';

function checkDifferentiable(leaves: readonly Tensor[], what: string): void {
  for (const l of leaves) {
    if (!isFloat(l.dtype)) throw new TypeError(`${what}: can only differentiate floating-point tensors, got ${l.dtype} ${shapeToString(l.shape)}`);
  }
}

/** Iterative reverse topological order of the tape nodes of `level` reachable from `roots`. */
function topoOrder(level: number, roots: readonly ReverseTracer[]): ReverseTracer[] {
  const order: ReverseTracer[] = [];
  const state = new Map<ReverseTracer, number>(); // 1 = visiting, 2 = done
  const stack: [ReverseTracer, number][] = roots.map((r) => [r, 0]);
  while (stack.length) {
    const top = stack[stack.length - 1];
    const [t, i] = top;
    if (i === 0) {
      if (state.get(t) === 2) {
        stack.pop();
        continue;
      }
      state.set(t, 1);
    }
    const inputs = t.node?.inputs ?? [];
    if (i < inputs.length) {
      top[1] = i + 1;
      const c = inputs[i];
      if (c instanceof ReverseTracer && c.level === level && !state.has(c)) stack.push([c, 0]);
      continue;
    }
    stack.pop();
    state.set(t, 2);
    order.push(t);
  }
  return order.reverse();
}

/** Propagate cotangents from outputs to the tape's inputs. */
function backward(level: number, outs: readonly ReverseTracer[], cts: readonly Tensor[]): Map<ReverseTracer, Tensor> {
  const acc = new Map<ReverseTracer, Tensor>();
  const accumulate = (t: ReverseTracer, g: Tensor): void => {
    const prev = acc.get(t);
    acc.set(t, prev ? add(prev, g) : g);
  };
  outs.forEach((o, i) => accumulate(o, cts[i]));
  for (const t of topoOrder(level, outs)) {
    const node = t.node;
    const g = acc.get(t);
    if (!node || !g) continue;
    const grads = node.prim.vjp!(g, node.primals, node.out, node.params);
    node.inputs.forEach((inp, i) => {
      const gi = grads[i];
      if (gi && inp instanceof ReverseTracer && inp.level === level) accumulate(inp, gi);
    });
    acc.delete(t);
  }
  return acc;
}

/**
 * Reverse mode: evaluate f(primals) and return its value with the pullback u ↦ uᵀ J.
 * `primals` may be a tensor or a tree of tensors; so may f's output.
 */
export function vjp<In, Out>(f: (x: In) => Out, primals: In): { out: Out; vjp: (ct: Out) => In } {
  const [leaves, inDef] = flatten(primals);
  checkDifferentiable(leaves, 'vjp');
  const level = openLevel();
  let outLeaves: Tensor[];
  let outDef: TreeDef;
  let inputs: ReverseTracer[];
  try {
    inputs = leaves.map((l) => new ReverseTracer(level, l, null));
    [outLeaves, outDef] = flatten(f(inDef.rebuild(inputs) as In));
  } finally {
    closeLevel(level);
  }
  const unwrapped = outLeaves.map((o) => (o instanceof ReverseTracer && o.level === level ? o.primal : o));
  const pullback = (ct: Out): In => {
    const [ctLeaves] = flatten(ct);
    if (ctLeaves.length !== outLeaves.length) throw new Error(`vjp: cotangent has ${ctLeaves.length} tensors, output has ${outLeaves.length}`);
    const roots: ReverseTracer[] = [];
    const rootCts: Tensor[] = [];
    outLeaves.forEach((o, i) => {
      const c = ctLeaves[i];
      if (c.size !== o.size || c.rank !== o.rank || c.shape.some((d, j) => d !== o.shape[j])) {
        throw new Error(`vjp: cotangent shape ${shapeToString(c.shape)} does not match output shape ${shapeToString(o.shape)}`);
      }
      if (o instanceof ReverseTracer && o.level === level) {
        roots.push(o);
        rootCts.push(c.dtype === o.dtype ? c : astype(c, o.dtype));
      }
    });
    const grads = backward(level, roots, rootCts);
    return inDef.rebuild(inputs.map((t, i) => grads.get(t) ?? zerosLike(leaves[i]))) as In;
  };
  return { out: outDef.rebuild(unwrapped) as Out, vjp: pullback };
}

/** Forward mode: evaluate f(primals) and the directional derivative J·tangents (trees alike). */
export function jvp<In, Out>(f: (x: In) => Out, primals: In, tangents: In): { out: Out; tangent: Out } {
  const [leaves, inDef] = flatten(primals);
  const [tLeaves] = flatten(tangents);
  checkDifferentiable(leaves, 'jvp');
  if (tLeaves.length !== leaves.length) throw new Error(`jvp: ${tLeaves.length} tangents for ${leaves.length} primals`);
  leaves.forEach((l, i) => {
    const t = tLeaves[i];
    if (t.rank !== l.rank || t.shape.some((d, j) => d !== l.shape[j])) {
      throw new Error(`jvp: tangent shape ${shapeToString(t.shape)} does not match primal shape ${shapeToString(l.shape)}`);
    }
  });
  const level = openLevel();
  try {
    const inputs = leaves.map((l, i) => new ForwardTracer(level, l, tLeaves[i].dtype === l.dtype ? tLeaves[i] : astype(tLeaves[i], l.dtype)));
    const [outLeaves, outDef] = flatten(f(inDef.rebuild(inputs) as In));
    const outs: Tensor[] = [];
    const tans: Tensor[] = [];
    for (const o of outLeaves) {
      if (o instanceof ForwardTracer && o.level === level) {
        outs.push(o.primal);
        tans.push(o.tangent ?? zerosLike(o.primal));
      } else {
        outs.push(o);
        tans.push(zerosLike(o));
      }
    }
    return { out: outDef.rebuild(outs) as Out, tangent: outDef.rebuild(tans) as Out };
  } finally {
    closeLevel(level);
  }
}

function requireScalar(out: unknown, what: string): Tensor {
  if (!(out instanceof Tensor) || out.size !== 1) {
    const desc = out instanceof Tensor ? `a tensor of shape ${shapeToString(out.shape)}` : typeof out;
    throw new Error(`${what}: the function must return a scalar tensor, got ${desc}`);
  }
  return out;
}

/** value and gradient of a scalar function of a tensor or tree. */
export function valueAndGrad<In>(f: (x: In) => Tensor): (x: In) => { value: Tensor; grad: In } {
  return (x) => {
    const r = vjp(f, x);
    const value = requireScalar(r.out, 'valueAndGrad');
    const one = fromArray(new Float64Array(value.size).fill(1), { backend: value.backend, dtype: value.dtype, shape: value.shape });
    return { value, grad: r.vjp(one) };
  };
}

/** ∇f for a scalar function f of a tensor or tree (the result has the structure of the input). */
export function grad<In>(f: (x: In) => Tensor): (x: In) => In {
  const vg = valueAndGrad(f);
  return (x) => vg(x).grad;
}

function basis(t: Tensor, i: number): Tensor {
  const e = new Float64Array(t.size);
  e[i] = 1;
  return fromArray(e, { backend: t.backend, dtype: t.dtype, shape: t.shape });
}

/**
 * Jacobian of f: tensor → tensor, of shape out.shape ++ x.shape. Reverse mode (one VJP per output
 * element) by default; `mode: 'forward'` uses one JVP per input element (cheaper when the input is small).
 */
export function jacobian(f: (x: Tensor) => Tensor, opts: { mode?: 'reverse' | 'forward' } = {}): (x: Tensor) => Tensor {
  return (x) => {
    if (opts.mode === 'forward') {
      const cols: Tensor[] = [];
      let outShape: readonly number[] = [];
      for (let i = 0; i < x.size; i++) {
        const r = jvp(f, x, basis(x, i));
        outShape = r.out.shape;
        cols.push(reshape(r.tangent, [-1]));
      }
      if (cols.length === 0) return reshape(f(x), [...f(x).shape, ...x.shape]);
      // cols[i] = J[:, i]; stack on the last axis.
      return reshape(stack(cols, 1), [...outShape, ...x.shape]);
    }
    const r = vjp(f, x);
    const rows: Tensor[] = [];
    for (let i = 0; i < r.out.size; i++) rows.push(reshape(r.vjp(basis(r.out, i)), [-1]));
    if (rows.length === 0) return reshape(r.out, [...r.out.shape, ...x.shape]);
    return reshape(stack(rows, 0), [...r.out.shape, ...x.shape]);
  };
}

/** Hessian of a scalar function: forward-over-reverse (jacfwd of grad), shape x.shape ++ x.shape. */
export function hessian(f: (x: Tensor) => Tensor): (x: Tensor) => Tensor {
  const g = grad(f);
  return jacobian(g, { mode: 'forward' });
}
