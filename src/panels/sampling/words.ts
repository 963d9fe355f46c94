// The sampling panel's words that are built from data: a setting described in
// a few words, the compare presets and the sweep's strategies (the core's
// notices are said by ../noticeText.ts, for every panel). Read when the panel
// renders, so they follow the locale; the English they produce is the core's own.

import { t } from '../../i18n/index.ts';
import type { SamplingSettings } from '../../sampling/settings.ts';
import type { ComparePreset } from '../../state/schema.ts';
import type samplingMessages from '../../i18n/locales/en/sampling.ts';

const COMPARE_KEYS = {
  greedy: 'greedy',
  'beam-4': 'beam4',
  'top-k-40': 'topK40',
  'top-p-0.9': 'topP09',
  'temp-0.7': 'temp07',
  pure: 'pure',
  'no-repeat-3': 'noRepeat3',
  'penalty-1.3': 'penalty13',
  'typical-0.9': 'typical09',
  'eta-0.002': 'eta0002',
  contrastive: 'contrastive',
  'diverse-beam': 'diverseBeam',
} as const satisfies Record<ComparePreset, string>;

/** A compare preset's name (state/samplingSettings.ts COMPARE_LABELS in English). */
export function compareLabel(preset: ComparePreset): string {
  return t(`sampling:compare.${COMPARE_KEYS[preset]}`);
}

type SweepKey = keyof typeof samplingMessages.sweep.strategies;

const SWEEP_KEYS: Record<string, SweepKey> = {
  greedy: 'greedy',
  'beam 4': 'beam4',
  'top-k 40': 'topK40',
  'top-p 0.9': 'topP09',
  'T = 0.7': 'temp07',
  'pure sampling': 'pure',
  'typical 0.9': 'typical09',
  'typical 0.95': 'typical095',
  'epsilon 0.0009': 'epsilon',
  'eta 0.002': 'eta',
  'contrastive 0.6/4': 'contrastive',
  'diverse beam 4/2': 'diverseBeam',
};

/** The sweep's strategies, by their labels in sampling/sweep.ts (SWEEP_STRATEGIES: not imported here, it brings the decoders). */
export const SWEEP_LABELS = Object.keys(SWEEP_KEYS);

/** A sweep strategy's name, from its label in sampling/sweep.ts (shown as is when unknown). */
export function sweepLabel(label: string): string {
  const key: SweepKey | undefined = SWEEP_KEYS[label];
  return key ? t(`sampling:sweep.strategies.${key}`) : label;
}

/** A setting in a few words (state/samplingSettings.ts describeSettings in English). */
export function settingsSummary(s: SamplingSettings): string {
  if (s.num_beams > 1 && s.num_beam_groups > 1) {
    return t('sampling:describe.diverseBeam', { beams: s.num_beams, groups: s.num_beam_groups, penalty: s.diversity_penalty });
  }
  if (s.num_beams > 1) return t('sampling:describe.beam', { beams: s.num_beams, lengthPenalty: s.length_penalty });
  const parts: string[] = [];
  if (!s.do_sample && s.penalty_alpha > 0) parts.push(t('sampling:describe.contrastive', { alpha: s.penalty_alpha, k: s.top_k }));
  else if (!s.do_sample || s.temperature === 0) parts.push(t('sampling:describe.greedy'));
  else {
    parts.push(t('sampling:describe.sampling', { temperature: s.temperature }));
    if (s.top_k > 0) parts.push(t('sampling:describe.topK', { value: s.top_k }));
    if (s.top_p < 1) parts.push(t('sampling:describe.topP', { value: s.top_p }));
    if (s.min_p > 0) parts.push(t('sampling:describe.minP', { value: s.min_p }));
    if (s.typical_p < 1) parts.push(t('sampling:describe.typicalP', { value: s.typical_p }));
    if (s.epsilon_cutoff > 0) parts.push(t('sampling:describe.epsilonCutoff', { value: s.epsilon_cutoff }));
    if (s.eta_cutoff > 0) parts.push(t('sampling:describe.etaCutoff', { value: s.eta_cutoff }));
  }
  if (s.repetition_penalty !== 1) parts.push(t('sampling:describe.repetitionPenalty', { value: s.repetition_penalty }));
  if (s.no_repeat_ngram_size > 0) parts.push(t('sampling:describe.noRepeatNgram', { value: s.no_repeat_ngram_size }));
  if (s.frequency_penalty !== 0) parts.push(t('sampling:describe.frequencyPenalty', { value: s.frequency_penalty }));
  if (s.presence_penalty !== 0) parts.push(t('sampling:describe.presencePenalty', { value: s.presence_penalty }));
  return parts.join(t('sampling:describe.separator'));
}
