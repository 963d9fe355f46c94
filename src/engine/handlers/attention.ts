// The Attention panel's side of the worker. The work itself (a traced decode
// session, the logit lens, the mask lesson, teacher forcing) is written against
// a model and a tokenizer only, so Node tests drive exactly what the worker
// runs; the handlers at the bottom add the live sequence and the messages.
// The worker keeps the sequence's traced rows (attentionStore.ts) and answers
// the page's requests for what it draws: one head's window, a query's row and
// stages, a layer's lines, the grid's thumbnails.

import type { AttentionMethods, AttentionToken, ByteFallback, GridResult, HeadScoresResult, OpenParams, PickedToken, StepWindow, VirtualColumns, VirtualWeights } from '../attentionProtocol.ts';
import type { ModelSlot } from '../protocol.ts';
import { type Handler, engineReady, modelIn, yieldToEvents } from '../runtime.ts';
import { type GPT, InputError } from '../../model/gpt.ts';
import { DecodeSession } from '../../sampling/session.ts';
import type { Notice } from '../../sampling/notices.ts';
import type { Tokenizer } from '../../tokenizer/index.ts';
import type { VirtualTokens } from '../../model/virtual.ts';
import { byteFallback, encodePrompt, lensRows, tokenView } from './attentionTokens.ts';
import { maskLesson, teacherForcing } from './attentionLessons.ts';
import { ablationCompare, headScores } from './attentionHeads.ts';
import { type StoredFrame, StepRows, storeFrame, storedBytes, windowOf } from './attentionStore.ts';

export { LENS_FLOP_BUDGET, byteFallback, encodePrompt, lensRowLimit, lensRows, tokenView } from './attentionTokens.ts';
export { maskLesson, teacherForcing } from './attentionLessons.ts';
export { ablationCompare, headScores, probeExcludedIds } from './attentionHeads.ts';

// ---- a sequence stepped one token at a time -----------------------------------------------

/**
 * A DecodeSession with its trace on. After every step it also runs the new
 * token through the model (`nextLogits`), so the newest frame holds the new
 * token's query row and the distribution for the token after it; the next
 * step draws from those same logits, so no call is ever repeated and the
 * draws match an untraced session with the same seed.
 */
export class AttentionSequence {
  readonly promptTokenCount: number;
  readonly fallback: ByteFallback[];
  /** frames[s]: what the model call after s generated tokens traced, as kept. */
  readonly frames: StoredFrame[] = [];
  readonly picks: PickedToken[] = [];
  /** The prompt attached to the model when the sequence opened (its KV cache holds it), and its columns as traced. */
  readonly virtualTokens: VirtualTokens | null;
  virtual: VirtualColumns | null = null;
  private readonly session: DecodeSession;
  private readonly lensTopK: number;

  constructor(
    readonly model: GPT,
    readonly tokenizer: Tokenizer,
    params: Pick<OpenParams, 'prompt' | 'settings' | 'seed' | 'lensTopK'>,
  ) {
    const ids = encodePrompt(tokenizer, params.prompt);
    this.promptTokenCount = ids.length;
    this.fallback = byteFallback(tokenizer, params.prompt, ids);
    this.virtualTokens = model.virtualTokens;
    this.session = new DecodeSession(model, ids, params.settings, { seed: params.seed, trace: true });
    this.lensTopK = params.lensTopK;
    try {
      this.frames.push(this.runNewest());
    } catch (e) {
      this.session.dispose();
      throw e;
    }
  }

  private runNewest(): StoredFrame {
    this.session.nextLogits();
    const trace = this.session.lastTrace!;
    const windowStart = this.session.windowStart;
    const lens = lensRows(this.model, this.tokenizer, trace, this.lensTopK);
    // With virtual tokens the cache's first positions are theirs: the window's tokens start after them.
    this.virtual = trace.virtual;
    const v = trace.virtual?.count ?? 0;
    const frame = storeFrame(
      trace.layers.map((l) => l.attention),
      windowStart + trace.positionOffset - v,
      windowStart,
      lens,
      v,
    );
    // The trace holds every layer's whole scores and weights (1.2 GB for a 1,024-token prefill of GPT-2): the rows are kept, the trace let go.
    this.session.lastTrace = null;
    return frame;
  }

  /** The window of every step so far. */
  steps(from = 0): StepWindow[] {
    return this.frames.slice(from).map(windowOf);
  }

  /** Bytes of attention kept for the whole sequence. */
  get storedBytes(): number {
    return storedBytes(this.frames);
  }

  /** Step `step`'s window and the rows that make it. */
  at(step: number): StepRows {
    return new StepRows(this.frames, step);
  }

  get tokens(): readonly number[] {
    return this.session.tokens;
  }

  get promptLength(): number {
    return this.session.promptLength;
  }

  get notices(): Notice[] {
    return this.session.notices.slice();
  }

