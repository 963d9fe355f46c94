// The LoRA panel as a learner uses it, in the built app in headless Chromium:
// train an adapter on the default text, watch the losses, look at ΔW and its
// singular values, merge and unmerge, export the PEFT files and import them
// back; keep a comparison's prefix-tuning adapter and do the same with it. Uses the dev-tiny stand-in unless E2E_MODEL names another model.

import fs from 'node:fs';
import path from 'node:path';
import type { Download, Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { MODEL, ROOT, serveAppForFile } from './harness.ts';

const SHOTS = path.join(ROOT, 'tmp');
const EXPORTED = path.join(ROOT, 'tmp/lora-export');

const app = serveAppForFile();
beforeAll(() => fs.mkdirSync(EXPORTED, { recursive: true }));

const attr = (page: Page, selector: string, name: string) => page.getAttribute(selector, name).then((v) => (v === null ? NaN : Number(v)));

describe(`the LoRA panel with the "${MODEL}" model`, () => {
  it('trains an adapter, shows ΔW, merges and unmerges, exports and re-imports it to identical logits', async () => {
    const context = await app.browser.newContext({ viewport: { width: 1280, height: 900 }, acceptDownloads: true });
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    const hash = `model=${MODEL}&backend=wasm&panel=lora&lora_steps=30&max_new_tokens=40&temperature=0.8`;
    await page.goto(`${app.served.url}#${hash}`, { waitUntil: 'commit' });
    await page.waitForSelector('[data-testid=lora-ready]', { timeout: 120_000 });

    // Train: a progress bar while it runs, then both validation losses.
    const t0 = Date.now();
    await page.click('[data-testid=lora-train]');
    await page.waitForFunction(() => Number(document.querySelector('[data-testid=lora-progress]')?.getAttribute('aria-valuenow')) >= 3, null, { timeout: 120_000 });
    await page.waitForSelector('[data-testid=lora-training][data-state=done]', { timeout: 240_000 });
    console.log(`trained 30 adapter steps in the page in ${((Date.now() - t0) / 1000).toFixed(0)} s`);
    const newFirst = await attr(page, '[data-testid=lora-new-loss]', 'data-first');
    const newLast = await attr(page, '[data-testid=lora-new-loss]', 'data-last');
    expect(newLast).toBeLessThan(newFirst);
    expect(Number.isFinite(await attr(page, '[data-testid=lora-original-loss]', 'data-first'))).toBe(true);
    expect(Number.isFinite(await attr(page, '[data-testid=lora-original-loss]', 'data-last'))).toBe(true);
    expect(await attr(page, '[data-testid=lora-loss-chart] path[data-series=original]', 'data-count')).toBeGreaterThanOrEqual(3);
    expect(await page.textContent('[data-testid=lora-data-summary]')).toMatch(/Original corpus: /);
    expect(await page.getAttribute('[data-testid=lora-adapter-row]', 'data-state')).toBe('on');
    await page.locator('[data-testid=lora-train-progress]').scrollIntoViewIfNeeded();
    await page.screenshot({ path: path.join(SHOTS, 'lora-training.png') });

    // ΔW of the first layer's c_attn, and its singular values next to W's: at most r = 4 non-zero.
    await page.waitForSelector('[data-testid=lora-singular-values] [data-spectrum=delta]', { timeout: 60_000 });
    const deltaRank = await attr(page, '[data-spectrum=delta]', 'data-nonzero');
    expect(deltaRank).toBeGreaterThan(0);
    expect(deltaRank).toBeLessThanOrEqual(4);
    expect(await attr(page, '[data-spectrum=base]', 'data-nonzero')).toBe(await attr(page, '[data-spectrum=base]', 'data-count'));
    expect(await attr(page, '[data-testid=lora-low-rank] .lr-delta .heatmap', 'data-max-abs')).toBeGreaterThan(0);
    await page.locator('[data-testid=lora-inspect]').screenshot({ path: path.join(SHOTS, 'lora-delta-w.png') });

    // The same seed with the adapter on and off.
    await page.click('[data-testid=lora-compare-generations]');
    await page.waitForSelector('[data-testid=lora-gen-off]', { timeout: 60_000 });

    // Merge and unmerge: the logits agree to float rounding, and the base comes back.
    await page.click('[data-testid=lora-merge]');
    await page.waitForSelector('[data-testid=lora-merge-result][data-merged=true]');
    expect(await attr(page, '[data-testid=lora-merge-result]', 'data-diff')).toBeLessThan(1e-4);
    expect(await page.getAttribute('[data-testid=lora-adapter-row]', 'data-state')).toBe('merged');
    await page.click('[data-testid=lora-merge]');
    await page.waitForSelector('[data-testid=lora-merge-result][data-merged=false]');
    expect(await attr(page, '[data-testid=lora-merge-result]', 'data-diff')).toBeLessThan(1e-4);
    expect(await attr(page, '[data-testid=lora-merge-result]', 'data-base-diff')).toBeLessThan(1e-4);

    // Export: PEFT's two files.
    const downloads: Download[] = [];
    page.on('download', (d) => downloads.push(d));
    await page.click('[data-testid=lora-export]');
    await expect.poll(() => downloads.length, { timeout: 30_000 }).toBe(2);
    const files: Record<string, string> = {};
    for (const d of downloads) {
      files[d.suggestedFilename()] = path.join(EXPORTED, d.suggestedFilename());
      await d.saveAs(files[d.suggestedFilename()]);
    }
    const config = JSON.parse(fs.readFileSync(files['adapter_config.json'], 'utf8'));
    expect(config).toMatchObject({ peft_type: 'LORA', r: 4, lora_alpha: 8, fan_in_fan_out: true, target_modules: ['attn.c_attn', 'attn.c_proj'] });
    const weights = fs.readFileSync(files['adapter_model.safetensors']);
    const header = JSON.parse(weights.subarray(8, 8 + Number(weights.readBigUInt64LE(0))).toString('utf8'));
    expect(header['base_model.model.transformer.h.0.attn.c_attn.lora_A.weight'].shape).toEqual([4, 128]);

    // Import them back: a second adapter whose logits are identical to the first's.
    await page.setInputFiles('[data-testid=lora-import-config]', files['adapter_config.json']);
    await page.setInputFiles('[data-testid=lora-import-weights]', files['adapter_model.safetensors']);
    await page.click('[data-testid=lora-import]');
    await page.waitForSelector('[data-testid=lora-import-result]');
    expect(await page.getAttribute('[data-testid=lora-import-result]', 'data-diff')).toBe('0');
    expect(await page.locator('[data-testid=lora-adapter-row]').count()).toBe(2);

    // An adapter for another base (a rank the file's tensors do not have): a clear error, nothing changes.
    const foreign = path.join(EXPORTED, 'foreign_adapter_config.json');
    fs.writeFileSync(foreign, JSON.stringify({ ...config, r: 8 }));
    await page.setInputFiles('[data-testid=lora-import-config]', foreign);
    await page.click('[data-testid=lora-import]');
    await page.waitForSelector('[data-testid=lora-import-error]');
    expect(await page.textContent('[data-testid=lora-import-error]')).toMatch(/another base/);
    expect(await page.locator('[data-testid=lora-adapter-row]').count()).toBe(2);

    await page.locator('section[aria-labelledby=lora-adapters-title]').screenshot({ path: path.join(SHOTS, 'lora-adapters.png') });

    // Full fine-tuning vs LoRA, a short run: LoRA switched off gives back the base exactly.
    await page.fill('[data-testid=lora-steps]', '10');
    await page.press('[data-testid=lora-steps]', 'Enter');
    await page.click('[data-testid=lora-compare]');
    await page.waitForSelector('[data-testid=lora-comparison][data-state=done]', { timeout: 240_000 });
    const cells = await page.$$eval('[data-testid=lora-comparison-table] tr', (rows) => rows.map((r) => r.textContent ?? ''));
    expect(cells.find((c) => c.startsWith('max |Δlogit|'))).toMatch(/0 with the adapter off/);
    expect(cells.find((c) => c.startsWith('trainable parameters'))).toMatch(/12,288/);
    await page.locator('section[aria-labelledby=lora-compare-title]').screenshot({ path: path.join(SHOTS, 'lora-comparison.png') });
    await page.locator('section[aria-labelledby=lora-memory-title]').screenshot({ path: path.join(SHOTS, 'lora-memory.png') });
    await page.locator('section[aria-labelledby=lora-settings-title]').screenshot({ path: path.join(SHOTS, 'lora-settings.png') });

    await page.screenshot({ path: path.join(SHOTS, 'lora-panel.png'), fullPage: true });
    expect(errors).toEqual([]);
    await context.close();
  });

  it('a 2-step comparison keeps its prefix-tuning adapter: switched on, exported, imported back to the same logits, kept in the browser, and it writes', async () => {
    const context = await app.browser.newContext({ viewport: { width: 1280, height: 900 }, acceptDownloads: true });
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(`${app.served.url}#model=${MODEL}&backend=wasm&panel=lora&lora_steps=2&lora_compare=prefix&max_new_tokens=20`, { waitUntil: 'commit' });
    await page.waitForSelector('[data-testid=lora-ready]', { timeout: 120_000 });
    await page.click('[data-testid=lora-compare]');
    await page.waitForSelector('[data-testid=lora-comparison][data-state=done]', { timeout: 240_000 });
    // The comparison's adapter is listed with its method, switched off.
    await page.waitForSelector('[data-testid=lora-adapter-method][data-method="prefix tuning"]', { timeout: 30_000 });
    const row = page.locator('[data-testid=lora-adapter-row]', { has: page.locator('[data-method="prefix tuning"]') }).first();
    expect(await row.getAttribute('data-state')).toBe('off');
    expect(await row.locator('[data-testid=lora-adapter-method]').getAttribute('data-peft-type')).toBe('PREFIX_TUNING');
    await row.locator('input[type=radio]').check();
    expect(await page.isDisabled('[data-testid=lora-merge]')).toBe(true); // a prompt has no W to merge into
    expect(await page.textContent('[data-testid=lora-cannot-merge]')).toMatch(/cannot be merged/);
    await page.click('[data-testid=lora-toggle]');
    await expect.poll(() => row.getAttribute('data-state')).toBe('on');
    expect(await page.textContent('[data-testid=lora-adapter-note]')).toMatch(/take the first \d+ of the model’s \d+ positions, so the window for your text shrinks to \d+ tokens/);
    // The prompt box counts against the window the prefix leaves, and says why.
    await expect.poll(() => page.getAttribute('[data-testid=virtual-tokens]', 'data-virtual')).toBe('8');
    expect(await page.textContent('[data-testid=prompt-token-count]')).toMatch(/less the 8 virtual tokens of the prompt adapter switched on/);

    // Export: PEFT's prompt-learning files.
    const downloads: Download[] = [];
    page.on('download', (d) => downloads.push(d));
    await page.click('[data-testid=lora-export]');
    await expect.poll(() => downloads.length, { timeout: 30_000 }).toBe(2);
    const files: Record<string, string> = {};
    for (const d of downloads) {
      files[d.suggestedFilename()] = path.join(EXPORTED, `prefix_${d.suggestedFilename()}`);
      await d.saveAs(files[d.suggestedFilename()]);
    }
    const config = JSON.parse(fs.readFileSync(files['adapter_config.json'], 'utf8'));
    expect(config).toMatchObject({ peft_type: 'PREFIX_TUNING', num_virtual_tokens: 8, inference_mode: true, task_type: 'CAUSAL_LM' });
    const weights = fs.readFileSync(files['adapter_model.safetensors']);
    const header = JSON.parse(weights.subarray(8, 8 + Number(weights.readBigUInt64LE(0))).toString('utf8'));
    expect(header.prompt_embeddings.shape).toEqual([8, config.num_layers * 2 * config.token_dim]);

    // Import them back: the twin's logits match, and the imported prefix is the one switched on.
    await page.setInputFiles('[data-testid=lora-import-config]', files['adapter_config.json']);
    await page.setInputFiles('[data-testid=lora-import-weights]', files['adapter_model.safetensors']);
    await page.click('[data-testid=lora-import]');
    await page.waitForSelector('[data-testid=lora-import-result]');
    expect(await attr(page, '[data-testid=lora-import-result]', 'data-diff')).toBeLessThan(1e-5);
    const prefixRows = page.locator('[data-testid=lora-adapter-row]', { has: page.locator('[data-method="prefix tuning"]') });
    expect(await prefixRows.count()).toBe(2);
    expect(await prefixRows.nth(1).getAttribute('data-state')).toBe('on');
    expect(await row.getAttribute('data-state')).toBe('off');

    // It writes: the same seed with the imported prefix on and off.
    await page.click('[data-testid=lora-compare-generations]');
    await page.waitForSelector('[data-testid=lora-gen-on]', { timeout: 60_000 });
    expect((await page.textContent('[data-testid=lora-gen-on]'))!.length).toBeGreaterThan(0);

    // Kept in this browser with its method.
    await page.click('[data-testid=lora-keep]');
    await page.waitForSelector('[data-testid=saved-adapter-method][data-method="prefix tuning"]', { timeout: 30_000 });
    await page.locator('section[aria-labelledby=lora-adapters-title]').screenshot({ path: path.join(SHOTS, 'lora-adapters-methods.png') });
    expect(errors).toEqual([]);
    await context.close();
  });

  it('a run that ruins the model does not end as "done": it says so and restores the best point', async () => {
    const context = await app.browser.newContext({ viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    // Learning rate 1, rsLoRA with α/√r = 256/√1 = 256, all four modules (the run).
    const hash = `model=${MODEL}&backend=wasm&panel=lora&lora_steps=20&lora_lr=1&lora_rslora=on&lora_r=1&lora_alpha=256&lora_targets=attn.c_attn,attn.c_proj,mlp.c_fc,mlp.c_proj`;
    await page.goto(`${app.served.url}#${hash}`, { waitUntil: 'commit' });
    await page.waitForSelector('[data-testid=lora-ready]', { timeout: 120_000 });
    // Text the model was trained on: a violent update can only make it worse there.
    const known = fs.readFileSync(path.join(ROOT, 'tests/fixtures/tinyshakespeare-excerpt.txt'), 'utf8').slice(0, 12_000);
    await page.click('text=pasted text');
    await page.fill('[data-testid=lora-source-text]', known);
    await page.click('[data-testid=lora-train]');
    await page.waitForSelector('[data-testid=lora-training][data-state=done]', { timeout: 240_000 });
    expect(await page.textContent('[data-testid=lora-train-progress]')).toMatch(/finished, but the model got worse/);
    expect(await page.textContent('[data-testid=lora-worsened]')).toMatch(/^This run made the model worse: the new text's loss ended at .*α\/√r = 256/);
    expect(await attr(page, '[data-testid=lora-new-loss]', 'data-last')).toBeGreaterThan(await attr(page, '[data-testid=lora-new-loss]', 'data-first'));
    await page.locator('[data-testid=lora-worsened]').screenshot({ path: path.join(SHOTS, 'lora-worsened.png') });
    await page.click('[data-testid=lora-restore-best]');
    await page.waitForSelector('[data-testid=lora-restored]');
    expect(await page.textContent('[data-testid=lora-restored]')).toMatch(/^Restored: the adapter is back at step \d+/);
    expect(errors).toEqual([]);
    await context.close();
  });
});
