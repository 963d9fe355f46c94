// The link's sampling settings as the decode session reads them, for the
// attention panel's stepping. Pure: state in, settings and sentences (in the
// locale in force) out.

import { DEFAULT_SAMPLING, type SamplingSettings } from '../../sampling/settings.ts';
import type { PlaygroundState } from '../../state/schema.ts';
import { samplingSettingsFrom } from '../../state/samplingSettings.ts';
import { t } from '../../i18n/index.ts';

export interface SteppingSettings {
  settings: SamplingSettings;
  /** What the panel does differently from the sampling panel, in sentences. */
  notes: string[];
}

/**
 * The sampling panel's settings, one sequence at a time: sample or greedy as
 * chosen; beam search keeps several sequences, so the panel steps the single
 * greedy one instead, and says so.
 */
export function steppingSettings(state: PlaygroundState): SteppingSettings {
  const notes: string[] = [];
  if (state.strategy === 'beam') {
    notes.push(t('attention:stepping.beamNote'));
  }
  // The sampling panel's mapping, one sequence only (beam search handled above).
  const settings: SamplingSettings = { ...samplingSettingsFrom(state), num_beams: 1, length_penalty: DEFAULT_SAMPLING.length_penalty, early_stopping: DEFAULT_SAMPLING.early_stopping };
  return { settings, notes };
}

/** One line naming how tokens are chosen, e.g. "sampling, temperature 0.8, top-k 40, seed 7". */
export function describeStepping(state: PlaygroundState): string {
  if (state.strategy !== 'sample' || state.temperature === 0) return t('attention:stepping.greedy');
  const parts = [t('attention:stepping.sampling', { value: state.temperature })];
  if (state.topK > 0) parts.push(t('attention:stepping.topK', { value: state.topK }));
  if (state.topP < 1) parts.push(t('attention:stepping.topP', { value: state.topP }));
  if (state.minP > 0) parts.push(t('attention:stepping.minP', { value: state.minP }));
  if (state.repetitionPenalty !== 1) parts.push(t('attention:stepping.repetitionPenalty', { value: state.repetitionPenalty }));
  if (state.noRepeatNgram > 0) parts.push(t('attention:stepping.noRepeat', { value: state.noRepeatNgram }));
  parts.push(t('attention:stepping.seed', { value: state.seed }));
  return parts.join(t('attention:stepping.separator'));
}

/** Everything a sequence depends on: when it changes, the sequence is generated again. */
export function sequenceKey(state: PlaygroundState, modelName: string): string {
  const { settings } = steppingSettings(state);
  return JSON.stringify([modelName, state.prompt, state.seed, settings]);
}
