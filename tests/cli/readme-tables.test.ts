/** The README's generated tables say what the registries say. */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { BLOCKS, README, readBlock } from '../../tools/readme.js';

describe('README tables', () => {
  const text = readFileSync(README, 'utf8');
  for (const [name, make] of Object.entries(BLOCKS)) {
    it(`the ${name} table is the registry's (npm run readme rewrites it)`, () => {
      const got = readBlock(text, name);
      assert.notEqual(got, undefined, `README lacks the ${name} block`);
      assert.equal(got, make(), `README's ${name} table is out of date: run npm run readme`);
    });
  }
});
