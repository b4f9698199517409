#!/usr/bin/env node
/**
 * The `scorekit` command: a table of commands, each with its options; bad input prints one line on
 * stderr and exits with status 2, before any output file is written; an internal error exits with
 * status 70 and asks for a report (cli/errors.ts).
 */
import * as E from 'fp-ts/lib/Either.js';
import { helpText, parseOptions } from './args.js';
import { splitOperands } from './operands.js';
import type { Command } from './command.js';
import { withConfig } from './config-file.js';
import { EXIT_BAD_INPUT, firstLine, report } from './errors.js';
import { abortOutputs } from '../io/outputs.js';
import { demoCommand } from './commands/demo.js';
import { trainCommand } from './commands/train.js';
import { sampleCommand } from './commands/sample.js';
import { evalCommand } from './commands/eval.js';
import { nllCommand } from './commands/nll.js';
import { ordersCommand } from './commands/orders.js';
import { verifyCommand } from './commands/verify.js';
import { benchCommand } from './commands/bench.js';
import { samplersCommand } from './commands/samplers.js';
import { conformanceCommand } from './commands/conformance.js';
import { mergeCommand } from './commands/merge.js';

const COMMANDS: readonly Command[] = [demoCommand, trainCommand, sampleCommand, samplersCommand, evalCommand, nllCommand, ordersCommand, conformanceCommand, verifyCommand, benchCommand, mergeCommand];

function usage(): string {
  const rows = COMMANDS.map((c) => `  ${c.name.padEnd(8)} ${c.summary}`).join('\n');
  return `usage: scorekit <command> [options]\n\ncommands:\n${rows}\n\nRun 'scorekit <command> --help' for its options.\n`;
}

function fail(msg: string): never {
  process.stderr.write(`scorekit: ${firstLine(msg)}\n`);
  process.exit(EXIT_BAD_INPUT);
}

/** --debug anywhere on the command line (or SCOREKIT_DEBUG=1): internal errors print their stack. */
const debug = process.argv.some((a) => a === '--debug' || /^--debug=(true|1|yes)$/i.test(a)) || process.env.SCOREKIT_DEBUG === '1';

async function main(argv: string[]): Promise<void> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    process.stdout.write(usage());
    return;
  }
  const cmd = COMMANDS.find((c) => c.name === name);
  if (!cmd) fail(`unknown command '${name}' (commands: ${COMMANDS.map((c) => c.name).join(', ')}); see 'scorekit --help'`);
  if (rest.includes('--help') || rest.includes('-h')) {
    process.stdout.write(helpText(cmd.usage, cmd.summary, cmd.options));
    return;
  }
  const { options, operands } = cmd.operands ? splitOperands(rest, cmd.options) : { options: rest, operands: [] };
  const parsed = parseOptions(await withConfig(options, cmd.options), cmd.options);
  if (E.isLeft(parsed)) fail(parsed.left.join('; '));
  await cmd.run(parsed.right, operands);
}

main(process.argv.slice(2)).catch(async (e: unknown) => {
  await abortOutputs();
  const r = report(e, debug);
  process.stderr.write(r.text);
  process.exit(r.status);
});
