import { type Notice, beamsIgnoreSampling, topKClamped } from './notices.ts';

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
}

export const DEFAULT_SAMPLING: SamplingSettings = {
  do_sample: true,
  temperature: 1,
  top_k: 0,
  top_p: 1,
  min_p: 0,
  repetition_penalty: 1,
  no_repeat_ngram_size: 0,
  frequency_penalty: 0,
  presence_penalty: 0,
  num_beams: 1,
  length_penalty: 1,
  early_stopping: false,
};

/** The most beams the playground runs: each beam is a forward pass per step. */
export const MAX_BEAMS = 16;

export class SettingsError extends RangeError {
  override name = 'SettingsError';
}

/**
 * Checks settings and returns them ready to use, plus notices for values that
 * were adjusted (top_k larger than the vocabulary is clamped, as HF does).
 * Values that cannot mean anything throw a SettingsError naming the setting.
 */
export function checkSettings(s: SamplingSettings, vocabSize: number): { settings: SamplingSettings; notices: Notice[] } {
  const notices: Notice[] = [];
  const num = (k: keyof SamplingSettings, v: number, ok: boolean, rule: string) => {
    if (typeof v !== 'number' || Number.isNaN(v) || !ok) throw new SettingsError(`${k} must be ${rule}; got ${v}.`);
  };
  num('temperature', s.temperature, s.temperature >= 0 && Number.isFinite(s.temperature), 'a finite number ≥ 0 (0 means greedy)');
  num('top_k', s.top_k, Number.isInteger(s.top_k) && s.top_k >= 0, 'a whole number ≥ 0 (0 turns it off)');
  num('top_p', s.top_p, s.top_p >= 0 && s.top_p <= 1, 'between 0 and 1');
  num('min_p', s.min_p, s.min_p >= 0 && s.min_p <= 1, 'between 0 and 1');
  num('repetition_penalty', s.repetition_penalty, s.repetition_penalty > 0 && Number.isFinite(s.repetition_penalty), 'a positive number (1 turns it off)');
  num('no_repeat_ngram_size', s.no_repeat_ngram_size, Number.isInteger(s.no_repeat_ngram_size) && s.no_repeat_ngram_size >= 0, 'a whole number ≥ 0');
  num('frequency_penalty', s.frequency_penalty, Number.isFinite(s.frequency_penalty), 'a finite number');
  num('presence_penalty', s.presence_penalty, Number.isFinite(s.presence_penalty), 'a finite number');
  num('num_beams', s.num_beams, Number.isInteger(s.num_beams) && s.num_beams >= 1 && s.num_beams <= MAX_BEAMS, `a whole number from 1 to ${MAX_BEAMS}`);
  num('length_penalty', s.length_penalty, Number.isFinite(s.length_penalty), 'a finite number');
  const out = { ...s };
  if (s.top_k > vocabSize) {
    out.top_k = vocabSize;
    notices.push(topKClamped(s.top_k, vocabSize));
  }
  if (s.do_sample && s.num_beams > 1) notices.push(beamsIgnoreSampling());
  return { settings: out, notices };
}
