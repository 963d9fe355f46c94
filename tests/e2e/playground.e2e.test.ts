// The playground as a user meets it: the built app served by `vite preview`,
// driven in headless Chromium. Uses the dev-tiny stand-in (trained on demand)
// unless E2E_MODEL names another model folder, e.g. E2E_MODEL=shakespeare.

import fs from 'node:fs';
import path from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { selectBackend } from '../../src/engine/backend.ts';
import { loadGPT } from '../../src/io/checkpoint.ts';
import { generate } from '../../src/sampling/generate.ts';
import { tokenizerFromJSON } from '../../src/tokenizer/index.ts';
import { MODEL, ROOT, SCREENSHOTS, launchChromium, modelDir, serveAppForFile, syntheticText } from './harness.ts';

const app = serveAppForFile();

interface Opened {
  page: Page;
  context: BrowserContext;
  errors: string[];
}

/** A fresh browser profile (no service worker, no cache) at `#hash`. */
async function open(hash: string, init?: () => void): Promise<Opened> {
  const context = await app.browser.newContext({ viewport: { width: 1280, height: 800 } });
  if (init) await context.addInitScript(init);
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  // A page busy with the model may never fire `load`: wait for the commit, then for markers.
  await page.goto(`${app.served.url}#${hash}`, { waitUntil: 'commit' });
  return { page, context, errors };
}

const ready = (page: Page) => page.waitForSelector('[data-testid=load-status][data-state=ready]', { timeout: 120_000 });
const shot = (page: Page, name: string, fullPage = false) => page.screenshot({ path: path.join(SCREENSHOTS, name), fullPage });
/** Tensors the engine worker holds, as it reports after each call. */
const tensors = (page: Page) => page.getAttribute('[data-testid=memory]', 'data-tensors').then(Number);
const tokenIds = (page: Page) => page.$$eval('[data-testid=generation] .tok', (spans) => spans.map((s) => Number(s.getAttribute('data-token-id'))));

async function generateAndWait(page: Page, state = 'done'): Promise<void> {
  await page.click('[data-testid=generate]');
  await page.waitForSelector(`[data-testid=generation][data-state=${state}]`, { timeout: 120_000 });
}

/** Greedy continuation computed with the core in Node, to compare the page against. */
async function referenceGreedy(prompt: string, maxNewTokens: number): Promise<number[]> {
  await selectBackend(['wasm'], path.join(ROOT, 'node_modules/@tensorflow/tfjs-backend-wasm/dist') + '/');
  const dir = modelDir(MODEL);
  const model = await loadGPT({ config: path.join(dir, 'config.json'), weights: path.join(dir, 'model.safetensors') });
  try {
    const tokenizer = tokenizerFromJSON(JSON.parse(fs.readFileSync(path.join(dir, 'tokenizer.json'), 'utf8')));
    return generate(model, tokenizer.encode(prompt), { maxNewTokens }).generated;
  } finally {
    model.dispose();
  }
}

