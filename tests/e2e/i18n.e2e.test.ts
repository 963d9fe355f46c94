// The playground in Simplified Chinese as a reader meets it: the link's lang=zh
// (or a browser set to Chinese) gives a Chinese page — <html lang>, header,
// tabs, every panel — with numbers written as Chinese readers write them; the
// switch in the header goes to English and puts lang=en in the link.

import path from 'node:path';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { MODEL, SCREENSHOTS, serveAppForFile } from './harness.ts';

const app = serveAppForFile();

/** Chinese characters (Han script): what a translated message has and an English one does not. */
const HAN = /\p{Script=Han}/u;

const PANELS = [
  { id: 'sampling', tab: '采样与复读' },
  { id: 'attention', tab: '注意力' },
  { id: 'lora', tab: 'LoRA 低秩适配' },
  { id: 'own-text', tab: '用你自己的文本训练' },
  { id: 'lessons', tab: '面试题课程' },
] as const;

async function open(hash: string, locale?: string): Promise<{ page: Page; errors: string[]; close: () => Promise<void> }> {
  const context = await app.browser.newContext({ viewport: { width: 1280, height: 900 }, ...(locale ? { locale } : {}) });
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(`${app.served.url}#${hash}`, { waitUntil: 'commit' });
  return { page, errors, close: () => context.close() };
}

const ready = (page: Page) => page.waitForSelector('[data-testid=load-status][data-state=ready]', { timeout: 120_000 });
const htmlLang = (page: Page) => page.getAttribute('html', 'lang');
const text = async (page: Page, selector: string) => (await page.textContent(selector)) ?? '';

describe('the playground in Chinese', () => {
  it('shows the header, the tabs and every panel in Chinese, with numbers for the locale, and switches to English', async () => {
    const { page, errors, close } = await open(`model=${MODEL}&lang=zh`);
    await ready(page);
    expect(await htmlLang(page)).toBe('zh-CN');
    expect(await text(page, 'h1')).toBe('Transformer 演练场');
    expect(await page.title()).toBe('Transformer 演练场');
    expect(await text(page, '.tagline')).toMatch(HAN);
    for (const p of PANELS) expect(await text(page, `[data-testid=tab-${p.id}]`)).toBe(p.tab);
    expect(await page.getAttribute('[role=tablist]', 'aria-label')).toBe('面板');

    // The frame: the load line, the prompt box, the model picker.
    const readyLine = await text(page, '[data-testid=model-ready]');
    expect(readyLine).toContain(`${MODEL} 已就绪`);
    expect(readyLine).toMatch(/参数量 [\d.]+万/); // 0.94M parameters, as Chinese counts them: in 万 (10⁴)
    expect(await text(page, '#prompt-title')).toBe('提示词');
    expect(await text(page, '[data-testid=generate]')).toBe('生成');
    expect(await text(page, '[data-testid=open-models]')).toMatch(HAN);

    for (const p of PANELS) {
      await page.click(`[data-testid=tab-${p.id}]`);
      const panel = `[data-testid=panel-${p.id}]`;
      await page.waitForSelector(panel, { state: 'visible' });
      // Soft: every panel is looked at (and photographed) even when an earlier one is not yet in Chinese.
      expect.soft(await text(page, `#${p.id}-title`), `${p.id}: the title`).toMatch(HAN);
      expect.soft(await text(page, `${panel} .explanation`), `${p.id}: the explanation`).toMatch(HAN);
      expect.soft(await page.getAttribute(`${panel} .explanation`, 'aria-label'), `${p.id}: the explanation's name`).toMatch(/^关于「/);
      await page.waitForTimeout(500); // charts draw after the panel shows
      await page.screenshot({ path: path.join(SCREENSHOTS, `i18n-zh-${p.id}.png`), fullPage: true });
    }

    // The models dialog, in Chinese too.
    await page.click('[data-testid=open-models]');
    await page.waitForSelector('[data-testid=models-dialog]');
    expect(await text(page, '#models-dialog-title')).toBe('模型管理');
    await page.screenshot({ path: path.join(SCREENSHOTS, 'i18n-zh-models-dialog.png') });
    await page.click('[data-testid=models-dialog-close]');

    // The switch: English, and the link says so.
    await page.click('[data-testid=lang-en]');
    await page.waitForFunction(() => document.documentElement.lang === 'en');
    expect(page.url()).toMatch(/[#&]lang=en(&|$)/);
    expect(await text(page, 'h1')).toBe('Transformer Playground');
    expect(await text(page, '[data-testid=tab-own-text]')).toBe('Your own text');
    const englishLine = await text(page, '[data-testid=model-ready]');
    expect(englishLine).toContain(`${MODEL} is ready`);
    expect(englishLine).toMatch(/[\d.]+K parameters/);
    expect(englishLine).not.toMatch(HAN);
    expect(errors).toEqual([]);
    await close();
  });

  it('counts a Chinese prompt’s tokens under the prompt: 3 per 汉字 for a byte-level tokenizer that learned only English', async () => {
    const { page, errors, close } = await open(`model=${MODEL}&lang=zh`);
    await ready(page);
    // 5 汉字: three UTF-8 bytes each, and the model's 1,024 tokens are all ASCII.
    await page.fill('[data-testid=prompt]', '床前明月光');
    const perHan = '[data-testid=tokens-per-han][data-han="5"]';
    await page.waitForSelector(perHan, { timeout: 30_000 });
    expect(await page.getAttribute(perHan, 'data-per-han')).toBe('3.00');
    const count = '[data-testid=prompt-token-count][data-state=done]';
    expect(await text(page, count)).toBe('共 15 个词元，上下文窗口可容纳 128 个。平均每个汉字 3.0 个词元（5 个汉字用了 15 个词元）。');
    await page.screenshot({ path: path.join(SCREENSHOTS, 'i18n-zh-prompt-token-count.png') });

    await page.click('[data-testid=lang-en]');
    await page.waitForFunction(() => document.documentElement.lang === 'en');
    expect(await text(page, count)).toBe('15 tokens of 128 in the window. 3.0 tokens per 汉字 (15 tokens for 5 汉字).');
    // English text has no 汉字, so no per-汉字 figure.
    await page.fill('[data-testid=prompt]', 'To be');
    await page.waitForSelector(`${count} [data-tokens]:not([data-tokens="15"])`, { timeout: 30_000 });
    expect(await page.$('[data-testid=tokens-per-han]')).toBeNull();
    expect(errors).toEqual([]);
    await close();
  });

  it('follows the browser when the link names no language', async () => {
    for (const [locale, lang, title] of [
      ['zh-CN', 'zh-CN', 'Transformer 演练场'],
      ['en-US', 'en', 'Transformer Playground'],
    ] as const) {
      const { page, errors, close } = await open(`model=${MODEL}`, locale);
      await page.waitForSelector('h1');
      await page.waitForFunction((l) => document.documentElement.lang === l, lang);
      expect(await text(page, 'h1'), locale).toBe(title);
      expect(await text(page, '[data-testid=tab-sampling]'), locale).toBe(locale === 'zh-CN' ? '采样与复读' : 'Sampling & repetition');
      expect(page.url(), 'the link keeps "auto": the browser chose').toMatch(/[#&]lang=auto(&|$)/);
      expect(errors).toEqual([]);
      await close();
    }
  });
});
