/**
 * Reading a named input file with one error shape: "cannot read <what> <path>: <code>". Only regular
 * files are read (a device, a FIFO or a directory would hang or never end).
 */
import { promises as fs } from 'node:fs';

export async function readInput(path: string, what: string): Promise<Buffer> {
  try {
    const st = await fs.stat(path);
    if (!st.isFile()) throw Object.assign(new Error(`${st.isDirectory() ? 'a directory' : 'not a regular file'}`), { code: st.isDirectory() ? 'EISDIR' : 'not a regular file' });
    return await fs.readFile(path);
  } catch (e) {
    throw new Error(`cannot read ${what} ${path}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
}
