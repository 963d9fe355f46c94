// Accessibility of the built app, as a screen-reader or keyboard user meets it:
// axe-core (Deque's rules for WCAG 2.x and best practice) finds no violation on
// any tab once its content has rendered, every chart says in words what it
// shows, and the main controls are reached and worked from the keyboard alone.
// A screenshot of each tab goes to tmp/a11y-*.png.

import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { MODEL, ROOT, serveAppForFile, syntheticText } from './harness.ts';

const AXE = createRequire(import.meta.url).resolve('axe-core/axe.min.js');
const SHOTS = path.join(ROOT, 'tmp');

/** A selector that appears once each tab has drawn what a learner first sees on it. */
const RENDERED: Record<string, string> = {
  sampling: '[data-testid=distribution] svg[aria-label]',
  attention: '[data-testid=attention-heatmap] svg[aria-label]',
  lora: '[data-testid=lora-parameter-bar] svg[aria-label]',
  'own-text': '[data-testid=train]',
  lessons: '[data-testid=lesson-list]',
};

interface Violation {
  id: string;
  impact: string | null;
  help: string;
  targets: string[];
}

const app = serveAppForFile();

async function open(hash = ''): Promise<Page> {
  const context = await app.browser.newContext({ viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  await page.goto(`${app.served.url}#model=${MODEL}&backend=wasm${hash}`, { waitUntil: 'commit' });
  await page.waitForSelector('[data-testid=load-status][data-state=ready]', { timeout: 120_000 });
  // Evaluated, not added as a <script>: the page's Content-Security-Policy refuses inline scripts.
  await page.evaluate(fs.readFileSync(AXE, 'utf8'));
  return page;
}

/** axe-core over the whole page (hidden tab panels are skipped by axe itself). */
async function violations(page: Page): Promise<Violation[]> {
  return page.evaluate(async () => {
    type Result = { violations: { id: string; impact: string | null; help: string; nodes: { target: unknown[]; failureSummary?: string }[] }[] };
    const axe = (window as unknown as { axe: { run(context: Document): Promise<Result> } }).axe;
    const result = await axe.run(document);
    // Each node with axe's reason ("…has insufficient color contrast of 4.05 (foreground…)").
    const why = (summary = '') => summary.split('\n').slice(1).join(' ').trim();
    return result.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, targets: v.nodes.map((n) => `${n.target.join(' ')} — ${why(n.failureSummary)}`) }));
  });
}

/**
 * Drawings (svg, canvas) under `scope` that a screen reader would skip or read as
 * nothing: neither labelled (role img + aria-label) nor marked decorative, nor
 * inside something that is.
 */
function unlabelledDrawings(page: Page, scope: string): Promise<string[]> {
  return page.$$eval(`${scope} svg, ${scope} canvas`, (drawings) =>
    drawings
      .filter((d) => !d.parentElement?.closest('svg'))
      .filter((d) => !d.closest('[aria-hidden=true], [role=img][aria-label]:not([aria-label=""])'))
      .map((d) => `${d.tagName.toLowerCase()}${d.getAttribute('class') ? `.${d.getAttribute('class')}` : ''}`),
  );
}

function report(where: string, found: Violation[]): string {
  return `${where}: ${found.length} axe violation(s)\n` + found.map((v) => `  ${v.id} (${v.impact}): ${v.help}\n    ${v.targets.slice(0, 5).join('\n    ')}`).join('\n');
}

/** Ids of the tabs, in order. */
const tabIds = (page: Page) => page.$$eval('[role=tab]', (tabs) => tabs.map((t) => t.id.replace(/^tab-/, '')));

