import { type Notice, beamsIgnoreSampling, topKClamped } from './notices.ts';
import { codesOf } from '../util/codes.ts';

/**
 * Decoding settings under the names of Hugging Face's GenerationConfig (and
 * transformers.js), plus OpenAI's frequency/presence penalties for comparison.
 */
export interface SamplingSettings {
  /** false: greedy (or beam search when num_beams > 1); true: draw from the distribution. */
  do_sample: boolean;
  /** Divides the logits. 0 means greedy (never a division by zero); 1 leaves them. */
  temperature: number;
  /** Keep the k most likely tokens; 0 disables (HF's GenerationConfig default is 50). */
  top_k: number;
  /** Nucleus: keep the smallest set of top tokens whose probability reaches p; 1 disables. */
  top_p: number;
  /** Keep tokens with p ≥ min_p × p_max; 0 disables. */
  min_p: number;
  /** Locally typical sampling: keep the tokens whose surprisal is closest to the entropy, up to this mass; 1 disables. */
  typical_p: number;
  /** ε-sampling: drop tokens with p < epsilon_cutoff; 0 disables. */
  epsilon_cutoff: number;
  /** η-sampling: drop tokens with p < min(η, √η·e^(−entropy)); 0 disables. */
  eta_cutoff: number;
  /** CTRL penalty over every distinct token already in the sequence (prompt included); 1 disables. */
  repetition_penalty: number;
  /** Ban any token that would complete an n-gram already in the sequence; 0 disables. */
  no_repeat_ngram_size: number;
  /** OpenAI: subtract count × this from a generated token's logit; 0 disables. */
  frequency_penalty: number;
  /** OpenAI: subtract this once from any token generated so far; 0 disables. */
  presence_penalty: number;
  num_beams: number;
  /** Beam search: finished score = sum of log-probs / length^length_penalty. */
  length_penalty: number;
  early_stopping: boolean | 'never';
  /** Contrastive search (with do_sample false, top_k ≥ 2): weight of the degeneration penalty; 0 disables. */
  penalty_alpha: number;
  /** Diverse beam search: the beams split into this many groups; 1 is plain beam search. */
  num_beam_groups: number;
  /** Diverse beam search: subtracted from a token's score once per earlier group that chose it at this step. */
  diversity_penalty: number;
}

export const DEFAULT_SAMPLING: SamplingSettings = {
  do_sample: true,
  temperature: 1,
  top_k: 0,
  top_p: 1,
  min_p: 0,
  typical_p: 1,
  epsilon_cutoff: 0,
  eta_cutoff: 0,
  repetition_penalty: 1,
  no_repeat_ngram_size: 0,
  frequency_penalty: 0,
  presence_penalty: 0,
  num_beams: 1,
  length_penalty: 1,
  early_stopping: false,
  penalty_alpha: 0,
  num_beam_groups: 1,
  diversity_penalty: 0,
};

/** The most beams the playground runs: each beam is a forward pass per step. */
export const MAX_BEAMS = 16;

/** The rule a setting broke; `params` name the setting (`setting`, as Hugging Face spells it) and the value (`value`). */
export type SettingsErrorCode =
  | 'not-non-negative'
  | 'not-whole-non-negative'
  | 'not-whole-positive'
  | 'not-probability'
  | 'not-positive'
  | 'not-finite'
  | 'beams-out-of-range'
  | 'not-mass'
  | 'not-cutoff'
  | 'groups-not-divisor'
  | 'contrastive-top-k'
  | 'not-penalty';

export const SETTINGS_ERROR_CODES = codesOf<SettingsErrorCode>({
  'not-non-negative': 0,
  'not-whole-non-negative': 0,
  'not-whole-positive': 0,
  'not-probability': 0,
  'not-positive': 0,
  'not-finite': 0,
  'beams-out-of-range': 0,
  'not-mass': 0,
  'not-cutoff': 0,
  'groups-not-divisor': 0,
  'contrastive-top-k': 0,
  'not-penalty': 0,
});

/** The rule of each code, in the English sentence. */
const RULES: Record<SettingsErrorCode, string> = {
  'not-non-negative': 'a finite number ≥ 0 (0 means greedy)',
  'not-whole-non-negative': 'a whole number ≥ 0 (0 turns it off)',
  'not-whole-positive': 'a whole number ≥ 1',
  'not-probability': 'between 0 and 1',
  'not-positive': 'a positive number (1 turns it off)',
  'not-finite': 'a finite number',
  'beams-out-of-range': `a whole number from 1 to ${MAX_BEAMS}`,
  'not-mass': 'above 0 and at most 1 (1 turns it off)',
  'not-cutoff': 'at least 0 and below 1 (0 turns it off)',
  'groups-not-divisor': 'a whole number from 1 to num_beams that divides num_beams',
  'contrastive-top-k': 'a whole number ≥ 2 for contrastive search (penalty_alpha > 0)',
  'not-penalty': 'a finite number ≥ 0 (0 turns it off)',
};

