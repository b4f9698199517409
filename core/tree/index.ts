/**
 * Parameter trees (pytrees, after JAX/equinox): nested plain objects and arrays whose leaves are
 * tensors. Numbers and other leaves are carried along untouched. Keys of objects are visited in
 * sorted order, so a tree's flattening does not depend on how it was built.
 */
import { Tensor } from '../tensor/tensor.js';

export type Tree = Tensor | number | string | boolean | null | undefined | readonly Tree[] | { readonly [k: string]: Tree };

/** Structure of a tree with its tensor leaves taken out, to rebuild it with other leaves. */
export interface TreeDef {
  readonly rebuild: (leaves: readonly Tensor[]) => unknown;
  readonly count: number;
}

export function treeFlatten<T>(tree: T): [Tensor[], TreeDef] {
  const leaves: Tensor[] = [];
  const build = (x: unknown): ((next: () => Tensor) => unknown) => {
    if (x instanceof Tensor) {
      leaves.push(x);
      return (next) => next();
    }
    if (Array.isArray(x)) {
      const parts = x.map(build);
      return (next) => parts.map((p) => p(next));
    }
    if (x !== null && typeof x === 'object' && (x as object).constructor === Object) {
      const keys = Object.keys(x).sort();
      const parts = keys.map((k) => build((x as Record<string, unknown>)[k]));
      return (next) => Object.fromEntries(keys.map((k, i) => [k, parts[i](next)]));
    }
    return () => x;
  };
  const rebuilder = build(tree);
  const count = leaves.length;
  return [
    leaves,
    {
      count,
      rebuild: (ls) => {
        if (ls.length !== count) throw new Error(`tree: expected ${count} leaves, got ${ls.length}`);
        let i = 0;
        return rebuilder(() => ls[i++]);
      },
    },
  ];
}

/** Apply `f` to every tensor leaf (or to corresponding leaves of several trees of one structure). */
export function mapTree<T>(f: (...xs: Tensor[]) => Tensor, tree: T, ...rest: T[]): T {
  const [leaves, def] = treeFlatten(tree);
  const others = rest.map((r) => {
    const [ls] = treeFlatten(r);
    if (ls.length !== leaves.length) throw new Error(`mapTree: trees have ${leaves.length} and ${ls.length} tensor leaves`);
    return ls;
  });
  return def.rebuild(leaves.map((l, i) => f(l, ...others.map((o) => o[i])))) as T;
}

export function treeLeaves(tree: unknown): Tensor[] {
  return treeFlatten(tree)[0];
}

/** Tensor leaves with dotted paths ("layers.0.W"), in flattening order. */
export function namedLeaves(tree: unknown, prefix = ''): [string, Tensor][] {
  const out: [string, Tensor][] = [];
  const visit = (x: unknown, path: string): void => {
    if (x instanceof Tensor) out.push([path, x]);
    else if (Array.isArray(x)) x.forEach((v, i) => visit(v, path ? `${path}.${i}` : String(i)));
    else if (x !== null && typeof x === 'object' && (x as object).constructor === Object) {
      for (const k of Object.keys(x).sort()) visit((x as Record<string, unknown>)[k], path ? `${path}.${k}` : k);
    }
  };
  visit(tree, prefix);
  return out;
}
