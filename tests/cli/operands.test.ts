/** The operands of a command line: words that are neither options nor the values of the options before them. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { splitOperands } from '../../cli/operands.js';
import type { OptionSpec } from '../../cli/args.js';

const specs: Record<string, OptionSpec> = { json: { kind: 'flag', help: '' }, level: { kind: 'int', help: '' }, name: { kind: 'string', help: '' } };

describe('splitOperands', () => {
  it('keeps option values with their options, flags alone, and every other word as an operand, in order', () => {
    assert.deepEqual(splitOperands(['out.json', '--json', 'a.json', '--level', '3', 'b.json', '--name=x', 'c.json'], specs),
      { options: ['--json', '--level', '3', '--name=x'], operands: ['out.json', 'a.json', 'b.json', 'c.json'] });
  });
  it('takes every word after -- as an operand, and leaves a missing value and an unknown option to the option parser', () => {
    assert.deepEqual(splitOperands(['o.json', '--', '--odd.json'], specs), { options: [], operands: ['o.json', '--odd.json'] });
    assert.deepEqual(splitOperands(['--level', '--json', 'o.json'], specs), { options: ['--level', '--json'], operands: ['o.json'] });
    assert.deepEqual(splitOperands(['--nope', 'o.json'], specs), { options: ['--nope'], operands: ['o.json'] });
  });
});
