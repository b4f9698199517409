/**
 * The operands of a command line (`scorekit merge OUT FILE …`): the words that are neither an option
 * nor the value of the option before them. A word after `--` is an operand even when it starts with
 * `--`.
 */
import type { OptionSpec } from './args.js';

export function splitOperands(argv: readonly string[], specs: Record<string, OptionSpec>): { options: string[]; operands: string[] } {
  const options: string[] = [];
  const operands: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--') {
      operands.push(...argv.slice(i + 1));
      break;
    }
    if (!arg.startsWith('--')) {
      operands.push(arg);
      continue;
    }
    options.push(arg);
    const s = specs[arg.slice(2)];
    // a valued option written apart (--name VALUE) takes the next word, which parseOptions then checks
    if (s && s.kind !== 'flag' && i + 1 < argv.length && !argv[i + 1].startsWith('--')) options.push(argv[++i]);
  }
  return { options, operands };
}
