// The Attention panel's side of the worker. The work itself (a traced decode
// session, the logit lens, the mask lesson, teacher forcing) is written against
// a model and a tokenizer only, so Node tests drive exactly what the worker
// runs; the handlers at the bottom add the live sequence and the messages.

import type { AttentionMethods, AttentionFrame, AttentionToken, ByteFallback, Guess, MaskLessonResult, MaskRun, OpenParams, PickedToken, TeacherForcingResult, TeacherForcingRow } from '../attentionProtocol.ts';
import type { ModelSlot } from '../protocol.ts';
import { type Handler, engineReady, modelIn, yieldToEvents } from '../runtime.ts';
import { type GPT, InputError } from '../../model/gpt.ts';
import { type MaskMode, CAUSAL, describeMask } from '../../model/masks.ts';
import type { ForwardTrace } from '../../model/trace.ts';
import { readOut } from '../../model/lens.ts';
import { softmax } from '../../util/softmax.ts';
import { DecodeSession } from '../../sampling/session.ts';
import type { Notice } from '../../sampling/notices.ts';
import type { Tokenizer } from '../../tokenizer/index.ts';

// ---- tokens as the charts show them -------------------------------------------------

const BYTE_PIECE = /<0x[0-9A-F]{2}>/;

export function tokenView(tokenizer: Tokenizer, id: number): AttentionToken {
  const text = tokenizer.tokenString(id);
  return { id, text, byte: BYTE_PIECE.test(text) };
}

/** Tokenizers that can say which bytes a token holds (the byte-level BPE). */
interface ByteTokenizer extends Tokenizer {
  tokenBytes(id: number): Uint8Array;
}

const hasBytes = (t: Tokenizer): t is ByteTokenizer => typeof (t as Partial<ByteTokenizer>).tokenBytes === 'function';

/**
 * Characters of `text` that no token of `ids` holds whole. A byte-level BPE
 * never fails on unseen characters: it falls back to their UTF-8 bytes, one
 * token each when it learned no merge for them (GPT-2's design: every string
 * has an encoding). Those characters are what the panel points out.
 */
export function byteFallback(tokenizer: Tokenizer, text: string, ids: readonly number[]): ByteFallback[] {
  if (!hasBytes(tokenizer)) return [];
  // Byte offset where each token ends.
  const ends: number[] = [];
  let offset = 0;
  for (const id of ids) ends.push((offset += tokenizer.tokenBytes(id).length));
  const encoder = new TextEncoder();
  const found = new Map<string, ByteFallback>();
  let start = 0;
  for (const char of text) {
    const length = encoder.encode(char).length;
    const end = start + length;
    if (length > 1) {
      const first = ends.findIndex((e) => e > start);
      const last = ends.findIndex((e) => e >= end);
      if (first >= 0 && last > first && !found.has(char)) {
        found.set(char, { char, tokens: ids.slice(first, last + 1).map((id) => tokenizer.tokenString(id)) });
      }
    }
    start = end;
  }
  return [...found.values()];
}

/** Text → ids, with the panel's wording for what cannot be encoded. */
export function encodePrompt(tokenizer: Tokenizer, prompt: string): number[] {
  if (prompt.length === 0) throw new InputError('The prompt is empty: type a prompt above to see where its tokens look.');
  let ids: number[];
  try {
    ids = tokenizer.encode(prompt);
  } catch (e) {
    // The character tokenizer has no byte fallback: a character it never saw cannot be written at all.
    throw new InputError(`${(e as Error).message.replace(/\.?$/, '.')} This model's tokenizer has no byte fallback, so the prompt cannot be read.`);
  }
  if (ids.length === 0) throw new InputError('The prompt gave no tokens.');
  return ids;
}

// ---- frames: one model call as plain arrays -------------------------------------------

