// The SFT section of the LoRA panel in the built app: run the three runs (all
// tokens, answers only, answers with original text) on a copy of the model,
// and see the example's tokens coloured by the loss mask, the curves, the
// table and the samples. Uses the dev-tiny stand-in unless E2E_MODEL names another.

import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { MODEL, ROOT, serveAppForFile } from './harness.ts';

const app = serveAppForFile();

describe(`SFT with the "${MODEL}" model`, () => {
  it('runs the three runs and shows the mask, curves, measures and samples', async () => {
    const context = await app.browser.newContext({ viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(`${app.served.url}#model=${MODEL}&backend=wasm&panel=lora&lora_steps=${process.env.E2E_SFT_STEPS ?? 10}`, { waitUntil: 'commit' });
    await page.waitForSelector('[data-testid=lora-ready]', { timeout: 120_000 });
    await page.click('[data-testid=lora-sft-run]');
    await page.waitForSelector('[data-testid=lora-sft-example] .tok', { timeout: 120_000 });
    await page.waitForSelector('[data-testid=lora-sft-result][data-state=done]', { timeout: 600_000 });
    const counted = await page.locator('[data-testid=lora-sft-example] [data-counted=true]').count();
    const skipped = await page.locator('[data-testid=lora-sft-example] [data-counted=false]').count();
    expect(counted).toBeGreaterThan(0);
    expect(skipped).toBeGreaterThan(counted);
    expect(await page.locator('[data-testid=lora-sft-example] .sft-special').first().textContent()).toBe('<|user|>');
    expect(await page.locator('[data-testid=lora-sft-table] tbody tr').count()).toBe(4);
    expect(await page.textContent('[data-testid=lora-sft-findings]')).toMatch(/original corpus’s loss went from/);
    expect(await page.locator('[data-testid=lora-sft-answers-chart] path[data-series]').count()).toBeGreaterThanOrEqual(3);
    await page.locator('[data-testid=lora-sft]').screenshot({ path: path.join(ROOT, 'tmp', `lora-sft-${MODEL}.png`) });
    expect(errors).toEqual([]);
    await context.close();
  }, 900_000);
});