  /** Draws one token from the newest frame's logits and runs it: one more frame. */
  advance(): { token: AttentionToken; pick: PickedToken; frame: StoredFrame } {
    const step = this.session.step();
    const frame = this.runNewest();
    const pick: PickedToken = { id: step.id, prob: step.prob, rawProb: step.rawProb, u: step.u };
    this.picks.push(pick);
    this.frames.push(frame);
    return { token: tokenView(this.tokenizer, step.id), pick, frame };
  }

  tokenViews(from = 0): AttentionToken[] {
    return this.session.tokens.slice(from).map((id) => tokenView(this.tokenizer, id));
  }

  dispose(): void {
    this.session.dispose();
  }
}

// ---- the worker's live sequence ----------------------------------------------------------

/** The page asked to step a sequence the worker no longer holds; it reopens from the link's state. */
export class SequenceGone extends Error {
  override name = 'SequenceGone';
}

/** One live sequence per worker: the panel shows one, and opening another frees the old cache. */
let live: { id: number; slot: ModelSlot; sequence: AttentionSequence } | null = null;
let nextSequenceId = 1;

/** The live sequence `id`, still on the model it started with. */
function liveSequence(id: number): { id: number; slot: ModelSlot; sequence: AttentionSequence } {
  const current = live;
  if (!current || current.id !== id) throw new SequenceGone('The engine no longer holds this sequence.');
  if (modelIn(current.slot).model !== current.sequence.model) {
    closeLive();
    throw new SequenceGone('The model was reloaded since this sequence started.');
  }
  if (current.sequence.model.virtualTokens !== current.sequence.virtualTokens) {
    closeLive();
    throw new SequenceGone('A prompt was attached to the model or taken off since this sequence started.');
  }
  return current;
}

function checkHead(model: GPT, layer: number, head: number): void {
  const { nLayer, nHead } = model.config;
  if (!(Number.isInteger(layer) && layer >= 0 && layer < nLayer && Number.isInteger(head) && head >= 0 && head < nHead)) {
    throw new InputError(`There is no layer ${layer}, head ${head}: this model has ${nLayer} layers × ${nHead} heads.`);
  }
}

/** A window [start, start + size) inside a step of `n` rows. */
function checkWindow(start: number, size: number, n: number): void {
  if (!(Number.isInteger(start) && Number.isInteger(size) && start >= 0 && size >= 1 && start + size <= n)) {
    throw new InputError(`Rows ${start}…${start + size - 1} are not inside this step's ${n} tokens.`);
  }
}

/** One head's weights on the virtual columns for the heatmap: the window's rows, the selected row, and the head's share. */
function virtualWeights(at: StepRows, layer: number, head: number, q: number, window: { start: number; size: number }): VirtualWeights | null {
  if (at.virtual === 0) return null;
  return { count: at.virtual, window: at.virtualBlock(layer, head, window.start, window.size), row: at.virtualBlock(layer, head, q, 1), share: at.virtualShare(layer, head) };
}

/** The grid's last answer, for the live sequence only. */
let lastGrid: { sequence: AttentionSequence; result: GridResult } | null = null;

function closeLive(): void {
  live?.sequence.dispose();
  live = null;
  lastGrid = null;
}

/** Steps between yields, so a stop or a newer call gets through during a long replay. */
const STEPS_PER_SLICE = 4;

function checkIds(model: GPT, ids: readonly number[]): void {
  if (ids.length === 0) throw new InputError('There are no tokens to run.', 'no-tokens');
  if (ids.length > model.config.blockSize) {
    throw new InputError(`${ids.length} tokens do not fit the context window of ${model.config.blockSize}.`, 'too-long', { tokens: ids.length, blockSize: model.config.blockSize });
  }
}

