/**
 * `--config FILE.json`: a JSON object of a command's options by their flag names, e.g.
 * `{"sde": "cld", "sampler": "sscs", "sscs-variant": "official", "grid": "quadratic", "nfe": 20, "denoise": true}`.
 * The file's options come first and the command line's after them, so a flag given on the command
 * line overrides the file. An unknown key, a value of the wrong JSON type, a nested `config` or a
 * file that is not a JSON object is bad input.
 */
import { parseOptions, type OptionSpec, type Parsed } from './args.js';
import { InputError } from './errors.js';
import { readInput } from '../io/files.js';
import * as E from 'fp-ts/lib/Either.js';

/** The value of --config on a command line (either spelling), if any. */
export function configPath(argv: readonly string[]): string | undefined {
  let path: string | undefined;
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--config') path = argv[i + 1]?.startsWith('--') ? undefined : argv[i + 1];
    else if (argv[i].startsWith('--config=')) path = argv[i].slice('--config='.length);
  }
  return path;
}

/** The options of a config file's object as command-line words (`--name=value`), checked against the command's options. */
export function configWords(text: string, file: string, specs: Record<string, OptionSpec>): string[] {
  let obj: unknown;
  try {
    obj = JSON.parse(text);
  } catch (e) {
    throw new InputError(`config ${file} is not valid JSON: ${(e as Error).message}`);
  }
  if (typeof obj !== 'object' || obj === null || Array.isArray(obj)) throw new InputError(`config ${file} must hold a JSON object of options, e.g. {"steps": 20}`);
  const words: string[] = [];
  const errs: string[] = [];
  for (const [key, v] of Object.entries(obj as Record<string, unknown>)) {
    const s = Object.hasOwn(specs, key) ? specs[key] : undefined;
    if (!s || key === 'config') {
      errs.push(key === 'config' ? 'a config file cannot name another (config)' : `unknown option '${key}'`);
      continue;
    }
    const want = s.kind === 'flag' ? 'boolean' : s.kind === 'string' ? 'string' : 'number';
    if (typeof v !== want) errs.push(`'${key}' must be a JSON ${want}, got ${JSON.stringify(v)}`);
    else words.push(`--${key}=${String(v)}`);
  }
  if (errs.length) throw new InputError(`config ${file}: ${errs.join('; ')} (options: ${Object.keys(specs).filter((k) => k !== 'config').join(', ')})`);
  const checked = parseOptions(words, specs);
  if (E.isLeft(checked)) throw new InputError(`config ${file}: ${checked.left.join('; ')}`);
  return words;
}

/** Options that say the same thing two ways: a command line that gives one of a group overrides the file's whole group. */
const ALTERNATIVES: readonly (readonly string[])[] = [['steps', 'nfe']];

const named = (argv: readonly string[], key: string): boolean => argv.some((a) => a === `--${key}` || a.startsWith(`--${key}=`));

/** The command line with the options of its --config file in front (the command line's own flags override them). */
export async function withConfig(argv: readonly string[], specs: Record<string, OptionSpec>): Promise<string[]> {
  const file = configPath(argv);
  if (file === undefined || !Object.hasOwn(specs, 'config')) return [...argv];
  const overridden = ALTERNATIVES.filter((g) => g.some((k) => named(argv, k))).flat();
  const words = configWords((await readInput(file, 'config file')).toString('utf8'), file, specs);
  return [...words.filter((w) => !overridden.some((k) => w.startsWith(`--${k}=`))), ...argv];
}

/** The options a run used, as a config file holds them (what `--config` reads back; the config file itself and --debug left out). */
export function effectiveConfig(o: Parsed, extra: Record<string, number | string | boolean> = {}): Record<string, number | string | boolean> {
  const out: Record<string, number | string | boolean> = {};
  for (const [k, v] of Object.entries({ ...o, ...extra })) if (v !== undefined && k !== 'config' && k !== 'debug') out[k] = v;
  return out;
}
