// The Attention panel's engine methods. Each entry: params the page sends,
// events streamed while it runs (never if none), and the plain-data result.
//
// A *sequence* is a prompt being continued one token at a time by a
// DecodeSession in the worker (KV cache, the sampling panel's settings, a
// seed). The worker keeps the one live sequence so that stepping forward runs
// one new token. The worker also keeps what every model call traced — the
// scores of the query rows it computed, nothing more — and the page asks it
// only for what it draws (one head's window and overview, one query's row and
// stages, the thumbnails of the grid): a 1,024-token prefill of GPT-2 traces
// 1.2 GB, far too much to copy to the page. Stepping back, or moving between
// layers and heads, never reruns the model.

import type { ModelSlot, TokenPiece } from './protocolCommon.ts';
import type { HeadRef } from '../model/ablation.ts';
import type { CopyLogProbs, HeadScore } from '../model/heads.ts';
import type { CopyShares } from '../sampling/repetition.ts';
import type { Notice } from '../sampling/notices.ts';
import type { SamplingSettings } from '../sampling/settings.ts';
import type { MaskMode } from '../model/masks.ts';
import type { VirtualColumns } from '../model/trace.ts';

export type { VirtualColumns } from '../model/trace.ts';

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

/**
 * The window a step shows: sequence positions keyStart … keyStart + keyCount − 1
 * are both its query rows and its keys. One entry per model call of a sequence
 * (the prompt's prefill, then one per generated token).
 */
export interface StepWindow {
  keyStart: number;
  keyCount: number;
}

/** A square block of one head's weights, with the cells the causal mask forbids. */
export interface WeightMatrix {
  size: number;
  /** size × size, row-major; 0 where masked. */
  values: Float32Array;
  /** 1 where the query may not read the key (later tokens). */
  masked: Uint8Array;
}

/** Where a head's weight mostly goes ('virtual': to the virtual tokens of an attached prompt). */
export interface HeadHabit {
  kind: 'previous' | 'self' | 'first' | 'virtual' | 'spread';
  /** Mean weight on that key over the rows that have a choice (row 0 can only read itself). */
  weight: number;
}

/** The four stages of one head for one query, over the keys the trace kept for its row. */
export interface HeadStages {
  /** Virtual columns (prompt learning) at the front of the four arrays, before the keys. */
  virtual: number;
  /** Sequence positions of the keys after them. */
  keys: number[];
  /** Q·Kᵀ: the trace holds Q·Kᵀ/√d, so this is scores × √d_head. */
  qk: Float32Array;
  /** Q·Kᵀ/√d_head. */
  scaled: Float32Array;
  /** The scaled scores with −∞ where the mask forbids the key. */
  masked: Float32Array;
  /** softmax of the masked scores: the attention weights. */
  weights: Float32Array;
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
  /** steps[s]: the window of the model call made after s generated tokens. steps.length = picks.length + 1. */
  steps: StepWindow[];
  picks: PickedToken[];
  /** Adjusted settings, a cut prompt, a slid window, in sentences. */
  notices: Notice[];
  fallback: ByteFallback[];
  /** True when the page stopped the call before every step ran. */
  stopped: boolean;
  /** Bytes of attention the worker keeps for the sequence (scores of every row it computed). */
  storedBytes: number;
  /**
   * The virtual tokens of the prompt attached to the model when the sequence
   * opened (prompt tuning, P-tuning, prefix tuning): every row reads these
   * `count` columns before the window's keys. null: none attached.
   */
  virtual: VirtualColumns | null;
}

export interface StepParams {
  sequence: number;
  /** Steps the page already holds: the worker checks it is continuing the same place. */
  have: number;
  count: number;
}

/** What a step adds to a sequence: the new tokens, their picks and windows, and all notices so far. */
export interface StepResult {
  tokens: AttentionToken[];
  steps: StepWindow[];
  picks: PickedToken[];
  notices: Notice[];
  stopped: boolean;
  storedBytes: number;
}

/** Which step, layer and head of the live sequence a request reads. */
export interface HeadAt {
  sequence: number;
  step: number;
  layer: number;
  head: number;
}

export interface HeadParams extends HeadAt {
  /** Row of the step's window whose query is selected; −1 or out of range: the newest. */
  row: number;
  /** Rows and columns [start, start + size) drawn cell by cell. */
  window: { start: number; size: number };
  /** Largest side of the overview of the whole matrix (block means); 0 for none. */
  overview: number;
}

/** What the heatmap view draws of one head at one step: never more than its window, an overview and one row. */
export interface HeadResult {
  step: number;
  layer: number;
  head: number;
  /** Rows (= keys) of the step's window. */
  size: number;
  /** The selected row, resolved. */
  row: number;
  window: { start: number } & WeightMatrix;
  /** The whole matrix averaged into at most `overview` × `overview` blocks; null when the window is the whole. */
  overview: WeightMatrix | null;
  /** The selected query's weights over every key of the window (0 for later keys). */
  rowWeights: Float32Array;
  stages: HeadStages;
  /** Logit-lens guesses at the selected row, [stage][rank]; empty when the lens was not read out there. */
  lens: Guess[][];
  /** The head's weights on the virtual columns; null without virtual tokens. */
  virtual: VirtualWeights | null;
}

