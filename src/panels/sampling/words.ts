// The sampling panel's words that are built from data: notices from the core
// (by their typed code), a setting described in a few words, the compare
// presets and the sweep's strategies. Read when the panel renders, so they
// follow the locale; the English they produce is the core's own.

import { t } from '../../i18n/index.ts';
import type { Notice, NoticeCode } from '../../sampling/notices.ts';
import type { SamplingSettings } from '../../sampling/settings.ts';
import type { ComparePreset } from '../../state/schema.ts';

/**
 * A notice in the reader's language. The core's notices carry a code and an
 * English message whose numbers are the only parameters, in a fixed order per
 * constructor; they are read back from the message. A notice whose numbers
 * do not fit (a message the core changed) keeps its English text.
 */
export function noticeText(notice: Notice): string {
  const n = (notice.message.match(/\d+/g) ?? []).map(Number);
  const want = (count: number) => n.length === count;
  const byCode: Record<NoticeCode, () => string | null> = {
    'prompt-cut': () =>
      notice.message.startsWith('The prompt was cut')
        ? want(2) ? t('sampling:notices.beamPromptCut', { kept: n[0], blockSize: n[1] }) : null
        : want(2) ? t('sampling:notices.promptCut', { promptTokens: n[0], blockSize: n[1] }) : null,
    'window-slid': () => (want(1) ? t('sampling:notices.windowSlid', { blockSize: n[0] }) : null),
    'window-full': () => (want(2) ? t('sampling:notices.windowFull', { blockSize: n[0] }) : null),
    'ngram-ban-lifted': () => t('sampling:notices.ngramBanLifted'),
    'top-k-clamped': () => (want(2) ? t('sampling:notices.topKClamped', { topK: n[0], vocabSize: n[1] }) : null),
    'beams-ignore-sampling': () => t('sampling:notices.beamsIgnoreSampling'),
  };
  const known = Object.hasOwn(byCode, notice.code) ? byCode[notice.code]() : null;
  return known ?? notice.message;
}

const COMPARE_KEYS = {
  greedy: 'greedy',
  'beam-4': 'beam4',
  'top-k-40': 'topK40',
  'top-p-0.9': 'topP09',
  'temp-0.7': 'temp07',
  pure: 'pure',
  'no-repeat-3': 'noRepeat3',
  'penalty-1.3': 'penalty13',
} as const satisfies Record<ComparePreset, string>;

/** A compare preset's name (state/samplingSettings.ts COMPARE_LABELS in English). */
export function compareLabel(preset: ComparePreset): string {
  return t(`sampling:compare.${COMPARE_KEYS[preset]}`);
}

const SWEEP_KEYS: Record<string, 'greedy' | 'beam4' | 'topK40' | 'topP09' | 'temp07' | 'pure'> = {
  greedy: 'greedy',
  'beam 4': 'beam4',
  'top-k 40': 'topK40',
  'top-p 0.9': 'topP09',
  'T = 0.7': 'temp07',
  'pure sampling': 'pure',
};

/** The sweep's strategies, by their labels in sampling/sweep.ts (SWEEP_STRATEGIES: not imported here, it brings the decoders). */
export const SWEEP_LABELS = Object.keys(SWEEP_KEYS);

/** A sweep strategy's name, from its label in sampling/sweep.ts (shown as is when unknown). */
export function sweepLabel(label: string): string {
  const key = SWEEP_KEYS[label];
  return key ? t(`sampling:sweep.strategies.${key}`) : label;
}

/** A setting in a few words (state/samplingSettings.ts describeSettings in English). */
export function settingsSummary(s: SamplingSettings): string {
  if (s.num_beams > 1) return t('sampling:describe.beam', { beams: s.num_beams, lengthPenalty: s.length_penalty });
  const parts: string[] = [];
  if (!s.do_sample || s.temperature === 0) parts.push(t('sampling:describe.greedy'));
  else {
    parts.push(t('sampling:describe.sampling', { temperature: s.temperature }));
    if (s.top_k > 0) parts.push(t('sampling:describe.topK', { value: s.top_k }));
    if (s.top_p < 1) parts.push(t('sampling:describe.topP', { value: s.top_p }));
    if (s.min_p > 0) parts.push(t('sampling:describe.minP', { value: s.min_p }));
  }
  if (s.repetition_penalty !== 1) parts.push(t('sampling:describe.repetitionPenalty', { value: s.repetition_penalty }));
  if (s.no_repeat_ngram_size > 0) parts.push(t('sampling:describe.noRepeatNgram', { value: s.no_repeat_ngram_size }));
  if (s.frequency_penalty !== 0) parts.push(t('sampling:describe.frequencyPenalty', { value: s.frequency_penalty }));
  if (s.presence_penalty !== 0) parts.push(t('sampling:describe.presencePenalty', { value: s.presence_penalty }));
  return parts.join(t('sampling:describe.separator'));
}
