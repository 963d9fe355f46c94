/**
 * Things a reader should know about a run that changed what they asked for: the
 * prompt was cut, the window slid, a setting was adjusted. Each has a `code`
 * that code and tests match on, and a `message` that the page shows.
 */
export type NoticeCode =
  /** The prompt was longer than the context window (or the room beams need): its start was cut. */
  | 'prompt-cut'
  /** Generation filled the window, which slid forward: the oldest tokens were dropped. */
  | 'window-slid'
  /** Without a KV cache: the window filled, and only its last blockSize tokens are read. */
  | 'window-full'
  /** no_repeat_ngram_size banned every token at some step; that step ignored the ban. */
  | 'ngram-ban-lifted'
  /** top_k was larger than the vocabulary and was clamped to it, as Hugging Face does. */
  | 'top-k-clamped'
  /** do_sample with num_beams > 1: beam search ranks by log-probability and draws nothing. */
  | 'beams-ignore-sampling';

export interface Notice {
  code: NoticeCode;
  message: string;
}

export const promptCut = (promptTokens: number, blockSize: number): Notice => ({
  code: 'prompt-cut',
  message: `The prompt has ${promptTokens} tokens; only the last ${blockSize} fit the context window, so the start was cut.`,
});

export const beamPromptCut = (kept: number, blockSize: number): Notice => ({
  code: 'prompt-cut',
  message: `The prompt was cut to its last ${kept} tokens so that the beams fit the context window of ${blockSize}.`,
});

export const windowSlid = (blockSize: number): Notice => ({
  code: 'window-slid',
  message: `The context window (${blockSize} tokens) filled up; it slid forward and the oldest tokens were dropped.`,
});

export const windowFull = (blockSize: number): Notice => ({
  code: 'window-full',
  message: `The context window (${blockSize} tokens) filled up; only the last ${blockSize} tokens are read.`,
});

export const ngramBanLifted = (): Notice => ({
  code: 'ngram-ban-lifted',
  message: 'Every token was banned by no_repeat_ngram_size at some step; that step ignored the ban.',
});

export const topKClamped = (topK: number, vocabSize: number): Notice => ({
  code: 'top-k-clamped',
  message: `top_k ${topK} is larger than the vocabulary (${vocabSize}); it keeps every token.`,
});

export const beamsIgnoreSampling = (): Notice => ({
  code: 'beams-ignore-sampling',
  message: 'Beam search ignores sampling: beams are ranked by log-probability.',
});

/** Adds `notice` unless one with its code is already there (a window that slides ten times says so once). */
export function addOnce(notices: Notice[], notice: Notice): void {
  if (!notices.some((n) => n.code === notice.code)) notices.push(notice);
}
