// Choosing and keeping models, as a learner does it in the built app: train a
// model in "Your own text" while the Sampling tab keeps the model chosen
// before; the trained model is kept in the browser, survives a reload, is
// chosen in the picker, renamed, downloaded and deleted. Then a GPT-2 folder
// opened by address — served here by a small static server with CORS headers
// on 127.0.0.1, standing in for huggingface.co, which no test may reach —
// with its size said before a large download, a cancel that keeps the model
// in use, the download cache and its removal; and the same folder's files
// opened from disk.

import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CharTokenizer } from '../../src/tokenizer/index.ts';
import { MODEL, ROOT, SCREENSHOTS, serveAppForFile, syntheticText } from './harness.ts';

const app = serveAppForFile();
const FIXTURE = path.join(ROOT, 'tests/fixtures/gpt2-tiny');
const DOWNLOADS = path.join(ROOT, 'tmp/models-downloads');
/** The fixture's 48-token vocabulary as characters, so prompts made of these letters run. */
const TOKENIZER = JSON.stringify(new CharTokenizer([...'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUV']).toJSON());
const FILES: Record<string, Buffer> = {
  'config.json': fs.readFileSync(path.join(FIXTURE, 'config.json')),
  'model.safetensors': fs.readFileSync(path.join(FIXTURE, 'model.safetensors')),
  'tokenizer.json': Buffer.from(TOKENIZER),
};
/** What the stand-in for a large checkpoint says it weighs (GPT-2 124M in F32). */
const BIG_BYTES = 548_105_171;

/**
 * A static folder server with CORS, as the Hub answers: `gpt2-tiny/` serves the fixture; `big/` says
 * (to HEAD) that its weights are 548 MB; `slow/` sends its weights 2 KB every 100 ms.
 */
function startModelServer(): Promise<{ url: string; close(): Promise<void> }> {
  const server = http.createServer((req, res) => {
    const [, folder, file] = /^\/([^/]+)\/([^/?]+)/.exec(req.url ?? '') ?? [];
    const cors = { 'access-control-allow-origin': '*', 'access-control-allow-headers': 'range', 'access-control-expose-headers': 'content-length, content-range' };
    if (req.method === 'OPTIONS') return void res.writeHead(204, cors).end();
    const body = FILES[file];
    if (!body || !['gpt2-tiny', 'big', 'slow'].includes(folder)) return void res.writeHead(404, cors).end('Entry not found');
    const length = folder === 'big' && file === 'model.safetensors' ? BIG_BYTES : body.length;
    res.writeHead(200, { ...cors, 'content-type': 'application/octet-stream', 'content-length': String(length) });
    if (req.method === 'HEAD') return void res.end();
    if (folder !== 'slow' || file !== 'model.safetensors') return void res.end(folder === 'big' && file === 'model.safetensors' ? undefined : body);
    let at = 0;
    const timer = setInterval(() => {
      if (res.destroyed || at >= body.length) {
        clearInterval(timer);
        if (!res.destroyed) res.end();
        return;
      }
      res.write(body.subarray(at, at + 2048));
      at += 2048;
    }, 100);
  });
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      resolve({
        url: `http://127.0.0.1:${port}/`,
        close: () => new Promise<void>((r) => {
          server.closeAllConnections();
          server.close(() => r());
        }),
      });
    }),
  );
}

let models: Awaited<ReturnType<typeof startModelServer>>;
beforeAll(async () => {
  fs.mkdirSync(DOWNLOADS, { recursive: true });
  models = await startModelServer();
});
afterAll(() => models?.close());

const shot = (page: Page, name: string) => page.screenshot({ path: path.join(SCREENSHOTS, name), fullPage: true });
const readyWith = (page: Page, text: string) =>
  page.waitForFunction(
    (t) => document.querySelector('[data-testid=load-status]')?.getAttribute('data-state') === 'ready' && document.querySelector('[data-testid=model-ready]')?.textContent?.includes(t),
    text,
    { timeout: 120_000 },
  );
