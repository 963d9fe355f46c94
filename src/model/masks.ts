/**
 * Which keys a query may attend to. Three families of language model differ
 * only here:
 * - causal: each token sees itself and earlier tokens (GPT, LLaMA) — the mask
 *   that makes generation one token at a time equal to one full pass;
 * - prefix: bidirectional over the first `prefixLength` tokens, causal after
 *   (GLM / ChatGLM's prefix decoder, T5's prefix LM);
 * - bidirectional: every token sees every token (BERT's encoder).
 */
export type MaskMode =
  | { kind: 'causal' }
  | { kind: 'prefix'; prefixLength: number }
  | { kind: 'bidirectional' };

export const CAUSAL: MaskMode = { kind: 'causal' };

/** True when query position `q` may attend to key position `k` (absolute positions). */
export function canAttend(mode: MaskMode, q: number, k: number): boolean {
  switch (mode.kind) {
    case 'causal':
      return k <= q;
    case 'prefix':
      return k <= q || k < mode.prefixLength;
    case 'bidirectional':
      return true;
  }
}

/**
 * A value added to masked scores before the softmax. Hugging Face adds the
 * dtype's minimum; any number this negative makes exp() exactly zero in
 * float32 while staying finite on every backend (−∞ is risky in shaders).
 */
export const MASKED_SCORE = -1e9;

/**
 * The additive mask for `queryCount` queries starting at absolute position
 * `queryOffset` against keys 0..keyCount−1: [queryCount, keyCount], row-major,
 * 0 where attention is allowed and MASKED_SCORE where it is not.
 */
export function maskBias(mode: MaskMode, queryOffset: number, queryCount: number, keyCount: number): Float32Array {
  const out = new Float32Array(queryCount * keyCount);
  for (let i = 0; i < queryCount; i++) {
    for (let k = 0; k < keyCount; k++) {
      if (!canAttend(mode, queryOffset + i, k)) out[i * keyCount + k] = MASKED_SCORE;
    }
  }
  return out;
}

export function describeMask(mode: MaskMode): string {
  switch (mode.kind) {
    case 'causal':
      return 'causal (GPT): each token attends to itself and earlier tokens';
    case 'prefix':
      return `prefix LM (GLM): bidirectional over the first ${mode.prefixLength} tokens, causal after`;
    case 'bidirectional':
      return 'bidirectional (BERT): every token attends to every token';
  }
}