function topGuesses(tokenizer: Tokenizer, probs: Float32Array, k: number): Guess[] {
  const best: number[] = []; // ids, most probable first
  for (let id = 0; id < probs.length; id++) {
    const p = probs[id];
    if (best.length === k && p <= probs[best[k - 1]]) continue;
    let i = Math.min(best.length, k - 1);
    while (i > 0 && probs[best[i - 1]] < p) {
      best[i] = best[i - 1];
      i--;
    }
    best[i] = id;
  }
  // The model's vocabulary can be larger than the tokenizer's (padding rows).
  return best.map((id) => ({ id, text: id < tokenizer.vocabSize ? tokenizer.tokenString(id) : `#${id}`, prob: probs[id] }));
}

/**
 * The logit lens (nostalgebraist 2020) for every query row of a trace:
 * [row][stage][rank]. Each stage's residual stream goes through the final
 * LayerNorm and the tied head in one batched read-out.
 */
export function lensRows(model: GPT, tokenizer: Tokenizer, trace: ForwardTrace, k: number): Guess[][][] {
  const stages = [trace.embeddings, ...trace.layers.map((l) => l.hidden)];
  const V = model.config.vocabSize;
  const logits = stages.map((m) => readOut(model, m).data);
  return Array.from({ length: trace.embeddings.rows }, (_, row) =>
    logits.map((data) => topGuesses(tokenizer, softmax(data.subarray(row * V, (row + 1) * V)), k)),
  );
}