export class SettingsError extends RangeError {
  override name = 'SettingsError';
  readonly params: { setting: string; value: string; maxBeams: number };
  constructor(readonly code: SettingsErrorCode, setting: string, value: number) {
    super(`${setting} must be ${RULES[code]}; got ${value}.`);
    this.params = { setting, value: String(value), maxBeams: MAX_BEAMS };
  }
}

/**
 * Checks settings and returns them ready to use, plus notices for values that
 * were adjusted (top_k larger than the vocabulary is clamped, as HF does).
 * Values that cannot mean anything throw a SettingsError naming the setting.
 */
export function checkSettings(s: SamplingSettings, vocabSize: number): { settings: SamplingSettings; notices: Notice[] } {
  const notices: Notice[] = [];
  const num = (k: keyof SamplingSettings, v: number, ok: boolean, rule: SettingsErrorCode) => {
    if (typeof v !== 'number' || Number.isNaN(v) || !ok) throw new SettingsError(rule, k, v);
  };
  num('temperature', s.temperature, s.temperature >= 0 && Number.isFinite(s.temperature), 'not-non-negative');
  num('top_k', s.top_k, Number.isInteger(s.top_k) && s.top_k >= 0, 'not-whole-non-negative');
  num('top_p', s.top_p, s.top_p >= 0 && s.top_p <= 1, 'not-probability');
  num('min_p', s.min_p, s.min_p >= 0 && s.min_p <= 1, 'not-probability');
  num('repetition_penalty', s.repetition_penalty, s.repetition_penalty > 0 && Number.isFinite(s.repetition_penalty), 'not-positive');
  num('no_repeat_ngram_size', s.no_repeat_ngram_size, Number.isInteger(s.no_repeat_ngram_size) && s.no_repeat_ngram_size >= 0, 'not-whole-non-negative');
  num('frequency_penalty', s.frequency_penalty, Number.isFinite(s.frequency_penalty), 'not-finite');
  num('presence_penalty', s.presence_penalty, Number.isFinite(s.presence_penalty), 'not-finite');
  num('num_beams', s.num_beams, Number.isInteger(s.num_beams) && s.num_beams >= 1 && s.num_beams <= MAX_BEAMS, 'beams-out-of-range');
  num('length_penalty', s.length_penalty, Number.isFinite(s.length_penalty), 'not-finite');
  // Hugging Face's ranges: TypicalLogitsWarper needs 0 < typical_p < 1 (1 leaves it out), the ε and η warpers 0 < cutoff < 1 (0 leaves them out).
  num('typical_p', s.typical_p, s.typical_p > 0 && s.typical_p <= 1, 'not-mass');
  num('epsilon_cutoff', s.epsilon_cutoff, s.epsilon_cutoff >= 0 && s.epsilon_cutoff < 1, 'not-cutoff');
  num('eta_cutoff', s.eta_cutoff, s.eta_cutoff >= 0 && s.eta_cutoff < 1, 'not-cutoff');
  num('penalty_alpha', s.penalty_alpha, s.penalty_alpha >= 0 && s.penalty_alpha <= 1, 'not-probability');
  if (s.penalty_alpha > 0 && !s.do_sample && s.num_beams === 1) num('top_k', s.top_k, s.top_k >= 2, 'contrastive-top-k');
  num('num_beam_groups', s.num_beam_groups, Number.isInteger(s.num_beam_groups) && s.num_beam_groups >= 1 && s.num_beam_groups <= s.num_beams && s.num_beams % s.num_beam_groups === 0, 'groups-not-divisor');
  num('diversity_penalty', s.diversity_penalty, s.diversity_penalty >= 0 && Number.isFinite(s.diversity_penalty), 'not-penalty');
  const out = { ...s };
  if (s.top_k > vocabSize) {
    out.top_k = vocabSize;
    notices.push(topKClamped(s.top_k, vocabSize));
  }
  if (s.do_sample && s.num_beams > 1) notices.push(beamsIgnoreSampling());
  return { settings: out, notices };
}