const tokenIds = (page: Page) => page.$$eval('[data-testid=generation] .tok', (spans) => spans.map((s) => Number(s.getAttribute('data-token-id'))));
async function generate(page: Page): Promise<number[]> {
  await page.click('[data-testid=generate]');
  await page.waitForSelector('[data-testid=generation][data-state=done]', { timeout: 120_000 });
  return tokenIds(page);
}
const pickerOptions = (page: Page) => page.$$eval('[data-testid=model-picker] option', (os) => os.map((o) => ({ value: (o as HTMLOptionElement).value, label: o.textContent })));

async function newPage(context: BrowserContext, hash: string): Promise<{ page: Page; errors: string[] }> {
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('dialog', (d) => void d.accept()); // "Delete …?" confirmations
  await page.goto(`${app.served.url}#${hash}`, { waitUntil: 'commit' });
  return { page, errors };
}

describe('choosing and keeping models', () => {
  it('trains in "Your own text" while the other panels keep their model; the trained model is kept, chosen, renamed, downloaded and deleted', async () => {
    const context = await app.browser.newContext({ viewport: { width: 1280, height: 900 }, acceptDownloads: true });
    const { page, errors } = await newPage(context, `model=${MODEL}&backend=wasm&panel=own-text&train_steps=60&train_tokenizer=char&max_new_tokens=12&prompt=the%20cat`);
    await readyWith(page, `${MODEL} is ready`);
    expect((await pickerOptions(page)).map((o) => o.value)).toContain(MODEL);
    const before = await generate(page); // greedy: the same tokens every time from the same model

    await page.setInputFiles('[data-testid=train-file]', { name: 'verse.txt', mimeType: 'text/plain', buffer: Buffer.from(syntheticText(20_000)) });
    await page.click('[data-testid=train]');
    await page.waitForFunction(() => Number(document.querySelector('path[data-series=train-raw]')?.getAttribute('data-count')) >= 3, null, { timeout: 120_000 });
    // While it trains: the Sampling tab and the prompt box still use the model chosen before.
    await page.click('[data-testid=tab-sampling]');
    expect(await page.textContent('[data-testid=model-ready]')).toContain(`${MODEL} is ready`);
    expect(await generate(page)).toEqual(before);
    expect(await page.getAttribute('[data-testid=training]', 'data-state')).toBe('running');
    await shot(page, 'models-01-sampling-while-training.png');

    await page.click('[data-testid=tab-own-text]');
    await page.waitForSelector('[data-testid=train-done][data-stored-id]', { timeout: 240_000 });
    const id = (await page.getAttribute('[data-testid=train-done]', 'data-stored-id'))!;
    await expect.poll(async () => (await pickerOptions(page)).some((o) => o.value === `stored:${id}`)).toBe(true);
    await shot(page, 'models-02-trained-kept.png');

    // A reload finds it; choosing it in the picker puts it in every panel and in the link.
    await page.reload({ waitUntil: 'commit' });
    await readyWith(page, `${MODEL} is ready`);
    await expect.poll(async () => (await pickerOptions(page)).find((o) => o.value === `stored:${id}`)?.label).toMatch(/your text \(characters, tiny\), 60 steps/);
    await page.selectOption('[data-testid=model-picker]', `stored:${id}`);
    await readyWith(page, 'your text (characters, tiny), 60 steps is ready');
    expect(decodeURIComponent(page.url())).toContain(`model=stored:${id}`);
    const trained = await generate(page);
    expect(trained).not.toEqual(before);

    // Rename, download (a Hugging Face GPT-2 folder's three files) and delete, in the Models… dialog.
    await page.click('[data-testid=open-models]');
    await page.waitForSelector('[data-testid=models-dialog][open]');
    const row = `[data-testid=kept-model][data-id="${id}"]`;
    await page.click(`${row} [data-testid=kept-rename]`);
    await page.fill(`${row} [data-testid=rename-input]`, 'cats and hats');
    await page.click(`${row} [data-testid=rename-save]`);
    await page.waitForSelector(`${row}[data-name="cats and hats"]`);
    await expect.poll(async () => (await pickerOptions(page)).find((o) => o.value === `stored:${id}`)?.label).toBe('cats and hats');
    await shot(page, 'models-03-dialog.png');

    const downloads: string[] = [];
    page.on('download', (d) => {
      const to = path.join(DOWNLOADS, d.suggestedFilename());
      downloads.push(d.suggestedFilename());
      void d.saveAs(to);
    });
    await page.click(`${row} [data-testid=kept-download]`);
    await expect.poll(() => downloads.slice().sort(), { timeout: 20_000 }).toEqual(['config.json', 'model.safetensors', 'tokenizer.json']);
    await expect.poll(() => fs.existsSync(path.join(DOWNLOADS, 'config.json')) && JSON.parse(fs.readFileSync(path.join(DOWNLOADS, 'config.json'), 'utf8')).model_type).toBe('gpt2');

    await page.click(`${row} [data-testid=kept-delete]`);
    await page.waitForSelector(row, { state: 'detached' });
    expect((await pickerOptions(page)).find((o) => o.value === `stored:${id}`)?.label).not.toBe('cats and hats');
    // The model in use stays loaded after its stored copy is deleted: nothing on screen breaks.
    await page.click('[data-testid=models-dialog-close]');
    expect(await generate(page)).toEqual(trained);

    // Upload back: the downloaded files open as a model again, kept under a new entry.
    await page.click('[data-testid=open-models]');
    await page.setInputFiles('[data-testid=open-files]', ['config.json', 'model.safetensors', 'tokenizer.json'].map((f) => path.join(DOWNLOADS, f)));
    await page.waitForFunction(() => /model=stored%3A/.test(location.hash), null, { timeout: 30_000 });
    await readyWith(page, 'opened ');
    expect(await generate(page)).toEqual(trained);
    expect(errors).toEqual([]);
    await context.close();
  });

  it('keeps a trained LoRA adapter in the browser: it survives a reload and loads back into the model', async () => {
    const context = await app.browser.newContext({ viewport: { width: 1280, height: 900 } });
    const { page, errors } = await newPage(context, `model=${MODEL}&backend=wasm&panel=lora&lora_steps=4`);
    await page.waitForSelector('[data-testid=lora-ready]', { timeout: 120_000 });
    await page.click('[data-testid=lora-train]');
    await page.waitForSelector('[data-testid=lora-training][data-state=done]', { timeout: 240_000 });
    await page.waitForSelector('[data-testid=saved-adapter]', { timeout: 30_000 });
    const name = (await page.getAttribute('[data-testid=saved-adapter]', 'data-name'))!;
    expect(name).toMatch(/^#1 r=4 α=8, 4 steps$/);
    expect(await page.textContent('[data-testid=saved-adapter]')).toContain('for this model');

    await page.reload({ waitUntil: 'commit' });
    await page.waitForSelector('[data-testid=lora-ready]', { timeout: 120_000 });
    expect(await page.isVisible('[data-testid=lora-no-adapters]')).toBe(true); // the engine starts empty…
    await page.waitForSelector(`[data-testid=saved-adapter][data-name="${name}"]`); // …and the browser kept it
    await page.click('[data-testid=saved-adapter-load]');
    await page.waitForSelector('[data-testid=lora-adapter-row]');
    expect(await page.getAttribute('[data-testid=lora-adapter-row]', 'data-state')).toBe('on');
    await page.locator('[data-testid=saved-adapters]').screenshot({ path: path.join(SCREENSHOTS, 'models-07-saved-adapters.png') });
    expect(errors).toEqual([]);
    await context.close();
  });

  it('opens a GPT-2 folder by address: says the size of a large one, Cancel keeps the model, and a download is cached and removable', async () => {
    const context = await app.browser.newContext({ viewport: { width: 1280, height: 900 } });
    const { page, errors } = await newPage(context, `model=${MODEL}&backend=wasm&prompt=abc&max_new_tokens=3`);
    await readyWith(page, `${MODEL} is ready`);

    // A large checkpoint: its size first, and Cancel keeps the model and the link as they were.
    await page.click('[data-testid=open-models]');
    await page.fill('[data-testid=open-url]', `${models.url}big/`);
    await page.click('[data-testid=open-url-button]');
    await page.waitForSelector('[data-testid=confirm-download]');
    expect(await page.textContent('[data-testid=download-size]')).toBe('522.71 MB');
    await shot(page, 'models-04-size-before-download.png');
    await page.click('[data-testid=confirm-download-no]');
    await readyWith(page, `${MODEL} is ready`);
    expect(await page.textContent('[data-testid=load-notice]')).toMatch(/cancelled\. Still using dev-tiny|cancelled\. Still using/);
    expect(decodeURIComponent(page.url())).toContain(`model=${MODEL}&`);

    // A download cancelled part-way: the bytes so far are shown, and the model in use stays.
    await page.click('[data-testid=open-models]');
    await page.fill('[data-testid=open-url]', `${models.url}slow/`);
    await page.click('[data-testid=open-url-button]');
    await page.waitForFunction(() => /Downloading the weights — [\d.]+ KB of 110\.0 KB/.test(document.querySelector('[data-testid=progress-text]')?.textContent ?? ''), null, { timeout: 60_000 });
    await shot(page, 'models-05-download-progress.png');
    await page.click('[data-testid=cancel-load]');
    await readyWith(page, `${MODEL} is ready`);
    expect(await page.textContent('[data-testid=load-notice]')).toMatch(/Loading 127\.0\.0\.1:\d+\/slow was cancelled\. Still using/);
    expect(decodeURIComponent(page.url())).toContain(`model=${MODEL}&`);

    // A small folder opens at once, runs, and is in the link.
    const folder = `${models.url}gpt2-tiny/`;
    await page.click('[data-testid=open-models]');
    await page.fill('[data-testid=open-url]', folder);
    await page.click('[data-testid=open-url-button]');
    await readyWith(page, '/gpt2-tiny is ready: 2 layers × 4 heads, width 32, context 16 tokens');
    expect(decodeURIComponent(page.url())).toContain(`model=${folder}`);
    expect(await generate(page)).toHaveLength(3);

    // The next visit reads it from this browser's cache, even with the server gone.
    await models.close();
    await page.reload({ waitUntil: 'commit' });
    await readyWith(page, '/gpt2-tiny is ready');
    expect(await page.isVisible('[data-testid=from-cache]')).toBe(true);
    expect(await generate(page)).toHaveLength(3);
    await page.click('[data-testid=open-models]');
    await page.waitForSelector(`[data-testid=cached-model][data-url="${folder}"]`);
    expect(await page.textContent(`[data-testid=cached-model][data-url="${folder}"]`)).toMatch(/110\.\d KB/);
    await shot(page, 'models-06-cached.png');
    await page.click(`[data-testid=cached-model][data-url="${folder}"] [data-testid=cached-remove]`);
    await page.waitForSelector('[data-testid=cached-model]', { state: 'detached' });
    models = await startModelServer(); // for afterAll

    // The same folder's files dropped on the dialog open as a model kept in this browser.
    const dropped = await page.evaluateHandle((files) => {
      const transfer = new DataTransfer();
      for (const [name, bytes] of Object.entries(files)) transfer.items.add(new File([new Uint8Array(bytes)], name));
      return transfer;
    }, Object.fromEntries(Object.entries(FILES).map(([name, b]) => [name, [...b]])));
    await page.dispatchEvent('[data-testid=model-drop]', 'drop', { dataTransfer: dropped });
    await page.waitForFunction(() => /model=stored%3A/.test(location.hash), null, { timeout: 30_000 });
    await readyWith(page, 'opened ');
    expect(await page.textContent('[data-testid=model-ready]')).toContain('2 layers × 4 heads, width 32');
    expect(await generate(page)).toHaveLength(3);
    expect(errors).toEqual([]);
    await context.close();
  });
});
