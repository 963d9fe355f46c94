// All cores on wasm on a static host that sends no COOP/COEP (GitHub Pages): the service worker
// (public/sw.js) adds the headers to what it serves, and the page reloads once when it takes control
// (src/panels/isolation.ts), so the second document is cross-origin isolated and wasm runs the
// threads the link asks for (`threads=`, src/state/schema.ts). Without the service worker (`?nosw`, or
// a browser that blocks service workers) the page works as before, on one thread, and never reloads.

import fs from 'node:fs';
import path from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { MODEL, buildApp, ensureModel, launchChromium } from './harness.ts';
import { type StaticServer, serveStatic } from '../helpers/staticServer.ts';

let server: StaticServer;
let browser: Awaited<ReturnType<typeof launchChromium>>;

beforeAll(async () => {
  await ensureModel(MODEL);
  let dist: string | undefined;
  try {
    dist = inject('e2eDist');
  } catch {
    dist = undefined;
  }
  if (!dist || !fs.existsSync(path.join(dist, 'index.html'))) dist = await buildApp();
  server = await serveStatic(dist); // no COOP/COEP, no CSP header: only what the files themselves carry
  browser = await launchChromium();
}, 300_000);

afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

/** Main-frame documents the page has loaded (a reload is a second one). */
function countDocuments(page: Page): () => number {
  let n = 0;
  page.on('domcontentloaded', () => n++); // not framenavigated: the page's own history.replaceState fires that too
  return () => n;
}

/** Reads a value from the page, across the reload that may be under way. */
async function pollPage<T>(page: Page, read: () => T, until: (value: T) => boolean, timeoutMs: number): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: T | undefined;
  for (;;) {
    try {
      last = await page.evaluate(read);
      if (until(last)) return last;
    } catch {
      // the document went away mid-read (the reload): read again from the next one
    }
    if (Date.now() > deadline) throw new Error(`gave up waiting; last value ${JSON.stringify(last)}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

async function threadsShown(page: Page) {
  await page.waitForSelector('[data-testid=load-status][data-state=ready]', { timeout: 120_000 });
  const threads = page.locator('[data-testid=backend-threads]');
  return {
    threads: Number(await threads.getAttribute('data-threads')),
    isolated: await threads.getAttribute('data-isolated'),
    text: (await threads.textContent()) ?? '',
  };
}

describe('cross-origin isolation through the service worker, on a host that sends no COOP/COEP', () => {
  it('the server sends neither header', async () => {
    const response = await fetch(server.url);
    expect(response.headers.get('cross-origin-opener-policy')).toBeNull();
    expect(response.headers.get('cross-origin-embedder-policy')).toBeNull();
  });

  describe('with the service worker', () => {
    let context: BrowserContext;
    beforeAll(async () => {
      context = await browser.newContext();
    });
    afterAll(async () => context?.close());

    it('reloads once, is then isolated, and wasm runs the 2 threads the link asks for', async () => {
      const page = await context.newPage();
      const errors: string[] = [];
      page.on('pageerror', (e) => errors.push(e.message));
      const documents = countDocuments(page);
      await page.goto(`${server.url}#model=${MODEL}&backend=wasm&threads=2`, { waitUntil: 'commit' });
      expect(await pollPage(page, () => crossOriginIsolated, (v) => v === true, 120_000)).toBe(true);
      const shown = await threadsShown(page);
      expect(shown).toMatchObject({ threads: 2, isolated: 'true' });
      expect(shown.text).toMatch(/2 threads/);
      expect(documents()).toBe(2); // the first visit, then the one reload
      const controlled = await page.evaluate(() => navigator.serviceWorker.controller !== null);
      expect(controlled).toBe(true);
      // No second reload: the page stays.
      await page.waitForTimeout(1500);
      expect(documents()).toBe(2);
      expect(errors).toEqual([]);
      await page.close();
    }, 300_000);

    it('a later visit is isolated from its first document; threads beyond the device are capped and said', async () => {
      const page = await context.newPage();
      const documents = countDocuments(page);
      await page.goto(`${server.url}#model=${MODEL}&backend=wasm&threads=64`, { waitUntil: 'commit' });
      const shown = await threadsShown(page);
      expect(await page.evaluate(() => crossOriginIsolated)).toBe(true);
      expect(documents()).toBe(1);
      const cores = await page.evaluate(() => navigator.hardwareConcurrency);
      // threads=64 is clamped to 8 by the link (and said so), then to the device's logical cores by the engine.
      expect(await page.locator('[data-testid=link-problems]').textContent()).toMatch(/threads=64/);
      expect(shown.threads).toBe(Math.min(8, cores));
      if (cores < 8) expect(shown.text).toMatch(new RegExp(`asks for 8 threads, but this device has ${cores} logical cores`));
      await page.close();
    }, 300_000);
  });

  for (const [label, url, options] of [
    ['?nosw in the address', `?nosw#model=${MODEL}&backend=wasm&threads=2`, {}],
    ['service workers blocked by the browser', `#model=${MODEL}&backend=wasm&threads=2`, { serviceWorkers: 'block' as const }],
  ] as const) {
    it(`without the service worker (${label}) the page works on one thread and does not reload`, async () => {
      const context = await browser.newContext(options);
      const page = await context.newPage();
      const errors: string[] = [];
      page.on('pageerror', (e) => errors.push(e.message));
      const documents = countDocuments(page);
      await page.goto(server.url + url, { waitUntil: 'commit' });
      const shown = await threadsShown(page);
      expect(shown).toMatchObject({ threads: 1, isolated: 'false' });
      expect(shown.text).toMatch(/one thread/);
      await page.waitForTimeout(1500);
      expect(documents()).toBe(1);
      expect(await page.evaluate(async () => ({
        isolated: crossOriginIsolated,
        registrations: navigator.serviceWorker ? (await navigator.serviceWorker.getRegistrations()).length : 0,
      }))).toEqual({ isolated: false, registrations: 0 });
      // It still generates.
      await page.click('[data-testid=generate]');
      await page.waitForSelector('[data-testid=generation][data-state=done]', { timeout: 120_000 });
      expect(errors).toEqual([]);
      await context.close();
    }, 300_000);
  }
});
