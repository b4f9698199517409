#!/usr/bin/env node
/**
 * The `scorekit` command. Bad input prints one line on stderr and exits with status 2.
 */
import * as E from 'fp-ts/lib/Either.js';
import { helpText, type OptionSpec, parseOptions } from './args.js';
import { formatDemo, runDemo } from './demo.js';

const DEMO_OPTIONS: Record<string, OptionSpec> = {
  n: { kind: 'int', default: 4000, min: 1, help: 'number of particles' },
  steps: { kind: 'int', default: 1000, min: 10, help: 'Langevin steps (annealed: split over 10 noise levels)' },
  seed: { kind: 'int', default: 0, min: 0, help: 'PRNG seed' },
  backend: { kind: 'string', default: 'cpu', help: "backend spec, e.g. 'cpu' or 'cpu:float32'" },
  json: { kind: 'flag', help: 'print the report as JSON on stdout' },
};

const COMMANDS = 'demo';
const USAGE = `scorekit <command> [options]\n\ncommands:\n  demo    Langevin vs annealed Langevin on a two-mode mixture (the main job for now)\n\nRun 'scorekit <command> --help' for its options.`;

function fail(msg: string): never {
  process.stderr.write(`scorekit: ${msg}\n`);
  process.exit(2);
}

async function main(argv: string[]): Promise<void> {
  const [cmd, ...rest] = argv;
  if (cmd === undefined || cmd === '--help' || cmd === '-h' || cmd === 'help') {
    process.stdout.write(`usage: ${USAGE}\n`);
    return;
  }
  if (cmd === 'demo') {
    if (rest.includes('--help')) {
      process.stdout.write(helpText('scorekit demo [options]', 'Langevin pitfalls on a two-mode Gaussian mixture with its exact score.', DEMO_OPTIONS));
      return;
    }
    const parsed = parseOptions(rest, DEMO_OPTIONS);
    if (E.isLeft(parsed)) fail(parsed.left.join('; '));
    const o = parsed.right;
    const progress = process.stderr.isTTY && !o.json ? (m: string) => process.stderr.write(`\r${m}      `) : undefined;
    const r = await runDemo({ n: o.n as number, steps: o.steps as number, seed: o.seed as number, backend: o.backend as string }, progress);
    if (progress) process.stderr.write('\r' + ' '.repeat(60) + '\r');
    process.stdout.write(o.json ? JSON.stringify(r, null, 2) + '\n' : formatDemo(r) + '\n');
    return;
  }
  fail(`unknown command '${cmd}' (commands: ${COMMANDS}); see 'scorekit --help'`);
}

main(process.argv.slice(2)).catch((e: unknown) => fail(e instanceof Error ? e.message : String(e)));
