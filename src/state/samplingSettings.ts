// From the link's settings to the core's SamplingSettings (Hugging Face names),
// and the presets a learner can decode side by side with their own setting.

import { modelDefaults } from './modelDefaults.ts';
import { DEFAULT_SAMPLING, type SamplingSettings } from '../sampling/settings.ts';
import { DEFAULT_BEAM, type BeamSettings } from '../sampling/beam.ts';
import type { ComparePreset, PlaygroundState } from './schema.ts';

export function samplingSettingsFrom(s: PlaygroundState): SamplingSettings {
  const beams = s.strategy === 'beam' || s.strategy === 'diverse-beam';
  const diverse = s.strategy === 'diverse-beam';
  return {
    do_sample: s.strategy === 'sample',
    temperature: s.temperature,
    top_k: s.topK,
    top_p: s.topP,
    min_p: s.minP,
    typical_p: s.typicalP,
    epsilon_cutoff: s.epsilonCutoff,
    eta_cutoff: s.etaCutoff,
    repetition_penalty: s.repetitionPenalty,
    no_repeat_ngram_size: s.noRepeatNgram,
    frequency_penalty: s.frequencyPenalty,
    presence_penalty: s.presencePenalty,
    num_beams: beams ? s.numBeams : 1,
    length_penalty: s.lengthPenalty,
    early_stopping: s.earlyStopping === 'never' ? 'never' : s.earlyStopping === 'true',
    // Contrastive search is greedy decoding with penalty_alpha > 0 and top_k candidates, as Hugging Face decides it.
    penalty_alpha: s.strategy === 'contrastive' ? s.penaltyAlpha : 0,
    num_beam_groups: diverse ? s.numBeamGroups : 1,
    diversity_penalty: diverse ? s.diversityPenalty : 0,
  };
}

export function beamSettingsFrom(s: PlaygroundState): BeamSettings {
  return {
    ...DEFAULT_BEAM,
    num_beams: s.numBeams,
    max_new_tokens: Math.min(s.maxNewTokens, 64),
    length_penalty: s.lengthPenalty,
    early_stopping: s.earlyStopping === 'never' ? 'never' : s.earlyStopping === 'true',
    no_repeat_ngram_size: s.noRepeatNgram,
    repetition_penalty: s.repetitionPenalty,
    num_beam_groups: s.strategy === 'diverse-beam' ? s.numBeamGroups : 1,
    diversity_penalty: s.strategy === 'diverse-beam' ? s.diversityPenalty : 0,
  };
}

export const COMPARE_LABELS: Record<ComparePreset, string> = {
  greedy: 'greedy',
  'beam-4': 'beam search, 4 beams',
  'top-k-40': 'top-k 40',
  'top-p-0.9': 'top-p 0.9',
  'temp-0.7': 'temperature 0.7',
  pure: 'pure sampling (T = 1)',
  'no-repeat-3': 'greedy + no_repeat_ngram_size 3',
  'penalty-1.3': 'greedy + repetition_penalty 1.3',
  'typical-0.9': 'typical sampling, typical_p 0.9',
  'eta-0.002': 'η-sampling, eta_cutoff 0.002',
  contrastive: 'contrastive search, penalty_alpha 0.6, top_k 4',
  'diverse-beam': 'diverse beam search, 4 beams in 2 groups',
};

export function presetSettings(p: ComparePreset): SamplingSettings {
  const greedy = { ...DEFAULT_SAMPLING, do_sample: false };
  switch (p) {
    case 'greedy':
      return greedy;
    case 'beam-4':
      return { ...greedy, num_beams: 4 };
    case 'top-k-40':
      return { ...DEFAULT_SAMPLING, top_k: 40 };
    case 'top-p-0.9':
      return { ...DEFAULT_SAMPLING, top_p: 0.9 };
    case 'temp-0.7':
      return { ...DEFAULT_SAMPLING, temperature: 0.7 };
    case 'pure':
      return { ...DEFAULT_SAMPLING };
    case 'no-repeat-3':
      return { ...greedy, no_repeat_ngram_size: 3 };
    case 'penalty-1.3':
      return { ...greedy, repetition_penalty: 1.3 };
    case 'typical-0.9':
      return { ...DEFAULT_SAMPLING, typical_p: 0.9 };
    case 'eta-0.002':
      return { ...DEFAULT_SAMPLING, eta_cutoff: 0.002 };
    case 'contrastive':
      // Hugging Face's contrastive-search blog post: penalty_alpha 0.6, top_k 4.
      return { ...greedy, penalty_alpha: 0.6, top_k: 4 };
    case 'diverse-beam':
      return { ...greedy, num_beams: 4, num_beam_groups: 2, diversity_penalty: 1 };
  }
}

/** Short description of the current setting, for the side-by-side header. */
export function describeSettings(s: SamplingSettings): string {
  if (s.num_beams > 1 && s.num_beam_groups > 1) {
    return `diverse beam search, ${s.num_beams} beams in ${s.num_beam_groups} groups, diversity_penalty ${s.diversity_penalty}`;
  }
  if (s.num_beams > 1) return `beam search, ${s.num_beams} beams, length_penalty ${s.length_penalty}`;
  const parts: string[] = [];
  if (!s.do_sample && s.penalty_alpha > 0) parts.push(`contrastive search, penalty_alpha ${s.penalty_alpha}, top_k ${s.top_k}`);
  else if (!s.do_sample || s.temperature === 0) parts.push('greedy');
  else {
    parts.push(`sampling T = ${s.temperature}`);
    if (s.top_k > 0) parts.push(`top-k ${s.top_k}`);
    if (s.top_p < 1) parts.push(`top-p ${s.top_p}`);
    if (s.min_p > 0) parts.push(`min-p ${s.min_p}`);
    if (s.typical_p < 1) parts.push(`typical_p ${s.typical_p}`);
    if (s.epsilon_cutoff > 0) parts.push(`epsilon_cutoff ${s.epsilon_cutoff}`);
    if (s.eta_cutoff > 0) parts.push(`eta_cutoff ${s.eta_cutoff}`);
  }
  if (s.repetition_penalty !== 1) parts.push(`repetition_penalty ${s.repetition_penalty}`);
  if (s.no_repeat_ngram_size > 0) parts.push(`no_repeat_ngram_size ${s.no_repeat_ngram_size}`);
  if (s.frequency_penalty !== 0) parts.push(`frequency_penalty ${s.frequency_penalty}`);
  if (s.presence_penalty !== 0) parts.push(`presence_penalty ${s.presence_penalty}`);
  return parts.join(', ');
}

/** Prompts the sweep decodes on the Shakespeare model: speaker names from the corpus's own format (other models: `modelDefaults(model).sweepPrompts`). */
export const SWEEP_PROMPTS = modelDefaults('shakespeare').sweepPrompts;