describe(`the playground with the "${MODEL}" model`, () => {
  it('shows a progress bar while loading, then the model and the backend', async () => {
    const { page, errors } = await open(`model=${MODEL}`, () => {
      // Every label the progress bar shows, recorded as the page draws it.
      const seen: string[] = ((window as unknown as { __progress: string[] }).__progress = []);
      new MutationObserver(() => {
        const label = document.querySelector('[role=progressbar]')?.getAttribute('aria-valuetext');
        if (label && seen[seen.length - 1] !== label) seen.push(label);
      }).observe(document, { subtree: true, childList: true, attributes: true });
    });
    await page.waitForSelector('[role=progressbar]', { timeout: 30_000 });
    await shot(page, '01-loading.png');
    await ready(page);
    const seen = await page.evaluate(() => (window as unknown as { __progress: string[] }).__progress);
    expect(seen.length).toBeGreaterThan(1);
    expect(seen.some((s) => /weights|Building the model/.test(s))).toBe(true);
    expect(seen.some((s) => /\d (KB|MB) of \d/.test(s))).toBe(true);
    expect(await page.textContent('[data-testid=model-ready]')).toContain(`${MODEL} is ready`);
    const backend = await page.textContent('[data-testid=backend-name]');
    expect(['WebGL', 'wasm', 'cpu']).toContain(backend);
    const reason = (await page.textContent('[data-testid=backend]'))!;
    // Headless Chromium without a GPU draws WebGL with SwiftShader: the page should say so and use wasm.
    if (backend === 'wasm') expect(reason).toMatch(/software|not available/);
    await shot(page, '02-ready.png');
    expect(errors).toEqual([]);
  });

  it('continues a prompt greedily, token for token what the core generates', async () => {
    const prompt = 'ROMEO:\n';
    const n = 150; // past the 128-token window, so the window slides once
    const { page } = await open(`model=${MODEL}&backend=wasm&prompt=${encodeURIComponent(prompt)}&max_new_tokens=${n}`);
    await ready(page);
    await page.waitForSelector('[data-testid=memory]');
    const baseline = await tensors(page);
    await generateAndWait(page);
    await expect.poll(() => tensors(page)).toBe(baseline); // every KV cache and intermediate freed
    const ids = await tokenIds(page);
    expect(ids).toHaveLength(n);
    expect(await page.textContent('[data-testid=generation-meta]')).toMatch(new RegExp(`^${n} tokens, greedy`));
    expect(ids).toEqual(await referenceGreedy(prompt, n));
    await shot(page, '03-generated.png');
  });

  it('streams tokens while generating, and Stop ends the run early', async () => {
    const { page } = await open(`model=${MODEL}&max_new_tokens=1000`);
    await ready(page);
    await page.click('[data-testid=generate]');
    await page.waitForFunction(() => document.querySelectorAll('[data-testid=generation][data-state=running] .tok').length >= 5, null, { timeout: 60_000 });
    await page.click('[data-testid=stop-generate]');
    await page.waitForSelector('[data-testid=generation][data-state=stopped]', { timeout: 10_000 });
    const count = (await tokenIds(page)).length;
    expect(count).toBeGreaterThanOrEqual(5);
    expect(count).toBeLessThan(1000);
    expect(await page.textContent('[data-testid=generation-meta]')).toContain('stopped');
  });

  it('puts every setting in the link: reloading it restores the same screen', async () => {
    const { page } = await open(`model=${MODEL}`);
    await ready(page);
    await page.fill('[data-testid=prompt]', 'JULIET:\nO Romeo & Tybalt — 100% #2?');
    await page.fill('[data-testid=max-new-tokens]', '42');
    await page.press('[data-testid=max-new-tokens]', 'Enter');
    await page.click('[data-testid=tab-own-text]');
    await page.selectOption('[data-testid=train-tokenizer]', 'char');
    await page.selectOption('[data-testid=train-size]', 'small');
    await page.fill('[data-testid=train-steps]', '123');
    await page.fill('[data-testid=seed]', '99');
    await page.press('[data-testid=seed]', 'Tab');
    await page.press('[data-testid=train-steps]', 'Enter');
    const link = page.url();
    expect(link).toContain('train_steps=123');

    // The link alone, in a fresh browser profile.
    const other = await open(link.slice(link.indexOf('#') + 1));
    const p2 = other.page;
    await p2.waitForSelector('[data-testid=prompt]');
    expect(await p2.inputValue('[data-testid=prompt]')).toBe('JULIET:\nO Romeo & Tybalt — 100% #2?');
    expect(await p2.inputValue('[data-testid=max-new-tokens]')).toBe('42');
    expect(await p2.getAttribute('[data-testid=tab-own-text]', 'aria-selected')).toBe('true');
    expect(await p2.isVisible('[data-testid=panel-own-text]')).toBe(true);
    expect(await p2.inputValue('[data-testid=train-tokenizer]')).toBe('char');
    expect(await p2.inputValue('[data-testid=train-size]')).toBe('small');
    expect(await p2.inputValue('[data-testid=train-steps]')).toBe('123');
    expect(await p2.inputValue('[data-testid=seed]')).toBe('99');
    expect(p2.url()).toBe(link);
    await ready(p2);
    expect(await p2.textContent('[data-testid=model-ready]')).toContain(MODEL);

    // Sampler settings and the attention head travel in the link too; a bad value is named, not hidden.
    const third = await open(`model=${MODEL}&temperature=0.7&top_k=40&top_p=0.9&layer=1&head=2&max_new_tokens=5000&panel=bogus`);
    const p3 = third.page;
    await p3.waitForSelector('[data-testid=link-problems]');
    const problems = (await p3.textContent('[data-testid=link-problems]'))!;
    expect(problems).toContain('max_new_tokens=5000 is above the maximum 1000; using 1000.');
    expect(problems).toContain('panel="bogus" is not one of');
    expect(await p3.inputValue('[data-testid=max-new-tokens]')).toBe('1000');
    expect(await p3.textContent('[data-testid=value-temperature]')).toBe('0.70');
    expect(await p3.textContent('[data-testid=value-top_k]')).toBe('40');
    expect(await p3.textContent('[data-testid=value-top_p]')).toBe('0.9');
    await p3.click('[data-testid=tab-attention]');
    expect(await p3.textContent('[data-testid=setting-layer]')).toBe('1');
    expect(await p3.textContent('[data-testid=setting-head]')).toBe('2');
    await shot(p3, '04-link-problems.png');
  });

  it('trains a small model on an uploaded text: the loss falls on the chart, Stop works, and it then writes', async () => {
    const { page, errors } = await open(`model=${MODEL}&panel=own-text&train_steps=200`);
    await ready(page);
    await page.waitForSelector('[data-testid=memory]');
    const baseline = await tensors(page);
    const upload = (name: string, buffer: Buffer) => page.setInputFiles('[data-testid=train-file]', { name, mimeType: 'text/plain', buffer });
    const trainError = async () => {
      await page.click('[data-testid=train]');
      await page.waitForSelector('[data-testid=training][data-state=error]', { timeout: 30_000 });
      return (await page.textContent('[data-testid=train-error]'))!;
    };

    // Bad input: each gets a message that says what is wrong, and nothing is lost.
    await upload('empty.txt', Buffer.alloc(0));
    expect(await trainError()).toContain('"empty.txt" is empty');
    await upload('photo.txt', Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0x0d, 0x49, 0x48]));
    expect(await trainError()).toContain('looks like a binary file');
    await upload('short.txt', Buffer.from('To be, or not to be.'));
    expect(await trainError()).toMatch(/too short: 20 characters make \d+ tokens, and one training window needs 65/);
    await shot(page, '05-train-error.png');
    await generateAndWait(page); // the loaded model still writes
    expect(await page.isVisible('[data-testid=model-choice]')).toBe(false); // and no half-made model appeared
    expect(await page.textContent('[data-testid=model-ready]')).toContain(`${MODEL} is ready`);
    await expect.poll(() => tensors(page)).toBe(baseline);

    // A real text: the loss falls.
    await upload('verse.txt', Buffer.from(syntheticText(30_000)));
    await page.click('[data-testid=train]');
    await page.waitForFunction(
      () => Number(document.querySelector('path[data-series=train-raw]')?.getAttribute('data-count')) >= 50,
      null,
      { timeout: 120_000, polling: 250 },
    );
    const attr = (series: string, name: string) => page.getAttribute(`path[data-series=${series}]`, name).then(Number);
    const first = await attr('train-raw', 'data-first-y');
    const smoothedLast = await attr('train', 'data-last-y');
    expect(first).toBeGreaterThan(4); // about ln(vocabulary): guessing
    expect(smoothedLast).toBeLessThan(first - 0.75);
    expect(await attr('val', 'data-last-y')).toBeLessThan(await attr('val', 'data-first-y'));
    await shot(page, '06-training.png', true);

    await page.click('[data-testid=stop-train]');
    await page.waitForSelector('[data-testid=training][data-state=stopped]', { timeout: 30_000 });
    const progress = (await page.textContent('[data-testid=train-progress]'))!;
    const steps = Number(/Step (\d+) of 200/.exec(progress)?.[1]);
    expect(steps).toBeGreaterThanOrEqual(50);
    expect(steps).toBeLessThan(200);
    expect(progress).toContain('stopped');
    await page.waitForTimeout(1000);
    expect(await page.getAttribute('path[data-series=train-raw]', 'data-count')).toBe(String(steps)); // it really stopped
    // The run is kept in the browser store and its model freed: the engine holds what it held before.
    await page.waitForSelector('[data-testid=train-done][data-stored-id]', { timeout: 30_000 });
    await expect.poll(() => tensors(page)).toBe(baseline);
    expect(await page.textContent('[data-testid=model-ready]')).toContain(`${MODEL} is ready`); // the chosen model stayed

    // Chosen, it writes in the style of the text.
    await page.click('[data-testid=use-trained]');
    await page.waitForFunction(() => document.querySelector('[data-testid=model-ready]')?.textContent?.includes('your text'), null, { timeout: 60_000 });
    expect(page.url()).toMatch(/model=stored%3A[a-z0-9-]+/);
    await page.fill('[data-testid=prompt]', 'the cat');
    await page.fill('[data-testid=max-new-tokens]', '30');
    await page.press('[data-testid=max-new-tokens]', 'Enter');
    await generateAndWait(page);
    const written = (await page.$$eval('[data-testid=generation] .tok', (s) => s.map((x) => x.textContent).join(''))).replaceAll('↵', '');
    expect((await tokenIds(page)).length).toBe(30);
    expect(written).toMatch(/^[a-z .\n]+$/); // only the text's own characters
    expect(written).toMatch(/\b(the|cat|sat|on|mat|and|dog|ran|to|sun|moon|with|red|hat|in)\b/); // and its words
    await shot(page, '07-trained-writes.png', true);

    // The embedded model is one choice away.
    await page.selectOption('[data-testid=model-picker]', MODEL);
    await page.waitForFunction((m) => document.querySelector('[data-testid=model-ready]')?.textContent?.includes(`${m} is ready`), MODEL, { timeout: 60_000 });
    await generateAndWait(page);
    expect((await tokenIds(page)).length).toBe(30);
    expect(errors).toEqual([]);
  });

  it('runs TensorFlow.js WebGL inside the worker when asked (OffscreenCanvas)', async () => {
    const { page } = await open(`model=${MODEL}&backend=webgl&max_new_tokens=8`);
    await ready(page);
    expect(await page.textContent('[data-testid=backend-name]')).toBe('WebGL');
    expect(await page.textContent('[data-testid=backend]')).toContain('webgl was asked for in the link');
    await generateAndWait(page);
    expect((await tokenIds(page)).length).toBe(8);
  });

  it('falls back to wasm, and says why, when the browser has no WebGL', async () => {
    const noGpu = await launchChromium(['--disable-gpu', '--disable-software-rasterizer']);
    try {
      const page = await noGpu.newPage();
      await page.goto(`${app.served.url}#model=${MODEL}`, { waitUntil: 'commit' });
      await ready(page);
      expect(await page.textContent('[data-testid=backend-name]')).toBe('wasm');
      expect(await page.textContent('[data-testid=backend]')).toContain('WebGL is not available in this browser');
    } finally {
      await noGpu.close();
    }
  });

  // Last: it stops the server.
  it('keeps working offline after the first visit', async () => {
    const { page } = await open(`model=${MODEL}&max_new_tokens=5`);
    await ready(page);
    await page.waitForSelector('[data-testid=offline-ready]', { timeout: 60_000 });
    await app.served.stop();
    expect(await fetch(app.served.url).then(() => 'up', () => 'down')).toBe('down');
    await page.reload({ waitUntil: 'commit' });
    await ready(page);
    await generateAndWait(page);
    expect((await tokenIds(page)).length).toBe(5);
    await shot(page, '08-offline.png');
  });
});
