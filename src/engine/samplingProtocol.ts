// The Sampling & repetition panel's engine methods. Each entry: params the
// page sends, events streamed while it runs (never if none), and the result.
// Logits travel as plain Float32Arrays: the page re-runs the (pure) logits
// processors itself when a slider moves, so a drag never reruns the model.

import type { ModelSlot, TokenPiece } from './protocolCommon.ts';
import type { Notice } from '../sampling/notices.ts';
import type { SamplingSettings } from '../sampling/settings.ts';
import type { BeamSettings, BeamStep, Hypothesis } from '../sampling/beam.ts';
import type { RepetitionReport } from '../sampling/repetition.ts';
import type { BeamWidthRow, SweepRow } from '../sampling/sweep.ts';

export interface VocabularyResult {
  /** Display form of every token id (whitespace made visible). */
  tokens: string[];
}

export interface PromptLogitsResult {
  promptIds: number[];
  promptTokens: TokenPiece[];
  /** Next-token logits after the prompt (its last window, if it was cut). */
  logits: Float32Array;
  notices: Notice[];
}

/** One generated token as the panel shows it. */
export interface SampledToken extends TokenPiece {
  prob: number;
  rawProb: number;
  repeatMass: number;
  rawRepeatMass: number;
  u: number | null;
}

export interface DecodeParams {
  slot: ModelSlot;
  prompt: string;
  settings: SamplingSettings;
  maxNewTokens: number;
  seed: number;
}

export type DecodeEvent = { type: 'prompt'; tokens: TokenPiece[] } | { type: 'token'; index: number; token: SampledToken };

export interface DecodeResultData {
  promptTokens: TokenPiece[];
  tokens: SampledToken[];
  text: string;
  report: RepetitionReport;
  notices: Notice[];
  stopped: boolean;
  tokensPerSecond: number;
}

export interface BeamParams {
  slot: ModelSlot;
  prompt: string;
  settings: BeamSettings;
  /** Text whose single token ends a hypothesis (e.g. "\n\n" or "."), or "" for none. */
  eosText: string;
}

export interface BeamResultData {
  promptTokens: TokenPiece[];
  steps: BeamStep[];
  hypotheses: (Hypothesis & { text: string })[];
  best: Hypothesis & { text: string };
  /** The best hypothesis token by token. */
  bestTokens: TokenPiece[];
  stoppedBecause: 'done' | 'max_new_tokens';
  eosTokenId: number | null;
  report: RepetitionReport;
  notices: Notice[];
}

export interface SweepParams {
  slot: ModelSlot;
  prompts: string[];
  maxNewTokens: number;
  seed: number;
  temperatures: number[];
  /** num_beams values for the beam-width sweep (plain beam search); empty for none. */
  beamWidths: number[];
}

export type SweepEvent = { type: 'progress'; done: number; total: number; phase: 'strategies' | 'temperatures' | 'widths' };

export interface SweepResultData {
  rows: SweepRow[];
  temperatures: { temperature: number; seqRep4: number }[];
  beamWidths: BeamWidthRow[];
  stopped: boolean;
  seconds: number;
}

export interface PostFilterParams {
  slot: ModelSlot;
  prompt: string;
  /** The continuation to filter, as token ids (the panel's own output). */
  generated: number[];
  /** The setting that wrote it: re-rank draws its samples with these (as sampling, even when they were greedy). */
  settings: SamplingSettings;
  maxNewTokens: number;
  seed: number;
  /** Samples re-rank draws (seeds seed … seed + samples − 1). */
  samples: number;
}

/** One version of the output: as generated, or after a filter. */
export interface FilteredText {
  method: 'original' | 'cut-at-loop' | 'drop-repeats' | 'rerank';
  text: string;
  /** Tokens of this text (the drop filter's text re-tokenized). */
  tokens: number;
  seqRep4: number;
  distinct2: number;
}

export interface PostFilterResultData {
  rows: FilteredText[];
  /** Where cut-at-loop cut (index in the continuation), or null when no 4-gram repeated. */
  cutAt: number | null;
  /** Sentences and lines the drop filter removed. */
  dropped: number;
  /** Re-rank: each sample's seq-rep-4 and mean log-probability per token, and the one kept. */
  samples: { seqRep4: number; meanLogProb: number }[];
  chosen: number;
}

export interface SamplingMethods {
  /** Display strings of the whole vocabulary, fetched once per model. */
  vocabulary: { params: { slot: ModelSlot }; event: never; result: VocabularyResult };
  /** The next-token logits after a prompt. */
  promptLogits: { params: { slot: ModelSlot; prompt: string }; event: never; result: PromptLogitsResult };
  /** Sampling or greedy decoding with every processor, seeded, streaming token by token. */
  decode: { params: DecodeParams; event: DecodeEvent; result: DecodeResultData };
  /** Beam search with its whole tree. */
  beam: { params: BeamParams; event: never; result: BeamResultData };
  /** Repetition per strategy, per temperature and per beam width over a set of prompts. */
  sweep: { params: SweepParams; event: SweepEvent; result: SweepResultData };
  /** Post-processing cures on a finished output: cut at the loop, drop repeated lines, re-rank several samples. */
  postFilter: { params: PostFilterParams; event: never; result: PostFilterResultData };
}
