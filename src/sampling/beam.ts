import type { GPT } from '../model/gpt.ts';
import type { KVCache } from '../model/kvcache.ts';
import { applyNoRepeatNgram, applyRepetitionPenalty } from './processors.ts';
import { MAX_BEAMS, SettingsError } from './settings.ts';

/**
 * Beam search with Hugging Face's semantics (BeamSearchScorer and
 * BeamHypotheses in transformers): per step, log-softmax, processors on the
 * log-probs, add each beam's running score, keep the 2·num_beams best
 * candidates over all beams; an end token among the top num_beams ranks
 * finishes a hypothesis scored sum_logprobs / length^length_penalty, where
 * length counts the generated tokens including the end token; the others fill
 * the next beams. `early_stopping` decides when the search may stop before
 * max_new_tokens, exactly as HF's BeamHypotheses.is_done.
 */

/** Next-token logits for each sequence (plain arrays in, plain arrays out). */
export type NextLogitsFn = (sequences: readonly (readonly number[])[]) => Float32Array[];

export interface BeamSettings {
  num_beams: number;
  max_new_tokens: number;
  length_penalty: number;
  early_stopping: boolean | 'never';
  no_repeat_ngram_size: number;
  repetition_penalty: number;
  /** Token ids that end a hypothesis. Without one, every beam runs to max_new_tokens. */
  eos_token_id?: number | number[];
  /** Diverse beam search (diverseBeam.ts): groups the beams split into; 1 or absent is plain beam search. */
  num_beam_groups?: number;
  /** Diverse beam search: Hamming penalty per earlier group that chose a token at this step. */
  diversity_penalty?: number;
}

export const DEFAULT_BEAM: BeamSettings = {
  num_beams: 4,
  max_new_tokens: 32,
  length_penalty: 1,
  early_stopping: false,
  no_repeat_ngram_size: 0,
  repetition_penalty: 1,
};

export interface BeamCandidate {
  /** Index of the beam (at the previous step) this candidate extends. */
  parent: number;
  token: number;
  /** Processed log-probability of `token` given the parent. */
  logprob: number;
  /** Parent's running score + logprob. */
  score: number;
  /** Rank among all candidates of this step (0 = best). */
  rank: number;
  fate: 'kept' | 'finished' | 'pruned';
}

export interface BeamStep {
  /** The running beams after this step: generated tokens and running score (sum of log-probs). */
  beams: { tokens: number[]; score: number; parent: number }[];
  candidates: BeamCandidate[];
}

export interface Hypothesis {
  /** Generated tokens (an end token included when it ended the hypothesis). */
  tokens: number[];
  sumLogprobs: number;
  /** Length used for the penalty: generated tokens, end token included. */
  length: number;
  /** sumLogprobs / length^length_penalty: what ranks hypotheses. */
  score: number;
  /** Step at which it finished (max_new_tokens for beams still running at the end). */
  step: number;
  endedBy: 'eos' | 'max_new_tokens';
}

export interface BeamResult {
  /** Prompt followed by the best hypothesis. */
  tokens: number[];
  best: Hypothesis;
  /** Finished hypotheses, best first (at most num_beams, as HF keeps). */
  hypotheses: Hypothesis[];
  steps: BeamStep[];
  /** Why it stopped: all hypotheses done per early_stopping, or max_new_tokens. */
  stoppedBecause: 'done' | 'max_new_tokens';
}

/** HF's BeamHypotheses: the num_beams best finished hypotheses. */
export class Hypotheses {
  readonly list: Hypothesis[] = [];
  worst = 1e9;
  constructor(private readonly numBeams: number, private readonly lengthPenalty: number) {}

  add(tokens: number[], sumLogprobs: number, length: number, step: number, endedBy: Hypothesis['endedBy']): void {
    const score = sumLogprobs / Math.pow(length, this.lengthPenalty);
    if (this.list.length < this.numBeams || score > this.worst) {
      this.list.push({ tokens, sumLogprobs, length, score, step, endedBy });
      if (this.list.length > this.numBeams) {
        const sorted = this.list.map((h, i) => [h.score, i] as const).sort((a, b) => a[0] - b[0]);
        this.list.splice(sorted[0][1], 1);
        this.worst = sorted[1][0];
      } else {
        this.worst = Math.min(score, this.worst);
      }
    }
  }

