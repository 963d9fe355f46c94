import * as tf from '@tensorflow/tfjs';
import type { MaskMode } from './masks.ts';
import type { KVCache } from './kvcache.ts';
import { InputError } from './inputError.ts';

/**
 * Virtual tokens: what the prompt-learning methods (src/peft/) put in front of
 * the real tokens, in Hugging Face PEFT's sense (peft_model.py,
 * PeftModelForCausalLM.forward, PEFT v0.20.0):
 *
 * - `input` — prompt tuning and P-tuning: n embeddings concatenated before the
 *   real tokens' embeddings (`inputs_embeds = cat(prompts, inputs_embeds)`),
 *   then run as ordinary positions. GPT-2 adds its position embeddings to
 *   `inputs_embeds`, so the virtual tokens take positions 0…n−1 and the real
 *   ones n…n+T−1 (transformers' GPT2Model: `position_ids = arange(past_length,
 *   past_length + T)` with no past).
 * - `prefix` — prefix tuning / P-tuning v2: per layer, n keys and values handed
 *   to the model as `past_key_values`; every real query may attend to them.
 *   transformers numbers the real tokens after the past (`past_length` = n), so
 *   here too they take positions n…n+T−1.
 *
 * Either way the real tokens start at position n: the context window shrinks by
 * n. The model asks the source for tensors inside its own tf.tidy / gradient
 * tape, so gradients reach whatever variables the source builds them from.
 */
export type VirtualTokens =
  | {
      readonly kind: 'input';
      readonly numVirtualTokens: number;
      /** [n, nEmbd]: the virtual tokens' input embeddings (before position embeddings are added). */
      embeddings(): tf.Tensor2D;
    }
  | {
      readonly kind: 'prefix';
      readonly numVirtualTokens: number;
      /** Per layer, keys and values [nHead, n, headSize], as GPT-2's attention holds a past. */
      keyValues(): { k: tf.Tensor3D; v: tf.Tensor3D }[];
    };

/** Which virtual tokens filled a KV cache: a cache filled with others (or none) would silently give other numbers. */
const filledBy = new WeakMap<KVCache, VirtualTokens | null>();

/**
 * Refuses what virtual tokens cannot do here, before anything runs: a mask
 * other than causal (PEFT's prompt learning on a decoder is causal), a cache
 * filled without these virtual tokens, and an input that with the n virtual
 * positions no longer fits the context window.
 */
export function checkVirtual(vt: VirtualTokens | null, mask: MaskMode, past: number, tokens: number, blockSize: number, cache?: KVCache): void {
  if (cache && past > 0 && filledBy.has(cache) && filledBy.get(cache) !== vt) {
    throw new InputError('This KV cache was filled with other virtual tokens (or none): start a new cache after attaching or detaching a prompt.');
  }
  if (!vt) return;
  const n = vt.numVirtualTokens;
  if (mask.kind !== 'causal') throw new InputError(`Virtual tokens (prompt learning) need the causal mask; got ${mask.kind}.`);
  // Once a cache holds the virtual positions, `past` counts them.
  const real = (past > 0 ? past - n : 0) + tokens;
  if (real + n > blockSize) {
    throw new InputError(
      `${real} tokens and ${n} virtual tokens do not fit the context window of ${blockSize} positions: ` +
        `the prompt takes the first ${n}; shorten the input.`,
      'virtual-tokens-too-long',
      { tokens: real, virtualTokens: n, blockSize },
    );
  }
}

/**
 * Where this pass starts: with a prefix (and nothing cached yet) the real
 * tokens start at position n, after the prefix keys; with input virtual tokens
 * the pass runs n extra leading positions (`lead`) from 0. Once a cache holds
 * them, a pass is an ordinary continuation.
 */
export function virtualStep(vt: VirtualTokens | null, past: number): { past: number; lead: number } {
  if (!vt || past > 0) return { past, lead: 0 };
  return vt.kind === 'prefix' ? { past: vt.numVirtualTokens, lead: 0 } : { past: 0, lead: vt.numVirtualTokens };
}

/**
 * The tensors a pass needs from the virtual tokens (call inside the pass's
 * tidy or gradient tape). A prefix goes into an empty cache first, so later
 * steps find it there like any earlier token; without a cache it is returned,
 * repeated for each of the `batch` sequences, for attention to put before the
 * keys it computes.
 */
export function virtualInputs(
  vt: VirtualTokens | null,
  past: number,
  batch: number,
  cache?: KVCache,
): { prompt?: tf.Tensor2D; prefix?: { k: tf.Tensor3D; v: tf.Tensor3D }[] } {
  if (cache && past === 0) filledBy.set(cache, vt);
  if (!vt || past > 0) return {};
  if (vt.kind === 'input') return { prompt: vt.embeddings() };
  const kv = vt.keyValues();
  if (cache) {
    kv.forEach(({ k, v }, layer) => cache.append(layer, k, v));
    cache.advance(vt.numVirtualTokens);
    return {};
  }
  const perSequence = (x: tf.Tensor3D): tf.Tensor3D => {
    if (batch === 1) return x;
    const [nh, n, hs] = x.shape;
    return tf.tile(x.expandDims(0), [batch, 1, 1, 1]).reshape([batch * nh, n, hs]); // [B·nh, n, hs], sequence-major as toHeads
  };
  return { prefix: kv.map(({ k, v }) => ({ k: perSequence(k), v: perSequence(v) })) };
}

/** [B, T, C] token embeddings with the prompt [n, C] put before each sequence: [B, n+T, C]. */
export function prependPrompt(tok: tf.Tensor3D, prompt: tf.Tensor2D): tf.Tensor3D {
  const B = tok.shape[0];
  const repeated = B === 1 ? prompt.expandDims(0) : tf.tile(prompt.expandDims(0), [B, 1, 1]);
  return tf.concat([repeated as tf.Tensor3D, tok], 1);
}

/** [B·(lead+T), C] rows back to the real tokens' [B·T, C]: the virtual positions give no logits. */
export function dropLead(x: tf.Tensor2D, batch: number, lead: number, tokens: number): tf.Tensor2D {
  const C = x.shape[1];
  return x.reshape([batch, lead + tokens, C]).slice([0, lead, 0], [batch, tokens, C]).reshape([batch * tokens, C]);
}
