/** The scorekit command run as a subprocess, as a user runs it, and the checks of a refusal (exit 2, one stderr line, no output file). */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const main = fileURLToPath(new URL('../../cli/main.js', import.meta.url));

export const runCli = (...args: string[]) => spawnSync(process.execPath, [main, ...args], { encoding: 'utf8' });

export function ok(r: ReturnType<typeof runCli>): void {
  assert.equal(r.status, 0, `exit ${r.status}: ${r.stderr}`);
}

export function badInput(args: string[], pattern: RegExp, outFile?: string): void {
  const r = runCli(...args);
  assert.equal(r.status, 2, `expected exit 2 for ${args.join(' ')}, got ${r.status}: ${r.stdout}`);
  assert.equal(r.stderr.trim().split('\n').length, 1, `one line on stderr: ${r.stderr}`);
  assert.match(r.stderr, pattern);
  if (outFile) assert.ok(!existsSync(outFile), `${outFile} must not be created`);
}
