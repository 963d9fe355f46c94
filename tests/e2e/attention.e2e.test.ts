// The Attention panel as a learner meets it, in headless Chromium on the
// built app: type a prompt, step five tokens, switch layer and head, open each
// view, and check the drawn weights against the core run here in Node (the
// same tokens from an untraced decode, then one full causal pass over them).
// Screenshots of every view go to tmp/attention-*.png.

import fs from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { selectBackend } from '../../src/engine/backend.ts';
import { loadGPT } from '../../src/io/checkpoint.ts';
import { headMatrix } from '../../src/model/trace.ts';
import { decode } from '../../src/sampling/sampler.ts';
import { DEFAULT_SAMPLING } from '../../src/sampling/settings.ts';
import { tokenizerFromJSON } from '../../src/tokenizer/index.ts';
import { MODEL, ROOT, modelDir, serveAppForFile } from './harness.ts';

const SHOTS = path.join(ROOT, 'tmp');

const PROMPT = 'ROMEO:\nO, she doth teach the torches';
const SEED = 42;
const LAYER = 1;
const HEAD = 2;
const settings = { ...DEFAULT_SAMPLING, temperature: 0.8, top_k: 20 };
const LINK = `model=${MODEL}&backend=wasm&panel=attention&temperature=0.8&top_k=20&seed=${SEED}`;

const app = serveAppForFile();

