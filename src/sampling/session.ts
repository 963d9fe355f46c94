import type { GPT } from '../model/gpt.ts';
import type { KVCache } from '../model/kvcache.ts';
import type { ForwardTrace } from '../model/trace.ts';
import { Rng } from '../util/random.ts';
import { softmax } from '../util/softmax.ts';
import { drawToken } from './draw.ts';
import { type Notice, addOnce, ngramBanLifted, promptCut, windowSlid } from './notices.ts';
import { type ProcessorStep, bannedNgramTokens, isGreedy, processLogits } from './processors.ts';
import { type SamplingSettings, checkSettings } from './settings.ts';

export interface SessionOptions {
  seed: number;
  /** n for the repeat-mass measure (3: a repeated trigram is a loop under way). */
  loopNgram?: number;
  /** Record the forward trace of every model call (attention panel). */
  trace?: boolean;
  /** Keep each step's per-processor scores (sampling panel's filter view). */
  keepProcessorSteps?: boolean;
}

/** Everything about one generated token that the panel shows or measures. */
export interface DecodeStep {
  id: number;
  /** Probability of the chosen id under the processed distribution. */
  prob: number;
  /** The model's own (raw softmax) probability of the chosen id. */
  rawProb: number;
  /** Probability mass on tokens that would complete an n-gram already in the text
   *  (n = `loopNgram`): the model's pull towards repeating itself. Raw and processed. */
  rawRepeatMass: number;
  repeatMass: number;
  u: number | null;
  /** Top tokens of the processed distribution at this step. */
  top: { id: number; prob: number }[];
  steps: ProcessorStep[];
}

/**
 * Decoding one token at a time, keeping the KV cache between calls, so a
 * caller (a worker answering "stop", a panel stepping) can run one step, look,
 * and run the next. Sampling is seeded: the same prompt, settings and seed give
 * the same tokens whatever the pace of the calls. A prompt longer than the
 * context window is cut from the left; when the window fills it slides by half
 * and the cache is rebuilt (cached keys carry positions that no longer hold).
 */
export class DecodeSession {
  readonly tokens: number[];
  readonly generated: number[] = [];
  readonly steps: DecodeStep[] = [];
  readonly notices: Notice[];
  /** Trace of the last model call: the prompt's prefill, or one new query row. */
  lastTrace: ForwardTrace | null = null;
  /** Index in `tokens` of the first token inside the window (0 until the window slides). */
  windowStart = 0;
  readonly promptLength: number;
  private readonly settings: SamplingSettings;
  private readonly rng: Rng;
  private cache: KVCache | null = null;
  private cachedUpTo = 0;
  private pendingLogits: Float32Array | null = null;
  private disposed = false;

  constructor(readonly model: GPT, prompt: readonly number[], settings: SamplingSettings, readonly opts: SessionOptions) {
    const { settings: s, notices } = checkSettings(settings, model.config.vocabSize);
    if (s.num_beams > 1) throw new RangeError('A decode session samples or picks greedily; use beamSearch() for num_beams > 1.');
    if (prompt.length === 0) throw new RangeError('The prompt is empty: type at least one character.');
    this.settings = s;
    this.notices = notices;
    this.rng = new Rng(opts.seed);
    const blockSize = model.contextWindow; // positions left for the text once a prompt's virtual tokens take theirs
    let tokens = prompt.slice();
    if (tokens.length > blockSize) {
      this.notices.push(promptCut(tokens.length, blockSize));
      tokens = tokens.slice(tokens.length - blockSize);
    }
    this.tokens = tokens;
    this.promptLength = tokens.length;
  }

  /** Next-token logits for the text so far (runs the model on the tokens the cache has not seen). */
  nextLogits(): Float32Array {
    if (this.disposed) throw new Error('This decode session has been disposed.');
    if (this.pendingLogits) return this.pendingLogits;
    const blockSize = this.model.contextWindow;
    if (!this.cache || this.tokens.length - this.windowStart > blockSize) {
      if (this.cache) {
        this.cache.dispose();
        addOnce(this.notices, windowSlid(blockSize));
        this.windowStart = this.tokens.length - Math.floor(blockSize / 2);
      }
      this.cache = this.model.createCache();
      this.cachedUpTo = this.windowStart;
    }
    const fresh = this.tokens.slice(this.cachedUpTo);
    const r = this.model.run(fresh, { cache: this.cache, trace: this.opts.trace });
    this.cachedUpTo = this.tokens.length;
    this.lastTrace = r.trace ?? null;
    this.pendingLogits = r.lastLogits;
    return r.lastLogits;
  }

  /** Picks, records and appends one token. */
  step(): DecodeStep {
    const logits = this.nextLogits();
    const s = this.settings;
    let processed = processLogits(logits, this.tokens, this.promptLength, s);
    if (processed.scores.every((x) => x === -Infinity)) {
      addOnce(this.notices, ngramBanLifted());
      processed = processLogits(logits, this.tokens, this.promptLength, { ...s, no_repeat_ngram_size: 0 });
    }
    const draw = drawToken(processed.scores, isGreedy(s), this.rng);
    const raw = softmax(logits);
    const loopTokens = bannedNgramTokens(this.tokens, this.opts.loopNgram ?? 3);
    const step: DecodeStep = {
      id: draw.id,
      prob: draw.probs[draw.id],
      rawProb: raw[draw.id],
      rawRepeatMass: loopTokens.reduce((m, id) => m + raw[id], 0),
      repeatMass: loopTokens.reduce((m, id) => m + draw.probs[id], 0),
      u: draw.u,
      top: draw.order.slice(0, 10).map((id) => ({ id, prob: draw.probs[id] })),
      steps: this.opts.keepProcessorSteps ? processed.steps : [],
    };
    this.tokens.push(draw.id);
    this.generated.push(draw.id);
    this.steps.push(step);
    this.pendingLogits = null;
    return step;
  }

  dispose(): void {
    this.cache?.dispose();
    this.cache = null;
    this.disposed = true;
  }
}
