// Vocabulary expansion (词表扩增) as a learner runs it, in the built app in
// headless Chromium: the LoRA panel's section on the Shakespeare model (the
// byte-level BPE it is written for; shipped with the repository), a few steps
// on the Tang poems the page ships, the figures and curves it draws, and the
// Hugging Face folder it downloads — read back here by Hugging Face's own
// tokenizers and our checkpoint loader.

import { Tokenizer as HFTokenizer } from '@huggingface/tokenizers';
import fs from 'node:fs';
import path from 'node:path';
import type { Download } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { loadGPT } from '../../src/io/checkpoint.ts';
import { useBackend } from '../helpers/backend.ts';
import { ROOT, SCREENSHOTS, serveAppForFile } from './harness.ts';

const DOWNLOADED = path.join(ROOT, 'tmp/vocab-export');
const app = serveAppForFile();

describe('vocabulary expansion in the LoRA panel', () => {
  it('adds 汉字 tokens to the Shakespeare model, trains a few steps, draws the figures, and downloads a loadable folder', async () => {
    fs.mkdirSync(DOWNLOADED, { recursive: true });
    const context = await app.browser.newContext({ viewport: { width: 1280, height: 900 }, acceptDownloads: true });
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(`${app.served.url}#model=shakespeare&backend=wasm&panel=lora&lang=en`, { waitUntil: 'commit' });
    await page.waitForSelector('[data-testid=lora-ready]', { timeout: 120_000 });

    const section = page.locator('[data-testid=vocab-section]');
    await section.scrollIntoViewIfNeeded();
    await page.fill('[data-testid=vocab-steps]', '6');
    await page.press('[data-testid=vocab-steps]', 'Enter');
    const t0 = Date.now();
    await page.click('[data-testid=vocab-run]');
    await page.waitForSelector('[data-testid=vocab-prepared]', { timeout: 120_000 });
    await page.waitForSelector('[data-testid=vocab-run-view][data-state=done]', { timeout: 240_000 });
    console.log(`expanded by 500 汉字, measured and trained 6 steps in the page in ${((Date.now() - t0) / 1000).toFixed(0)} s`);

    // The table: three tokens per 汉字 before, fewer after; the Chinese loss per character falls at each stage.
    const row = async (id: string) => {
      const r = page.locator(`[data-testid=vocab-table] tr[data-row=${id}]`);
      return { tokensPerHan: Number(await r.getAttribute('data-tokens-per-han')), zh: Number(await r.getAttribute('data-zh')), en: Number(await r.getAttribute('data-en')) };
    };
    const [base, expanded, after] = [await row('base'), await row('expanded'), await row('after')];
    expect(base.tokensPerHan).toBe(3);
    expect(expanded.tokensPerHan).toBeLessThan(1.5);
    expect(expanded.zh).toBeLessThan(base.zh);
    expect(after.zh).toBeLessThan(expanded.zh);
    expect(Number.isFinite(after.en)).toBe(true);

    // The strip: the same line in fewer tokens, the new ones outlined; the window holds more 汉字.
    const count = (which: string) => page.getAttribute(`[data-strip=${which}]`, 'data-count').then(Number);
    expect(await count('after')).toBeLessThan(await count('before'));
    expect(await page.locator('[data-strip=after] .vocab-added').count()).toBeGreaterThan(0);
    expect(await page.locator('[data-strip=before] .vocab-added').count()).toBe(0);
    const bar = (id: string) => page.getAttribute(`[data-testid=vocab-window-bars] [data-label=${id}]`, 'data-value').then(Number);
    expect(await bar('expanded')).toBeGreaterThan(1.5 * (await bar('base')));
    expect(Number(await page.getAttribute('[data-testid=vocab-zh-chart] path[data-series=zh]', 'data-count'))).toBeGreaterThanOrEqual(2);
    expect(Number(await page.getAttribute('[data-testid=vocab-en-chart] path[data-series=en]', 'data-count'))).toBeGreaterThanOrEqual(2);
    expect(await page.locator('[data-testid=vocab-samples] [data-sample]').count()).toBe(3);
    await section.screenshot({ path: path.join(SCREENSHOTS, 'vocab-section.png') });

    // The download: a Hugging Face GPT-2 folder.
    const downloads: Download[] = [];
    page.on('download', (d) => downloads.push(d));
    await page.click('[data-testid=vocab-download]');
    await expect.poll(() => downloads.length, { timeout: 30_000 }).toBe(3);
    const files: Record<string, string> = {};
    for (const d of downloads) await d.saveAs((files[d.suggestedFilename()] = path.join(DOWNLOADED, d.suggestedFilename())));
    expect(Object.keys(files).sort()).toEqual(['config.json', 'model.safetensors', 'tokenizer.json']);
    const vocabAfter = Number(await page.getAttribute('[data-testid=vocab-prepared]', 'data-vocab-after'));
    const config = JSON.parse(fs.readFileSync(files['config.json'], 'utf8'));
    expect(config.vocab_size).toBe(vocabAfter);
    const hf = new HFTokenizer(JSON.parse(fs.readFileSync(files['tokenizer.json'], 'utf8')), { clean_up_tokenization_spaces: false });
    const ids = hf.encode('春风').ids; // two of the Tang sample's most frequent 汉字
    expect(ids).toHaveLength(2);
    expect(Math.min(...ids)).toBeGreaterThanOrEqual(1024);
    await useBackend('cpu');
    const model = await loadGPT({ config: files['config.json'], weights: files['model.safetensors'] });
    expect(model.config.vocabSize).toBe(vocabAfter);
    model.dispose();

    // The same section in Chinese.
    await page.click('[data-testid=lang-zh]');
    await page.waitForSelector('text=词表扩增 · Vocabulary expansion');
    await section.screenshot({ path: path.join(SCREENSHOTS, 'vocab-section-zh.png') });
    expect(errors).toEqual([]);
    await context.close();
  });
});
