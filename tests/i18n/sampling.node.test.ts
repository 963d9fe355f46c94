// The sampling panel and the shared charts in both languages: English exactly
// as the core and the charts wrote it before translation (tests and readers
// rely on it), Chinese for every notice code, preset and strategy.
import { afterEach, describe, expect, it } from 'vitest';
import { i18n } from '../../src/i18n/index.ts';
import * as notices from '../../src/sampling/notices.ts';
import type { Notice } from '../../src/sampling/notices.ts';
import { DEFAULT_SAMPLING, type SamplingSettings } from '../../src/sampling/settings.ts';
import { SWEEP_STRATEGIES } from '../../src/sampling/sweep.ts';
import { COMPARE_LABELS, describeSettings } from '../../src/state/samplingSettings.ts';
import { COMPARE_PRESETS } from '../../src/state/schema.ts';
import { SWEEP_LABELS, compareLabel, settingsSummary, sweepLabel } from '../../src/panels/sampling/words.ts';
import { noticeText } from '../../src/panels/noticeText.ts';
import { describeLines } from '../../src/charts/lineChart.ts';
import { describeBars } from '../../src/charts/barChart.ts';
import { describeDistribution, type DistributionData } from '../../src/charts/distributionBars.ts';
import { describeBeamTree } from '../../src/charts/beamTree.ts';

afterEach(() => i18n.changeLanguage('en'));

/** One notice from every constructor in sampling/notices.ts, with distinct numbers. */
const ALL_NOTICES: Notice[] = [
  notices.promptCut(301, 256),
  notices.beamPromptCut(200, 256),
  notices.windowSlid(128),
  notices.windowFull(512),
  notices.ngramBanLifted(),
  notices.topKClamped(700, 257),
  notices.beamsIgnoreSampling(),
];
const SETTINGS: SamplingSettings[] = [
  DEFAULT_SAMPLING,
  { ...DEFAULT_SAMPLING, do_sample: false },
  { ...DEFAULT_SAMPLING, temperature: 0.7, top_k: 40, top_p: 0.9, min_p: 0.05, repetition_penalty: 1.3, no_repeat_ngram_size: 3, frequency_penalty: 0.5, presence_penalty: 0.2 },
  { ...DEFAULT_SAMPLING, do_sample: false, num_beams: 4, length_penalty: 0.5 },
];
const DISTRIBUTION: DistributionData = {
  bars: [
    { id: 1, label: 'the', raw: 0.5, processed: 0.6, cutBy: null, cumulative: 0.6, chosen: true },
    { id: 2, label: 'a', raw: 0.2, processed: 0, cutBy: 'top_k', cumulative: 0.6, chosen: false },
  ],
  u: 0.25,
  restProcessed: 0.4,
};
const LINES = { series: [{ id: 'a', label: 'training loss', color: 'blue', points: [{ x: 1, y: 6 }, { x: 20, y: 2.2 }] }], references: [{ y: 6.24, label: 'uniform' }] };
const TREE = { rootLabel: 'O:', steps: [{ candidates: [{ parent: 0, label: ' I', score: -1.5, fate: 'kept' as const, onBest: true }, { parent: 0, label: ' my', score: -2, fate: 'finished' as const, onBest: false }] }] };
const LINES_ZH = { series: [{ ...LINES.series[0], label: '训练损失' }], references: [{ y: 6.24, label: '均匀猜测' }] };
/** English words in a text, leaving out the data it quotes (tokens in quotes) and the metric's name. */
const latinWords = (s: string) => s.replace(/“[^”]*”|seq-rep-4/g, '').match(/\b[a-z]{3,}\b/g) ?? [];

