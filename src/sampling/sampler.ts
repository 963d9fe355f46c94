import type { GPT } from '../model/gpt.ts';
import type { Notice } from './notices.ts';
import type { SamplingSettings } from './settings.ts';
import { type DecodeStep, DecodeSession } from './session.ts';

export interface DecodeOptions {
  maxNewTokens: number;
  seed: number;
  /** n for the repeat-mass measure; 3 by default (a repeated trigram is a loop under way). */
  loopNgram?: number;
  eosTokenId?: number;
  onToken?: (step: DecodeStep, index: number) => void;
  shouldStop?: () => boolean;
  /** Keep the full processor trace per step (large); off by default. */
  keepProcessorSteps?: boolean;
}

export interface DecodeResult {
  tokens: number[];
  generated: number[];
  steps: DecodeStep[];
  notices: Notice[];
}

/**
 * Sampling or greedy decoding with every processor, seeded: the same prompt,
 * settings and seed always give the same text.
 */
export function decode(model: GPT, prompt: readonly number[], settings: SamplingSettings, opts: DecodeOptions): DecodeResult {
  const session = new DecodeSession(model, prompt, settings, {
    seed: opts.seed,
    loopNgram: opts.loopNgram,
    keepProcessorSteps: opts.keepProcessorSteps,
  });
  try {
    for (let i = 0; i < opts.maxNewTokens && !opts.shouldStop?.(); i++) {
      const step = session.step();
      opts.onToken?.(step, i);
      if (step.id === opts.eosTokenId) break;
    }
    return { tokens: session.tokens, generated: session.generated, steps: session.steps, notices: session.notices };
  } finally {
    session.dispose();
  }
}
