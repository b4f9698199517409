/**
 * Builds the browser files into dist/web/ with esbuild (`npm run build` runs it after tsc):
 *  - scorekit.js, the library's ESM bundle from the browser entry (dist/browser.js), with
 *    platform/webgpu-browser.js in place of platform/webgpu.js (Dawn) by package.json's browser field,
 *    and its lazily loaded engines in chunks beside it; a Node built-in reaching the bundle is a
 *    build error (platform 'browser');
 *  - tfjs-backend-wasm's .wasm binaries beside it (tfjs:wasm loads them from the bundle's folder);
 *  - the pages of web/ (HTML, CSS) and their scripts (web/src/*.ts), which import the library as
 *    'scorekit' from ./scorekit.js.
 */
import { copyFileSync, mkdirSync, readdirSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build, type Plugin } from 'esbuild';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const WEB_OUT = join(ROOT, 'dist', 'web');
const WEB_SRC = join(ROOT, 'web');

/** The pages' 'scorekit' is the library bundle beside them. */
const libraryExternal: Plugin = {
  name: 'scorekit-external',
  setup(b) {
    b.onResolve({ filter: /^scorekit$/ }, () => ({ path: './scorekit.js', external: true }));
  },
};

export async function bundle(): Promise<void> {
  rmSync(WEB_OUT, { recursive: true, force: true });
  mkdirSync(WEB_OUT, { recursive: true });
  const common = { bundle: true, format: 'esm', platform: 'browser', target: 'es2022', sourcemap: true, logLevel: 'warning' } as const;
  await build({
    ...common,
    entryPoints: { scorekit: join(ROOT, 'dist', 'browser.js') },
    outdir: WEB_OUT, splitting: true, chunkNames: 'chunk-[hash]',
  });
  const pages = readdirSync(join(WEB_SRC, 'src')).filter((f) => f.endsWith('.ts') && !f.endsWith('.d.ts'));
  const entries = readdirSync(join(WEB_SRC, 'src')).filter((f) => /^[a-z-]+-page\.ts$/.test(f));
  if (pages.length === 0 || entries.length === 0) throw new Error('bundle: web/src has no page scripts');
  await build({
    ...common,
    entryPoints: entries.map((f) => join(WEB_SRC, 'src', f)),
    outdir: WEB_OUT,
    plugins: [libraryExternal],
  });
  for (const f of readdirSync(WEB_SRC)) if (/\.(html|css|png)$/.test(f)) copyFileSync(join(WEB_SRC, f), join(WEB_OUT, f));
  const wasmDir = dirname(createRequire(import.meta.url).resolve('@tensorflow/tfjs-backend-wasm/package.json'));
  for (const f of readdirSync(join(wasmDir, 'dist'))) if (f.endsWith('.wasm')) copyFileSync(join(wasmDir, 'dist', f), join(WEB_OUT, f));
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) await bundle();
