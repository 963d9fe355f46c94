// The Sampling & repetition panel as a learner uses it, in headless Chromium on
// the built app: drag the temperature, switch to greedy and watch repetition
// rise, turn on no_repeat_ngram_size and watch the repeats vanish, open the
// beam tree, run the sweep.

import path from 'node:path';
import type { Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { MODEL, SCREENSHOTS, serveAppForFile } from './harness.ts';

let page: Page;
const errors: string[] = [];

const app = serveAppForFile();

beforeAll(async () => {
  const context = await app.browser.newContext({ viewport: { width: 1280, height: 900 } });
  page = await context.newPage();
  page.on('pageerror', (e) => errors.push(e.message));
  const prompt = encodeURIComponent('ROMEO:\nWhat');
  await page.goto(`${app.served.url}#model=${MODEL}&panel=sampling&prompt=${prompt}&max_new_tokens=60&seed=7`, { waitUntil: 'commit' });
  await page.waitForSelector('[data-testid=load-status][data-state=ready]', { timeout: 120_000 });
}, 400_000);


const shot = (name: string) => page.screenshot({ path: path.join(SCREENSHOTS, name), fullPage: true });
/** The processed probability of the most likely bar in the distribution chart. */
const topProbability = () =>
  page.$$eval('[data-testid=distribution] g.bar', (bars) => Math.max(...bars.map((b) => Number(b.getAttribute('data-processed')))));
/** Moves a range input as a drag does: the native value setter, then an input event React listens to. */
const setSlider = async (name: string, value: number) => {
  await page.$eval(
    `[data-testid=slider-${name}]`,
    (el, v) => {
      const input = el as HTMLInputElement;
      Object.getOwnPropertyDescriptor(HTMLInputElement.prototype, 'value')!.set!.call(input, String(v));
      input.dispatchEvent(new Event('input', { bubbles: true }));
    },
    value,
  );
  // The setting has landed when the link says so (link keys are the Hugging Face names).
  await page.waitForFunction(([n, v]) => new RegExp(`[#&]${n}=${v}(&|$)`).test(location.hash), [name, String(value)] as const);
};
async function generate(): Promise<{ seqRep4: number; repeated: number; count: number }> {
  await page.click('[data-testid=sampling-generate]');
  await page.waitForSelector('[data-testid=outcome-main][data-status=done]', { timeout: 120_000 });
  await page.waitForSelector('[data-testid=outcome-compare][data-status=done]', { timeout: 120_000 });
  const seqRep4 = Number(await page.getAttribute('[data-testid=measures-main]', 'data-seq-rep-4'));
  const repeated = Number(await page.getAttribute('[data-testid=text-main]', 'data-repeated'));
  const count = Number(await page.getAttribute('[data-testid=text-main]', 'data-count'));
  return { seqRep4, repeated, count };
}

describe(`the sampling panel with "${MODEL}"`, () => {
  it('redraws the next-token distribution from cached logits as the temperature moves', async () => {
    await page.waitForSelector('[data-testid=distribution] g.bar');
    await setSlider('temperature', 1);
    const warm = await topProbability();
    await setSlider('temperature', 0.3);
    const cold = await topProbability();
    expect(cold).toBeGreaterThan(warm); // a lower temperature sharpens the distribution
    await setSlider('top_k', 3);
    const cut = await page.$$eval('[data-testid=distribution] g.bar[data-cut=top_k]', (b) => b.length);
    expect(cut).toBeGreaterThan(0); // tokens outside the top 3 are marked as cut by top_k
    const active = await page.$$eval('[data-testid=processor-order] li[data-active=true] code', (c) => c.map((x) => x.textContent));
    expect(active).toEqual(['temperature', 'top_k']);
    await shot('sampling-distribution.png');
    await setSlider('top_k', 0);
  });

  it('greedy decoding repeats more than sampling; no_repeat_ngram_size 3 removes the repeated trigrams', async () => {
    await setSlider('temperature', 1);
    await page.click('[data-testid=strategy-sample]');
    const sampled = await generate();
    expect(sampled.count).toBe(60);
    await page.click('[data-testid=strategy-greedy]');
    const greedy = await generate();
    expect(greedy.seqRep4).toBeGreaterThan(sampled.seqRep4);
    await page.selectOption('[data-testid=highlight-n]', '3');
    const highlighted = Number(await page.getAttribute('[data-testid=text-main]', 'data-repeated'));
    expect(highlighted).toBeGreaterThan(0);
    await page.waitForSelector('[data-testid=repeat-chart] path[data-series=processed]');
    await shot('sampling-greedy.png');
    await setSlider('no_repeat_ngram_size', 3);
    const banned = await generate();
    expect(banned.repeated).toBe(0); // highlighting 3-grams: none repeats any more
    expect(banned.count).toBe(60);
    await setSlider('no_repeat_ngram_size', 0);
  });

  it('opens the beam tree with kept, finished and pruned candidates and the ranked hypotheses', async () => {
    await page.click('[data-testid=strategy-beam]');
    await page.selectOption('[data-testid=eos]', '\n');
    await generate();
    await page.waitForSelector('[data-testid=beam-tree] g.node');
    const fates = await page.$$eval('[data-testid=beam-tree] g.node', (n) => [...new Set(n.map((x) => x.getAttribute('data-fate')))]);
    expect(fates).toContain('kept');
    expect(fates).toContain('pruned');
    // The ranked hypotheses: score = sum log p / length^length_penalty, and rank 1 (the one returned) has the best score.
    const table = await page.$$eval('[data-testid=hypotheses] tbody tr', (rows) =>
      rows.map((r) => Array.from(r.querySelectorAll('td'), (td) => td.textContent ?? '')));
    expect(table.length).toBeGreaterThan(0);
    const hyps = table.map((cells) => ({ sum: Number(cells[2]), length: parseInt(cells[3], 10), score: Number(cells[4]) }));
    const lengthPenalty = 1; // the panel's default, Hugging Face's default
    for (const h of hyps) expect(h.score).toBeCloseTo(h.sum / h.length ** lengthPenalty, 2);
    for (let i = 1; i < hyps.length; i++) expect(hyps[i - 1].score).toBeGreaterThanOrEqual(hyps[i].score);
    expect(hyps[0].score).toBe(Math.max(...hyps.map((h) => h.score)));
    // The accent path in the tree is that best hypothesis: one on-best node per step it lasted.
    const onBest = await page.$$eval('[data-testid=beam-tree] g.node.best', (n) => n.length);
    expect(onBest).toBeGreaterThan(0);
    await shot('sampling-beam.png');
  });

  it('runs the sweep from measured decodes and draws it', async () => {
    await page.click('[data-testid=run-sweep]');
    await page.waitForSelector('[data-testid=sweep-bars] g.bar', { timeout: 560_000 });
    const labels = await page.$$eval('[data-testid=sweep-bars] g.bar', (b) => b.map((x) => x.getAttribute('data-label')));
    expect(labels).toEqual([
      'greedy', 'beam 4', 'top-k 40', 'top-p 0.9', 'T = 0.7', 'pure sampling',
      'typical 0.9', 'typical 0.95', 'epsilon 0.0009', 'eta 0.002', 'contrastive 0.6/4', 'diverse beam 4/2',
    ]);
    const values = await page.$$eval('[data-testid=sweep-bars] g.bar', (b) => b.map((x) => Number(x.getAttribute('data-value'))));
    values.forEach((v) => expect(v >= 0 && v <= 1).toBe(true));
    // Measured on this model: greedy decoding repeats 4-grams more than pure sampling does (Welleck et al.'s ordering).
    const seqRep4 = Object.fromEntries(labels.map((l, i) => [l, values[i]]));
    expect(seqRep4.greedy).toBeGreaterThan(seqRep4['pure sampling']);
    // The table beside the chart shows the same measured numbers.
    const tableRows = await page.$$eval('[data-testid=sweep-table] tbody tr', (rows) =>
      rows.map((r) => Array.from(r.querySelectorAll('td'), (td) => td.textContent ?? '')));
    for (const [label, value] of tableRows.map((c) => [c[0], Number(c[1])] as const)) expect(value).toBeCloseTo(seqRep4[label], 3);
    // Beside ours, the published figures for the same decoding: Welleck et al.'s greedy seq-rep-4 and
    // Holtzman et al.'s greedy Repetition % (as a share), each ticked on its chart; none for contrastive search.
    const published = await page.$$eval('[data-testid=sweep-table] tbody tr[data-label=greedy] td.published', (tds) => tds.map((td) => Number(td.getAttribute('data-published'))));
    expect(published).toHaveLength(2);
    expect(published[0]).toBeCloseTo(0.442, 6);
    expect(published[1]).toBeCloseTo(0.7366, 6);
    const ticked = (chart: string) =>
      page.$$eval(`[data-testid=${chart}] g.bar`, (bars) => bars.filter((b) => b.querySelector('line.reference')?.getAttribute('display') !== 'none').map((b) => b.getAttribute('data-label')));
    expect(await ticked('sweep-bars')).toEqual(['greedy', 'top-p 0.9']);
    expect(await ticked('sweep-loops')).toEqual(['greedy', 'top-k 40', 'pure sampling']);
    const loops = await page.$$eval('[data-testid=sweep-loops] g.bar', (b) => b.map((x) => Number(x.getAttribute('data-value'))));
    expect(loops).toHaveLength(labels.length);
    loops.forEach((v) => expect(v >= 0 && v <= 1).toBe(true));
    await page.waitForSelector('[data-testid=sweep-temperature] path[data-series=seq-rep-4]');
    // The beam-width sweep: num_beams 1, 2, 4, 8, 16 with seq-rep-4 and the mean log-probability per token.
    const widths = await page.$$eval('[data-testid=sweep-widths-table] tbody tr', (rows) => rows.map((r) => Number(r.getAttribute('data-beams'))));
    expect(widths).toEqual([1, 2, 4, 8, 16]);
    await shot('sampling-sweep.png');
    expect(errors).toEqual([]);
  }, 600_000);
});
