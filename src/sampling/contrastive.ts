import type { GPT } from '../model/gpt.ts';
import type { KVCache } from '../model/kvcache.ts';
import { softmax } from '../util/softmax.ts';
import { type Notice, addOnce, ngramBanLifted, promptCut, windowSlid } from './notices.ts';
import { bannedNgramTokens, processLogits, sortedIds } from './processors.ts';
import { type SamplingSettings, checkSettings } from './settings.ts';
import type { DecodeStep } from './session.ts';

/**
 * Contrastive search (Su et al. 2022, "A Contrastive Framework for Neural Text
 * Generation"), as Hugging Face's `_contrastive_search` runs it with
 * `penalty_alpha` > 0 and `top_k` ≥ 2: take the top_k tokens of the processed
 * next-token distribution, run the model once on each to get its last hidden
 * state h_v, and pick
 *
 *   argmax_v (1 − α)·p(v) − α·max_j cos(h_v, h_j)
 *
 * where h_j are the last hidden states of every earlier token (prompt
 * included). The second term — the degeneration penalty — is large for a token
 * whose representation repeats one already in the text: the cure for
 * parroting is to prefer the continuation that says something new. α = 0 is
 * greedy decoding.
 */

export interface ContrastiveCandidate {
  id: number;
  /** Probability after the logits processors (repetition_penalty, no_repeat_ngram_size …). */
  prob: number;
  /** max_j cos(h_v, h_j): how much this token's hidden state repeats an earlier one. */
  penalty: number;
  /** (1 − α)·prob − α·penalty: what decides. */
  score: number;
}

export function cosineSimilarity(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let dot = 0;
  let na = 0;
  let nb = 0;
  for (let i = 0; i < a.length; i++) {
    dot += a[i] * b[i];
    na += a[i] * a[i];
    nb += b[i] * b[i];
  }
  return dot / (Math.sqrt(na) * Math.sqrt(nb));
}

/** HF's _ranking_fast for one sequence; ties go to the first candidate (torch.argmax), i.e. the likelier one. */
export function rankCandidates(
  context: readonly ArrayLike<number>[],
  candidates: readonly { id: number; prob: number; hidden: ArrayLike<number> }[],
  alpha: number,
): { candidates: ContrastiveCandidate[]; best: number } {
  const ranked = candidates.map((c) => {
    let penalty = -Infinity;
    for (const h of context) penalty = Math.max(penalty, cosineSimilarity(c.hidden, h));
    if (context.length === 0) penalty = 0;
    return { id: c.id, prob: c.prob, penalty, score: (1 - alpha) * c.prob - alpha * penalty };
  });
  let best = 0;
  for (let i = 1; i < ranked.length; i++) if (ranked[i].score > ranked[best].score) best = i;
  return { candidates: ranked, best };
}

/** What contrastive search needs of a language model: next-token logits and last hidden states. */
export interface ContrastiveLM {
  /** The prompt's last hidden state at every position, and the next-token logits after it. */
  prefill(prompt: readonly number[]): { hidden: Float32Array[]; logits: Float32Array };
  /** `token` appended to `sequence`: its last hidden state and the next-token logits after it. */
  candidate(sequence: readonly number[], token: number): { hidden: Float32Array; logits: Float32Array };
  /** The search chose `token` after `sequence`: the other candidates of this step can go. */
  keep(sequence: readonly number[], token: number): void;
  dispose?(): void;
}

/** One contrastive step: a DecodeStep (what the panel shows for any token) and the candidates it weighed. */
export interface ContrastiveStep extends DecodeStep {
  candidates: ContrastiveCandidate[];
}

/**
 * Contrastive search one token at a time, like DecodeSession: `step()` picks,
 * records and appends one token. Deterministic: no seed is needed.
 */
export class ContrastiveSearch {
  readonly tokens: number[];
  readonly generated: number[] = [];
  readonly steps: ContrastiveStep[] = [];
  readonly promptLength: number;
  /** Last hidden state of every token so far. */
  readonly context: Float32Array[];
  private pending: Float32Array;
  private readonly settings: SamplingSettings;

  constructor(
    private readonly lm: ContrastiveLM,
    prompt: readonly number[],
    settings: SamplingSettings,
    readonly notices: Notice[] = [],
    private readonly loopNgram = 3,
  ) {
    if (prompt.length === 0) throw new RangeError('The prompt is empty: type at least one character.');
    // The processors run as in greedy decoding: penalties and bans yes, sampling warpers no.
    this.settings = { ...settings, do_sample: false };
    this.tokens = prompt.slice();
    this.promptLength = prompt.length;
    const first = lm.prefill(this.tokens);
    this.context = first.hidden.slice();
    this.pending = first.logits;
  }

