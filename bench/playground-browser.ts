/**
 * The playground-size model in Chromium (Debian's /usr/bin/chromium through
 * playwright-core), on each runtime a page can get: wasm on one thread, wasm on
 * every core (the page is served cross-origin isolated, as vite.config.ts
 * serves the app, so tfjs loads its threaded binary), WebGL (SwiftShader
 * here), and WebGPU (SwiftShader here: Chromium is launched with
 * --enable-unsafe-webgpu --use-webgpu-adapter=swiftshader, which leave the
 * other runtimes as they were). The page is bench/browser/playground.ts: per
 * runtime, the first and later 64-token generations (the first compiles
 * WebGL's shader programs), the programs compiled — on WebGL with the fused
 * decoding programs and op by op, in the same run, and a profile of one cached
 * step — and a training step (on WebGL first profiled mode by mode: ./browser/trainProfile.ts), each
 * beside the plain-matmul rate of the same run; WebGPU's figures are taken
 * with async reads (bench/browser/webgpu.ts says why and what differs).
 *
 * A runtime with `+warmup` (webgl+warmup) first warms the model up as the page
 * does at load (src/model/webgl/warmUp.ts), in a fresh page, and times only
 * the generations after it.
 *
 *   npm run bench -- --browser-playground [--runtimes wasm:1,wasm,webgl,webgl+warmup,webgpu] [--generations 3]
 *     [--no-train | --only-train] [--no-profile]   (WebGL: fused vs op-by-op decoding, and the profile of one step: ./browser/decodeProfile.ts)
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { createServer } from 'vite';
import { chromiumPath } from '../tests/helpers/chromium.ts';
import { CROSS_ORIGIN_ISOLATION_HEADERS } from '../src/io/crossOriginIsolation.ts';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const ARGS = ['--no-sandbox', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync',
  '--enable-unsafe-webgpu', '--use-webgpu-adapter=swiftshader'];

export async function benchPlaygroundBrowser(): Promise<void> {
  const argv = process.argv;
  const arg = (name: string, fallback: string) => (argv.includes(`--${name}`) ? argv[argv.indexOf(`--${name}`) + 1] : fallback);
  const runtimes = arg('runtimes', 'wasm:1,wasm,webgl,webgl+warmup,webgpu').split(',');
  const generations = arg('generations', '3');
  const vite = await createServer({
    root: ROOT,
    configFile: false,
    logLevel: 'error',
    server: { host: '127.0.0.1', port: 0, hmr: false, headers: { ...CROSS_ORIGIN_ISOLATION_HEADERS } },
  });
  await vite.listen();
  const page0 = vite.resolvedUrls!.local[0].replace(/\/$/, '') + '/bench/browser/playground.html';
  const browser = await chromium.launch({ executablePath: chromiumPath(), args: ARGS });
  try {
    for (const runtime of runtimes) {
      const [spec, ...flags] = runtime.split('+');
      const [backend, threads] = spec.split(':');
      const warmUp = flags.includes('warmup');
      console.log(`\nChromium ${browser.version()}, ${backend}${threads ? ` (${threads} thread${threads === '1' ? '' : 's'} asked)` : ''}` +
        `${warmUp ? ', warmed up at load as the page is' : ''}: playground size`);
      const context = await browser.newContext();
      const page = await context.newPage();
      const train = argv.includes('--no-train') ? '&train=no' : argv.includes('--only-train') ? '&train=only' : '';
      const extra = train + (argv.includes('--no-profile') ? '&profile=no' : '') + (warmUp ? '&warmup=yes' : '');
      await page.goto(`${page0}?backend=${backend}&generations=${generations}${threads ? `&threads=${threads}` : ''}${extra}`, { waitUntil: 'commit' });
      let printed = 0;
      const t0 = Date.now();
      while (true) {
        const { lines, done } = await page.evaluate(() => ({ lines: window.benchLines ?? [], done: window.benchDone }));
        for (; printed < lines.length; printed++) console.log(lines[printed]);
        if (done) break;
        if (Date.now() - t0 > 20 * 60_000) throw new Error('the page did not finish in 20 minutes');
        await new Promise((r) => setTimeout(r, 500));
      }
      await context.close();
    }
  } finally {
    await browser.close();
    await vite.close();
  }
}
