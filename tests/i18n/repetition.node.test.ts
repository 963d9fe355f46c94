// The Chinese repetition explanation makes the same claims as the English one:
// the same paragraphs in the same order, the same measured and published numbers,
// the same Hugging Face parameter names where each control is explained.
import { describe, expect, it } from 'vitest';
import { REPETITION } from '../../src/lessons/explanations.ts';
import { explanationFor } from '../../src/lessons/explanationsByLocale.ts';
import { MEASURED_SWEEP, WELLECK_2019_SEQ_REP_4 } from '../../src/lessons/measured.ts';
import { REPETITION_ZH } from '../../src/lessons/zh/repetition.ts';

/** The numbers a paragraph quotes, as written ("0.43", "48", "2019"). */
const numbers = (p: string) => (p.match(/\d+(?:\.\d+)?/g) ?? []).sort();

describe('the repetition explanation in Chinese', () => {
  it('is the one the sampling panel shows for zh, with a title and as many paragraphs as the English', () => {
    expect(explanationFor('repetition', 'zh')).toBe(REPETITION_ZH);
    expect(explanationFor('repetition', 'en')).toBe(REPETITION);
    expect(REPETITION_ZH.id).toBe(REPETITION.id);
    expect(REPETITION_ZH.title).toMatch(/复读/);
    expect(REPETITION_ZH.paragraphs).toHaveLength(REPETITION.paragraphs.length);
    for (const p of REPETITION_ZH.paragraphs) expect(p).toMatch(/[\u4e00-\u9fff]/);
  });

  it('quotes the same numbers, paragraph by paragraph: the published seq-rep-4 and what this model measured', () => {
    // Every number the English writes in digits (years, the seq-rep-4 figures, counts) is in the same Chinese
    // paragraph; the Chinese may write more in digits ("ten beams" is 束宽为 10).
    REPETITION.paragraphs.forEach((en, i) => {
      const zh = numbers(REPETITION_ZH.paragraphs[i]);
      for (const n of numbers(en)) expect(zh, `paragraph ${i + 1}`).toContain(n);
    });
    const beam = REPETITION_ZH.paragraphs.find((p) => p.includes('seq-rep-4'))!;
    for (const x of [WELLECK_2019_SEQ_REP_4.greedy, WELLECK_2019_SEQ_REP_4.beam10, MEASURED_SWEEP.seqRep4.greedy, MEASURED_SWEEP.seqRep4.beam4])
      expect(beam).toContain(x.toFixed(2));
    expect(beam).toContain(`${MEASURED_SWEEP.prompts} 个提示词`);
    expect(beam).toContain(`${MEASURED_SWEEP.maxNewTokens} 个词元`);
  });

  it('uses the terms learners meet, with the Hugging Face names beside them, and makes the claims the English is tested for', () => {
    const text = REPETITION_ZH.paragraphs.join('\n');
    for (const term of ['解码策略', '贪心解码', '复读机', '温度', '核采样', '束搜索', '重复惩罚', '频率惩罚', '存在惩罚', '交叉熵', '自回归生成'])
      expect(text).toContain(term);
    // The Hugging Face names beside the Chinese terms, as the controls show them.
    for (const name of ['temperature', 'top-k', 'top-p', 'min-p', 'repetition_penalty', 'no_repeat_ngram_size', 'frequency_penalty', 'presence_penalty']) expect(text).toContain(name);
    // The claims the English is tested for (tests/lessons/explanations.node.test.ts), in Chinese words.
    expect(text).toMatch(/提示词也算在内.*只作用一次.*正分数除以惩罚系数，负分数乘以惩罚系数/);
    expect(text).toMatch(/只统计生成出来的词元，不计提示词/);
    expect(text).toMatch(/束越多，找到的重复就越多/);
    expect(text).toMatch(/编码器–解码器结构中的解码器/);
  });
});
