/**
 * The command line's two kinds of failure.
 * - Bad input (exit status 2, one line): an `InputError` (the CLI's refusals), a `CheckpointError`,
 *   and the errors scorekit itself throws on purpose (its RangeError, TypeError, ShapeError and Error
 *   with a message meant for the caller), and the system's refusals of a file (ENOENT, EACCES, …).
 * - Internal error (exit status 70, EX_SOFTWARE of sysexits.h): anything the JavaScript engine raised
 *   by itself (a property of undefined, an invalid array length, a stack overflow, …), a failed
 *   assertion, or a thrown non-Error. One line asking for a report; the stack with --debug.
 */
export class InputError extends Error {
  override name = 'InputError';
}

export const EXIT_BAD_INPUT = 2;
export const EXIT_INTERNAL = 70;

/**
 * Messages that V8 writes for its own TypeErrors and RangeErrors (the templates of v8/src/common/message-template.h
 * that a program bug reaches); scorekit's deliberate throws never use these phrasings.
 */
const ENGINE_MESSAGES: readonly RegExp[] = [
  /^Cannot read propert(y|ies) of (undefined|null)/,
  /^Cannot set propert(y|ies) of (undefined|null)/,
  /^Cannot destructure /,
  /^Cannot convert /,
  /^Cannot access '.*' before initialization/,
  /^Cannot mix BigInt/,
  /^Cannot assign to read only property/,
  /^Cannot (add|redefine|delete) property/,
  /^Cannot create property/,
  /is not a function$/,
  /is not a function or its return value is not (async )?iterable$/,
  /is not (async )?iterable/,
  /is not a constructor$/,
  /^Invalid (typed )?array length/,
  /^Invalid string length/,
  /^Invalid count value/,
  /^Invalid time value/,
  /^Array buffer allocation failed/,
  /^Maximum call stack size exceeded/,
  /^Start offset .* is outside the bounds of the buffer/,
  /^Offset is outside the bounds of the DataView/,
  /^offset is out of bounds/,
  /^Reduce of empty array with no initial value/,
  /^(toFixed|toPrecision|toExponential)\(\) (digits )?(argument )?must be between/,
  /^Class constructor .* cannot be invoked without 'new'/,
  /^Converting circular structure to JSON/,
  /^Do not know how to serialize a BigInt/,
  /^The number .* cannot be converted to a BigInt/,
  /^Division by zero$/,
  /^(Reflect\.)?\w+ called on non-object/,
];

/** Whether an error is the engine's own (a program bug) rather than one scorekit threw on purpose. */
export function isEngineError(e: unknown): boolean {
  if (!(e instanceof Error)) return true;
  if (e instanceof ReferenceError || e instanceof SyntaxError || e instanceof EvalError || e instanceof URIError) return true;
  if (e.name === 'AssertionError' || (e as { code?: unknown }).code === 'ERR_ASSERTION') return true;
  if (e.constructor === TypeError || e.constructor === RangeError) return ENGINE_MESSAGES.some((r) => r.test(e.message));
  return false;
}

/** A system call's refusal (a file that is missing, not allowed, on a full disk, …): Node's SystemError. */
export function isSystemError(e: unknown): e is NodeJS.ErrnoException {
  return e instanceof Error && typeof (e as NodeJS.ErrnoException).syscall === 'string' && typeof (e as NodeJS.ErrnoException).code === 'string';
}

export type FailureKind = 'bad-input' | 'internal';

export function classify(e: unknown): FailureKind {
  if (e instanceof InputError || isSystemError(e)) return 'bad-input';
  return isEngineError(e) ? 'internal' : 'bad-input';
}

/** The first line of an error's message (a multi-line message, e.g. from a backend's driver, keeps one). */
export function firstLine(s: string): string {
  const lines = s.split('\n').map((l) => l.trim()).filter((l) => l !== '');
  return lines[0] ?? '(no message)';
}

/** The one stderr line and the exit status of a failure (with `debug`, the stack follows the line). */
export function report(e: unknown, debug: boolean): { text: string; status: number } {
  const kind = classify(e);
  const msg = e instanceof Error ? e.message : String(e);
  if (kind === 'bad-input') {
    const sys = isSystemError(e) && e.path !== undefined && !msg.includes(e.path) ? `${e.path}: ` : '';
    return { text: `scorekit: ${sys}${firstLine(msg)}\n${debug && e instanceof Error ? `${e.stack}\n` : ''}`, status: EXIT_BAD_INPUT };
  }
  const name = e instanceof Error ? e.name : typeof e;
  const stack = debug ? `${e instanceof Error ? e.stack : String(e)}\n` : '';
  return {
    text: `scorekit: internal error (${name}: ${firstLine(msg)}); this is a bug, please report it with the command line${debug ? '' : ' (--debug shows the stack)'}\n${stack}`,
    status: EXIT_INTERNAL,
  };
}