  isDone(bestRunning: number, generatedLen: number, maxNew: number, early: boolean | 'never'): boolean {
    if (this.list.length < this.numBeams) return false;
    if (early === true) return true;
    const lp = this.lengthPenalty;
    const len = early === 'never' && lp > 0 ? maxNew : generatedLen;
    return this.worst >= bestRunning / Math.pow(len, lp);
  }
}

export function logSoftmax(logits: Float32Array): Float32Array {
  let max = -Infinity;
  for (const x of logits) if (x > max) max = x;
  let sum = 0;
  for (const x of logits) sum += Math.exp(x - max);
  const lse = max + Math.log(sum);
  return logits.map((x) => x - lse);
}

export function checkBeamSettings(s: BeamSettings): void {
  if (!Number.isInteger(s.num_beams) || s.num_beams < 1 || s.num_beams > MAX_BEAMS) {
    throw new SettingsError('beams-out-of-range', 'num_beams', s.num_beams);
  }
  if (!Number.isInteger(s.max_new_tokens) || s.max_new_tokens < 1) throw new SettingsError('not-whole-positive', 'max_new_tokens', s.max_new_tokens);
  if (!Number.isFinite(s.length_penalty)) throw new SettingsError('not-finite', 'length_penalty', s.length_penalty);
  if (!(s.repetition_penalty > 0)) throw new SettingsError('not-positive', 'repetition_penalty', s.repetition_penalty);
  if (!Number.isInteger(s.no_repeat_ngram_size) || s.no_repeat_ngram_size < 0) throw new SettingsError('not-whole-non-negative', 'no_repeat_ngram_size', s.no_repeat_ngram_size);
}

/** The end-of-sequence ids of beam settings, as a set (none when eos_token_id is unset). */
export function eosTokens(settings: { eos_token_id?: number | number[] }): Set<number> {
  return new Set(settings.eos_token_id === undefined ? [] : ([] as number[]).concat(settings.eos_token_id));
}

/** Next-token logits for each beam; identical beams (all of them at step 1) need one model pass, not k. */
export function beamLogits(next: NextLogitsFn, prompt: readonly number[], beams: readonly { tokens: readonly number[] }[]): Float32Array[] {
  const keys = beams.map((b) => b.tokens.join(','));
  const unique = [...new Set(keys)];
  const uniqueLogits = next(unique.map((key) => prompt.concat(beams[keys.indexOf(key)].tokens)));
  return keys.map((key) => uniqueLogits[unique.indexOf(key)]);
}

