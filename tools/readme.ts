/**
 * Rewrites the README's generated blocks (between `<!-- NAME:begin -->` and `<!-- NAME:end -->`) from
 * the registries: `npm run readme`. `tests/cli/readme-tables.test.ts` fails when they are out of step.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { samplersMarkdown } from '../cli/commands/samplers.js';

export const README = fileURLToPath(new URL('../../README.md', import.meta.url));

/** The generated blocks: name → content. */
export const BLOCKS: Record<string, () => string> = { samplers: samplersMarkdown };

/** The text of block `name` in `text`, or undefined when its markers are missing. */
export function readBlock(text: string, name: string): string | undefined {
  const m = new RegExp(`<!-- ${name}:begin -->\\n([\\s\\S]*?)\\n<!-- ${name}:end -->`).exec(text);
  return m?.[1];
}

export function writeBlocks(text: string): string {
  let out = text;
  for (const [name, make] of Object.entries(BLOCKS)) {
    if (readBlock(out, name) === undefined) throw new Error(`README has no <!-- ${name}:begin --> … <!-- ${name}:end --> block`);
    out = out.replace(new RegExp(`(<!-- ${name}:begin -->\\n)[\\s\\S]*?(\\n<!-- ${name}:end -->)`), (_m, a: string, b: string) => a + make() + b);
  }
  return out;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  writeFileSync(README, writeBlocks(readFileSync(README, 'utf8')));
  process.stdout.write(`README blocks rewritten: ${Object.keys(BLOCKS).join(', ')}\n`);
}
