import type { SamplingSettings } from './settings.ts';
import { softmax } from '../util/softmax.ts';

/**
 * Logits processors: pure functions over plain arrays, applied in the order
 * Hugging Face's `generate` applies them — penalties and bans on the raw
 * scores first, then the sampling warpers temperature → top-k → top-p → min-p
 * → typical → ε → η (transformers' _get_logits_processor). Each returns new
 * scores; a filtered token gets −∞, so softmax gives it exactly 0.
 */

export type ProcessorName =
  | 'repetition_penalty'
  | 'frequency_penalty'
  | 'presence_penalty'
  | 'no_repeat_ngram_size'
  | 'temperature'
  | 'top_k'
  | 'top_p'
  | 'min_p'
  | 'typical_p'
  | 'epsilon_cutoff'
  | 'eta_cutoff';

/** The order processors run in, shown as-is by the panel. */
export const PROCESSOR_ORDER: readonly ProcessorName[] = [
  'repetition_penalty',
  'frequency_penalty',
  'presence_penalty',
  'no_repeat_ngram_size',
  'temperature',
  'top_k',
  'top_p',
  'min_p',
  'typical_p',
  'epsilon_cutoff',
  'eta_cutoff',
];

/** CTRL (Keskar et al. 2019), as HF's RepetitionPenaltyLogitsProcessor: every distinct token
 *  already in the sequence has a positive score divided by the penalty, a negative one multiplied. */
export function applyRepetitionPenalty(scores: Float32Array, sequence: readonly number[], penalty: number): Float32Array {
  const out = scores.slice();
  if (penalty === 1) return out;
  for (const id of new Set(sequence)) {
    const s = scores[id];
    out[id] = s < 0 ? s * penalty : s / penalty;
  }
  return out;
}

/** OpenAI's penalties over the tokens generated so far (the prompt is not counted):
 *  logit[j] −= count[j]·frequency + (count[j] > 0)·presence. */
export function applyFrequencyPresence(scores: Float32Array, generated: readonly number[], frequency: number, presence: number): Float32Array {
  const out = scores.slice();
  if (frequency === 0 && presence === 0) return out;
  const counts = new Map<number, number>();
  for (const id of generated) counts.set(id, (counts.get(id) ?? 0) + 1);
  for (const [id, c] of counts) out[id] -= c * frequency + presence;
  return out;
}

/** Tokens that would complete an n-gram already present in `sequence` (HF's NoRepeatNGramLogitsProcessor). */
export function bannedNgramTokens(sequence: readonly number[], n: number): number[] {
  const len = sequence.length;
  if (n <= 0 || len + 1 < n) return [];
  if (n === 1) return [...new Set(sequence)];
  const prefix = sequence.slice(len - (n - 1));
  const banned = new Set<number>();
  for (let i = 0; i + n <= len; i++) {
    let match = true;
    for (let j = 0; j < n - 1; j++) {
      if (sequence[i + j] !== prefix[j]) {
        match = false;
        break;
      }
    }
    if (match) banned.add(sequence[i + n - 1]);
  }
  return [...banned];
}

export function applyNoRepeatNgram(scores: Float32Array, sequence: readonly number[], n: number): Float32Array {
  const out = scores.slice();
  for (const id of bannedNgramTokens(sequence, n)) out[id] = -Infinity;
  return out;
}

export function applyTemperature(scores: Float32Array, temperature: number): Float32Array {
  if (temperature === 1) return scores.slice();
  return scores.map((s) => s / temperature);
}

/** HF's TopKLogitsWarper: remove scores below the k-th largest (ties with it are kept). */
export function applyTopK(scores: Float32Array, k: number, minTokensToKeep = 1): Float32Array {
  const out = scores.slice();
  const keep = Math.min(Math.max(k, minTokensToKeep), scores.length);
  if (k === 0 || keep >= scores.length) return out;
  const sorted = Array.from(scores).sort((a, b) => b - a);
  const kth = sorted[keep - 1];
  for (let i = 0; i < out.length; i++) if (out[i] < kth) out[i] = -Infinity;
  return out;
}

/** Ids sorted by score, highest first (ties: lower id first, so results are stable). */
export function sortedIds(scores: ArrayLike<number>): number[] {
  return Array.from({ length: scores.length }, (_, i) => i).sort((a, b) => scores[b] - scores[a] || a - b);
}

