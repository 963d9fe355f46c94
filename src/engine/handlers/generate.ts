import type { EventOf, GenerateResult, ParamsOf, TokenPiece } from '../protocol.ts';
import { type JobContext, engineReady, modelIn, yieldToEvents } from '../runtime.ts';
import { InputError } from '../../model/gpt.ts';
import { generate } from '../../sampling/generate.ts';

// ---- generate ----------------------------------------------------------------------

/** How long one slice of decoding may run before the worker checks its messages. */
const SLICE_MS = 200;

/**
 * Greedy decoding with the core's `generate`, run in time slices so that a stop
 * request is seen within ~SLICE_MS. Each slice is given the same context window
 * the one-shot `generate` would hold at that point (the prompt cut to the
 * window; when the window fills, it slides by half), and is kept short enough
 * that it never slides inside the slice — so the tokens match one uninterrupted
 * call (up to rounding: a prefill and token-by-token decoding differ by ~5e-7 in
 * the logits on wasm), with one extra prefill per slice.
 */
export async function generateHandler(params: ParamsOf<'generate'>, job: JobContext<EventOf<'generate'>>): Promise<GenerateResult> {
  await engineReady();
  const { model, tokenizer } = modelIn(params.slot);
  if (params.prompt.length === 0) throw new InputError('The prompt is empty: type at least one character.');
  const blockSize = model.config.blockSize;
  const promptIds = tokenizer.encode(params.prompt);
  if (promptIds.length === 0) throw new InputError('The prompt gave no tokens.');
  const notices: string[] = [];
  const piece = (id: number): TokenPiece => ({ id, text: tokenizer.decode([id]) });

  let start = 0; // first token of the context window
  if (promptIds.length > blockSize) {
    start = promptIds.length - blockSize;
    notices.push(`The prompt has ${promptIds.length} tokens; only the last ${blockSize} fit the context window, so the start was cut.`);
  }
  job.emit({ type: 'prompt', tokens: promptIds.map(piece), notices: notices.slice() });

  const tokens = promptIds.slice();
  const generated: number[] = [];
  const t0 = performance.now();
  while (generated.length < params.maxNewTokens && !job.stopped) {
    if (tokens.length - start > blockSize) {
      start = tokens.length - Math.floor(blockSize / 2);
      if (!notices.some((n) => n.includes('slid'))) {
        notices.push(`The context window (${blockSize} tokens) filled up; it slid forward and the oldest tokens were dropped.`);
      }
    }
    const context = tokens.slice(start);
    const sliceEnd = performance.now() + SLICE_MS;
    generate(model, context, {
      maxNewTokens: Math.min(params.maxNewTokens - generated.length, blockSize - context.length + 1),
      useCache: true,
      shouldStop: () => performance.now() > sliceEnd,
      onToken: (id) => {
        job.emit({ type: 'token', index: generated.length, token: piece(id) });
        tokens.push(id);
        generated.push(id);
      },
    });
    await yieldToEvents();
  }
  const seconds = (performance.now() - t0) / 1000;
  return {
    text: tokenizer.decode(generated),
    tokenCount: generated.length,
    stopped: job.stopped,
    notices,
    tokensPerSecond: seconds > 0 ? generated.length / seconds : 0,
  };
}