  step(): ContrastiveStep {
    const logits = this.pending;
    const s = this.settings;
    let processed = processLogits(logits, this.tokens, this.promptLength, s);
    if (processed.scores.every((x) => x === -Infinity)) {
      addOnce(this.notices, ngramBanLifted());
      processed = processLogits(logits, this.tokens, this.promptLength, { ...s, no_repeat_ngram_size: 0 });
    }
    const probs = softmax(processed.scores);
    // HF takes torch.topk of the probabilities; a banned token (p = 0) is left out here even when fewer than top_k remain.
    const top = sortedIds(processed.scores).filter((id) => probs[id] > 0).slice(0, Math.max(1, s.top_k));
    const looked = top.map((id) => ({ id, prob: probs[id], ...this.lm.candidate(this.tokens, id) }));
    const { candidates, best } = rankCandidates(this.context, looked, s.penalty_alpha);
    const chosen = looked[best];
    this.lm.keep(this.tokens, chosen.id);
    const raw = softmax(logits);
    const loopTokens = bannedNgramTokens(this.tokens, this.loopNgram);
    const step: ContrastiveStep = {
      id: chosen.id,
      prob: chosen.prob,
      rawProb: raw[chosen.id],
      rawRepeatMass: loopTokens.reduce((m, id) => m + raw[id], 0),
      repeatMass: loopTokens.reduce((m, id) => m + probs[id], 0),
      u: null,
      top: top.slice(0, 10).map((id) => ({ id, prob: probs[id] })),
      steps: [],
      candidates,
    };
    this.tokens.push(chosen.id);
    this.generated.push(chosen.id);
    this.context.push(chosen.hidden);
    this.pending = chosen.logits;
    this.steps.push(step);
    return step;
  }

  dispose(): void {
    this.lm.dispose?.();
  }
}

const rows = (m: { rows: number; cols: number; data: Float32Array }) =>
  Array.from({ length: m.rows }, (_, r) => m.data.slice(r * m.cols, (r + 1) * m.cols));

/**
 * The model as a ContrastiveLM: each candidate runs one token on a fork of the
 * KV cache; the chosen fork becomes the cache, the others are disposed. When
 * the window fills, it slides by half and the cache is rebuilt (the hidden
 * states already collected stay in the context). Call `dispose()` when done.
 */
export function modelContrastiveLM(model: GPT, notices: Notice[] = []): ContrastiveLM & { dispose(): void } {
  const blockSize = model.contextWindow; // the window less any virtual tokens a prompt-learning adapter puts in front
  let cache: KVCache | null = null;
  let windowStart = 0;
  let forks = new Map<number, KVCache>();
  const dropForks = (except?: number) => {
    for (const [id, c] of forks) if (id !== except) c.dispose();
    forks = new Map();
  };
  return {
    prefill(prompt) {
      cache?.dispose();
      cache = model.createCache();
      windowStart = 0;
      const r = model.run(prompt, { cache, hidden: true });
      return { hidden: rows(r.hidden!), logits: r.lastLogits };
    },
    candidate(sequence, token) {
      if (!cache) throw new Error('prefill() first');
      if (sequence.length + 1 - windowStart > blockSize) {
        dropForks();
        cache.dispose();
        addOnce(notices, windowSlid(blockSize));
        windowStart = sequence.length + 1 - Math.floor(blockSize / 2);
        cache = model.createCache();
        model.run(sequence.slice(windowStart), { cache });
      }
      const fork = cache.fork();
      const r = model.run([token], { cache: fork, hidden: true });
      forks.get(token)?.dispose();
      forks.set(token, fork);
      return { hidden: r.hidden!.data.slice(), logits: r.lastLogits };
    },
    keep(_sequence, token) {
      const kept = forks.get(token);
      if (!kept) throw new Error(`no candidate ${token} to keep`);
      dropForks(token);
      cache?.dispose();
      cache = kept;
    },
    dispose() {
      dropForks();
      cache?.dispose();
      cache = null;
    },
  };
}

/** A contrastive search over the model, the prompt cut to the window as DecodeSession cuts it. */
export function contrastiveSession(model: GPT, prompt: readonly number[], settings: SamplingSettings, loopNgram = 3): ContrastiveSearch {
  const { settings: s, notices } = checkSettings(settings, model.config.vocabSize);
  const blockSize = model.contextWindow; // the window less any virtual tokens a prompt-learning adapter puts in front
  let tokens = prompt.slice();
  if (tokens.length > blockSize) {
    notices.push(promptCut(tokens.length, blockSize));
    tokens = tokens.slice(tokens.length - blockSize);
  }
  const lm = modelContrastiveLM(model, notices);
  try {
    return new ContrastiveSearch(lm, tokens, s, notices, loopNgram);
  } catch (e) {
    lm.dispose();
    throw e;
  }
}

/** True when the settings ask for contrastive search, as Hugging Face decides it (penalty_alpha > 0, top_k > 1, no sampling, one beam). */
export function isContrastive(s: SamplingSettings): boolean {
  return s.penalty_alpha > 0 && s.top_k > 1 && !s.do_sample && s.num_beams === 1;
}