/**
 * HF's TopPLogitsWarper: sort ascending, remove tokens while the cumulative
 * probability from the bottom stays ≤ 1 − p — i.e. keep the smallest top set
 * whose probability reaches p — and always keep at least one token.
 */
export function applyTopP(scores: Float32Array, p: number, minTokensToKeep = 1): Float32Array {
  const out = scores.slice();
  if (p >= 1) return out;
  const probs = softmax(scores);
  const ascending = sortedIds(scores).reverse();
  let cumulative = 0;
  const removable = ascending.length - minTokensToKeep;
  for (let r = 0; r < removable; r++) {
    const id = ascending[r];
    cumulative += probs[id];
    if (cumulative <= 1 - p) out[id] = -Infinity;
    else break;
  }
  return out;
}

/** HF's MinPLogitsWarper (Nguyen et al. 2024): keep tokens with p ≥ min_p·p_max. */
export function applyMinP(scores: Float32Array, minP: number, minTokensToKeep = 1): Float32Array {
  const out = scores.slice();
  if (minP <= 0) return out;
  const probs = softmax(scores);
  let pMax = 0;
  for (const q of probs) pMax = Math.max(pMax, q);
  const threshold = minP * pMax;
  const keepAnyway = new Set(sortedIds(scores).slice(0, minTokensToKeep));
  for (let i = 0; i < out.length; i++) if (probs[i] < threshold && !keepAnyway.has(i)) out[i] = -Infinity;
  return out;
}

/** log-softmax in float64, −∞ kept (a token an earlier filter removed). */
function logSoftmax64(scores: ArrayLike<number>): number[] {
  let max = -Infinity;
  for (let i = 0; i < scores.length; i++) max = Math.max(max, scores[i]);
  let sum = 0;
  for (let i = 0; i < scores.length; i++) sum += Math.exp(scores[i] - max);
  const lse = max + Math.log(sum);
  return Array.from(scores, (x) => x - lse);
}

/** Shannon entropy in nats; tokens with p = 0 add nothing (torch's nansum / Categorical.entropy). */
function entropy(logp: readonly number[]): number {
  let h = 0;
  for (const l of logp) if (l > -Infinity) h -= Math.exp(l) * l;
  return h;
}

/**
 * HF's TypicalLogitsWarper (Meister et al. 2022, "Locally Typical Sampling"):
 * rank tokens by how far their surprisal −log p is from the entropy H, and keep
 * the closest ones until their probability reaches `mass` (the token that
 * crosses it, and any tied with it, stay). The likeliest token can be cut. The
 * first `minTokensToKeep` in that order are always kept.
 */
export function applyTypicalP(scores: Float32Array, mass: number, minTokensToKeep = 1): Float32Array {
  const out = scores.slice();
  if (mass >= 1) return out;
  const logp = logSoftmax64(scores);
  const h = entropy(logp);
  const shifted = logp.map((l) => Math.abs(-l - h)); // −∞ log-probs give +∞: last in the order
  const order = Array.from(shifted.keys()).sort((a, b) => shifted[a] - shifted[b] || a - b);
  let cumulative = 0;
  let lastInd = 0; // HF: the number of sorted tokens whose cumulative probability is still below `mass`
  for (const id of order) {
    cumulative += logp[id] > -Infinity ? Math.exp(logp[id]) : 0;
    if (cumulative < mass) lastInd++;
    else break;
  }
  const threshold = shifted[order[Math.min(lastInd, order.length - 1)]];
  order.forEach((id, rank) => {
    if (rank >= minTokensToKeep && shifted[id] > threshold) out[id] = -Infinity;
  });
  return out;
}

/** Keeps the tokens with p ≥ cutoff, and every token scoring at least the `minTokensToKeep`-th best (HF's rule). */
function cutBelow(scores: Float32Array, cutoff: number, minTokensToKeep: number): Float32Array {
  const out = scores.slice();
  const probs = softmax(scores);
  const kth = Array.from(scores).sort((a, b) => b - a)[Math.min(minTokensToKeep, scores.length) - 1];
  for (let i = 0; i < out.length; i++) if (probs[i] < cutoff && scores[i] < kth) out[i] = -Infinity;
  return out;
}

