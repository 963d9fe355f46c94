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

  it('names the newer cures and causes in learners\' words beside their Hugging Face names, with the English claims', () => {
    const text = REPETITION_ZH.paragraphs.join('\n');
    for (const term of ['对比搜索', '典型采样', 'ε 采样', 'η 采样', '多样化束搜索', '后处理过滤', '归纳头', '消融', '照抄输入', '照抄自己'])
      expect(text).toContain(term);
    for (const name of ['typical_p', 'epsilon_cutoff', 'eta_cutoff', 'penalty_alpha', 'top_k', 'num_beam_groups', 'diversity_penalty']) expect(text).toContain(name);
    for (const paper of ['Su 等人，2022', 'Meister 等人，2022', 'Hewitt 等人 2022', 'Vijayakumar 等人，2016', 'Olsson 等人，2022']) expect(text).toContain(paper);
    // The claims tests/lessons/explanations.node.test.ts checks in English.
    expect(text).toMatch(/最可能的词元.*反而可能被排除在外/);
    expect(text).toMatch(/模型越拿不准（熵越高），阈值越低/);
    expect(text).toMatch(/得分 = \(1 − α\) × 该词元的概率 − α × 退化惩罚/);
    expect(text).toMatch(/让各条候选彼此不同，却不会让每一条自身少些重复/);
    expect(text).toMatch(/并不能让模型写得更好/);
    expect(text).toMatch(/内置模型一个归纳头也没有/);
  });
});
