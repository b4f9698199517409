/** Shared pieces of the experiments: output folder, markdown + JSON tables, figures. */
import { promises as fs } from 'node:fs';
import { join } from 'node:path';
import * as sk from '../index.js';
import { writeFileAtomic } from '../index.js';
import type { Panel } from '../cli/plot/figure.js';
import { figure, writeFigure } from '../cli/plot/render.js';

export const OUT = process.env.SCOREKIT_EXP_OUT ?? join('experiments', 'results');

export type Cell = string | number;

export function markdownTable(header: readonly string[], rows: readonly Cell[][]): string {
  const fmt = (c: Cell): string => (typeof c === 'number' ? (Number.isInteger(c) ? String(c) : Math.abs(c) < 1e-2 || Math.abs(c) >= 1e4 ? c.toExponential(2) : c.toFixed(4)) : c);
  return [`| ${header.join(' | ')} |`, `|${header.map(() => '---').join('|')}|`, ...rows.map((r) => `| ${r.map(fmt).join(' | ')} |`)].join('\n');
}

/** Write NAME.md (title, notes, tables) and NAME.json, and print the markdown. */
export async function report(name: string, title: string, sections: { heading: string; header: string[]; rows: Cell[][]; note?: string }[], data: unknown): Promise<void> {
  await fs.mkdir(OUT, { recursive: true });
  const md = [`# ${title}`, '', ...sections.flatMap((s) => [`## ${s.heading}`, '', markdownTable(s.header, s.rows), '', ...(s.note ? [s.note, ''] : [])])].join('\n');
  await writeFileAtomic(join(OUT, `${name}.md`), md + '\n');
  await writeFileAtomic(join(OUT, `${name}.json`), JSON.stringify(data, null, 2) + '\n');
  process.stdout.write(md + '\n');
}

export async function plot(file: string, panels: Panel[], opts: { cols?: number; title?: string } = {}): Promise<void> {
  await fs.mkdir(OUT, { recursive: true });
  await writeFigure(join(OUT, file), await figure(panels, opts));
}

/** The 8-Gaussians toy set is exactly a Gaussian mixture: centres 4/1.414·(8 directions), std 0.5/1.414. */
export function eightGaussians(): sk.Gmm {
  const s = Math.SQRT1_2;
  const dirs = [[1, 0], [-1, 0], [0, 1], [0, -1], [s, s], [s, -s], [-s, s], [-s, -s]];
  const v = (0.5 / 1.414) ** 2;
  return sk.gmm({ weights: dirs.map(() => 1 / 8), means: dirs.map(([a, b]) => [(4 * a) / 1.414, (4 * b) / 1.414]), covs: dirs.map(() => [[v, 0], [0, v]]) });
}

export function log(msg: string): void {
  process.stderr.write(`${msg}\n`);
}
