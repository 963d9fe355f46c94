// The LoRA panel in Chinese: the explanation makes the English one's claims with
// the same numbers, paragraph for paragraph (the panel puts its pictures after
// the same paragraphs in both), the "lora" messages have the same keys in both
// locales, and the panel's numbers and sentences built in code follow the locale.

import { afterEach, describe, expect, it } from 'vitest';
import { LORA } from '../../src/lessons/explanations.ts';
import { explanationFor } from '../../src/lessons/explanationsByLocale.ts';
import { LORA_ZH } from '../../src/lessons/zh/lora.ts';
import { i18n } from '../../src/i18n/index.ts';
import en from '../../src/i18n/locales/en/lora.ts';
import zh from '../../src/i18n/locales/zh/lora.ts';
import { paceNote } from '../../src/panels/lora/pace.ts';
import { formatGB, memoryAssumptions, memoryRows } from '../../src/panels/lora/memory.ts';
import { missingModuleText, originalText, statusText, stoppedText, worsenedText } from '../../src/panels/lora/workerText.ts';

/** Every key path of a nested message object. */
function keys(o: object, prefix = ''): string[] {
  return Object.entries(o).flatMap(([k, v]) => (typeof v === 'string' ? [prefix + k] : keys(v as object, `${prefix}${k}.`)));
}

/** The figures a text quotes: gigabytes, percentages, years, model sizes, sequence lengths. */
function figures(text: string): string[] {
  return [...text.matchAll(/\d[\d,]*(?:\.\d+)?(?: GB|%)?/g)].map((m) => m[0]).sort();
}

afterEach(() => i18n.changeLanguage('en'));

