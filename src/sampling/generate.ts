import type { GPT } from '../model/gpt.ts';
import type { KVCache } from '../model/kvcache.ts';
import type { HeadRef } from '../model/ablation.ts';
import { type Notice, addOnce, promptCut, windowFull, windowSlid } from './notices.ts';

/** Index of the largest logit (ties go to the lowest id, as torch.argmax). */
export function argmax(logits: ArrayLike<number>): number {
  let best = 0;
  for (let i = 1; i < logits.length; i++) if (logits[i] > logits[best]) best = i;
  return best;
}

export interface GenerateOptions {
  maxNewTokens: number;
  /** Chooses the next id from the next-token logits and the sequence so far. Greedy by default. */
  pickNext?: (logits: Float32Array, sequence: readonly number[]) => number;
  /** Reuse keys and values of earlier tokens (true) or recompute the whole window every step. */
  useCache?: boolean;
  /** Stop early when this id is produced (e.g. an end-of-text token). */
  eosTokenId?: number;
  onToken?: (id: number, index: number) => void;
  shouldStop?: () => boolean;
  /** Heads switched off on every model call (zero-ablation, model/ablation.ts). */
  ablate?: readonly HeadRef[];
}

export interface GenerateResult {
  /** Prompt (after any cut) followed by the generated ids. */
  tokens: number[];
  /** Only the new ids. */
  generated: number[];
  /** Things the reader should know: the prompt was cut, the window slid. */
  notices: Notice[];
}

/**
 * Autoregressive decoding: feed the sequence, pick a token, append, repeat.
 * With the cache each step runs the model on one new token; without it, on the
 * whole window again (the same logits, much more work — the point of a KV cache).
 * A prompt longer than the context window is cut from the left; when the window
 * fills during generation it slides by half and the cache is rebuilt, since
 * cached keys carry positions that no longer hold.
 */
export function generate(model: GPT, prompt: readonly number[], opts: GenerateOptions): GenerateResult {
  const blockSize = model.contextWindow; // the window less any virtual tokens a prompt-learning adapter puts in front
  const notices: Notice[] = [];
  const pick = opts.pickNext ?? ((l: Float32Array) => argmax(l));
  const useCache = opts.useCache ?? true;
  const ablate = opts.ablate;
  if (prompt.length === 0) throw new RangeError('The prompt is empty: type at least one character.');
  let tokens = prompt.slice();
  if (tokens.length > blockSize) {
    notices.push(promptCut(tokens.length, blockSize));
    tokens = tokens.slice(tokens.length - blockSize);
  }
  const generated: number[] = [];
  let cache: KVCache | null = null;
  let windowStart = 0; // index in `tokens` of the first token the cache holds
  try {
    for (let i = 0; i < opts.maxNewTokens && !opts.shouldStop?.(); i++) {
      let logits: Float32Array;
      if (useCache) {
        if (!cache || tokens.length - windowStart > blockSize) {
          if (cache) {
            cache.dispose();
            notices.push(windowSlid(blockSize));
          }
          // Keep the last half window when sliding so the next slide is blockSize/2 steps away.
          windowStart = tokens.length > blockSize ? tokens.length - Math.floor(blockSize / 2) : 0;
          cache = model.createCache();
          logits = model.run(tokens.slice(windowStart), { cache, ablate }).lastLogits;
        } else {
          logits = model.run([tokens[tokens.length - 1]], { cache, ablate }).lastLogits;
        }
      } else {
        if (tokens.length > blockSize) addOnce(notices, windowFull(blockSize));
        logits = model.run(tokens.slice(Math.max(0, tokens.length - blockSize)), { ablate }).lastLogits;
      }
      const next = pick(logits, tokens);
      tokens.push(next);
      generated.push(next);
      opts.onToken?.(next, i);
      if (next === opts.eosTokenId) break;
    }
  } finally {
    cache?.dispose();
  }
  return { tokens, generated, notices };
}