export function frameOf(model: GPT, tokenizer: Tokenizer, trace: ForwardTrace, windowStart: number, lensTopK: number): AttentionFrame {
  const a = trace.layers[0].attention;
  return {
    queryStart: windowStart + trace.positionOffset,
    queryCount: a.queryCount,
    keyStart: windowStart,
    keyCount: a.keyCount,
    layers: trace.layers.map((l) => ({ scores: l.attention.scores, probs: l.attention.probs })),
    lens: lensRows(model, tokenizer, trace, lensTopK),
  };
}

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
  readonly frames: AttentionFrame[] = [];
  readonly picks: PickedToken[] = [];
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
    this.session = new DecodeSession(model, ids, params.settings, { seed: params.seed, trace: true });
    this.lensTopK = params.lensTopK;
    try {
      this.frames.push(this.runNewest());
    } catch (e) {
      this.session.dispose();
      throw e;
    }
  }

  private runNewest(): AttentionFrame {
    this.session.nextLogits();
    return frameOf(this.model, this.tokenizer, this.session.lastTrace!, this.session.windowStart, this.lensTopK);
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
  advance(): { token: AttentionToken; pick: PickedToken; frame: AttentionFrame } {
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

// ---- the masks lesson and teacher forcing ---------------------------------------------------

/** The same tokens under a causal (GPT), a prefix-LM (GLM) and a bidirectional (BERT) mask. */
export function maskLesson(model: GPT, tokenizer: Tokenizer, ids: readonly number[], prefixLength: number): MaskLessonResult {
  const prefix = Math.max(0, Math.min(ids.length, Math.round(prefixLength)));
  const masks: MaskMode[] = [CAUSAL, { kind: 'prefix', prefixLength: prefix }, { kind: 'bidirectional' }];
  const runs: MaskRun[] = masks.map((mask) => {
    const { trace } = model.run(ids, { mask, trace: true });
    return {
      mask,
      description: describeMask(mask),
      layers: trace!.layers.map((l) => ({ scores: l.attention.scores, probs: l.attention.probs })),
    };
  });
  return { tokens: ids.map((id) => tokenView(tokenizer, id)), runs };
}

function maxAbsDiff(a: Float32Array, b: Float32Array): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}

/**
 * Teacher forcing: one causal forward pass over the whole sequence predicts
 * every next token at once — what training computes. Stepping through the
 * same tokens one at a time with a KV cache is what generation computes. With
 * the causal mask both give the same numbers (up to float rounding).
 */
export function teacherForcing(model: GPT, tokenizer: Tokenizer, ids: readonly number[]): TeacherForcingResult {
  const V = model.config.vocabSize;
  const t0 = performance.now();
  const full = model.run(ids, { trace: true }).trace!.logits.data; // [T, V]
  const t1 = performance.now();
  const cache = model.createCache();
  const stepped: Float32Array[] = [];
  let kvCacheBytes = 0;
  try {
    for (const id of ids) stepped.push(model.run([id], { cache }).lastLogits);
    kvCacheBytes = cache.bytes;
  } finally {
    cache.dispose();
  }
  const t2 = performance.now();
  let lossSum = 0;
  const rows: TeacherForcingRow[] = ids.map((id, i) => {
    const fullRow = full.subarray(i * V, (i + 1) * V);
    const fullProbs = softmax(fullRow);
    const nextId = i + 1 < ids.length ? ids[i + 1] : null;
    const nextProb = nextId === null ? null : fullProbs[nextId];
    if (nextProb !== null) lossSum -= Math.log(Math.max(nextProb, 1e-30));
    return {
      id,
      nextId,
      fullTop: topGuesses(tokenizer, fullProbs, 1)[0],
      stepTop: topGuesses(tokenizer, softmax(stepped[i]), 1)[0],
      nextProb,
      maxAbsDiff: maxAbsDiff(fullRow, stepped[i]),
    };
  });
  return {
    tokens: ids.map((id) => tokenView(tokenizer, id)),
    rows,
    maxAbsDiff: rows.reduce((m, r) => Math.max(m, r.maxAbsDiff), 0),
    loss: ids.length > 1 ? lossSum / (ids.length - 1) : null,
    fullPassMs: t1 - t0,
    steppedMs: t2 - t1,
    kvCacheBytes,
  };
}

// ---- the worker's live sequence ----------------------------------------------------------

/** The page asked to step a sequence the worker no longer holds; it reopens from the link's state. */
export class SequenceGone extends Error {
  override name = 'SequenceGone';
}

/** One live sequence per worker: the panel shows one, and opening another frees the old cache. */
let live: { id: number; slot: ModelSlot; sequence: AttentionSequence } | null = null;
let nextSequenceId = 1;

function closeLive(): void {
  live?.sequence.dispose();
  live = null;
}

/** Steps between yields, so a stop or a newer call gets through during a long replay. */
const STEPS_PER_SLICE = 4;

function checkIds(model: GPT, ids: readonly number[]): void {
  if (ids.length === 0) throw new InputError('There are no tokens to run.');
  if (ids.length > model.config.blockSize) {
    throw new InputError(`${ids.length} tokens do not fit the context window of ${model.config.blockSize}.`);
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
      frames: sequence.frames.slice(),
      picks: sequence.picks.slice(),
      notices: sequence.notices,
      fallback: sequence.fallback,
      stopped,
    };
  },

  async attentionStep({ sequence: id, have, count }, job) {
    await engineReady();
    const current = live;
    if (!current || current.id !== id) throw new SequenceGone('The engine no longer holds this sequence.');
    if (modelIn(current.slot).model !== current.sequence.model) {
      closeLive();
      throw new SequenceGone('The model was reloaded since this sequence started.');
    }
    const sequence = current.sequence;
    if (have !== sequence.frames.length) throw new SequenceGone(`The page holds ${have} frames but the engine ${sequence.frames.length}.`);
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
      frames: sequence.frames.slice(have),
      picks: sequence.picks.slice(have - 1),
      notices: sequence.notices,
      stopped,
    };
  },

  async attentionClose({ sequence }) {
    if (live?.id !== sequence) return { closed: false };
    closeLive();
    return { closed: true };
  },

  async attentionMasks({ slot, ids, prefixLength }) {
    await engineReady();
    const { model, tokenizer } = modelIn(slot);
    checkIds(model, ids);
    return maskLesson(model, tokenizer, ids, prefixLength);
  },

  async teacherForcing({ slot, ids }) {
    await engineReady();
    const { model, tokenizer } = modelIn(slot);
    checkIds(model, ids);
    return teacherForcing(model, tokenizer, ids);
  },
};
