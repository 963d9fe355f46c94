// All cores on wasm (issue 15): the dev and preview servers send COOP/COEP (vite.config.ts), so the page
// is cross-origin isolated and tfjs-backend-wasm loads its threaded binary; the header says how many
// threads it runs. tfjs 4.22 caps the pool at hardwareConcurrency / 2 whatever setThreadsCount asks
// (src/engine/backend.ts explains and lifts the cap), so on a 2-core machine 2 threads need that fix.

import path from 'node:path';
import { createServer, type ViteDevServer } from 'vite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { wasmThreadsWanted } from '../../src/engine/backend.ts';
import { MODEL, ROOT, serveAppForFile } from './harness.ts';

const app = serveAppForFile();

describe('the wasm backend on every core', () => {
  it('the built page is cross-origin isolated under vite preview, and its header says how many threads wasm runs', async () => {
    const response = await fetch(app.served.url);
    expect(response.headers.get('cross-origin-opener-policy')).toBe('same-origin');
    expect(response.headers.get('cross-origin-embedder-policy')).toBe('require-corp');
    const context = await app.browser.newContext();
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(`${app.served.url}#model=${MODEL}&backend=wasm`, { waitUntil: 'commit' });
    await page.waitForSelector('[data-testid=load-status][data-state=ready]', { timeout: 120_000 });
    const { isolated, cores } = await page.evaluate(() => ({ isolated: crossOriginIsolated, cores: navigator.hardwareConcurrency }));
    expect(isolated).toBe(true);
    const threads = page.locator('[data-testid=backend-threads]');
    expect(Number(await threads.getAttribute('data-threads'))).toBe(wasmThreadsWanted(undefined, cores));
    expect(await threads.textContent()).toMatch(/thread/);
    expect(errors).toEqual([]);
    await context.close();
  }, 300_000);

  describe('under the dev server (vite.config.ts), threads asked for are threads run', () => {
    let vite: ViteDevServer;
    beforeAll(async () => {
      vite = await createServer({ root: ROOT, configFile: path.join(ROOT, 'vite.config.ts'), logLevel: 'error', server: { host: '127.0.0.1', port: 0 } });
      await vite.listen();
    }, 120_000);
    afterAll(async () => vite?.close());

    it('runs 2 threads when asked on a machine of 2 logical cores, and they generate the same tokens as 1', async () => {
      const base = vite.resolvedUrls!.local[0].replace(/\/$/, '') + '/bench/browser/playground.html?backend=wasm&generations=1&train=no';
      const results: { threads: number | null; isolated: boolean; tokens: number[] }[] = [];
      for (const threads of [1, 2]) {
        const context = await app.browser.newContext();
        const page = await context.newPage();
        await page.goto(`${base}&threads=${threads}`, { waitUntil: 'commit' });
        await page.waitForFunction(() => window.benchDone !== undefined, null, { timeout: 240_000, polling: 500 });
        expect(await page.evaluate(() => window.benchDone)).toBe('ok');
        results.push(await page.evaluate(() => window.benchResult));
        await context.close();
      }
      expect(results.map((r) => r.isolated)).toEqual([true, true]);
      expect(results.map((r) => r.threads)).toEqual([1, 2]);
      expect(results[1].tokens).toHaveLength(64);
      expect(results[1].tokens).toEqual(results[0].tokens);
    }, 400_000);
  });
});
