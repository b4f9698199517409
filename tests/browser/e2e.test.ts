/**
 * End-to-end tests of the browser build in headless Chromium (Debian's /usr/bin/chromium, driven by
 * playwright-core): the bundle is built (tools/bundle.ts) and served on 127.0.0.1; the playground
 * loads and samples; the page draws the Node library's random bits, and a run in the page gives the
 * Node library's samples on the CPU backend for the same seed bit for bit (core/ computes with the
 * bit-defined functions of core/numerics/libm); verify passes on the page's CPU and wasm backends;
 * WebGPU is found or said to be missing; and a screenshot of the playground is written (to SCOREKIT_SCREENSHOT when set,
 * which is how docs/playground.png is made). Skipped when Chromium is not installed.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { BrowserContext, Page } from 'playwright-core';
import * as sk from '../../index.js';
import { bundle } from '../../tools/bundle.js';
import { serveStatic, type StaticServer } from '../../tools/serve.js';

const CHROMIUM = '/usr/bin/chromium';
const skip = existsSync(CHROMIUM) ? false : `${CHROMIUM} is not installed (Debian package chromium; .ci/run installs it)`;

/** The flags this machine's closed network and root user need (no sandbox, no background traffic). */
const FLAGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

/** The playground's mixture text and the same mixture for the Node library (weights sum to 1 exactly). */
const COMPONENTS = [[0.25, -2, -1, 0.5], [0.5, 1.5, 1.5, 0.6], [0.25, 2, -2, 0.4]];
const MIXTURE_TEXT = COMPONENTS.map((c) => c.join(' ')).join('\n');
const MIXTURE = sk.gmm({ weights: COMPONENTS.map((c) => c[0]), means: COMPONENTS.map((c) => [c[1], c[2]]), covs: COMPONENTS.map((c) => [[c[3] ** 2, 0], [0, c[3] ** 2]]) });

/** A page expression: the #status line matches the pattern. */
const statusMatches = (pattern: string): string => `/${pattern}/.test(document.getElementById('status')?.textContent ?? '')`;

interface Probe { readonly spec: string; readonly name?: string; readonly reason?: string }
interface Row { readonly property: string; readonly backend: string; readonly pass: boolean; readonly worst: number; readonly detail?: string }