describe('accessibility (axe-core)', () => {
  it('finds no violation on any tab, nor in any view of the attention panel', async () => {
    const page = await open();
    const failures: string[] = [];
    for (const id of await tabIds(page)) {
      await page.click(`#tab-${id}`);
      await page.waitForSelector(`#tabpanel-${id}:not([hidden])`);
      if (RENDERED[id]) await page.waitForSelector(RENDERED[id], { timeout: 120_000 });
      const found = await violations(page);
      if (found.length) failures.push(report(`tab "${id}"`, found));
      const silent = await unlabelledDrawings(page, `#tabpanel-${id}`);
      if (silent.length) failures.push(`tab "${id}": drawings with no text alternative: ${silent.join(', ')}`);
      await page.screenshot({ path: path.join(SHOTS, `a11y-${id}.png`), fullPage: true });
    }
    // The attention panel's other views draw other charts.
    await page.click('#tab-attention');
    for (const [view, drawn] of [['lines', '[data-testid=attention-lines] svg'], ['grid', '[data-testid=attention-grid] button'], ['masks', '[data-testid=attention-masks][data-state=done] svg']]) {
      await page.click(`[data-testid=attention-view-${view}]`);
      await page.waitForSelector(drawn, { timeout: 60_000 });
      const found = await violations(page);
      if (found.length) failures.push(report(`attention view "${view}"`, found));
    }
    expect(failures, failures.join('\n')).toEqual([]);
    await page.context().close();
  });

  it('finds none after generating: streamed text, sampled outcomes, the beam tree, a stepped attention view and its long-input charts', async () => {
    const page = await open('&panel=sampling&strategy=beam&max_new_tokens=60');
    await page.click('[data-testid=generate]');
    await page.waitForSelector('[data-testid=generation][data-state=done]', { timeout: 120_000 });
    await page.waitForSelector(RENDERED.sampling, { timeout: 120_000 });
    await page.click('[data-testid=sampling-generate]');
    await page.waitForSelector('[data-testid=beam-tree] svg[aria-label]', { timeout: 120_000 });
    await page.waitForSelector('[data-testid=outcome-compare][data-status=done]', { timeout: 120_000 });
    const failures: string[] = [];
    let found = await violations(page);
    if (found.length) failures.push(report('after Generate and beam search', found));
    await page.screenshot({ path: path.join(SHOTS, 'a11y-after-generate.png'), fullPage: true });

    await page.click('#tab-attention');
    await page.waitForSelector(RENDERED.attention, { timeout: 120_000 });
    await page.click('[data-testid=attention-step]');
    await page.waitForSelector('[data-testid=attention-state][data-status=ready][data-step="1"]', { timeout: 60_000 });
    await page.click('[data-testid=attention-long-details] summary');
    await page.waitForSelector('[data-testid=attention-cost-chart] svg[aria-label]');
    found = await violations(page);
    if (found.length) failures.push(report('attention after a step, long inputs open', found));
    const silent = await unlabelledDrawings(page, '#tabpanel-attention');
    if (silent.length) failures.push(`attention: drawings with no text alternative: ${silent.join(', ')}`);
    expect(failures, failures.join('\n')).toEqual([]);
    await page.context().close();
  });

  it('finds none after training: an adapter, the comparison, and a model on pasted text', async () => {
    const page = await open('&panel=lora&lora_steps=4&train_steps=4&train_size=tiny');
    await page.waitForSelector('[data-testid=lora-ready]', { timeout: 120_000 });
    await page.click('.lora-default-text summary'); // the default text, in a box that scrolls
    await page.click('[data-testid=lora-train]');
    await page.waitForSelector('[data-testid=lora-training][data-state=done]', { timeout: 240_000 });
    await page.waitForSelector('[data-testid=lora-loss-chart] svg[aria-label]');
    await page.click('[data-testid=lora-compare]');
    await page.waitForSelector('[data-testid=lora-comparison][data-state=done]', { timeout: 240_000 });
    const failures: string[] = [];
    let found = await violations(page);
    if (found.length) failures.push(report('LoRA after training and comparing', found));
    const silent = await unlabelledDrawings(page, '#tabpanel-lora');
    if (silent.length) failures.push(`LoRA: drawings with no text alternative: ${silent.join(', ')}`);

    await page.click('#tab-own-text');
    await page.fill('[data-testid=train-text]', syntheticText(4000));
    await page.click('[data-testid=train]');
    await page.waitForSelector('[data-testid=training][data-state=done]', { timeout: 240_000 });
    await page.waitForSelector('[data-testid=loss-chart] svg[aria-label]');
    found = await violations(page);
    if (found.length) failures.push(report('own text after training', found));
    await page.screenshot({ path: path.join(SHOTS, 'a11y-after-training.png'), fullPage: true });
    expect(failures, failures.join('\n')).toEqual([]);
    await page.context().close();
  });

  it('gives every chart on a tab a text alternative that says what it shows', async () => {
    const page = await open('&panel=sampling');
    await page.waitForSelector(RENDERED.sampling, { timeout: 120_000 });
    const labels = await page.$$eval('#tabpanel-sampling svg', (svgs) => svgs.map((s) => ({ role: s.getAttribute('role'), label: s.getAttribute('aria-label') ?? '' })));
    expect(labels.length).toBeGreaterThan(0);
    for (const l of labels) expect(l.role).toBe('img');
    // More than a title: the likeliest tokens and the one the draw picks.
    expect(labels[0].label).toMatch(/^Next-token distribution\. Likeliest next tokens after the processors: ".+" \d+\.\d%/);
    expect(labels[0].label).toMatch(/picks ".+"\./);
    await page.context().close();
  });
});