/** One handler per method of AttentionMethods. */
export const attentionHandlers: { [M in keyof AttentionMethods]: Handler<M> } = {
  async attentionOpen(params, job) {
    await engineReady();
    const { model, tokenizer } = modelIn(params.slot);
    closeLive();
    const sequence = new AttentionSequence(model, tokenizer, params);
    const id = nextSequenceId++;
    live = { id, slot: params.slot, sequence };
    let stopped = false;
    for (let i = 0; i < params.steps; i++) {
      if (i % STEPS_PER_SLICE === 0 && i > 0) {
        job.emit({ type: 'progress', done: i, total: params.steps });
        await yieldToEvents();
        if (live?.sequence !== sequence) throw new SequenceGone('A newer sequence replaced this one.');
      }
      if (job.stopped) {
        stopped = true;
        break;
      }
      sequence.advance();
    }
    return {
      sequence: id,
      tokens: sequence.tokenViews(),
      promptLength: sequence.promptLength,
      promptTokenCount: sequence.promptTokenCount,
      steps: sequence.steps(),
      picks: sequence.picks.slice(),
      notices: sequence.notices,
      fallback: sequence.fallback,
      stopped,
      storedBytes: sequence.storedBytes,
      virtual: sequence.virtual,
    };
  },

  async attentionStep({ sequence: id, have, count }, job) {
    await engineReady();
    const current = liveSequence(id);
    const sequence = current.sequence;
    if (have !== sequence.frames.length) throw new SequenceGone(`The page holds ${have} steps but the engine ${sequence.frames.length}.`);
    const from = sequence.tokens.length;
    let stopped = false;
    for (let i = 0; i < count; i++) {
      if (i > 0 && i % STEPS_PER_SLICE === 0) {
        await yieldToEvents();
        if (live !== current) throw new SequenceGone('A newer sequence replaced this one.');
      }
      if (job.stopped) {
        stopped = true;
        break;
      }
      sequence.advance();
    }
    return {
      tokens: sequence.tokenViews(from),
      steps: sequence.steps(have),
      picks: sequence.picks.slice(have - 1),
      notices: sequence.notices,
      stopped,
      storedBytes: sequence.storedBytes,
    };
  },

  async attentionHead({ sequence: id, step, layer, head, row, window, overview }) {
    await engineReady();
    const { sequence } = liveSequence(id);
    const { config } = sequence.model;
    checkHead(sequence.model, layer, head);
    const at = sequence.at(step);
    const n = at.size;
    checkWindow(window.start, window.size, n);
    const q = at.resolve(row);
    const rowWeights = new Float32Array(n);
    at.weights(layer, head, q, 0, n, rowWeights);
    const whole = window.start === 0 && window.size === n;
    return {
      step: at.step,
      layer,
      head,
      size: n,
      row: q,
      window: { start: window.start, ...at.block(layer, head, window.start, window.size) },
      overview: whole || overview < 1 ? null : at.thumbnail(layer, head, Math.round(overview)).matrix,
      rowWeights,
      stages: at.stages(layer, head, q, config.nEmbd / config.nHead),
      lens: at.lens(q),
      virtual: virtualWeights(at, layer, head, q, window),
    };
  },

  async attentionLines({ sequence: id, step, layer, heads, start, size }) {
    await engineReady();
    const { sequence } = liveSequence(id);
    for (const h of heads) checkHead(sequence.model, layer, h);
    const at = sequence.at(step);
    checkWindow(start, size, at.size);
    return { step: at.step, layer, heads: heads.map((head) => ({ head, values: at.block(layer, head, start, size).values })) };
  },

  async attentionGrid({ sequence: id, step, side }) {
    await engineReady();
    const { sequence } = liveSequence(id);
    const { nLayer, nHead } = sequence.model.config;
    const at = sequence.at(step);
    const thumbSize = Math.min(at.size, Math.max(1, Math.round(side)));
    // The grid reads every kept weight of the step (151 million at GPT-2's 1,024 tokens, about 1.5 s): the last answer is kept for a view switched back to.
    const cached = lastGrid?.sequence === sequence && lastGrid.result.step === at.step && lastGrid.result.thumbSize === thumbSize ? lastGrid.result : null;
    if (cached) return cached;
    const heads = [];
    for (let layer = 0; layer < nLayer; layer++) {
      for (let head = 0; head < nHead; head++) {
        const { matrix, habit, virtual } = at.thumbnail(layer, head, thumbSize);
        const count = at.virtual;
        heads.push({ layer, head, values: matrix.values, masked: matrix.masked, habit, virtual: virtual && { count, values: virtual, share: at.virtualShare(layer, head) } });
      }
    }
    const result = { step: at.step, size: at.size, thumbSize, heads };
    lastGrid = { sequence, result };
    return result;
  },

  async attentionClose({ sequence }) {
    if (live?.id !== sequence) return { closed: false };
    closeLive();
    return { closed: true };
  },

  async attentionMasks({ slot, ids, prefixLength, layer, head }) {
    await engineReady();
    const { model, tokenizer } = modelIn(slot);
    checkIds(model, ids);
    checkHead(model, layer, head);
    return maskLesson(model, tokenizer, ids, prefixLength, layer, head);
  },

  async teacherForcing({ slot, ids }) {
    await engineReady();
    const { model, tokenizer } = modelIn(slot);
    checkIds(model, ids);
    return teacherForcing(model, tokenizer, ids);
  },

  async headScores({ slot, seed }, job) {
    await engineReady();
    const { model, tokenizer } = modelIn(slot);
    // The scan is a property of the weights and the seed: kept for a grid switched back to.
    const kept = lastScan?.model === model && lastScan.result.seed === seed ? lastScan.result : null;
    if (kept) return kept;
    const result = await headScores(model, tokenizer, seed, { shouldStop: () => job.stopped, onProgress: (e) => job.emit(e), pause: yieldToEvents });
    if (!result.stopped) lastScan = { model, result };
    return result;
  },

  async ablationCompare({ slot, prompt, ablate, maxNewTokens }) {
    await engineReady();
    const { model, tokenizer } = modelIn(slot);
    if (!(Number.isInteger(maxNewTokens) && maxNewTokens >= 1 && maxNewTokens <= 1000)) throw new InputError(`${maxNewTokens} is not a number of tokens to generate (1…1000).`);
    return ablationCompare(model, tokenizer, prompt, ablate, maxNewTokens);
  },
};

/** The last finished head scan (a model holds its weights while loaded; a new one gets a new scan). */
let lastScan: { model: GPT; result: HeadScoresResult } | null = null;
