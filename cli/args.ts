/**
 * Command-line option parsing with validation as values (fp-ts Either): every bad option is
 * reported at once, in one line, and nothing runs. A value that looks like an option (`--out --json`)
 * is refused rather than taken as the value (write `--out=--json` for such a name); a flag takes no
 * value or an explicit `=true|false|1|0|yes|no`.
 */
import * as E from 'fp-ts/lib/Either.js';

export type OptionKind = 'int' | 'number' | 'string' | 'flag';

export interface OptionSpec {
  readonly kind: OptionKind;
  readonly default?: number | string | boolean;
  readonly min?: number;
  readonly help: string;
}

export type Parsed = Record<string, number | string | boolean>;

const FLAG_VALUES: Record<string, boolean> = { true: true, false: false, 1: true, 0: false, yes: true, no: false };

export function parseOptions(argv: readonly string[], specs: Record<string, OptionSpec>): E.Either<string[], Parsed> {
  const errs: string[] = [];
  const out: Parsed = {};
  for (const [name, s] of Object.entries(specs)) if (s.default !== undefined) out[name] = s.default;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (!arg.startsWith('--')) {
      errs.push(`unexpected argument '${arg}'`);
      continue;
    }
    const [name, inline] = arg.slice(2).split(/=(.*)/s, 2);
    const s = specs[name];
    if (!s) {
      errs.push(`unknown option --${name} (options: ${Object.keys(specs).map((k) => `--${k}`).join(', ')})`);
      continue;
    }
    if (s.kind === 'flag') {
      if (inline === undefined) out[name] = true;
      else if (FLAG_VALUES[inline.toLowerCase()] !== undefined) out[name] = FLAG_VALUES[inline.toLowerCase()];
      else errs.push(`--${name} is a flag: give it alone or as --${name}=true|false, not '${inline}'`);
      continue;
    }
    if (inline === undefined && (argv[i + 1] === undefined || argv[i + 1].startsWith('--'))) {
      errs.push(argv[i + 1] === undefined ? `--${name} needs a value` : `--${name} needs a value (got the option ${argv[i + 1].split('=')[0]}; write --${name}=VALUE for a value that starts with --)`);
      continue;
    }
    const raw = inline ?? argv[++i];
    if (s.kind !== 'string' && raw === '') {
      errs.push(`--${name} needs a value`);
      continue;
    }
    if (s.kind === 'string') {
      out[name] = raw;
      continue;
    }
    const v = Number(raw);
    if (raw.trim() === '' || !Number.isFinite(v)) errs.push(`--${name} must be a number, got '${raw}'`);
    else if (s.kind === 'int' && !Number.isInteger(v)) errs.push(`--${name} must be an integer, got '${raw}'`);
    else if (s.min !== undefined && v < s.min) errs.push(`--${name} must be ≥ ${s.min}, got ${v}`);
    else out[name] = v;
  }
  return errs.length ? E.left(errs) : E.right(out);
}

export function helpText(usage: string, summary: string, specs: Record<string, OptionSpec>): string {
  const lines = Object.entries(specs).map(([name, s]) => {
    const arg = s.kind === 'flag' ? '' : s.kind === 'string' ? ' STR' : ' N';
    const def = s.default !== undefined && s.kind !== 'flag' ? ` (default ${s.default})` : '';
    return `  --${(name + arg).padEnd(18)} ${s.help}${def}`;
  });
  return `usage: ${usage}\n\n${summary}\n\noptions:\n${lines.join('\n')}\n  --help               show this help\n`;
}
