/**
 * Deterministic memory release (compare tf.tidy): tensors created inside `tidy(fn)` are disposed when
 * it returns, except those in its result (which move to the enclosing scope) and those `keep()`-ed.
 * While an autodiff transform is active, tidy hands its tensors to the enclosing scope instead of
 * disposing them, because the transform's tape may still need them.
 * `memory()` counts live tensors per backend, so tests can check that long loops do not leak.
 */
import type { Backend } from './backend.js';
import { bytesPerElement } from './dtype.js';
import { sizeOf } from './shape.js';
import type { ConcreteTensor } from './tensor.js';
import { anyLevelActive } from './levels.js';

const scopes: Set<ConcreteTensor>[] = [];
const kept = new WeakSet<ConcreteTensor>();
const live = new Map<Backend, { tensors: number; bytes: number }>();

export function registerTensor(t: ConcreteTensor): void {
  const m = live.get(t.backend) ?? { tensors: 0, bytes: 0 };
  m.tensors++;
  m.bytes += sizeOf(t.shape) * bytesPerElement(t.dtype);
  live.set(t.backend, m);
  if (scopes.length > 0) scopes[scopes.length - 1].add(t);
}

export function releaseTensor(t: ConcreteTensor): void {
  const m = live.get(t.backend);
  if (m) {
    m.tensors--;
    m.bytes -= sizeOf(t.shape) * bytesPerElement(t.dtype);
  }
  for (const s of scopes) s.delete(t);
}

/** Live tensors (and their logical bytes) created through core on `backend`, or on all backends. */
export function memory(backend?: Backend): { numTensors: number; numBytes: number } {
  if (backend) {
    const m = live.get(backend);
    return { numTensors: m?.tensors ?? 0, numBytes: m?.bytes ?? 0 };
  }
  let numTensors = 0;
  let numBytes = 0;
  for (const m of live.values()) {
    numTensors += m.tensors;
    numBytes += m.bytes;
  }
  return { numTensors, numBytes };
}

/** Exempt tensors from disposal by enclosing tidy scopes. Returns its argument. */
export function keep<T>(tree: T): T {
  forEachConcrete(tree, (t) => kept.add(t));
  return tree;
}

/** Dispose every tensor in a tree of tensors. */
export function dispose(tree: unknown): void {
  forEachConcrete(tree, (t) => t.dispose());
}

/**
 * Run `fn`, then dispose the tensors it created that are not part of its (synchronous) result.
 */
export function tidy<T>(fn: () => T): T {
  const scope = new Set<ConcreteTensor>();
  scopes.push(scope);
  let result: T;
  try {
    result = fn();
  } catch (e) {
    scopes.pop();
    releaseScope(scope, new Set());
    throw e;
  }
  scopes.pop();
  if (result instanceof Promise) {
    throw new Error('tidy(fn): fn must be synchronous (it returned a Promise); await outside the tidy scope');
  }
  const keepSet = new Set<ConcreteTensor>();
  forEachConcrete(result, (t) => keepSet.add(t));
  releaseScope(scope, keepSet);
  return result;
}

function releaseScope(scope: Set<ConcreteTensor>, survivors: Set<ConcreteTensor>): void {
  const parent = scopes.length > 0 ? scopes[scopes.length - 1] : undefined;
  const deferred = anyLevelActive();
  for (const t of scope) {
    if (t.isDisposed) continue;
    if (survivors.has(t) || kept.has(t) || deferred) parent?.add(t);
    else t.dispose();
  }
}

/** Visit the concrete tensors in a tree (objects, arrays, tensors; tracers count by their primal chain). */
function forEachConcrete(tree: unknown, f: (t: ConcreteTensor) => void): void {
  const seen = new Set<unknown>();
  const visit = (x: unknown): void => {
    if (x === null || typeof x !== 'object' || seen.has(x)) return;
    seen.add(x);
    const maybe = x as { concrete?: () => ConcreteTensor; primal?: unknown; tangent?: unknown };
    if (typeof maybe.concrete === 'function') {
      // A tracer: its primal (and tangent for forward mode) are tensors too.
      if ('primal' in maybe) {
        visit(maybe.primal);
        if ('tangent' in maybe) visit(maybe.tangent);
        return;
      }
      f(maybe.concrete());
      return;
    }
    if (Array.isArray(x)) x.forEach(visit);
    else if (x.constructor === Object) Object.values(x).forEach(visit);
  };
  visit(tree);
}
