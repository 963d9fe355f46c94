// `auto` picks the fastest backend by measuring it (issue 15), in the built page
// in headless Chromium: once the model is ready, a worker of its own times each
// backend that starts here; the header says what it measured, per backend; the
// verdict is kept in this browser, and the next start begins on the fastest —
// always a backend that was measured. No timed assertion: which backend wins is
// this machine's business, only that the page does what its figures say.

import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { MODEL, serveAppForFile } from './harness.ts';

const app = serveAppForFile();
const BACKEND_OF_LABEL: Record<string, string> = { WebGPU: 'webgpu', WebGL: 'webgl', wasm: 'wasm', cpu: 'cpu' };

/** Notes, in the page, when the verdict line's state changes (performance.now()), to print what measuring cost. */
function watchVerdictStates(page: Page): Promise<void> {
  return page.evaluate(() => {
    const w = window as unknown as { verdictStates: { state: string; at: number }[] };
    w.verdictStates = [];
    const note = () => {
      const state = document.querySelector('[data-testid=backend-verdict]')?.getAttribute('data-state') ?? 'none';
      if (w.verdictStates.at(-1)?.state !== state) w.verdictStates.push({ state, at: performance.now() });
    };
    note();
    new MutationObserver(note).observe(document.body, { subtree: true, childList: true, attributes: true, attributeFilter: ['data-state'] });
  });
}

/** Prints the measurement's cost: per backend (as the worker timed it) and the whole, worker start included (as the page saw it). */
async function printCost(page: Page, label: string): Promise<void> {
  const { states, verdicts } = await page.evaluate(() => ({
    states: (window as unknown as { verdictStates: { state: string; at: number }[] }).verdictStates,
    verdicts: localStorage.getItem('transformer-playground:backend-verdicts'),
  }));
  const start = states.find((s) => s.state === 'measuring')?.at;
  const end = states.find((s) => s.state === 'measured' && s.at > (start ?? 0))?.at;
  const timings = (JSON.parse(verdicts ?? '[]')[0]?.timings ?? []) as { backend: string; decodeMs: number | null; trainMs: number | null; costMs?: number; timedIn?: string; decodeSteps?: number }[];
  const parts = timings.map((t) => `${t.backend} ${t.costMs?.toFixed(0) ?? '?'} ms (decode ${t.decodeMs?.toFixed(2) ?? '—'} ms/token, train ${t.trainMs?.toFixed(1) ?? '—'} ms, ${t.decodeSteps ?? '?'} decode steps, in the ${t.timedIn ?? '?'})`);
  const wall = start !== undefined && end !== undefined ? `${(end - start).toFixed(0)} ms` : '?';
  const said = await page.getAttribute('[data-testid=backend-verdict]', 'data-cost-ms');
  console.log(`backend measurement (${label}): whole ${wall} as the page saw it (${said ?? '?'} ms as it says), worker start included; ${parts.join('; ')}`);
}

describe('auto measures the backends', () => {
  it('measures after the model is ready, says what it measured, and starts on the fastest next time', async () => {
    const context = await app.browser.newContext();
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(`${app.served.url}#model=${MODEL}&max_new_tokens=4`, { waitUntil: 'commit' });
    await page.waitForSelector('[data-testid=load-status][data-state=ready]', { timeout: 120_000 });
    await watchVerdictStates(page);
    const verdict = '[data-testid=backend-verdict]';
    await page.waitForSelector(`${verdict}[data-state=measured]`, { timeout: 120_000 });
    await printCost(page, 'first visit');
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
    await watchVerdictStates(page);
    await page.click('[data-testid=backend-measure-again]');
    await page.waitForSelector(`${verdict}[data-just-now=true]`, { timeout: 120_000 });
    await printCost(page, 'measured again');
    expect(await page.textContent(verdict)).toContain('本机实测');

    // A model linked by URL: its first start cannot know its shape, so it starts on the rule; the page finds the
    // verdict of that shape once it has loaded, and from the next start on the engine begins on it as well.
    const byUrl = `${app.served.url}#model=${encodeURIComponent(`${app.served.url}models/${MODEL}/`)}&lang=en`;
    const measuredWhy = 'was the fastest for generation when measured on this device';
    await page.goto(byUrl, { waitUntil: 'commit' });
    await page.reload({ waitUntil: 'commit' });
    await page.waitForSelector(`${verdict}[data-state=measured]`, { timeout: 120_000 });
    expect(await page.getAttribute(verdict, 'data-just-now')).toBe('false');
    expect(await page.textContent('[data-testid=backend]')).not.toContain(measuredWhy);
    const kept = (await page.getAttribute(verdict, 'data-fastest'))!;
    await page.reload({ waitUntil: 'commit' });
    await page.waitForSelector(`${verdict}[data-state=measured]`, { timeout: 120_000 });
    expect(await page.textContent('[data-testid=backend]')).toContain(measuredWhy);
    expect(BACKEND_OF_LABEL[(await page.textContent('[data-testid=backend-name]'))!]).toBe(kept);
    expect(errors).toEqual([]);
    await context.close();
  }, 400_000);
});