/** HF's EpsilonLogitsWarper (Hewitt et al. 2022, "Truncation Sampling as Language Model Desmoothing"): drop p < ε. */
export function applyEpsilonCutoff(scores: Float32Array, epsilon: number, minTokensToKeep = 1): Float32Array {
  if (!(epsilon > 0 && epsilon < 1)) return scores.slice();
  return cutBelow(scores, epsilon, minTokensToKeep);
}

/**
 * HF's EtaLogitsWarper (Hewitt et al. 2022): drop p < η with η = min(ε, √ε·e^(−H)),
 * a cutoff that falls when the distribution is flat (high entropy H) and a
 * long tail of plausible tokens should survive.
 */
export function applyEtaCutoff(scores: Float32Array, epsilon: number, minTokensToKeep = 1): Float32Array {
  if (!(epsilon > 0 && epsilon < 1)) return scores.slice();
  const eta = Math.min(epsilon, Math.sqrt(epsilon) * Math.exp(-entropy(logSoftmax64(scores))));
  return cutBelow(scores, eta, minTokensToKeep);
}

/** One processor's effect, for the panel: which tokens it removed, how far it moved the rest. */
export interface ProcessorStep {
  name: ProcessorName;
  /** Ids that were allowed before this processor and are −∞ after it. */
  removed: number[];
  /** Ids whose score changed but stayed finite (penalties, temperature). */
  changed: number;
  scores: Float32Array;
}

export interface ProcessedLogits {
  scores: Float32Array;
  steps: ProcessorStep[];
}

/** True when the settings pick the argmax (no randomness), as HF's greedy path. */
export function isGreedy(s: SamplingSettings): boolean {
  return !s.do_sample || s.temperature === 0;
}

/**
 * Runs every active processor in PROCESSOR_ORDER. `promptLength` separates the
 * prompt from generated tokens (the OpenAI penalties count generated ones only).
 * In greedy mode the warpers are skipped, as HF skips them: only the argmax counts.
 */
export function processLogits(logits: Float32Array, sequence: readonly number[], promptLength: number, s: SamplingSettings): ProcessedLogits {
  const steps: ProcessorStep[] = [];
  let scores: Float32Array = logits.slice();
  const greedy = isGreedy(s);
  const run = (name: ProcessorName, active: boolean, f: (x: Float32Array) => Float32Array) => {
    if (!active) return;
    const next = f(scores);
    const removed: number[] = [];
    let changed = 0;
    for (let i = 0; i < next.length; i++) {
      if (next[i] === -Infinity && scores[i] !== -Infinity) removed.push(i);
      else if (next[i] !== scores[i]) changed++;
    }
    steps.push({ name, removed, changed, scores: next });
    scores = next;
  };
  const generated = sequence.slice(promptLength);
  run('repetition_penalty', s.repetition_penalty !== 1, (x) => applyRepetitionPenalty(x, sequence, s.repetition_penalty));
  run('frequency_penalty', s.frequency_penalty !== 0, (x) => applyFrequencyPresence(x, generated, s.frequency_penalty, 0));
  run('presence_penalty', s.presence_penalty !== 0, (x) => applyFrequencyPresence(x, generated, 0, s.presence_penalty));
  run('no_repeat_ngram_size', s.no_repeat_ngram_size > 0, (x) => applyNoRepeatNgram(x, sequence, s.no_repeat_ngram_size));
  run('temperature', !greedy && s.temperature !== 1, (x) => applyTemperature(x, s.temperature));
  run('top_k', !greedy && s.top_k > 0, (x) => applyTopK(x, s.top_k));
  run('top_p', !greedy && s.top_p < 1, (x) => applyTopP(x, s.top_p));
  run('min_p', !greedy && s.min_p > 0, (x) => applyMinP(x, s.min_p));
  run('typical_p', !greedy && s.typical_p < 1, (x) => applyTypicalP(x, s.typical_p));
  run('epsilon_cutoff', !greedy && s.epsilon_cutoff > 0 && s.epsilon_cutoff < 1, (x) => applyEpsilonCutoff(x, s.epsilon_cutoff));
  run('eta_cutoff', !greedy && s.eta_cutoff > 0 && s.eta_cutoff < 1, (x) => applyEtaCutoff(x, s.eta_cutoff));
  return { scores, steps };
}
