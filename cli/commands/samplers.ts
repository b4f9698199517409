/**
 * `scorekit samplers`: the sampler registry as a table (name, grid, declared orders, noise draws and
 * score evaluations per step, coupled rows, the SDEs it applies to), or as JSON.
 */
import * as sk from '../../index.js';
import { COMMON, type Command, print } from '../command.js';
import { SDE_NAMES, makeSde } from '../specs.js';

/** One row per sampler: what the registry declares, and the SDEs of the command line it applies to. */
export function samplerRows(): {
  name: string; title: string; grid: string; weakOrder: number | null; strongOrder: number | null;
  noiseDraws: number; nfePerStep: number | null; batchCoupled: boolean; options: readonly string[]; sdes: string[];
}[] {
  return sk.SAMPLER_NAMES.map((name) => {
    const s = sk.SAMPLERS[name];
    return {
      name, title: s.title, grid: s.grid, weakOrder: s.weakOrder, strongOrder: s.strongOrder, noiseDraws: s.noiseDraws,
      nfePerStep: s.nfePerStep, batchCoupled: s.batchCoupled, options: s.options, sdes: SDE_NAMES.filter((k) => s.supports(makeSde(k)) === null),
    };
  });
}

const dash = (v: number | null): string => (v === null ? '—' : String(v));

/** The registry as a Markdown table (the README's sampler table is this text). */
export function samplersMarkdown(): string {
  const head = '| sampler | method | grid | weak order | strong order | noise draws / step | NFE / step | rows coupled | SDEs |\n|---|---|---|---|---|---|---|---|---|';
  const rows = samplerRows().map((r) =>
    `| \`${r.name}\` | ${r.title} | ${r.grid} | ${dash(r.weakOrder)} | ${dash(r.strongOrder)} | ${r.noiseDraws} | ${r.nfePerStep ?? 'adaptive'} | ${r.batchCoupled ? 'yes' : 'no'} | ${r.sdes.join(', ')} |`);
  return [head, ...rows].join('\n');
}

export const samplersCommand: Command = {
  name: 'samplers',
  usage: 'scorekit samplers [--json] [--markdown]',
  summary: 'List the samplers: grid, declared weak and strong orders, noise draws and NFE per step, coupled rows, SDEs.',
  options: {
    markdown: { kind: 'flag', help: "the table in Markdown (the README's sampler table)" },
    ...COMMON,
  },
  async run(o) {
    if (o.markdown) {
      process.stdout.write(samplersMarkdown() + '\n');
      return;
    }
    const rows = samplerRows();
    const text = rows.map((r) =>
      `  ${r.name.padEnd(13)} ${r.grid.padEnd(9)} weak ${dash(r.weakOrder).padEnd(2)} strong ${dash(r.strongOrder).padEnd(2)} noise ${r.noiseDraws} nfe ${String(r.nfePerStep ?? 'adaptive').padEnd(8)} ${r.batchCoupled ? 'coupled ' : '        '} ${r.sdes.join(',').padEnd(16)} ${r.title}`);
    print(o, `samplers (scorekit sample --sampler NAME):\n${text.join('\n')}`, rows);
  },
};
