// The Attention panel in Chinese: the explanation beside it makes the English
// one's claims paragraph by paragraph, and the sentences the panel builds from
// numbers (the step label, the stepping line, notices from the engine) come
// out in Chinese with the numbers in place, and unchanged in English.

import { afterEach, describe, expect, it } from 'vitest';
import { ATTENTION } from '../../src/lessons/explanations.ts';
import { explanationFor } from '../../src/lessons/explanationsByLocale.ts';
import { i18n } from '../../src/i18n/index.ts';
import { stepLabel } from '../../src/panels/attention/stepLabel.ts';
import { describeStepping, steppingSettings } from '../../src/panels/attention/settings.ts';
import { noticeText } from '../../src/panels/noticeText.ts';
import { costSeries, shapeOf } from '../../src/panels/attention/longInputCosts.ts';
import { describeHabit } from '../../src/panels/attention/frames.ts';
import { beamsIgnoreSampling, promptCut, windowSlid } from '../../src/sampling/notices.ts';
import { decodeHash } from '../../src/state/schema.ts';
import { makeConfig } from '../../src/model/config.ts';

afterEach(async () => {
  await i18n.changeLanguage('en');
});

describe('the Chinese attention explanation', () => {
  const zh = explanationFor('attention', 'zh');
  const text = zh.paragraphs.join('\n');

  it('has a title and as many paragraphs as the English, none empty', () => {
    expect(zh.title).toMatch(/注意力/);
    expect(zh.paragraphs).toHaveLength(ATTENTION.paragraphs.length);
    for (const p of zh.paragraphs) expect(p.length).toBeGreaterThan(40);
    expect(explanationFor('attention', 'en')).toBe(ATTENTION);
  });

  it('makes the same claims, in the terms a reader meets in interviews', () => {
    // Q, K, V, scaling and the causal mask; multi-head; FFN, residuals, LayerNorm; the logit lens.
    for (const term of ['查询', '键', '值', '√d', 'softmax', '因果掩码', 'KV 缓存', '多头注意力', '前馈网络', 'GELU', '残差连接', '层归一化', 'logit 透镜']) {
      expect(text).toContain(term);
    }
    // Causal vs bidirectional vs prefix LM, with their objectives; ChatGLM and ChatGLM2; LLaMA's other differences.
    for (const term of ['双向', '掩码语言模型', '前缀语言模型', '空白填充', '第一代 ChatGLM-6B 沿用了 GLM 的前缀掩码', 'ChatGLM2-6B 的维护者', '对话模型是按因果方式训练的', 'RoPE', 'RMSNorm', 'SwiGLU']) {
      expect(text).toContain(term);
    }
    // Why decoders: teacher forcing is shared with encoder–decoders; exposure bias.
    for (const term of ['仅解码器', '教师强制', 'T5', '编码器–解码器', '曝光偏差']) expect(text).toContain(term);
    // Input length: learned positions, RoPE's trained length (the same figures), FlashAttention, chunking.
    for (const term of ['位置嵌入', '2,048', '4,096', '位置插值', 'FlashAttention', '线性增长', '重叠']) expect(text).toContain(term);
    expect(text).not.toMatch(/只在于掩码/); // the kinds differ in objective as well as mask
  });
});

describe('the panel’s sentences', () => {
  const state = (hash: string) => decodeHash(hash).state;

  it('keep their English wording in English', () => {
    expect(stepLabel({ step: 1000, generated: 240, shown: null })).toBe('Step 1,000: generating — 240 of 1,000 tokens so far…');
    expect(noticeText(promptCut(300, 128))).toBe(promptCut(300, 128).message);
    expect(describeStepping(state('#strategy=greedy'))).toBe('greedy (always the most likely token)');
  });

  it('are written in Chinese, numbers in place, when the locale is zh', async () => {
    await i18n.changeLanguage('zh');
    expect(stepLabel({ step: 1000, generated: 240, shown: null })).toBe('第 1,000 步：生成中——已生成 240 / 1,000 个词元…');
    expect(stepLabel({ step: 1, generated: 1, shown: 1 })).toBe('第 1 步：已生成 1 个词元');
    expect(stepLabel({ step: 0, generated: 0, shown: 0 })).toBe('第 0 步：只有提示词');
    expect(describeStepping(state('#strategy=sample&temperature=0.7&top_k=40&seed=3'))).toBe('采样，温度 · temperature 0.7，top-k 40，随机种子 3');
    expect(steppingSettings(state('#strategy=beam')).notes[0]).toMatch(/束搜索/);
    expect(noticeText(promptCut(300, 128))).toBe('提示词有 300 个词元，上下文窗口只装得下最后 128 个，开头部分被截掉了。');
    expect(noticeText(windowSlid(128))).toContain('（128 个词元）');
    expect(noticeText(beamsIgnoreSampling())).toBe('束搜索不做随机采样：各条束按对数概率排序。');
    expect(describeHabit({ kind: 'previous', weight: 0.8123 } as Parameters<typeof describeHabit>[0])).toBe('前一个词元 0.81');
    const cost = costSeries(shapeOf(makeConfig('playground'), 1e6), 128, 20);
    expect(cost.series[0].label).toBe('当前模型：KV 缓存，全部层（fp32）');
    expect(cost.markers.map((m) => m.label)).toEqual(['当前：20', '当前模型窗口：128', '7B 窗口：4096']);
  });
});
