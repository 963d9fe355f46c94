// The Lessons tab on the built app, once in each language: the list, one
// lesson opened, Go applying its step's link (the panel and the settings
// change, the page's language stays), the live numbers measured on the
// Shakespeare model, the claim between them holding, and the finished mark
// surviving a reload.

import path from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SCREENSHOTS, serveAppForFile } from './harness.ts';

const app = serveAppForFile();
let page: Page;
const errors: string[] = [];

beforeAll(async () => {
  const context = await app.browser.newContext({ viewport: { width: 1280, height: 900 } });
  page = await context.newPage();
  page.on('pageerror', (e) => errors.push(e.message));
}, 400_000);
afterAll(() => expect(errors).toEqual([]));

const value = async (step: number) => Number(await page.getAttribute(`[data-testid=step-${step}] [data-testid=step-value]`, 'data-value'));

for (const lang of ['en', 'zh'] as const) {
  describe(`the parroting lesson, in ${lang}`, () => {
    it('lists the lessons, opens one, and Go sets the whole page for its step', async () => {
      await page.goto('about:blank');
      await page.goto(`${app.served.url}#panel=lessons&lang=${lang}&backend=wasm`, { waitUntil: 'commit' });
      await page.waitForSelector('[data-testid=lesson-list]', { timeout: 120_000 });
      expect(await page.locator('[data-testid=lesson-list] li').count()).toBeGreaterThanOrEqual(6);
      await page.click('[data-testid=open-parroting]');
      await page.click('[data-testid=step-1] [data-testid=step-go]');
      await page.waitForFunction(() => location.hash.includes('panel=sampling') && location.hash.includes('strategy=greedy'));
      expect(await page.evaluate(() => location.hash)).toContain(`lang=${lang}`);
      expect(await page.evaluate(() => location.hash)).toContain('backend=wasm');
      await page.waitForSelector('[data-testid=load-status][data-state=ready]', { timeout: 120_000 });
      await page.click('[data-testid=tab-lessons]');
    });

    it('measures greedy and top-p seq-rep-4 live, and says the claim between them holds', async () => {
      for (const step of [1, 2]) {
        await page.click(`[data-testid=step-${step}] [data-testid=step-measure]`);
        await page.waitForSelector(`[data-testid=step-${step}] [data-testid=step-value]`, { timeout: 120_000 });
      }
      expect(await value(1)).toBeGreaterThan(await value(2));
      expect(await page.getAttribute('[data-testid=lesson-claims] li:first-child', 'data-state')).toBe('holds');
      await page.screenshot({ path: path.join(SCREENSHOTS, `lessons-parroting-${lang}.png`), fullPage: true });
    });

    it('keeps the finished mark across a reload', async () => {
      const box = page.locator('[data-testid=lesson-finished]');
      if (!(await box.isChecked())) await box.check();
      await page.reload({ waitUntil: 'commit' });
      await page.click('[data-testid=tab-lessons]');
      await page.waitForSelector('[data-testid=lesson-parroting].done');
    });
  });
}
