/** Reading a named input file with one error shape: "cannot read <what> <path>: <code>". */
import { promises as fs } from 'node:fs';

export async function readInput(path: string, what: string): Promise<Buffer> {
  try {
    return await fs.readFile(path);
  } catch (e) {
    throw new Error(`cannot read ${what} ${path}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
}