describe('the sampling panel in English', () => {
  it('shows the core notices, presets, settings and strategies in the core’s own words', () => {
    for (const n of ALL_NOTICES) expect(noticeText(n)).toBe(n.message);
    for (const p of COMPARE_PRESETS) expect(compareLabel(p)).toBe(COMPARE_LABELS[p]);
    for (const s of SETTINGS) expect(settingsSummary(s)).toBe(describeSettings(s));
    expect(SWEEP_LABELS).toEqual(SWEEP_STRATEGIES.map((s) => s.label));
    for (const label of SWEEP_LABELS) expect(sweepLabel(label)).toBe(label);
  });

  it('keeps the charts’ text alternatives as they were', () => {
    expect(describeLines(LINES, { xLabel: 'step', yLabel: 'loss' })).toBe(
      'loss against step. training loss: from 6 at step 1 to 2.2 at step 20. With a guide line at 6.24 (uniform).',
    );
    expect(describeBars([{ label: 'greedy', value: 0.321, reference: 0.43 }, { label: 'T = 0.7', value: 0.05 }], 'seq-rep-4')).toBe(
      'seq-rep-4: greedy 0.321 (reference 0.43) and T = 0.7 0.05.',
    );
    expect(describeDistribution(DISTRIBUTION)).toBe(
      'Likeliest next tokens after the processors: "the" 60.0% (model 50.0%). 1 of the 2 tokens shown were cut by a filter. The draw u = 0.250 picks "the".',
    );
    expect(describeBeamTree(TREE)).toBe('1 steps from "O:", 2 candidates in all, 1 finished. The best hypothesis continues: " I".');
  });
});

describe('the sampling panel in Chinese', () => {
  it('translates every notice code, keeping its numbers', async () => {
    await i18n.changeLanguage('zh');
    for (const n of ALL_NOTICES) {
      const zh = noticeText(n);
      expect(zh).not.toBe(n.message);
      expect(zh).toMatch(/[\u4e00-\u9fff]/);
      for (const number of n.message.match(/\d+/g) ?? []) expect(zh, n.message).toContain(number);
    }
    // A code this page has no words for (an engine newer than the page) keeps the core's English.
    expect(noticeText({ code: 'something-new', params: {}, message: 'Something new.' } as unknown as Notice)).toBe('Something new.');
  });

  it('names presets, settings and strategies in Chinese, keeping the Hugging Face names', async () => {
    await i18n.changeLanguage('zh');
    for (const p of COMPARE_PRESETS) expect(compareLabel(p)).not.toBe('');
    expect(compareLabel('beam-4')).toBe('束搜索，4 条束');
    expect(settingsSummary(SETTINGS[1])).toBe('贪心解码');
    expect(settingsSummary(SETTINGS[2])).toContain('repetition_penalty 1.3');
    expect(settingsSummary(SETTINGS[3])).toBe('束搜索，4 条束，length_penalty 0.5');
    expect(sweepLabel('pure sampling')).toBe('纯随机采样');
  });

  it('describes the charts in Chinese', async () => {
    await i18n.changeLanguage('zh');
    const texts = [
      describeLines(LINES_ZH, { xLabel: '步数', yLabel: '损失' }),
      describeBars([{ label: '贪心', value: 0.321, reference: 0.43 }], 'seq-rep-4'),
      describeDistribution(DISTRIBUTION),
      describeBeamTree(TREE),
    ];
    for (const text of texts) {
      expect(text).toMatch(/[\u4e00-\u9fff]/);
      expect(latinWords(text), text).toEqual([]);
    }
    expect(texts[0]).toBe('损失随步数的变化。训练损失从 6（步数 1）变到 2.2（步数 20）。另有一条位于 6.24 的参考线（均匀猜测）。');
    expect(texts[2]).toContain('60.0%');
  });
});

describe('the repetition cures in both languages', () => {
  const CURES: SamplingSettings[] = [
    { ...DEFAULT_SAMPLING, typical_p: 0.9, epsilon_cutoff: 0.0009, eta_cutoff: 0.002 },
    { ...DEFAULT_SAMPLING, do_sample: false, penalty_alpha: 0.6, top_k: 4 },
    { ...DEFAULT_SAMPLING, do_sample: false, num_beams: 4, num_beam_groups: 2, diversity_penalty: 1 },
  ];

  it('describes them in the core’s English, and in Chinese with the Hugging Face names kept', async () => {
    for (const s of CURES) expect(settingsSummary(s)).toBe(describeSettings(s));
    await i18n.changeLanguage('zh');
    expect(settingsSummary(CURES[0])).toContain('typical_p 0.9');
    expect(settingsSummary(CURES[1])).toBe('对比搜索，penalty_alpha 0.6，top_k 4');
    expect(settingsSummary(CURES[2])).toBe('多样化束搜索，4 条束分 2 组，diversity_penalty 1');
    expect(compareLabel('contrastive')).toContain('对比搜索');
    expect(sweepLabel('typical 0.9')).toBe('典型采样 0.9');
  });
});
