/**
 * `scorekit verify`: run the cross-backend properties (verify/) against chosen backends — registered
 * ones by spec, or a user's backend module by path (its default export: a BackendFactory or a Backend) —
 * and print a table. Exit status 1 when a property fails.
 */
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import * as sk from '../../index.js';
import { COMMON, type Command, print } from '../command.js';

async function backendOf(spec: string): Promise<sk.Backend> {
  if (!/[/\\]|\.m?js$/.test(spec)) return sk.getBackend(spec);
  let mod: { default?: unknown };
  try {
    mod = await import(pathToFileURL(resolve(spec)).href);
  } catch (e) {
    throw new Error(`cannot load backend module ${spec}: ${(e as Error).message.split('\n')[0]}`);
  }
  const d = mod.default as Partial<sk.BackendFactory & sk.Backend> | undefined;
  if (d && typeof d.create === 'function' && typeof d.name === 'string') {
    sk.registerBackend(d as sk.BackendFactory);
    return sk.getBackend(d.name);
  }
  if (d && typeof d.unary === 'function' && typeof d.upload === 'function') return d as sk.Backend;
  throw new Error(`backend module ${spec} must default-export a BackendFactory ({ name, variants, create }) or a Backend`);
}

export const verifyCommand: Command = {
  name: 'verify',
  usage: 'scorekit verify [--backends cpu:float32,./my-backend.js,...] [--runs N]',
  summary: 'Check backends against the CPU float64 reference: primitives, autodiff, conservativeness, Strang splitting, samplers.',
  options: {
    backends: { kind: 'string', help: 'comma-separated backend specs or module paths (default cpu:float32)' },
    runs: { kind: 'int', default: 20, min: 1, help: 'random cases per primitive property' },
    ...COMMON,
    backend: { kind: 'string', help: 'one backend spec or module path (same as --backends with one entry)' },
  },
  async run(o) {
    const ref = await sk.getBackend('cpu:float64');
    if (o.backend !== undefined && o.backends !== undefined) throw new Error('give either --backend or --backends, not both');
    const specs = ((o.backend ?? o.backends ?? 'cpu:float32') as string).split(',').map((s) => s.trim()).filter(Boolean);
    if (specs.length === 0) throw new Error('--backends lists no backend');
    const backends: sk.Backend[] = [];
    for (const spec of specs) backends.push(await backendOf(spec)); // one at a time: tfjs engines initialise globally
    const rows: sk.verify.VerifyRow[] = [];
    for (const be of backends) rows.push(...await sk.verify.verifyBackend(be, { reference: ref, runs: o.runs as number, seed: o.seed as number }));
    print(o, sk.verify.formatVerify(rows), { rows, passed: rows.filter((r) => r.pass).length, failed: rows.filter((r) => !r.pass).length });
    if (rows.some((r) => !r.pass)) process.exitCode = 1;
  },
};