describe('keyboard', () => {
  /** Presses Tab until `done` holds for the focused element; returns the data-testid of everything focused on the way. */
  async function tabUntil(page: Page, done: (el: { role: string | null; id: string; testId: string | null }) => boolean, max = 150): Promise<string[]> {
    const seen: string[] = [];
    for (let i = 0; i < max; i++) {
      await page.keyboard.press('Tab');
      const el = await page.evaluate(() => {
        const a = document.activeElement as HTMLElement | null;
        return { role: a?.getAttribute('role') ?? null, id: a?.id ?? '', testId: a?.getAttribute('data-testid') ?? null };
      });
      if (el.testId) seen.push(el.testId);
      if (done(el)) return seen;
    }
    throw new Error(`Tab never reached the element; focused on the way: ${seen.join(', ')}`);
  }

  const selectedTab = (page: Page) => page.$eval('[role=tab][aria-selected=true]', (t) => t.id);
  const focused = (page: Page) => page.evaluate(() => document.activeElement?.id ?? '');

  it('reaches the prompt, Generate and the tab list with Tab; arrows, Home and End switch tabs', async () => {
    const page = await open('&panel=sampling&max_new_tokens=12');
    const onTheWay = await tabUntil(page, (el) => el.role === 'tab');
    expect(onTheWay).toEqual(expect.arrayContaining(['prompt', 'max-new-tokens', 'generate']));
    // Only the chosen tab is in the Tab order (WAI-ARIA tabs pattern: roving tabindex).
    expect(await focused(page)).toBe('tab-sampling');
    const ids = await tabIds(page);

    await page.keyboard.press('ArrowRight');
    expect(await selectedTab(page)).toBe(`tab-${ids[1]}`);
    expect(await focused(page)).toBe(`tab-${ids[1]}`);
    expect(await page.isVisible(`#tabpanel-${ids[1]}`)).toBe(true);
    expect(await page.isVisible('#tabpanel-sampling')).toBe(false);
    expect(await page.evaluate(() => location.hash)).toContain(`panel=${ids[1]}`);

    await page.keyboard.press('End');
    expect(await selectedTab(page)).toBe(`tab-${ids[ids.length - 1]}`);
    await page.keyboard.press('ArrowRight'); // wraps round
    expect(await selectedTab(page)).toBe(`tab-${ids[0]}`);
    await page.keyboard.press('ArrowLeft');
    expect(await selectedTab(page)).toBe(`tab-${ids[ids.length - 1]}`);
    await page.keyboard.press('Home');
    expect(await selectedTab(page)).toBe('tab-sampling');

    // Out of the tab list, Tab goes on into the open panel's controls.
    const inPanel = await tabUntil(page, (el) => el.testId === 'sampling-generate');
    expect(inPanel.length).toBeGreaterThan(0);
    await page.keyboard.press('Enter');
    await page.waitForSelector('[data-testid=outcome-main][data-status=done], [data-testid=outcome-main][data-status=stopped]', { timeout: 120_000 });
    await page.context().close();
  });

  it('selects a query row of the attention heatmap from the keyboard, through the tokens of the text', async () => {
    const page = await open('&panel=attention');
    await page.waitForSelector('[data-testid=attention-heatmap] svg[aria-label]', { timeout: 120_000 });
    const before = await page.$eval('[data-testid=attention-row]', (el) => Number((el as HTMLElement).dataset.query));
    expect(before).toBeGreaterThan(0);
    await page.focus('[data-testid=attention-text] button[data-position="0"]');
    await page.keyboard.press('Enter');
    await page.waitForSelector('[data-testid=attention-row][data-query="0"]', { timeout: 10_000 });
    const label = await page.$eval('[data-testid=attention-heatmap] svg', (s) => s.getAttribute('aria-label') ?? '');
    expect(label).toMatch(/query tokens by \d+ key tokens/);
    await page.context().close();
  });
});
