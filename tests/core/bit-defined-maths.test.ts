/**
 * core/ and the CPU backend compute with the bit-defined functions of core/numerics/libm, never with
 * Math's transcendental functions or a general `**`, whose last bit differs between JavaScript
 * engines: this is what keeps a run in a browser equal to the same run in Node bit for bit. The
 * check reads the sources' code lines (comments aside); `x ** 2` (an exact square in every engine)
 * and `2 ** k` (an exact power of two) are allowed.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const DIRS = ['core', 'backends/cpu'];
const EXEMPT = 'core/numerics/libm/';

const HOST_MATH = /\bMath\.(exp|expm1|log|log1p|log2|log10|sin|cos|tan|sinh|cosh|tanh|asin|acos|atan|atan2|asinh|acosh|atanh|cbrt|pow|hypot)\b/;
/** `**` not of the forms `x ** 2` and `2 ** k`. */
const GENERAL_POW = /(?<!\b2 )\*\*(?! ?2\b(?!\.))/;

function sources(dir: string): string[] {
  return readdirSync(join(ROOT, dir)).flatMap((name) => {
    const rel = `${dir}/${name}`;
    if (statSync(join(ROOT, rel)).isDirectory()) return sources(rel);
    return name.endsWith('.ts') && !name.endsWith('.d.ts') ? [rel] : [];
  });
}

/**
 * The code lines of a source, with their numbers: block and line comments are blanked; string and
 * template literals are kept (generated kernels are strings), and a quote only opens a literal in code.
 */
export function codeLines(text: string): { line: number; code: string }[] {
  const out: { line: number; code: string }[] = [];
  let block = false;
  text.split('\n').forEach((raw, i) => {
    let code = '';
    let quote = '';
    for (let k = 0; k < raw.length; k++) {
      const c = raw[k];
      const two = raw.slice(k, k + 2);
      if (block) {
        if (two === '*/') { block = false; k++; }
        continue;
      }
      if (quote) {
        code += c;
        if (c === '\\') code += raw[++k] ?? '';
        else if (c === quote) quote = '';
        continue;
      }
      if (two === '//') break;
      if (two === '/*') { block = true; k++; continue; }
      if (c === "'" || c === '"' || c === '`') quote = c;
      code += c;
    }
    if (code.trim()) out.push({ line: i + 1, code });
  });
  return out;
}

describe('bit-defined maths in core/ and the CPU backend', () => {
  const files = DIRS.flatMap(sources).filter((f) => !f.startsWith(EXEMPT));

  it('reads the sources', () => {
    assert.ok(files.length > 100, `only ${files.length} sources found under ${DIRS.join(', ')}`);
    assert.ok(files.includes('backends/cpu/kernels.ts'));
  });

  it('calls no Math transcendental function and no general **', () => {
    const found: string[] = [];
    for (const f of files) {
      for (const { line, code } of codeLines(readFileSync(join(ROOT, f), 'utf8'))) {
        if (HOST_MATH.test(code) || GENERAL_POW.test(code)) found.push(`${f}:${line}: ${code.trim()}`);
      }
    }
    assert.deepEqual(found, [], `use libm from core/numerics/libm instead:\n${found.join('\n')}`);
  });

  it('catches what it should (the check can fail)', () => {
    const bad = ['const y = Math.exp(x);', "const e = 'out[o] = Math.sin(a)';", 'const s = a ** (1 / rho);', 'const c = b1 ** step;'];
    const good = ['const y = libm.exp(x); // Math.exp would differ', 'const s2 = sigma ** 2;', 'const q = 2 ** -53;', '/** Math.log is not bit-defined */'];
    for (const src of bad) assert.ok(codeLines(src).some(({ code }) => HOST_MATH.test(code) || GENERAL_POW.test(code)), src);
    for (const src of good) assert.ok(!codeLines(src).some(({ code }) => HOST_MATH.test(code) || GENERAL_POW.test(code)), src);
  });
});
