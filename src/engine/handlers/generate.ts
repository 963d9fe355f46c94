import type { EventOf, GenerateResult, ParamsOf, TokenPiece } from '../protocol.ts';
import { type JobContext, engineReady, modelIn, yieldToEvents } from '../runtime.ts';
import { InputError } from '../../model/gpt.ts';
import { DecodeSession } from '../../sampling/session.ts';
import { DEFAULT_SAMPLING } from '../../sampling/settings.ts';

/** How long one slice of decoding may run before the worker checks its messages. */
const SLICE_MS = 200;

/**
 * Greedy decoding, one token at a time with the KV cache kept between time
 * slices (a DecodeSession), so a stop request is seen within ~SLICE_MS and no
 * slice pays for a new prefill. The session cuts a long prompt to the window
 * and slides the window by half when it fills, exactly as the core's
 * `generate` does, so the tokens are the ones it gives.
 */
export async function generateHandler(params: ParamsOf<'generate'>, job: JobContext<EventOf<'generate'>>): Promise<GenerateResult> {
  await engineReady();
  const { model, tokenizer } = modelIn(params.slot);
  if (params.prompt.length === 0) throw new InputError('The prompt is empty: type at least one character.', 'empty-prompt');
  const promptIds = tokenizer.encode(params.prompt);
  if (promptIds.length === 0) throw new InputError('The prompt gave no tokens.', 'no-tokens');
  const piece = (id: number): TokenPiece => ({ id, text: tokenizer.decode([id]) });

  const session = new DecodeSession(model, promptIds, { ...DEFAULT_SAMPLING, do_sample: false }, { seed: 0 });
  try {
    job.emit({ type: 'prompt', tokens: promptIds.map(piece), notices: session.notices.slice() });
    const t0 = performance.now();
    while (session.generated.length < params.maxNewTokens && !job.stopped) {
      const sliceEnd = performance.now() + SLICE_MS;
      while (session.generated.length < params.maxNewTokens && performance.now() < sliceEnd) {
        const { id } = session.step();
        job.emit({ type: 'token', index: session.generated.length - 1, token: piece(id) });
      }
      await yieldToEvents();
    }
    const seconds = (performance.now() - t0) / 1000;
    return {
      text: tokenizer.decode(session.generated),
      tokenCount: session.generated.length,
      stopped: job.stopped,
      notices: session.notices,
      tokensPerSecond: seconds > 0 ? session.generated.length / seconds : 0,
    };
  } finally {
    session.dispose();
  }
}
