// WebGPU as a backend choice (issue 15), in the built page: backend=webgpu in the link tries it first; where
// it cannot run the page says why by code, in the header, and generates on the next backend; `auto` never
// loads the WebGPU backend's code unless it would use it. Headless Chromium here offers WebGPU only with
// --enable-unsafe-webgpu --use-webgpu-adapter=swiftshader, and even then cannot read results back
// synchronously (src/engine/webgpu.ts, webgpuReadsBackSync); where it can, the page runs on WebGPU and
// must generate what wasm generates.

import fs from 'node:fs';
import path from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MODEL, ROOT, launchChromium, serveAppForFile } from './harness.ts';

const app = serveAppForFile();
const WEBGPU_FLAGS = ['--enable-unsafe-webgpu', '--use-webgpu-adapter=swiftshader'];

let webgpuBrowser: Browser;
beforeAll(async () => {
  webgpuBrowser = await launchChromium(WEBGPU_FLAGS);
}, 60_000);
afterAll(async () => webgpuBrowser?.close());

/** The built chunks that hold tfjs-backend-webgpu (found by a name only its code registers). */
function webgpuChunks(): string[] {
  const assets = path.join(ROOT, 'tmp/e2e-dist/assets'); // where tests/e2e/harness.ts builds the app
  return fs.readdirSync(assets).filter((f) => f.endsWith('.js') && fs.readFileSync(path.join(assets, f), 'utf8').includes('WEBGPU_CPU_HANDOFF_SIZE_THRESHOLD'));
}

interface Opened { page: Page; context: BrowserContext; requested: string[]; errors: string[] }

async function open(browser: Browser, hash: string): Promise<Opened> {
  const context = await browser.newContext();
  const requested: string[] = [];
  // The page's and its engine worker's requests; not the service worker's, which precaches every file of
  // the build in the background for offline use (public/sw.js).
  context.on('request', (r) => {
    if (!r.serviceWorker()) requested.push(r.url());
  });
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(`${app.served.url}#${hash}`, { waitUntil: 'commit' });
  await page.waitForSelector('[data-testid=load-status][data-state=ready]', { timeout: 120_000 });
  return { page, context, requested, errors };
}

async function generate(page: Page): Promise<number[]> {
  await page.click('[data-testid=generate]');
  await page.waitForSelector('[data-testid=generation][data-state=done]', { timeout: 120_000 });
  return page.$$eval('[data-testid=generation] .tok', (spans) => spans.map((s) => Number(s.getAttribute('data-token-id'))));
}

const fetchedWebGPU = (requested: string[], chunks: string[]) => requested.some((url) => chunks.some((c) => url.endsWith(`/assets/${c}`)));

describe('WebGPU as a backend choice', () => {
  it('backend=webgpu runs on WebGPU where it can, else says why and generates on wasm; auto loads none of it on SwiftShader', async () => {
    const chunks = webgpuChunks();
    expect(chunks.length, 'the WebGPU backend is a chunk of its own').toBeGreaterThan(0);
    const wasm = await open(webgpuBrowser, `model=${MODEL}&backend=wasm&max_new_tokens=8`);
    const reference = await generate(wasm.page);
    expect(fetchedWebGPU(wasm.requested, chunks)).toBe(false);
    await wasm.context.close();

    const asked = await open(webgpuBrowser, `model=${MODEL}&backend=webgpu&max_new_tokens=8`);
    expect(fetchedWebGPU(asked.requested, chunks), 'asked for, the WebGPU backend is fetched').toBe(true);
    const name = await asked.page.textContent('[data-testid=backend-name]');
    if (name === 'WebGPU') {
      expect(await asked.page.getAttribute('[data-testid=backend-adapter]', 'data-software')).toBe('true');
      expect(await asked.page.$('[data-testid=backend-unavailable]')).toBeNull();
    } else {
      expect(name).toBe('wasm');
      expect(await asked.page.getAttribute('[data-testid=backend-unavailable]', 'data-code')).toBe('no-sync-read');
      expect(await asked.page.textContent('[data-testid=backend-unavailable]')).toContain('WebGPU starts here but cannot hand its results back at once');
      expect(await asked.page.textContent('[data-testid=backend]')).toContain('webgpu was asked for in the link, but WebGPU could not start here, so wasm runs instead');
    }
    expect(await generate(asked.page)).toEqual(reference);
    expect(asked.errors).toEqual([]);
    await asked.context.close();

    // auto with a SwiftShader adapter: not preferred, and its code never fetched.
    const auto = await open(webgpuBrowser, `model=${MODEL}&max_new_tokens=8`);
    expect(await auto.page.textContent('[data-testid=backend-name]')).not.toBe('WebGPU');
    expect(await auto.page.$('[data-testid=backend-unavailable]')).toBeNull();
    expect(fetchedWebGPU(auto.requested, chunks)).toBe(false);
    await auto.context.close();
  }, 400_000);

  it('says, in Chinese too, that the browser gave no WebGPU adapter, and runs on wasm', async () => {
    // Headless Chromium without the flags has navigator.gpu but no adapter.
    const page = await open(app.browser, `model=${MODEL}&backend=webgpu&lang=zh`);
    expect(await page.page.textContent('[data-testid=backend-name]')).toBe('wasm');
    expect(await page.page.getAttribute('[data-testid=backend-unavailable]', 'data-code')).toBe('no-adapter');
    expect(await page.page.textContent('[data-testid=backend-unavailable]')).toContain('浏览器没有提供 WebGPU 适配器');
    expect(page.errors).toEqual([]);
    await page.context.close();
  }, 200_000);
});
