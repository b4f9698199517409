/**
 * The playground's static server (tools/serve.ts): files of its folder with their content types, 404
 * for missing files, no path outside the folder, GET/HEAD only, and a bad port refused with exit status 2.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, describe, it } from 'node:test';
import { serveStatic, type StaticServer } from '../../tools/serve.js';

/** A raw request (the path is sent as given, unnormalised). */
function get(url: string, path: string, method = 'GET'): Promise<{ status: number; type: string; body: string }> {
  const u = new URL(url);
  return new Promise((resolve, reject) => {
    const req = request({ host: u.hostname, port: u.port, path, method }, (res) => {
      let body = '';
      res.on('data', (c) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, type: String(res.headers['content-type'] ?? ''), body }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('static server', () => {
  let dir: string;
  let server: StaticServer;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'scorekit-serve-'));
    mkdirSync(join(dir, 'root'));
    writeFileSync(join(dir, 'root', 'index.html'), '<p>hi</p>');
    writeFileSync(join(dir, 'root', 'a.wasm'), Buffer.from([0, 0x61, 0x73, 0x6d]));
    writeFileSync(join(dir, 'secret.txt'), 'outside');
    server = await serveStatic(join(dir, 'root'), 0);
  });

  after(async () => {
    await server.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('serves files with their types, index.html for /', async () => {
    const r = await get(server.url, '/');
    assert.equal(r.status, 200);
    assert.match(r.type, /^text\/html/);
    assert.equal(r.body, '<p>hi</p>');
    assert.equal((await get(server.url, '/a.wasm')).type, 'application/wasm');
  });

  it('answers 404, 403 outside the folder, 405 for other methods', async () => {
    assert.equal((await get(server.url, '/missing.js')).status, 404);
    for (const path of ['/../secret.txt', '/%2e%2e/secret.txt']) {
      const r = await get(server.url, path); // the URL parser resolves the dots inside the folder
      assert.ok(r.status === 404 && !r.body.includes('outside'), `${path}: ${r.status} ${r.body}`);
    }
    assert.equal((await get(server.url, '/..%2fsecret.txt')).status, 403);
    assert.equal((await get(server.url, '/%E0%A4%A')).status, 400);
    assert.equal((await get(server.url, '/', 'POST')).status, 405);
  });

  it('refuses a bad port with one line and exit status 2', () => {
    const script = fileURLToPath(new URL('../../tools/serve.js', import.meta.url));
    for (const port of ['70000', 'abc', '-1']) {
      const r = spawnSync(process.execPath, [script, port], { encoding: 'utf8', timeout: 10_000 });
      assert.equal(r.status, 2, `port ${port}: ${r.stderr}`);
      assert.match(r.stderr.trim(), /^serve: the port must be an integer from 0 to 65535, got '.*'$/);
    }
  });
});
