// The Attention panel's engine methods. Each entry: params the page sends,
// events streamed while it runs (never if none), and the plain-data result.
//
// A *sequence* is a prompt being continued one token at a time by a
// DecodeSession in the worker (KV cache, the sampling panel's settings, a
// seed). The worker keeps the one live sequence so that stepping forward runs
// one new token; every model call comes back as a *frame* of plain arrays, and
// the page keeps the frames: stepping back, or moving between layers and
// heads, never reruns the model.

import type { ModelSlot } from './protocolCommon.ts';
import type { Notice } from '../sampling/notices.ts';
import type { SamplingSettings } from '../sampling/settings.ts';
import type { MaskMode } from '../model/masks.ts';

/** One token as the charts label it. */
export interface AttentionToken {
  id: number;
  /** Display form: " the" → "␣the", a line break → "↵", a lone byte of a character → "<0xE4>". */
  text: string;
  /** True when the token holds bytes of a character it does not complete (byte-level fallback). */
  byte: boolean;
}

/** A character of the prompt that no token holds whole: the byte-level BPE spelled it in bytes. */
export interface ByteFallback {
  char: string;
  /** The tokens its bytes went into, in display form. */
  tokens: string[];
}

/** A top next-token guess. */
export interface Guess {
  id: number;
  text: string;
  prob: number;
}

/** One layer of one model call, every head: [head][query][key], row-major. */
export interface FrameLayer {
  /** Q·Kᵀ/√d_head, before the mask. */
  scores: Float32Array;
  /** softmax(scores + mask): masked cells exactly 0. */
  probs: Float32Array;
}

/**
 * One model call of a sequence: the prompt's prefill (many query rows), one
 * generated token (one row against every earlier key), or the prefill of a
 * window that slid. Indices are positions in the sequence's `tokens`.
 */
export interface AttentionFrame {
  /** Index of the first query row this call computed. */
  queryStart: number;
  queryCount: number;
  /** Index of the first key: the start of the context window (0 until it slides). */
  keyStart: number;
  keyCount: number;
  layers: FrameLayer[];
  /**
   * The logit lens of every query row: [row][stage][rank], stage 0 after the
   * embeddings, stage l after block l; the last stage is the model's output.
   */
  lens: Guess[][][];
}

/** The token a step chose, and how. */
export interface PickedToken {
  id: number;
  /** Probability under the processed distribution the draw used. */
  prob: number;
  /** The model's own softmax probability. */
  rawProb: number;
  /** The uniform draw; null when greedy. */
  u: number | null;
}

export interface OpenParams {
  slot: ModelSlot;
  prompt: string;
  settings: SamplingSettings;
  seed: number;
  /** Tokens to generate right away (a link with step=5 regenerates those 5). */
  steps: number;
  /** Guesses per logit-lens stage. */
  lensTopK: number;
}

export interface SequenceResult {
  /** Handle for attentionStep / attentionClose. */
  sequence: number;
  /** Prompt (cut to the window) then generated tokens. */
  tokens: AttentionToken[];
  promptLength: number;
  /** Tokens the whole prompt made, before any cut. */
  promptTokenCount: number;
  /** frames[s]: the model call made after s generated tokens. frames.length = picks.length + 1. */
  frames: AttentionFrame[];
  picks: PickedToken[];
  /** Adjusted settings, a cut prompt, a slid window, in sentences. */
  notices: Notice[];
  fallback: ByteFallback[];
  /** True when the page stopped the call before every step ran. */
  stopped: boolean;
}

export interface StepParams {
  sequence: number;
  /** Frames the page already holds: the worker checks it is continuing the same place. */
  have: number;
  count: number;
}

/** What a step adds to a sequence: the new tokens, their picks and frames, and all notices so far. */
export interface StepResult {
  tokens: AttentionToken[];
  frames: AttentionFrame[];
  picks: PickedToken[];
  notices: Notice[];
  stopped: boolean;
}

export interface MaskLessonParams {
  slot: ModelSlot;
  ids: number[];
  /** Tokens the prefix-LM mask treats as the bidirectional prefix (the prompt). */
  prefixLength: number;
}

export interface MaskRun {
  mask: MaskMode;
  description: string;
  layers: FrameLayer[];
}

export interface MaskLessonResult {
  tokens: AttentionToken[];
  runs: MaskRun[];
}

export interface TeacherForcingParams {
  slot: ModelSlot;
  ids: number[];
}

export interface TeacherForcingRow {
  id: number;
  /** The token that really follows (null for the last position). */
  nextId: number | null;
  /** Top guess of the one-pass forward and of the token-by-token cached run. */
  fullTop: Guess;
  stepTop: Guess;
  /** Probability of the real next token in the one-pass forward (null at the end). */
  nextProb: number | null;
  /** Largest |difference| between the two runs' logits at this position. */
  maxAbsDiff: number;
}

export interface TeacherForcingResult {
  tokens: AttentionToken[];
  rows: TeacherForcingRow[];
  /** Over every position and vocabulary entry. */
  maxAbsDiff: number;
  /** Mean cross-entropy of the real next tokens (nats): the training loss of this sequence. */
  loss: number | null;
  fullPassMs: number;
  steppedMs: number;
  /** KV cache bytes after stepping through every token (measured with KVCache.bytes). */
  kvCacheBytes: number;
}

export interface OpenEvent {
  type: 'progress';
  done: number;
  total: number;
}

export interface AttentionMethods {
  /** Starts a sequence (closing the previous one): prefill the prompt, then `steps` tokens. */
  attentionOpen: { params: OpenParams; event: OpenEvent; result: SequenceResult };
  /** Generates `count` more tokens of the live sequence, one frame each. */
  attentionStep: { params: StepParams; event: never; result: StepResult };
  /** Frees the sequence's KV cache. */
  attentionClose: { params: { sequence: number }; event: never; result: { closed: boolean } };
  /** The same tokens under the causal, prefix-LM and bidirectional masks. */
  attentionMasks: { params: MaskLessonParams; event: never; result: MaskLessonResult };
  /** One forward pass over a sequence against stepping through it with the KV cache. */
  teacherForcing: { params: TeacherForcingParams; event: never; result: TeacherForcingResult };
}
