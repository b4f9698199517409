/** Records the golden hashes (run before a change that must keep every bit): node dist/tests/golden/record.js */
import { writeFileSync } from 'node:fs';
import { GOLDEN_FILE, goldenHashes } from './runs.js';

const h = await goldenHashes();
writeFileSync(GOLDEN_FILE, JSON.stringify(h, null, 2) + '\n');
process.stdout.write(`${Object.keys(h).length} hashes written to ${GOLDEN_FILE}\n`);
