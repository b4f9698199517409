/**
 * `scorekit conformance`: the sampler conformance suite (verify/conformance.ts) on registry entries:
 * golden values against the fixtures of independent float64 reference implementations, the declared
 * weak orders by exact moments, and the error against NFE on a Gaussian mixture. Prints a table (or
 * JSON); the exit status is 1 when a check fails.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as sk from '../../index.js';
import { COMMON, type Command, print } from '../command.js';

/** The fixtures of the source tree (dist/cli/commands → tests/fixtures/conformance). */
const DEFAULT_FIXTURES = fileURLToPath(new URL('../../../tests/fixtures/conformance/', import.meta.url));

function loadFixture(dir: string, name: string): sk.GoldenFixture | undefined {
  const file = join(dir, `${name}.json`);
  if (!existsSync(file)) return undefined;
  let fx: unknown;
  try {
    fx = JSON.parse(readFileSync(file, 'utf8'));
  } catch (e) {
    throw new Error(`${file}: not JSON (${e instanceof Error ? e.message : String(e)})`);
  }
  sk.checkGoldenFixture(fx);
  return fx;
}

const exp = (v: number): string => v.toExponential(1);

function row(r: sk.ConformanceReport): string {
  const golden = r.golden === null ? 'no fixture' : `${r.golden.filter((c) => c.pass).length}/${r.golden.length} ≤ ${exp(Math.max(...r.golden.map((c) => c.relError)))}`;
  const orders = r.orders.length ? r.orders.map((o) => `${o.sde} ${o.order.toFixed(2)}${o.pass ? '' : '✗'}`).join(', ') : '—';
  const nfe = r.nfe ? `${r.nfe.sde}: ${r.nfe.nfe.map((n, i) => `${n}:${exp(r.nfe!.errors[i])}`).join(' ')}${r.nfe.pass ? '' : ' ✗'}` : '— (not a fixed grid)';
  const declared = sk.SAMPLERS[r.sampler as sk.SamplerName].weakOrder;
  return `  ${r.sampler.padEnd(16)} ${(r.pass ? 'pass' : 'FAIL').padEnd(5)} ${golden.padEnd(16)} ${String(declared ?? '—').padEnd(4)} ${orders.padEnd(40)} ${nfe}`;
}

export const conformanceCommand: Command = {
  name: 'conformance',
  usage: 'scorekit conformance [--sampler NAME] [--fixtures DIR] [--n COUNT] [--json]',
  summary: 'Sampler conformance: golden values against independent references, declared weak orders, error vs NFE on a Gaussian mixture.',
  options: {
    sampler: { kind: 'string', help: `one sampler (default: every registry entry): ${sk.SAMPLER_NAMES.join(' | ')}` },
    fixtures: { kind: 'string', help: 'folder of golden-value fixtures <sampler>.json (default: tests/fixtures/conformance of the source tree)' },
    n: { kind: 'int', default: 8000, min: 100, help: 'samples per NFE in the error-against-NFE check' },
    ...COMMON,
  },
  async run(o) {
    const names = o.sampler === undefined ? sk.SAMPLER_NAMES : [sk.samplerByName(o.sampler as string).name];
    const dir = (o.fixtures as string | undefined) ?? DEFAULT_FIXTURES;
    if (o.fixtures !== undefined && !existsSync(dir)) throw new Error(`--fixtures: no folder '${dir}'`);
    const reports: sk.ConformanceReport[] = [];
    for (const name of names) reports.push(await sk.samplerConformance(sk.SAMPLERS[name as sk.SamplerName], loadFixture(dir, name), { n: o.n as number }));
    const head = `  ${'sampler'.padEnd(16)} ${'     '} ${'golden (≤ rel.)'.padEnd(16)} ${'decl'.padEnd(4)} ${`weak order (±${sk.ORDER_TOLERANCE})`.padEnd(40)} weak error of mean + cov vs NFE`;
    const failed = reports.filter((r) => !r.pass).map((r) => r.sampler);
    print(o, [`sampler conformance (golden values to 1e-12; orders by exact moments on Gaussian data; errors on a 2-D mixture, n = ${o.n})`, head, ...reports.map(row), failed.length ? `failed: ${failed.join(', ')}` : 'all pass'].join('\n'), { reports, pass: failed.length === 0 });
    if (failed.length) process.exitCode = 1;
  },
};