/** One head's weights on prompt learning's virtual columns, beside the window of real keys. */
export interface VirtualWeights {
  count: number;
  /** The window's rows × count, row-major. */
  window: Float32Array;
  /** The selected query's weights on them. */
  row: Float32Array;
  /** Mean over the step's rows of each row's total weight on the virtual columns (0…1): how much the head reads the prompt. */
  share: number;
}

export interface LinesParams {
  sequence: number;
  step: number;
  layer: number;
  heads: number[];
  start: number;
  size: number;
}

export interface LinesResult {
  step: number;
  layer: number;
  /** Each head's weights in rows and columns [start, start + size), row-major. */
  heads: { head: number; values: Float32Array }[];
}

export interface GridParams {
  sequence: number;
  step: number;
  /** Largest thumbnail side: a longer window is averaged into blocks. */
  side: number;
}

export interface GridResult {
  step: number;
  /** Rows of the step's window, and the thumbnails' side (min(size, side)). */
  size: number;
  thumbSize: number;
  heads: { layer: number; head: number; values: Float32Array; masked: Uint8Array; habit: HeadHabit; virtual: GridVirtual | null }[];
}

/** A thumbnail's virtual columns: thumbSize rows (averaged like the thumbnail's) × count, and the head's share. */
export interface GridVirtual {
  count: number;
  values: Float32Array;
  share: number;
}

export interface MaskLessonParams {
  slot: ModelSlot;
  ids: number[];
  /** Tokens the prefix-LM mask treats as the bidirectional prefix (the prompt). */
  prefixLength: number;
  /** The one head sent back. */
  layer: number;
  head: number;
}

export interface MaskRun {
  mask: MaskMode;
  description: string;
  /** The chosen head's [query][key] weights, n × n. */
  probs: Float32Array;
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

// ---- heads that copy, and switching heads off (model/heads.ts, model/ablation.ts) ----------

export interface HeadScoresParams {
  slot: ModelSlot;
  /** Seeds the random tokens of the probe. */
  seed: number;
}

export interface HeadScoresResult {
  seed: number;
  /** Length L of one copy of the random tokens, and how many sequences were averaged. */
  length: number;
  samples: number;
  /** Mean log-probability (nats) of the first copy's tokens and of the repeated ones: what seeing them once is worth. */
  logProbs: CopyLogProbs;
  /** Every head, by layer then head; `copying` is null for heads the ablation did not reach. */
  heads: HeadScore[];
  /** Heads whose copying was measured by ablation (those with the highest induction scores). */
  copyingMeasured: number;
  stopped: boolean;
}

export interface AblationParams {
  slot: ModelSlot;
  prompt: string;
  ablate: HeadRef[];
  maxNewTokens: number;
}

/** One greedy continuation and its measures. */
export interface AblationRun {
  ablate: HeadRef[];
  tokens: TokenPiece[];
  seqRep4: number;
  /** Mean P(repeat): the model's probability on tokens that complete a 3-gram already in the text. */
  meanRepeatMass: number;
  copying: CopyShares;
}

export interface AblationResult {
  promptTokens: TokenPiece[];
  /** Every head on, then the chosen heads off. */
  plain: AblationRun;
  ablated: AblationRun;
  notices: Notice[];
}

export interface AttentionMethods {
  /** Starts a sequence (closing the previous one): prefill the prompt, then `steps` tokens. */
  attentionOpen: { params: OpenParams; event: OpenEvent; result: SequenceResult };
  /** Generates `count` more tokens of the live sequence, one frame each. */
  attentionStep: { params: StepParams; event: never; result: StepResult };
  /** One head at one step, as the heatmap view draws it. */
  attentionHead: { params: HeadParams; event: never; result: HeadResult };
  /** A window of a layer's heads, for the lines view. */
  attentionLines: { params: LinesParams; event: never; result: LinesResult };
  /** Every head's thumbnail and habit at one step. */
  attentionGrid: { params: GridParams; event: never; result: GridResult };
  /** Frees the sequence's KV cache and its stored rows. */
  attentionClose: { params: { sequence: number }; event: never; result: { closed: boolean } };
  /** The same tokens under the causal, prefix-LM and bidirectional masks. */
  attentionMasks: { params: MaskLessonParams; event: never; result: MaskLessonResult };
  /** One forward pass over a sequence against stepping through it with the KV cache. */
  teacherForcing: { params: TeacherForcingParams; event: never; result: TeacherForcingResult };
  /** Induction, previous-token and copying scores of every head, on seeded repeated random tokens. */
  headScores: { params: HeadScoresParams; event: OpenEvent; result: HeadScoresResult };
  /** Greedy text from the prompt with every head on and with the chosen heads switched off. */
  ablationCompare: { params: AblationParams; event: never; result: AblationResult };
}
