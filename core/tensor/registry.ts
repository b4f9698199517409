/**
 * Backends are chosen by name at run time through this registry (never by `if` chains):
 * a spec is `name` or `name:variant`, e.g. 'cpu', 'cpu:float32', 'gpujs:webgpu', 'tfjs:wasm'.
 * core/ holds only the registry; the library entry point registers the built-in backends.
 */
import * as E from 'fp-ts/lib/Either.js';
import { pipe } from 'fp-ts/lib/function.js';
import type { Backend } from './backend.js';

export interface BackendFactory {
  /** Registry name, e.g. 'cpu'. */
  readonly name: string;
  /** Accepted variants; the first is the default. Empty when the backend has none. */
  readonly variants: readonly string[];
  /** Variants that choose another one at run time (such as 'auto'): not listed by listBackendSpecs. */
  readonly aliases?: readonly string[];
  /** Variants that are correct but slow (plain-JS fallbacks): verified, not benchmarked by default. */
  readonly slow?: readonly string[];
  readonly description: string;
  /** Create an instance (may be async: device set-up). */
  create(variant: string | undefined): Backend | Promise<Backend>;
}

export interface BackendSpec {
  readonly name: string;
  readonly variant: string | undefined;
}

const factories = new Map<string, BackendFactory>();
const instances = new Map<string, Backend>();
let current: Backend | undefined;

export function registerBackend(factory: BackendFactory): void {
  if (!/^[a-z][a-z0-9_-]*$/.test(factory.name)) {
    throw new Error(`registerBackend: invalid backend name '${factory.name}' (lower-case letters, digits, - and _)`);
  }
  factories.set(factory.name, factory);
  for (const key of [...instances.keys()]) if (key.split(':')[0] === factory.name) instances.delete(key);
}

export function listBackends(): readonly BackendFactory[] {
  return [...factories.values()];
}

/**
 * Every concrete backend spec of the registry, 'name:variant' (aliases left out), in registration
 * order: the lists that tests, verify and the benchmark iterate. `fast` leaves out slow variants.
 */
export function listBackendSpecs(o: { readonly fast?: boolean } = {}): string[] {
  return [...factories.values()].flatMap((f) => (f.variants.length ? f.variants : [undefined])
    .filter((v) => v === undefined || (!f.aliases?.includes(v) && !(o.fast && f.slow?.includes(v))))
    .map((v) => (v === undefined ? f.name : `${f.name}:${v}`)));
}

/** Parse and validate a spec against the registry; errors are readable sentences. */
export function parseBackendSpec(spec: string): E.Either<string, BackendSpec> {
  return pipe(
    E.right<string, string>(spec.trim()),
    E.filterOrElse(
      (s) => /^[a-z][a-z0-9_-]*(:[A-Za-z0-9_.-]+)?$/.test(s),
      (s) => `invalid backend spec '${s}': expected NAME or NAME:VARIANT, e.g. 'cpu' or 'tfjs:wasm'`,
    ),
    E.map((s) => {
      const [name, variant] = s.split(':');
      return { name, variant };
    }),
    E.chain((p) => {
      const f = factories.get(p.name);
      if (!f) {
        const known = [...factories.keys()].join(', ') || '(none registered)';
        return E.left(`unknown backend '${p.name}'; registered backends: ${known}`);
      }
      if (p.variant !== undefined && !f.variants.includes(p.variant)) {
        const vs = f.variants.length ? f.variants.join(', ') : '(no variants)';
        return E.left(`backend '${p.name}' has no variant '${p.variant}'; variants: ${vs}`);
      }
      return E.right({ name: p.name, variant: p.variant ?? f.variants[0] });
    }),
  );
}

function keyOf(s: BackendSpec): string {
  return s.variant === undefined ? s.name : `${s.name}:${s.variant}`;
}

function orThrow<A>(e: E.Either<string, A>): A {
  if (E.isLeft(e)) throw new Error(e.left);
  return e.right;
}

/** The backend instance for a spec (created once and cached). */
export async function getBackend(spec: string): Promise<Backend> {
  const parsed = orThrow(parseBackendSpec(spec));
  const key = keyOf(parsed);
  const existing = instances.get(key);
  if (existing) return existing;
  const be = await factories.get(parsed.name)!.create(parsed.variant);
  instances.set(key, be);
  return be;
}

/** Synchronous variant for backends whose creation is synchronous (the CPU backend). */
export function getBackendSync(spec: string): Backend {
  const parsed = orThrow(parseBackendSpec(spec));
  const key = keyOf(parsed);
  const existing = instances.get(key);
  if (existing) return existing;
  const be = factories.get(parsed.name)!.create(parsed.variant);
  if (be instanceof Promise) throw new Error(`backend '${key}' initialises asynchronously: use 'await getBackend("${spec}")'`);
  instances.set(key, be);
  return be;
}

/** Make a backend the default for tensor creation without an explicit backend. */
export async function setBackend(spec: string | Backend): Promise<Backend> {
  current = typeof spec === 'string' ? await getBackend(spec) : spec;
  return current;
}

/** The default backend: the one set with setBackend, else 'cpu'. */
export function defaultBackend(): Backend {
  if (!current) {
    if (!factories.has('cpu')) throw new Error("no default backend: call setBackend(...) or import 'scorekit' to register 'cpu'");
    current = getBackendSync('cpu');
  }
  return current;
}