describe('browser build in headless Chromium', { skip }, () => {
  let server: StaticServer;
  let ctx: BrowserContext;
  let page: Page;
  let userDir: string;
  const pageErrors: string[] = [];

  before(async () => {
    await bundle();
    server = await serveStatic();
    userDir = mkdtempSync(join(tmpdir(), 'scorekit-chromium-'));
    const { chromium } = await import('playwright-core');
    ctx = await chromium.launchPersistentContext(userDir, { executablePath: CHROMIUM, headless: true, args: FLAGS, viewport: { width: 1360, height: 800 } });
    page = await ctx.newPage();
    page.on('pageerror', (e) => pageErrors.push(e.message));
    await page.goto(server.url);
    await page.waitForFunction(statusMatches('NFE|error:'), null, { timeout: 20_000 });
  });

  after(async () => {
    await ctx?.close();
    await server?.close();
    if (userDir) rmSync(userDir, { recursive: true, force: true });
  });

  it('loads the playground, which samples and finds its backends', async () => {
    const text = await page.textContent('#status');
    assert.match(text ?? '', /em on vp: 1000 samples, 40 NFE/, `status: ${text}`);
    assert.deepEqual(pageErrors, []);
    const probes = await page.evaluate(() => (globalThis as unknown as { playground: { probes: Probe[] } }).playground.probes);
    const found = (spec: string): Probe => probes.find((p) => p.spec === spec)!;
    for (const spec of ['cpu', 'cpu:float32', 'tfjs:wasm', 'gpujs:wasm']) assert.ok(found(spec).name, `${spec}: ${found(spec).reason}`);
    for (const spec of ['tfjs:webgpu', 'gpujs:webgpu']) {
      const p = found(spec);
      assert.ok(p.name || /WebGPU: .*(no navigator\.gpu|no adapter)/.test(p.reason ?? ''), `${spec}: neither found nor a clear reason: ${p.reason}`);
    }
  });

  it('draws the same random bits in the page and in Node (normals, prior draws, uniforms)', async () => {
    const f = async (lib: typeof sk, be: sk.Backend): Promise<string> => {
      const k = lib.random.key(42);
      const xs = [lib.random.normal(k, [257, 3], { backend: be }), lib.vpSde({}).priorSample(lib.random.foldIn(k, 1), 301, 2, { backend: be }), lib.random.uniform(lib.random.foldIn(k, 2), [99], { backend: be })];
      const parts: string[] = [];
      for (const x of xs) parts.push([...new Uint8Array(Float64Array.from((await x.data()) as ArrayLike<number>).buffer)].map((b) => b.toString(16).padStart(2, '0')).join(''));
      return parts.join('|');
    };
    const inPage = await page.evaluate(`(async () => { const lib = await import('./scorekit.js'); return (${f.toString()})(lib, await lib.getBackend('cpu')); })()`) as string;
    const inNode = await f(sk, await sk.getBackend('cpu'));
    assert.equal(inNode.length, (257 * 3 + 301 * 2 + 99) * 16 + 2);
    assert.ok(inPage === inNode, 'the random streams differ between the page and Node');
  });

  /** The page's run of each spec and Node's run with the library, as float64 arrays. */
  async function pageAndNode(r: { sde: string; sampler: string; steps: number; seed: number; backend: string }): Promise<{ got: Float64Array; want: Float64Array }> {
    const spec = { ...r, mixture: MIXTURE_TEXT, n: 300 };
    const got = await page.evaluate((s) => (globalThis as unknown as { playground: { samplesHex(s: unknown): Promise<{ hex: string; nfe: number }> } }).playground.samplesHex(s), spec);
    const be = await sk.getBackend(r.backend);
    const sde = SDES[r.sde]();
    const out = await sk.runSampler(sk.random.key(r.seed), sk.samplerByName(r.sampler), sde, sk.exactScore(sde, MIXTURE), { n: spec.n, d: 2, steps: r.steps, backend: be });
    const x = sde.kind === 'cld' ? (sde as sk.CldSde).split(out.x).x : out.x;
    const want = Float64Array.from((await x.data()) as Float64Array);
    assert.equal(got.nfe, out.nfe, `${r.sampler} on ${r.sde}: NFE`);
    const bytes = Buffer.from(got.hex, 'hex');
    return { got: new Float64Array(bytes.buffer, bytes.byteOffset, bytes.length / 8), want };
  }

  /** The playground's SDEs (web/src/lab.ts) as the Node library builds them. */
  const SDES: Record<string, () => sk.Sde> = {
    vp: () => sk.vpSde({}),
    ve: () => sk.veSde({ sigmaMin: 0.01, sigmaMax: 10 }),
    cld: () => sk.cldSde({}),
    edm: () => sk.edmSde({}),
    rf: () => sk.rfSde(),
    'vp-cosine': () => sk.vpCosineSde({}),
    'vp-logsnr': () => sk.vpLogSnrSde({}),
  };

  /** Runs whose host maths covers exp, log, expm1, log1p, pow (VE's and EDM's grids), sin and cos (the cosine schedule). */
  const RUNS = [
    { sde: 'vp', sampler: 'em', steps: 30, seed: 7, backend: 'cpu' },
    { sde: 'cld', sampler: 'sscs', steps: 20, seed: 3, backend: 'cpu' },
    { sde: 've', sampler: 'pc', steps: 12, seed: 11, backend: 'cpu' },
    { sde: 'rf', sampler: 'ode-heun', steps: 10, seed: 5, backend: 'cpu' },
    { sde: 'edm', sampler: 'edm-heun', steps: 9, seed: 13, backend: 'cpu' },
    { sde: 'vp-cosine', sampler: 'dpmpp-2m', steps: 12, seed: 17, backend: 'cpu' },
    { sde: 'vp-logsnr', sampler: 'unipc', steps: 10, seed: 19, backend: 'cpu' },
    { sde: 'vp', sampler: 'em', steps: 30, seed: 7, backend: 'cpu:float32' },
  ];

  it('gives the Node library\'s samples bit for bit for the same seed (CPU backend, float64 and float32)', async (t) => {
    for (const r of RUNS) {
      const { got, want } = await pageAndNode(r);
      const what = `${r.sampler} on ${r.sde} (${r.backend})`;
      assert.equal(got.length, want.length, `${what}: sample count`);
      assert.ok(want.every(Number.isFinite) && new Set(want).size > want.length / 2, `${what}: degenerate Node samples`);
      let worst = 0;
      let differ = 0;
      for (let i = 0; i < want.length; i++) {
        worst = Math.max(worst, Math.abs(got[i] - want[i]) / (1 + Math.abs(want[i])));
        if (!Object.is(got[i], want[i])) differ++;
      }
      t.diagnostic(`${what}: ${want.length - differ} of ${want.length} values bit-identical`);
      assert.equal(differ, 0, `${what}: ${differ} of ${want.length} values differ between the page and Node (worst relative difference ${worst})`);
    }
  });

  it('passes verify on the page\'s CPU and wasm backends', async () => {
    await page.goto(`${server.url}verify.html`);
    await page.waitForFunction(() => (globalThis as unknown as { scorekitVerify?: unknown }).scorekitVerify !== undefined, null, { timeout: 20_000 });
    const rows = await page.evaluate(() => (globalThis as unknown as { scorekitVerify: { run(s: string[], runs: number): Promise<Row[]> } }).scorekitVerify.run(['cpu:float32', 'tfjs:wasm'], 3));
    for (const spec of ['cpu:float32', 'tfjs:wasm']) assert.ok(rows.filter((r) => r.backend === spec).length > 20, `few rows for ${spec}`);
    const failed = rows.filter((r) => !r.pass).map((r) => `${r.property} on ${r.backend}: ${r.worst} ${r.detail ?? ''}`);
    assert.deepEqual(failed, []);
    assert.match(await page.textContent('#table') ?? '', /sampler: 20 steps of Euler–Maruyama \(VP\)\s+tfjs:wasm/);
  });

  it('draws the playground with its error-against-NFE curves (screenshot)', async () => {
    await page.goto(server.url);
    await page.waitForFunction(statusMatches('NFE|error:'), null, { timeout: 20_000 });
    await page.click('#errors');
    await page.waitForFunction(statusMatches('floor|error:'), null, { timeout: 20_000 });
    assert.match(await page.textContent('#status') ?? '', /Monte Carlo floor/);
    const file = process.env.SCOREKIT_SCREENSHOT ?? join(userDir, 'playground.png');
    await page.screenshot({ path: file, fullPage: true });
    const png = readFileSync(file);
    assert.equal(png.subarray(1, 4).toString('latin1'), 'PNG');
    assert.ok(png.length > 20_000, `screenshot of ${png.length} bytes`);
    assert.deepEqual(pageErrors, []);
  });
});
