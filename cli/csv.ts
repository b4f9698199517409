/**
 * A strict reader of numeric CSV (RFC 4180 without quoting, which numbers never need): rows of
 * comma-separated decimal numbers, all of one length, with an optional header row of column names.
 * A field is a decimal literal (`-1.5`, `.5`, `2e-3`, surrounding spaces allowed); an empty field, a
 * lone space, hexadecimal, `Infinity` and `NaN` are refused with the row and column. The first row is
 * a header exactly when none of its fields is a number and each is a name.
 */
import { InputError } from './errors.js';

const NUMBER = /^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/;
const NAME = /^[A-Za-z_][\w .-]*$/;
const NUMBER_WORD = /^[+-]?(nan|inf|infinity)$/i;

export interface NumericCsv {
  readonly header?: readonly string[];
  readonly rows: number[][];
}

export function parseNumericCsv(text: string, source: string): NumericCsv {
  const fail = (msg: string): never => {
    throw new InputError(`${source}: ${msg}`);
  };
  const body = text.startsWith('\ufeff') ? text.slice(1) : text;
  const lines = body.split(/\r?\n/);
  if (lines.length > 0 && lines[lines.length - 1] === '') lines.pop();
  if (lines.length === 0) fail('empty CSV file');
  const first = lines[0].split(',').map((f) => f.trim());
  const isHeader = first.every((f) => !NUMBER.test(f) && !NUMBER_WORD.test(f) && NAME.test(f));
  const header = isHeader ? first : undefined;
  const width = first.length;
  const rows: number[][] = [];
  for (let r = isHeader ? 1 : 0; r < lines.length; r++) {
    const line = lines[r];
    if (line.includes('"')) fail(`row ${r + 1}: quoted fields are not numbers`);
    const fields = line.split(',');
    if (fields.length !== width) fail(`row ${r + 1} has ${fields.length} field${fields.length === 1 ? '' : 's'}, the ${isHeader ? 'header' : 'first row'} ${width}`);
    rows.push(fields.map((f, c) => {
      const t = f.trim();
      if (!NUMBER.test(t)) fail(`row ${r + 1}, column ${c + 1}: ${t === '' ? 'empty field' : `'${t.length > 40 ? `${t.slice(0, 40)}…` : t}' is not a decimal number`}`);
      const v = Number(t);
      if (!Number.isFinite(v)) fail(`row ${r + 1}, column ${c + 1}: '${t}' overflows to ${v}`);
      return v;
    }));
  }
  return { header, rows };
}

/** Samples as `scorekit sample` writes them to FILE.csv: a header x0,x1,… of `dim` columns, then a row per sample. */
export const samplesCsv = (rows: readonly (readonly number[])[], dim: number): string =>
  [Array.from({ length: dim }, (_, i) => `x${i}`).join(','), ...rows.map((row) => row.join(','))].join('\n') + '\n';