describe('the Chinese LoRA explanation', () => {
  it('has a title and as many paragraphs as the English, and is the one explanationFor gives Chinese readers', () => {
    expect(LORA_ZH.title).toMatch(/LoRA/);
    expect(LORA_ZH.paragraphs).toHaveLength(LORA.paragraphs.length);
    expect(explanationFor('lora', 'zh')).toBe(LORA_ZH);
    expect(explanationFor('lora', 'en')).toBe(LORA);
    for (const p of LORA_ZH.paragraphs) expect(p).not.toMatch(/undefined|NaN|\$\{|^\s*$/);
  });

  it('talks about the same thing in the same paragraph, so the pictures follow the right ones', () => {
    const at = (re: RegExp) => LORA.paragraphs.findIndex((p) => re.test(p));
    expect(LORA_ZH.paragraphs[at(/^LoRA, low-rank adaptation/)]).toMatch(/^LoRA（低秩适配/);
    expect(LORA_ZH.paragraphs[at(/^QLoRA/)]).toMatch(/^QLoRA/);
    expect(LORA_ZH.paragraphs[at(/^AdaLoRA/)]).toMatch(/^AdaLoRA/);
  });

  it('quotes the memory calculator’s and the papers’ figures exactly as the English does', () => {
    const english = LORA.paragraphs.map(figures);
    const chinese = LORA_ZH.paragraphs.map(figures);
    // 4.2 million is written the Chinese way, 420 万; every other figure is the same string.
    const en2 = english.map((f) => f.filter((x) => x !== '4.2'));
    const zh2 = chinese.map((f) => f.filter((x) => x !== '420'));
    for (const [i, f] of en2.entries()) for (const x of f) expect(zh2[i], `paragraph ${i + 1}: ${x}`).toContain(x);
    expect(LORA.paragraphs[1]).toContain('4.2 million');
    expect(LORA_ZH.paragraphs[1]).toContain('约 420 万');
    const all = LORA_ZH.paragraphs.join('\n');
    for (const figure of ['108 GB', '30.6 GB', '9.1 GB', '0.5 GB', '44.1 GB', '0.06%', '25%', '2,048']) expect(all).toContain(figure);
  });

  it('makes the claims a learner is asked about, in the field’s Chinese terms', () => {
    const t = LORA_ZH.paragraphs.join('\n');
    expect(t).toMatch(/显存/);
    expect(t).toMatch(/A 随机初始化，B 初始化为全零/);
    expect(t).toMatch(/最多只有 r 个，这是结构决定的/); // rank ≤ r is no evidence of a low intrinsic rank
    expect(t).toMatch(/要看模型大小/); // not "LoRA trains faster"
    expect(t).toMatch(/alpha \/ r/);
    expect(t).toMatch(/rsLoRA/);
    expect(t).toMatch(/合并权重/);
    expect(t).toMatch(/NF4/);
    expect(t).toMatch(/双重量化/);
    expect(t).toMatch(/AdaLoRA/);
    expect(t).toMatch(/灾难性遗忘/);
  });
});

describe('the "lora" messages', () => {
  it('have the same keys in English and Chinese, none empty', () => {
    expect(keys(zh).sort()).toEqual(keys(en).sort());
    for (const k of keys(zh)) expect(i18n.t(`lora:${k}` as never, { lng: 'zh' }) as string).not.toBe('');
  });
});

describe('numbers and sentences the LoRA panel builds in code', () => {
  it('say the pace of a slow run in Chinese, with the same figures', () => {
    i18n.changeLanguage('zh');
    expect(paceNote([40_000, 8_000, 8_200], 1_260, 'webgl')).toBe(
      '用这个模型（在 webgl 上）每步大约需要 8 秒，剩下的 1,257 步还要约 2.9 小时，太慢了，不适合边看边等：可以停止后少训练几步、换一个计算后端，或换一个更小的模型。',
    );
  });

  it('write gigabytes through Intl and name the methods and parts in the locale', () => {
    expect(formatGB(1_120e9)).toBe('1,120 GB');
    i18n.changeLanguage('zh');
    expect(formatGB(22.62e9)).toBe('22.6 GB');
    const rows = memoryRows(memoryAssumptions(16, 'bf16'));
    expect(rows.map((r) => r.label).slice(0, 3)).toEqual(['全参数微调', 'LoRA', 'QLoRA']);
    expect(rows[1].note).toMatch(/^（可训练 \d+万）$/);
    expect(rows[0].id).toBe('LLaMA-2 7B/full fine-tuning'); // ids stay as they were: tests and links use them
  });
});

describe('the worker’s English sentences in the LoRA panel', () => {
  const worse = { message: 'This run made the model worse: …', start: 5.2, end: 6.1, base: 5.2, bestStep: 0, bestLoss: 5.2 };
  const data = { newTextCharacters: 1, trainTokens: 1, newValTokens: 1, original: 'original-sample.txt from the model…', originalSource: 'generated' as const, originalValTokens: 1024, batchSize: 8, blockSize: 64 };

  it('are shown as they come in English', () => {
    expect(statusText('Rounding the base weights to 4-bit NF4…')).toBe('Rounding the base weights to 4-bit NF4…');
    expect(worsenedText(worse)).toBe(worse.message);
    expect(originalText(data)).toBe(data.original);
  });

  it('are said in Chinese from their fields or fixed wording, and left as they are when unknown', () => {
    i18n.changeLanguage('zh');
    expect(statusText('Training with full fine-tuning…')).toBe('正在用全参数微调训练…');
    expect(statusText('Something new')).toBe('Something new');
    expect(originalText(data)).toBe('模型目录中没有 original-sample.txt，因此用模型自己生成的 1,024 个词元（温度 1、固定种子采样）代替原始语料');
    expect(stoppedText('Training exploded at step 12 (loss 1234.5); the last good weights were restored. Try a lower learning rate.')).toMatch(/^训练在第 12 步发散（损失 1234.5）/);
    expect(worsenedText(worse)).toBe(
      '这一轮训练让模型变差了：新文本的损失最终为 6.100，高于不加适配器的基座模型（5.200）。对这个模型而言，学习率或缩放系数很可能设得太大了。可以把适配器恢复到本轮开始时，或关闭它，再用更小的学习率重试。',
    );
    expect(missingModuleText('#2 r=4 α=8 does not adapt mlp.c_fc; it adapts attn.c_attn, attn.c_proj.')).toBe('#2 r=4 α=8 没有适配 mlp.c_fc，它适配的是 attn.c_attn, attn.c_proj。');
  });
});