async function open(hash: string): Promise<{ page: Page; errors: string[] }> {
  const context = await app.browser.newContext({ viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(`${app.served.url}#${hash}`, { waitUntil: 'commit' });
  await page.waitForSelector('[data-testid=load-status][data-state=ready]', { timeout: 120_000 });
  return { page, errors };
}

/** Waits until the panel shows `step` with nothing in flight; on a timeout, says where the panel was. */
async function atStep(page: Page, step: number): Promise<void> {
  try {
    await page.waitForSelector(`[data-testid=attention-state][data-status=ready][data-step="${step}"]`, { timeout: 60_000 });
    // The view asks the engine for what it draws: wait until it draws this step.
    await page.waitForFunction(
      (s) => {
        const figure = document.querySelector<HTMLElement>('[data-testid=attention-heatmap], [data-testid=attention-lines], [data-testid=attention-grid]');
        return !figure || (figure.dataset.step === String(s) && figure.dataset.pending === 'false');
      },
      step,
      { timeout: 60_000, polling: 50 },
    );
  } catch (e) {
    const where = await page.$eval('[data-testid=attention-state]', (el) => ({ ...(el as HTMLElement).dataset, error: document.querySelector('[data-testid=attention-error]')?.textContent ?? null }));
    throw new Error(`The panel never settled at step ${step}: ${JSON.stringify(where)} (${(e as Error).message.split('\n')[0]})`);
  }
}
const shot = (page: Page, name: string) => page.locator('[data-testid=panel-attention]').screenshot({ path: path.join(SHOTS, `attention-${name}.png`) });
const tensors = (page: Page) => page.getAttribute('[data-testid=memory]', 'data-tensors').then(Number);
const hashOf = (page: Page) => new URL(page.url()).hash;

/** The core, here in Node: the tokens an untraced decode draws, and one causal pass over them. */
async function reference(steps: number): Promise<{ ids: number[]; weights: (layer: number, head: number) => Float32Array; n: number }> {
  await selectBackend(['wasm'], path.join(ROOT, 'node_modules/@tensorflow/tfjs-backend-wasm/dist') + '/');
  const dir = modelDir(MODEL);
  const model = await loadGPT({ config: path.join(dir, 'config.json'), weights: path.join(dir, 'model.safetensors') });
  try {
    const tokenizer = tokenizerFromJSON(JSON.parse(fs.readFileSync(path.join(dir, 'tokenizer.json'), 'utf8')));
    const { tokens } = decode(model, tokenizer.encode(PROMPT), settings, { maxNewTokens: steps, seed: SEED });
    const { trace } = model.run(tokens, { trace: true });
    return { ids: tokens, n: tokens.length, weights: (l, h) => headMatrix(trace!.layers[l].attention, h).data.slice() };
  } finally {
    model.dispose();
  }
}

interface DrawnCell {
  q: number;
  k: number;
  w: number;
  masked: boolean;
}

const drawnCells = (page: Page) =>
  page.$$eval('[data-testid=attention-heatmap] rect.cell', (rects) =>
    rects.map((r) => ({ q: Number(r.getAttribute('data-q')), k: Number(r.getAttribute('data-k')), w: Number(r.getAttribute('data-weight')), masked: r.getAttribute('data-masked') === 'true' })),
  );

describe(`the attention panel with the "${MODEL}" model`, () => {
  it('steps five tokens, switches layer and head, and draws the weights one causal pass gives', async () => {
    const { page, errors } = await open(LINK);
    await page.fill('[data-testid=prompt]', PROMPT);
    await atStep(page, 0);
    await page.waitForSelector('[data-testid=memory]');
    for (let s = 1; s <= 5; s++) {
      await page.click('[data-testid=attention-step]');
      await atStep(page, s);
    }
    expect(hashOf(page)).toContain('step=5');
    const ref = await reference(5);
    const shownIds = await page.$$eval('[data-testid=attention-text] .attn-tok', (t) => t.map((x) => Number(x.getAttribute('data-token-id'))));
    expect(shownIds).toEqual(ref.ids);
    await shot(page, 'heatmap');

    await page.selectOption('[data-testid=attention-layer]', String(LAYER));
    await page.selectOption('[data-testid=attention-head]', String(HEAD));
    await page.waitForSelector(`[data-testid=attention-heatmap][data-layer="${LAYER}"][data-head="${HEAD}"][data-step="5"]`);
    expect(hashOf(page)).toMatch(new RegExp(`layer=${LAYER}.*head=${HEAD}`));

    // The heatmap: every cell drawn, rows sum to 1, the future masked and 0, the values of the reference pass.
    const cells = await drawnCells(page);
    const n = ref.n;
    expect(cells).toHaveLength(n * n);
    const expected = ref.weights(LAYER, HEAD);
    const rowSums = new Array(n).fill(0);
    for (const c of cells) {
      rowSums[c.q] += c.w;
      expect(c.masked).toBe(c.k > c.q);
      if (c.masked) expect(c.w).toBe(0);
      expect(Math.abs(c.w - expected[c.q * n + c.k])).toBeLessThan(1e-4);
    }
    rowSums.forEach((s) => expect(s).toBeCloseTo(1, 4));
    // The selected (newest) row as bars, and the stages: the softmax stage equals the row.
    expect(Number(await page.getAttribute('[data-testid=attention-row]', 'data-row-sum'))).toBeCloseTo(1, 4);
    const softmax = await page.$$eval('[data-testid=attention-stages] [data-stage=softmax] .stage-cell', (c) => c.map((x) => Number(x.getAttribute('data-value'))));
    softmax.forEach((w, k) => expect(Math.abs(w - expected[(n - 1) * n + k])).toBeLessThan(1e-4));
    const qk = await page.$$eval('[data-testid=attention-stages] [data-stage=masked] .stage-cell', (c) => c.map((x) => x.getAttribute('data-value')));
    expect(qk).not.toContain('-Infinity'); // the newest token may read every earlier one
    await page.hover(`[data-testid=attention-heatmap] rect.cell[data-q="${n - 1}"][data-k="0"]`);
    expect(await page.textContent('[data-testid=attention-heatmap] .attn-tooltip')).toMatch(/weight \d/);
    await shot(page, 'heatmap-layer1-head2');

    // Clicking a prompt token selects its row: its stages show the masked future as −∞.
    await page.click('[data-testid=attention-text] .attn-tok[data-position="2"]');
    await page.waitForSelector('[data-testid=attention-row][data-query="2"]');
    const maskedStage = await page.$$eval('[data-testid=attention-stages] [data-stage=masked] .stage-cell', (c) => c.map((x) => x.getAttribute('data-value')));
    expect(maskedStage.slice(3).every((v) => v === '-Infinity')).toBe(true);
    expect(hashOf(page)).toContain('query=2');
    await shot(page, 'stages-query2');

    // The lines view: each drawn line of the chosen head carries the reference weight; none reaches the future.
    await page.click('[data-testid=attention-view-lines]');
    await page.waitForSelector(`[data-testid=attention-lines][data-head="${HEAD}"] line[data-head="${HEAD}"]`, { state: "attached" });
    const lines = await page.$$eval(`[data-testid=attention-lines] line[data-head="${HEAD}"]`, (ls) =>
      ls.map((l) => ({ q: Number(l.getAttribute('data-q')), k: Number(l.getAttribute('data-k')), w: Number(l.getAttribute('data-weight')) })),
    );
    const minWeight = Number(await page.getAttribute('[data-testid=attention-lines] svg', 'data-min-weight'));
    expect(lines.length).toBe(expected.filter((w) => w >= minWeight).length);
    for (const l of lines) {
      expect(l.k).toBeLessThanOrEqual(l.q);
      expect(Math.abs(l.w - expected[l.q * n + l.k])).toBeLessThan(1e-4);
    }
    const heads = await page.$$eval('[data-testid=attention-lines] line', (ls) => new Set(ls.map((l) => l.getAttribute('data-head'))).size);
    expect(heads).toBe(4); // every head of the layer, one colour each
    await shot(page, 'lines');
    // Hovering a query keeps only its lines: one per earlier token and head (above the threshold).
    await page.locator('[data-testid=attention-lines]').evaluate((el) => el.scrollIntoView({ block: 'center' }));
    await page.hover(`[data-testid=attention-lines] .tokens.left text[data-q="${n - 1}"]`);
    const shown = await page.$$eval('[data-testid=attention-lines] line', (ls) => ls.filter((l) => l.getAttribute('display') !== 'none').map((l) => l.getAttribute('data-q')));
    expect(new Set(shown)).toEqual(new Set([String(n - 1)]));
    // (Only the figure, already in view: capturing the whole panel would scroll it from under the pointer.)
    await page.locator('[data-testid=attention-lines]').screenshot({ path: path.join(SHOTS, 'attention-lines-hover.png') });

    // Every head at once; a click opens one.
    await page.click('[data-testid=attention-view-grid]');
    await page.waitForSelector('[data-testid=attention-grid] .grid-thumb[data-layer="3"][data-head="1"]');
    expect(await page.$$eval('[data-testid=attention-grid] .grid-thumb', (t) => t.length)).toBe(16);
    await shot(page, 'grid');
    await page.click('[data-testid=attention-grid] .grid-thumb[data-layer="3"][data-head="1"]');
    await page.waitForSelector('[data-testid=attention-heatmap][data-layer="3"][data-head="1"]');

    // Stepping back re-reads the rows the engine keeps: no model call, the same step count.
    await page.click('[data-testid=attention-back]');
    await atStep(page, 4);
    expect(await page.getAttribute('[data-testid=attention-state]', 'data-frames')).toBe('6');
    expect(await page.$$eval('[data-testid=attention-heatmap] rect.cell', (c) => c.length)).toBe((n - 1) * (n - 1));
    await page.click('[data-testid=attention-step]');
    await atStep(page, 5);

    // The masks lesson and teacher forcing.
    await page.click('[data-testid=attention-view-masks]');
    await page.waitForSelector('[data-testid=teacher-forcing]', { timeout: 60_000 });
    await page.waitForSelector('[data-testid=attention-masks] figure[data-mask=bidirectional] rect.cell');
    expect(Number(await page.getAttribute('[data-testid=teacher-forcing]', 'data-max-diff'))).toBeLessThan(1e-3);
    expect(await page.getAttribute('[data-testid=teacher-forcing]', 'data-agree')).toBe(String(n));
    const maskedCount = (mask: string) => page.$$eval(`[data-testid=attention-masks] figure[data-mask=${mask}] rect.cell.masked`, (c) => c.length);
    expect(await maskedCount('causal')).toBe((n * (n - 1)) / 2);
    expect(await maskedCount('bidirectional')).toBe(0);
    const prefix = ref.ids.length - 5; // the prompt's tokens see each other
    expect(await maskedCount('prefix')).toBe((n * (n - 1)) / 2 - (prefix * (prefix - 1)) / 2);
    await page.click('[data-testid=attention-masks] figure[data-mask=prefix] .mask-title');
    expect(hashOf(page)).toContain('mask=prefix');
    expect(await page.textContent('[data-testid=attention-mask-note]')).toContain('GLM');
    await shot(page, 'masks');

    // Long inputs.
    await page.click('[data-testid=attention-long-details] summary');
    await page.waitForSelector('[data-testid=attention-cost-chart] path[data-series=attn-7b]');
    expect(await page.textContent('[data-testid=kv-per-token]')).toBe('4 KB');
    expect(await page.textContent('[data-testid=attention-window-policy]')).toContain('slides');
    await page.locator('[data-testid=attention-long]').screenshot({ path: path.join(SHOTS, 'attention-long-inputs.png') });

    // Play runs on by itself; pause stops it.
    await page.click('[data-testid=attention-view-heatmap]');
    await page.selectOption('[data-testid=attention-speed]', '250');
    await page.click('[data-testid=attention-play]');
    await page.waitForFunction(() => Number(document.querySelector<HTMLElement>('[data-testid=attention-state]')!.dataset.step) >= 8, null, { timeout: 60_000, polling: 50 });
    await page.click('[data-testid=attention-play]');
    // Once the step in flight (if any) has landed, nothing moves any more.
    await page.waitForSelector('[data-testid=attention-state][data-status=ready]');
    const paused = Number(await page.getAttribute('[data-testid=attention-state]', 'data-step'));
    await page.waitForTimeout(800);
    expect(Number(await page.getAttribute('[data-testid=attention-state]', 'data-step'))).toBe(paused);
    expect(hashOf(page)).toContain(`step=${paused}&`);
    // What the engine holds: the model and one KV cache (K and V for each of 4 layers), however far it stepped.
    const heldNow = await tensors(page);
    for (const s of [paused + 1, paused + 2]) {
      await page.click('[data-testid=attention-step]');
      await atStep(page, s);
    }
    await expect.poll(() => tensors(page)).toBe(heldNow);
    expect(errors).toEqual([]);
  });

  it('a link with step=5 regenerates the same five tokens', async () => {
    const ref = await reference(5);
    const { page, errors } = await open(`${LINK}&prompt=${encodeURIComponent(PROMPT)}&step=5&layer=2&head=3&view=lines`);
    await atStep(page, 5);
    const ids = await page.$$eval('[data-testid=attention-text] .attn-tok', (t) => t.map((x) => Number(x.getAttribute('data-token-id'))));
    expect(ids).toEqual(ref.ids);
    expect(await page.getAttribute('[data-testid=attention-lines]', 'data-head')).toBe('3');
    expect(errors).toEqual([]);
  });

  it('says clearly what happens with an empty prompt, unseen characters and a prompt past the window', async () => {
    const { page, errors } = await open(LINK);
    await page.fill('[data-testid=prompt]', '');
    await page.waitForSelector('[data-testid=attention-error]');
    expect(await page.textContent('[data-testid=attention-error]')).toContain('The prompt is empty');

    // Greek never occurs in the training text (and, unlike CJK, the test machine has a font for it).
    await page.fill('[data-testid=prompt]', 'ROMEO: Ωψ, my love');
    await page.waitForSelector('[data-testid=attention-byte-fallback]');
    const fallback = (await page.textContent('[data-testid=attention-byte-fallback]'))!;
    expect(fallback).toContain('“Ω” →');
    expect(fallback).toContain('<0xCE>');
    await atStep(page, 0);
    expect(await page.$$eval('[data-testid=attention-text] .attn-tok.byte', (t) => t.length)).toBeGreaterThanOrEqual(4);
    await shot(page, 'byte-fallback');

    const long = 'ROMEO:\nBut soft, what light through yonder window breaks?\n'.repeat(12);
    await page.fill('[data-testid=prompt]', long);
    await page.waitForSelector('[data-testid=attention-notices] >> text=fit the context window');
    await atStep(page, 0);
    expect(Number(await page.getAttribute('[data-testid=attention-state]', 'data-size'))).toBe(128);
    expect(await page.$$eval('[data-testid=attention-heatmap] rect.cell', (c) => c.length)).toBe(128 * 128);
    await shot(page, 'long-prompt');
    expect(errors).toEqual([]);
  });
});
