import type { OptionSpec, Parsed } from './args.js';

export interface Command {
  readonly name: string;
  readonly usage: string;
  readonly summary: string;
  readonly options: Record<string, OptionSpec>;
  /** The words of its command line that are not options (FILE …), for a command that takes them; without it they are refused. */
  readonly operands?: boolean;
  run(o: Parsed, operands?: readonly string[]): Promise<void>;
}

/** Options every command takes. */
export const COMMON: Record<string, OptionSpec> = {
  seed: { kind: 'int', default: 0, min: 0, help: 'PRNG seed' },
  backend: { kind: 'string', default: 'cpu', help: "backend spec, e.g. 'cpu' or 'cpu:float32'" },
  json: { kind: 'flag', help: 'machine-readable output on stdout' },
  debug: { kind: 'flag', help: 'print the stack of an internal error' },
  config: { kind: 'string', help: 'JSON file of options by flag name, e.g. {"steps": 20}; flags on the command line override it' },
  'max-memory': { kind: 'number', min: 0, help: "refuse runs estimated to need more memory than this (GiB; default half the machine's)" },
};

export function print(o: Parsed, human: string, machine: unknown): void {
  process.stdout.write(o.json ? JSON.stringify(machine, null, 2) + '\n' : human + '\n');
}
