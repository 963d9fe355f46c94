// The Tang poetry model (唐诗) in every panel, in Chinese, in headless Chromium
// on the built app: it writes Chinese characters, the attention views label
// each character, the sweep measures greedy decoding's seq-rep-4 (over
// characters: one token is one character here), and a short LoRA run on its
// default new text, Song ci (宋词), reports both losses. Kept short: a few
// tokens, six strategies of the sweep, twenty adapter steps.

import path from 'node:path';
import type { Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { SCREENSHOTS, serveAppForFile } from './harness.ts';

const HAN = /\p{Script=Han}/u;
const PROMPT = '静夜思\n床前明月光，';
const LINK = 'model=tang&lang=zh&backend=wasm&max_new_tokens=24&seed=7';

const app = serveAppForFile();
let page: Page;
const errors: string[] = [];

async function open(hash: string): Promise<void> {
  await page.goto(`${app.served.url}#${hash}`, { waitUntil: 'commit' });
  await page.waitForSelector('[data-testid=load-status][data-state=ready]', { timeout: 120_000 });
}
const shot = (name: string) => page.screenshot({ path: path.join(SCREENSHOTS, `tang-${name}.png`), fullPage: true });

beforeAll(async () => {
  const context = await app.browser.newContext({ viewport: { width: 1280, height: 900 } });
  page = await context.newPage();
  page.on('pageerror', (e) => errors.push(e.message));
  await open(`${LINK}&panel=sampling`);
}, 400_000);

describe('the Tang poetry model, in Chinese', () => {
  it('starts from a poem in the prompt box and continues it in Chinese characters', async () => {
    expect(await page.inputValue('[data-testid=prompt]')).toBe(PROMPT);
    await page.click('[data-testid=generate]');
    await page.waitForSelector('[data-testid=generation][data-state=done]', { timeout: 120_000 });
    const written = await page.$$eval('[data-testid=generation] .tok', (t) => t.map((x) => x.textContent ?? '').join(''));
    expect(written).toMatch(HAN);
  });

  it('says which characters the vocabulary lacks: a traditional form and a rare character become the unknown token', async () => {
    await page.fill('[data-testid=prompt]', '靜夜思\n床前明月光，燔');
    const notice = await page.waitForSelector('[data-testid=unknown-characters]', { timeout: 30_000 });
    expect(await notice.getAttribute('data-count')).toBe('2');
    expect(await notice.textContent()).toContain('靜、燔');
    await page.fill('[data-testid=prompt]', PROMPT);
    await page.waitForSelector('[data-testid=unknown-characters]', { state: 'detached', timeout: 30_000 });
  });

  it('decodes greedily and by sampling, and the sweep measures greedy seq-rep-4 on poem titles', async () => {
    await page.click('[data-testid=strategy-greedy]');
    await page.click('[data-testid=sampling-generate]');
    await page.waitForSelector('[data-testid=outcome-main][data-status=done]', { timeout: 120_000 });
    await page.waitForSelector('[data-testid=outcome-compare][data-status=done]', { timeout: 120_000 });
    expect(await page.textContent('[data-testid=text-main]')).toMatch(HAN);
    expect(Number(await page.getAttribute('[data-testid=measures-main]', 'data-seq-rep-4'))).toBeGreaterThanOrEqual(0);

    // The sweep decodes poem titles (春望, 秋夜, …) with each strategy; one token is one character here.
    // Greedy decoding comes first and pure sampling sixth: stop once those six strategies have decoded every prompt.
    await page.click('[data-testid=run-sweep]');
    const prompts = 6;
    await page.waitForFunction((done) => Number(document.querySelector('[data-testid=sweep] progress')?.getAttribute('value')) >= done, 6 * prompts, { timeout: 240_000 });
    await page.click('[data-testid=sweep-stop]');
    await page.waitForSelector('[data-testid=sweep-table] tr[data-label="pure sampling"]', { timeout: 120_000 });
    const row = (label: string) => page.$$eval(`[data-testid=sweep-table] tr[data-label="${label}"] td`, (cells) => cells.map((c) => c.textContent ?? ''));
    const greedy = await row('greedy');
    expect(greedy[0]).toBe('贪心');
    // A small model's greedy poems loop: four-character runs come back, more than when sampling.
    expect(Number(greedy[1])).toBeGreaterThan(0);
    expect(Number(greedy[1])).toBeLessThanOrEqual(1);
    expect(Number(greedy[1])).toBeGreaterThan(Number((await row('pure sampling'))[1]));
    await shot('sampling');
  });

  it('labels every row and column of the attention heatmap, and the lines view, with one character', async () => {
    await open(`${LINK}&panel=attention`);
    await page.waitForSelector('[data-testid=attention-state][data-status=ready][data-step="0"]', { timeout: 60_000 });
    await page.click('[data-testid=attention-step]');
    await page.waitForSelector('[data-testid=attention-heatmap][data-step="1"][data-pending=false]', { timeout: 60_000 });
    // (Each label's first text node; a <title> inside it holds the token unclipped.)
    const label = (selector: string) => page.$$eval(selector, (t) => t.map((x) => x.firstChild?.nodeValue ?? ''));
    const rows = await label('[data-testid=attention-heatmap] .row-labels text');
    // The prompt's characters, the newline shown as ↵, then the one generated.
    expect(rows.slice(0, 10)).toEqual([...'静夜思↵床前明月光，']);
    expect(rows).toHaveLength(11);
    expect([...rows[10]]).toHaveLength(1);
    expect(await label('[data-testid=attention-heatmap] .col-labels text')).toEqual(rows);
    await shot('attention');

    await page.click('[data-testid=attention-view-lines]');
    await page.waitForSelector('[data-testid=attention-lines] line', { state: 'attached' });
    const words = await label('[data-testid=attention-lines] .tokens.left text');
    expect(words.slice(0, 3)).toEqual(['静', '夜', '思']);
  });

  it('adapts to Song ci with LoRA and measures forgetting on held-out Tang poems', async () => {
    await open(`${LINK}&panel=lora&lora_steps=20`);
    await page.waitForSelector('[data-testid=lora-source-default-label][data-source=folder]', { timeout: 120_000 });
    expect(await page.textContent('[data-testid=lora-source-default-label]')).toMatch(/^宋词/);
    expect(await page.textContent('[data-testid=lora-source-about]')).toMatch(/唐诗/);
    await page.click('.lora-default-text summary');
    expect(await page.textContent('[data-testid=lora-default-text]')).toMatch(/^\p{Script=Han}+\n\p{Script=Han}/u); // a tune name, then its first line

    await page.click('[data-testid=lora-train]');
    await page.waitForSelector('[data-testid=lora-training][data-state=done]', { timeout: 240_000 });
    const loss = (id: string, end: 'first' | 'last') => page.getAttribute(`[data-testid=${id}]`, `data-${end}`).then(Number);
    for (const id of ['lora-new-loss', 'lora-original-loss']) {
      expect(Number.isFinite(await loss(id, 'first'))).toBe(true);
      expect(Number.isFinite(await loss(id, 'last'))).toBe(true);
    }
    expect(await loss('lora-new-loss', 'last')).toBeLessThan(await loss('lora-new-loss', 'first'));
    expect(await page.textContent('[data-testid=lora-data-summary]')).toMatch(/original-sample\.txt/);
    await page.locator('[data-testid=lora-training]').scrollIntoViewIfNeeded();
    await shot('lora');
    expect(errors).toEqual([]);
  });
});
