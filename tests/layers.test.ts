/**
 * The import graph of the library's sources: no cycles between files, and no import from a lower
 * layer into a higher one. Layers, lowest first (a module may import its own layer's files and any
 * lower layer's; type-only imports count too):
 *
 *   core/numerics core/wasm                 bit-defined scalar maths, the WebAssembly encoder
 *   core/tensor                             tensors, shapes, backends' interface, tracing, primitives
 *   core/random core/tree core/linalg       keys and streams, parameter trees, host matrices
 *   core/autodiff                           vjp, jvp, grad, jacobian over the primitives
 *   core/mixture core/estimators core/models Gaussian mixtures, trace estimators, score networks
 *   core/sde                                SDEs and their exact mixture oracles
 *   core/losses core/integrators core/metrics core/data
 *   core/train core/checkpoint
 *   core (its index)
 *   platform → backends, io, parallel → verify → index.ts, browser.ts → bench → cli → tools
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, normalize, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, it } from 'node:test';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

const LAYERS: readonly (readonly string[])[] = [
  ['core/numerics', 'core/wasm'],
  ['core/tensor'],
  ['core/random', 'core/tree', 'core/linalg'],
  ['core/autodiff'],
  ['core/mixture', 'core/estimators', 'core/models'],
  ['core/sde'],
  ['core/losses', 'core/integrators', 'core/metrics', 'core/data'],
  ['core/train', 'core/checkpoint'],
  ['core'],
  ['platform'],
  ['backends'],
  ['io', 'parallel'],
  ['verify'],
  ['index.ts', 'browser.ts'],
  ['bench'],
  ['cli'],
  ['tools'],
];

/** The module of a source path: core/<dir>, core (its index), or the top-level folder or file. */
function moduleOf(path: string): string {
  const parts = path.split('/');
  if (parts[0] === 'core') return parts.length > 2 ? `core/${parts[1]}` : 'core';
  return parts.length > 1 ? parts[0] : path;
}

const rank = new Map(LAYERS.flatMap((mods, i) => mods.map((m) => [m, i] as const)));

function sources(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(join(ROOT, dir))) {
    const rel = join(dir, name);
    if (statSync(join(ROOT, rel)).isDirectory()) out.push(...sources(rel));
    else if (name.endsWith('.ts') && !name.endsWith('.d.ts')) out.push(rel);
  }
  return out;
}

interface Dep {
  readonly file: string;
  /** `import type` / `export type`: erased at run time. */
  readonly typeOnly: boolean;
}

/** file → the project files it imports (static, type-only and re-exports; relative specifiers only). */
function importGraph(): Map<string, Dep[]> {
  const files = [...LAYERS.flat().filter((m) => !m.startsWith('core/') && m !== 'core' && !m.endsWith('.ts')), 'core'].flatMap((d) => {
    try {
      return sources(d);
    } catch {
      return [];
    }
  });
  files.push('index.ts', 'browser.ts');
  const g = new Map<string, Dep[]>();
  const spec = /^\s*(?:import|export)\s(type\s)?[^;]*?from\s+['"](\.[^'"]+)['"]|^\s*import\s+['"](\.[^'"]+)['"]/gm;
  for (const f of files) {
    const text = readFileSync(join(ROOT, f), 'utf8');
    const deps: Dep[] = [];
    for (const m of text.matchAll(spec)) deps.push({ file: normalize(join(dirname(f), (m[2] ?? m[3]).replace(/\.js$/, '.ts'))), typeOnly: !!m[1] });
    g.set(f, deps);
  }
  return g;
}

describe('import layers', () => {
  const g = importGraph();

  it('every source belongs to a layer', () => {
    const unknown = [...g.keys()].filter((f) => !rank.has(moduleOf(f)));
    assert.deepEqual(unknown, [], 'sources outside the declared layers');
    assert.ok(g.size > 100, `only ${g.size} sources found under ${ROOT}`);
  });

  it('no import goes from a lower layer to a higher one', () => {
    const bad: string[] = [];
    for (const [f, deps] of g) {
      for (const { file: d } of deps) {
        const [a, b] = [moduleOf(f), moduleOf(d)];
        if (a !== b && !(rank.get(b)! < rank.get(a)!)) bad.push(`${f} (${a}) imports ${relative('.', d)} (${b})`);
      }
    }
    assert.deepEqual(bad, []);
  });

  it('no import cycles between files (type-only imports are erased and do not count)', () => {
    const state = new Map<string, 1 | 2>();
    const cycles: string[] = [];
    const visit = (f: string, stack: string[]): void => {
      state.set(f, 1);
      stack.push(f);
      for (const { file: d, typeOnly } of g.get(f) ?? []) {
        if (typeOnly || !g.has(d)) continue;
        if (state.get(d) === 1) cycles.push([...stack.slice(stack.indexOf(d)), d].join(' → '));
        else if (!state.has(d)) visit(d, stack);
      }
      stack.pop();
      state.set(f, 2);
    };
    for (const f of g.keys()) if (!state.has(f)) visit(f, []);
    assert.deepEqual(cycles, []);
  });
});
