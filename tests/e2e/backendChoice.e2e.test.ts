// `auto` picks the fastest backend by measuring it (issue 15), in the built page
// in headless Chromium: once the model is ready, a worker of its own times each
// backend that starts here; the header says what it measured, per backend; the
// verdict is kept in this browser, and the next start begins on the fastest —
// always a backend that was measured. No timed assertion: which backend wins is
// this machine's business, only that the page does what its figures say.

import { describe, expect, it } from 'vitest';
import { MODEL, serveAppForFile } from './harness.ts';

const app = serveAppForFile();
const BACKEND_OF_LABEL: Record<string, string> = { WebGPU: 'webgpu', WebGL: 'webgl', wasm: 'wasm', cpu: 'cpu' };

describe('auto measures the backends', () => {
  it('measures after the model is ready, says what it measured, and starts on the fastest next time', async () => {
    const context = await app.browser.newContext();
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(`${app.served.url}#model=${MODEL}&max_new_tokens=4`, { waitUntil: 'commit' });
    await page.waitForSelector('[data-testid=load-status][data-state=ready]', { timeout: 120_000 });
    const verdict = '[data-testid=backend-verdict]';
    await page.waitForSelector(`${verdict}[data-state=measured]`, { timeout: 120_000 });
    const measured = (await page.getAttribute(verdict, 'data-measured'))!.split(',');
    const fastest = (await page.getAttribute(verdict, 'data-fastest'))!;
    // Headless Chromium here: WebGL on SwiftShader and wasm both start; WebGPU has no adapter without its flags.
    expect(measured).toEqual(expect.arrayContaining(['webgl', 'wasm']));
    expect(measured).toContain(fastest);
    const first = BACKEND_OF_LABEL[(await page.textContent('[data-testid=backend-name]'))!];
    expect(measured).toContain(first);
    expect(await page.getAttribute(verdict, 'data-just-now')).toBe('true');
    const said = (await page.textContent(verdict))!;
    expect(said).toMatch(/WebGL [\d.,]+ ms\/token/);
    expect(said).toMatch(/wasm [\d.,]+ ms\/token/);
    expect(said).toContain('measured on this device');
    expect(said).toContain(first === fastest ? 'chosen' : 'the next start begins on');

    // The next start: the kept verdict picks the backend, and the header shows the same figures without measuring again.
    await page.reload({ waitUntil: 'commit' });
    await page.waitForSelector('[data-testid=load-status][data-state=ready]', { timeout: 120_000 });
    await page.waitForSelector(`${verdict}[data-state=measured]`, { timeout: 30_000 });
    expect(BACKEND_OF_LABEL[(await page.textContent('[data-testid=backend-name]'))!]).toBe(fastest);
    expect(await page.textContent('[data-testid=backend]')).toContain('was the fastest for generation when measured on this device');
    expect(await page.getAttribute(verdict, 'data-just-now')).toBe('false');
    expect(await page.textContent(verdict)).toContain(said.slice(said.indexOf(':') + 1, said.indexOf('measured on this device')));
    expect(await page.getAttribute(verdict, 'data-fastest')).toBe(fastest);
    await page.click('[data-testid=generate]');
    await page.waitForSelector('[data-testid=generation][data-state=done]', { timeout: 120_000 });

    // In Chinese, and measured again on request.
    await page.goto(`${app.served.url}#model=${MODEL}&lang=zh`, { waitUntil: 'commit' });
    await page.reload({ waitUntil: 'commit' });
    await page.waitForSelector(`${verdict}[data-state=measured]`, { timeout: 120_000 });
    expect(await page.textContent(verdict)).toMatch(/wasm 每个词元 [\d.,]+ 毫秒/);
    await page.click('[data-testid=backend-measure-again]');
    await page.waitForSelector(`${verdict}[data-just-now=true]`, { timeout: 120_000 });
    expect(await page.textContent(verdict)).toContain('本机实测');
    expect(errors).toEqual([]);
    await context.close();
  }, 400_000);
});