export function beamSearch(next: NextLogitsFn, prompt: readonly number[], settings: BeamSettings): BeamResult {
  checkBeamSettings(settings);
  if (prompt.length === 0) throw new RangeError('The prompt is empty: beam search needs at least one token to start from.');
  const { num_beams: k, max_new_tokens: maxNew } = settings;
  const eos = eosTokens(settings);
  const hyps = new Hypotheses(k, settings.length_penalty);
  // All beams start as the prompt; only the first counts at step 1 (HF sets the others to −1e9,
  // so their candidates rank last and fill beams only when nothing better exists).
  let beams = Array.from({ length: k }, (_, i) => ({ tokens: [] as number[], score: i === 0 ? 0 : -1e9, parent: 0 }));
  const steps: BeamStep[] = [];
  let stoppedBecause: BeamResult['stoppedBecause'] = 'max_new_tokens';
  const keep = Math.max(2, 1 + eos.size) * k;

  for (let step = 1; step <= maxNew; step++) {
    const live = beams;
    const logits = beamLogits(next, prompt, live);
    const cands: { parent: number; token: number; logprob: number; score: number }[] = [];
    live.forEach((b, bi) => {
      const seq = prompt.concat(b.tokens);
      let lp = logSoftmax(logits[bi]);
      if (settings.repetition_penalty !== 1) lp = applyRepetitionPenalty(lp, seq, settings.repetition_penalty);
      if (settings.no_repeat_ngram_size > 0) lp = applyNoRepeatNgram(lp, seq, settings.no_repeat_ngram_size);
      // Only the best `keep` of each beam can enter the global top `keep`.
      const order = Array.from(lp.keys()).sort((x, y) => lp[y] - lp[x] || x - y).slice(0, keep);
      for (const t of order) if (lp[t] > -Infinity) cands.push({ parent: bi, token: t, logprob: lp[t], score: b.score + lp[t] });
    });
    // HF's torch.topk over the flattened [beam × vocab] scores, ties by flat index.
    const V = logits[0].length;
    cands.sort((a, b) => b.score - a.score || a.parent * V + a.token - (b.parent * V + b.token));
    const top = cands.slice(0, keep);
    const nextBeams: typeof beams = [];
    const traced: BeamCandidate[] = top.map((c, rank) => ({ ...c, rank, fate: 'pruned' as BeamCandidate['fate'] }));
    for (const c of traced) {
      if (nextBeams.length === k) break;
      if (eos.has(c.token)) {
        if (c.rank >= k) continue; // HF: an end token ranked below num_beams does not finish
        hyps.add(live[c.parent].tokens.concat(c.token), c.score, step, step, 'eos');
        c.fate = 'finished';
      } else {
        nextBeams.push({ tokens: live[c.parent].tokens.concat(c.token), score: c.score, parent: c.parent });
        c.fate = 'kept';
      }
    }
    if (nextBeams.length < k) {
      throw new RangeError(`Only ${nextBeams.length} continuations were allowed at step ${step}: the n-gram ban or end tokens left too few for ${k} beams.`);
    }
    beams = nextBeams;
    steps.push({ beams: beams.map((b) => ({ ...b, tokens: b.tokens.slice() })), candidates: traced });
    const bestRunning = Math.max(...top.map((c) => c.score));
    if (hyps.isDone(bestRunning, step, maxNew, settings.early_stopping)) {
      stoppedBecause = 'done';
      break;
    }
  }
  if (stoppedBecause === 'max_new_tokens') {
    // HF's finalize: every running beam becomes a candidate hypothesis.
    for (const b of beams) hyps.add(b.tokens, b.score, b.tokens.length, b.tokens.length, 'max_new_tokens');
  }
  const hypotheses = hyps.list.slice().sort((a, b) => b.score - a.score);
  const best = hypotheses[0];
  return { tokens: prompt.concat(best.tokens), best, hypotheses, steps, stoppedBecause };
}

/**
 * Next-token logits with a KV cache per beam: a beam extending its parent
 * forks the parent's cache and runs one token, instead of its whole window.
 * Call `dispose()` when the search is over.
 */
export function cachedModelLogits(model: GPT): NextLogitsFn & { dispose(): void } {
  const blockSize = model.contextWindow; // the window less any virtual tokens a prompt-learning adapter puts in front
  let caches = new Map<string, KVCache>();
  const fn = (seqs: readonly (readonly number[])[]) => {
    const next = new Map<string, KVCache>();
    const out = seqs.map((s) => {
      const key = s.join(',');
      if (s.length > blockSize) return model.run(s.slice(s.length - blockSize)).lastLogits; // past the window: recompute
      const parent = caches.get(s.slice(0, -1).join(','));
      const cache = parent ? parent.fork() : model.createCache();
      const logits = model.run(parent ? [s[s.length - 1]] : s, { cache }).lastLogits;
      next.get(key)?.dispose();
      next.set(key, cache);
      return logits;
    });
    for (const c of caches.values()) c.dispose();
    caches = next;
    return out;
  };
  return Object.assign(fn, {
    dispose() {
      for (const c of caches.values()) c.dispose();
      caches.clear();
    },
  });
}

/** Next-token logits from the model, one pass per beam over its last context window. */
export function modelLogits(model: GPT): NextLogitsFn {
  const blockSize = model.contextWindow; // the window less any virtual tokens a prompt-learning adapter puts in front
  return (seqs) => seqs.map((s) => model.run(s.slice(Math.max(0, s.length - blockSize))).lastLogits);
}
