import { codesOf } from '../util/codes.ts';

/**
 * Things a reader should know about a run that changed what they asked for: the
 * prompt was cut, the window slid, a setting was adjusted. Each has a `code`
 * that code and tests match on, the numbers its sentence needs (`params`), and
 * the sentence in English (`message`, for logs, Node and notebooks). The page
 * says it in the reader's language from the code and the params.
 */
export interface NoticeParams {
  /** The prompt was longer than the context window: its start was cut. */
  'prompt-cut': { promptTokens: number; blockSize: number };
  /** Beam search cut the prompt further, so that the beams' new tokens fit the window. */
  'beam-prompt-cut': { kept: number; blockSize: number };
  /** Generation filled the window, which slid forward: the oldest tokens were dropped. */
  'window-slid': { blockSize: number };
  /** Without a KV cache: the window filled, and only its last blockSize tokens are read. */
  'window-full': { blockSize: number };
  /** no_repeat_ngram_size banned every token at some step; that step ignored the ban. */
  'ngram-ban-lifted': Record<string, never>;
  /** top_k was larger than the vocabulary and was clamped to it, as Hugging Face does. */
  'top-k-clamped': { topK: number; vocabSize: number };
  /** do_sample with num_beams > 1: beam search ranks by log-probability and draws nothing. */
  'beams-ignore-sampling': Record<string, never>;
}

export type NoticeCode = keyof NoticeParams;

export const NOTICE_CODES = codesOf<NoticeCode>({
  'prompt-cut': 0,
  'beam-prompt-cut': 0,
  'window-slid': 0,
  'window-full': 0,
  'ngram-ban-lifted': 0,
  'top-k-clamped': 0,
  'beams-ignore-sampling': 0,
});

export type Notice = { [C in NoticeCode]: { code: C; params: NoticeParams[C]; message: string } }[NoticeCode];

export const promptCut = (promptTokens: number, blockSize: number): Notice => ({
  code: 'prompt-cut',
  params: { promptTokens, blockSize },
  message: `The prompt has ${promptTokens} tokens; only the last ${blockSize} fit the context window, so the start was cut.`,
});

export const beamPromptCut = (kept: number, blockSize: number): Notice => ({
  code: 'beam-prompt-cut',
  params: { kept, blockSize },
  message: `The prompt was cut to its last ${kept} tokens so that the beams fit the context window of ${blockSize}.`,
});

export const windowSlid = (blockSize: number): Notice => ({
  code: 'window-slid',
  params: { blockSize },
  message: `The context window (${blockSize} tokens) filled up; it slid forward and the oldest tokens were dropped.`,
});

export const windowFull = (blockSize: number): Notice => ({
  code: 'window-full',
  params: { blockSize },
  message: `The context window (${blockSize} tokens) filled up; only the last ${blockSize} tokens are read.`,
});

export const ngramBanLifted = (): Notice => ({
  code: 'ngram-ban-lifted',
  params: {},
  message: 'Every token was banned by no_repeat_ngram_size at some step; that step ignored the ban.',
});

export const topKClamped = (topK: number, vocabSize: number): Notice => ({
  code: 'top-k-clamped',
  params: { topK, vocabSize },
  message: `top_k ${topK} is larger than the vocabulary (${vocabSize}); it keeps every token.`,
});

export const beamsIgnoreSampling = (): Notice => ({
  code: 'beams-ignore-sampling',
  params: {},
  message: 'Beam search ignores sampling: beams are ranked by log-probability.',
});

/** Adds `notice` unless one with its code is already there (a window that slides ten times says so once). */
export function addOnce(notices: Notice[], notice: Notice): void {
  if (!notices.some((n) => n.code === notice.code)) notices.push(notice);
}
