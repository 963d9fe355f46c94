import * as tf from '@tensorflow/tfjs';
import { type MaskMode, MASKED_SCORE, maskBias } from './masks.ts';

/**
 * The smallest capacity a cache allocates: a prompt and its first hundred new
 * tokens fit without a resize, and the playground's whole window (128) is one
 * capacity, so a generation there compiles one set of WebGL decoding programs
 * (with 64, 64 tokens after a 16-token prompt met two: 133 programs compiled
 * in the first generation on SwiftShader instead of 117).
 */
export const MIN_CACHE_CAPACITY = 128;

/**
 * Slots a cache allocates for `tokens` tokens: the next power of two (at least
 * `min`), capped at the context window. Allocating the whole window at once
 * would make every step attend over all of it — at GPT-2 size, 1,024 keys per
 * head instead of ~100, and 75 MB per cache (per beam) against 9.4 MB for 128
 * slots — so capacity grows in a few fixed sizes instead: a generation meets
 * at most log₂(window/min) + 1 shapes (GPT-2: 128, 256, 512, 1,024), and WebGL
 * compiles its programs once per size rather than once per token.
 */
export function cacheCapacity(tokens: number, maxLength = Infinity, min = MIN_CACHE_CAPACITY): number {
  let cap = Math.max(1, min);
  while (cap < tokens) cap *= 2;
  return Math.max(tokens, Math.min(cap, maxLength));
}

/**
 * The additive mask for `queryCount` new queries at absolute position
 * `queryOffset` against a cache of `capacity` slots: [queryCount, capacity].
 * Slots past the real keys (queryOffset + queryCount) hold zeros and are
 * masked whatever the mode, so the mask — data, not shape — is the only thing
 * that changes from step to step.
 */
export function cacheMaskBias(mode: MaskMode, queryOffset: number, queryCount: number, capacity: number): Float32Array {
  const out = maskBias(mode, queryOffset, queryCount, capacity);
  const keys = queryOffset + queryCount;
  for (let i = 0; i < queryCount; i++) out.fill(MASKED_SCORE, i * capacity + keys, (i + 1) * capacity);
  return out;
}

/**
 * The first `keys` columns of every row of a row-major [rows, columns] array:
 * attention over a static cache back to the real keys, for traces.
 */
export function realColumns(data: Float32Array, columns: number, keys: number): Float32Array {
  if (keys === columns) return data;
  const rows = data.length / columns;
  const out = new Float32Array(rows * keys);
  for (let r = 0; r < rows; r++) out.set(data.subarray(r * columns, r * columns + keys), r * keys);
  return out;
}

/**
 * Keys and values of every earlier token, per layer, so that generating token
 * t+1 computes attention for one new query instead of re-running all t tokens.
 * Batch size 1: the playground decodes one sequence at a time.
 *
 * Static shapes: each layer holds [nHead, capacity, headSize] tensors whose
 * unwritten slots are zeros, and a step writes its keys and values into them
 * without changing their shape. Attention runs over all `capacity` slots with
 * the unused tail masked (`cacheMaskBias`), so every decoding step has the same
 * tensor shapes and WebGL compiles its shader programs once instead of at every
 * position (a cache grown by concatenation gave each step new shapes). A
 * masked slot gets exactly zero probability, and adding zeros changes no sum,
 * so the numbers are the same as attending over the real keys alone.
 * On WebGL the fused decoding step (webgl/decode.ts) writes a token's slot
 * into a layer's textures in place, and copies (`replace`) a layer whose
 * textures a fork still shares.
 */
export class KVCache {
  /** Per layer: keys and values, each [nHead, capacity, headSize]. */
  private layers: ({ k: tf.Tensor3D; v: tf.Tensor3D } | null)[];
  private len = 0;
  private cap = 0;
  /** This step's one-hot slot selector [1, capacity, 1], shared by every layer until advance(). */
  private slot: { at: number; cap: number; t: tf.Tensor3D } | null = null;

  /**
   * @param maxLength the context window: capacity never grows past it.
   * @param minCapacity the first capacity allocated (see cacheCapacity).
   */
  constructor(readonly nLayer: number, readonly maxLength = Infinity, readonly minCapacity = MIN_CACHE_CAPACITY) {
    this.layers = new Array(nLayer).fill(null);
  }

  /** Number of tokens whose keys and values are held. */
  get length(): number {
    return this.len;
  }

  /** Slots allocated per layer and head: the length attention runs over. */
  get capacity(): number {
    return this.cap;
  }

  /** A layer's [nHead, capacity, headSize] keys and values (slots from `length` on are zeros), or null before its first step. */
  get(layer: number): { k: tf.Tensor3D; v: tf.Tensor3D } | null {
    return this.layers[layer];
  }

  /**
   * Makes room for `tokens` tokens in all (grows to the next capacity, copying
   * what is held; the new slots are zeros). Called before a step, so the mask
   * can be built for the capacity the step will attend over.
   */
  reserve(tokens: number): void {
    if (tokens <= this.cap) return;
    const cap = cacheCapacity(tokens, this.maxLength, this.minCapacity);
    const grow = (x: tf.Tensor3D) => {
      const grown = tf.keep(tf.pad(x, [[0, 0], [0, cap - this.cap], [0, 0]]));
      x.dispose();
      return grown;
    };
    this.layers = this.layers.map((l) => (l ? { k: grow(l.k), v: grow(l.v) } : null));
    this.cap = cap;
    this.slot?.t.dispose();
    this.slot = null;
  }

  /** The additive attention mask [queryCount, capacity] for the next step's queries (see cacheMaskBias). */
  maskBias(mode: MaskMode, queryCount: number): Float32Array {
    this.reserve(this.len + queryCount);
    return cacheMaskBias(mode, this.len, queryCount, this.cap);
  }

  /**
   * Writes this step's keys/values [nHead, T, headSize] for one layer into slots
   * length … length+T−1 and returns the layer's full [nHead, capacity, headSize]
   * tensors. The slots written are still zeros, so writing is an addition:
   * one token is placed by a one-hot slot vector (data, so the same kernels
   * serve every position); a longer step (a prompt) is padded into place.
   * The returned tensors are kept (outside any tidy) and owned by the cache.
   */
  append(layer: number, k: tf.Tensor3D, v: tf.Tensor3D): { k: tf.Tensor3D; v: tf.Tensor3D } {
    const T = k.shape[1];
    this.reserve(this.len + T);
    const place = (x: tf.Tensor3D): tf.Tensor3D =>
      T === 1 ? tf.mul(this.slotSelector(), x) : tf.pad(x, [[0, 0], [this.len, this.cap - this.len - T], [0, 0]]);
    const old = this.layers[layer];
    const next = {
      k: tf.keep(old ? tf.add<tf.Tensor3D>(old.k, place(k)) : place(k)),
      v: tf.keep(old ? tf.add<tf.Tensor3D>(old.v, place(v)) : place(v)),
    };
    old?.k.dispose();
    old?.v.dispose();
    this.layers[layer] = next;
    return next;
  }

  /**
   * Puts in a layer's full keys and values [nHead, capacity, headSize], written
   * elsewhere (webgl/decode.ts writes a step's slot in one program): they are
   * kept and owned by the cache, and the tensors they replace are freed.
   */
  replace(layer: number, k: tf.Tensor3D, v: tf.Tensor3D): void {
    if (k.shape[1] !== this.cap || v.shape[1] !== this.cap) throw new Error(`A cache layer must hold ${this.cap} slots, not ${k.shape[1]}.`);
    const old = this.layers[layer];
    this.layers[layer] = { k: tf.keep(k), v: tf.keep(v) };
    old?.k.dispose();
    old?.v.dispose();
  }

  /** One-hot [1, capacity, 1] at slot `length`, made once per step and shared by all layers. */
  private slotSelector(): tf.Tensor3D {
    if (!this.slot || this.slot.at !== this.len || this.slot.cap !== this.cap) {
      this.slot?.t.dispose();
      const oneHot = new Float32Array(this.cap);
      oneHot[this.len] = 1;
      this.slot = { at: this.len, cap: this.cap, t: tf.keep(tf.tensor3d(oneHot, [1, this.cap, 1])) };
    }
    return this.slot.t;
  }

  /** Called once every layer has appended a step of `tokens` tokens. */
  advance(tokens: number): void {
    this.len += tokens;
    this.slot?.t.dispose();
    this.slot = null;
  }

  /** An independent copy (TF.js clones share memory until written, so this is cheap): beams fork caches. */
  fork(): KVCache {
    const copy = new KVCache(this.nLayer, this.maxLength, this.minCapacity);
    copy.layers = this.layers.map((l) => (l ? { k: tf.keep(tf.clone(l.k)), v: tf.keep(tf.clone(l.v)) } : null));
    copy.len = this.len;
    copy.cap = this.cap;
    return copy;
  }

  /** Bytes the held tokens' keys and values take: 2 (K and V) × layers × heads × length × headSize × 4 bytes. */
  get bytes(): number {
    return this.layers.reduce((s, l) => s + (l ? 2 * l.k.shape[0] * this.len * l.k.shape[2] * 4 : 0), 0);
  }

  /** Bytes allocated, unused slots included: `bytes` × capacity / length. */
  get reservedBytes(): number {
    return this.layers.reduce((s, l) => s + (l ? (l.k.size + l.v.size) * 4 : 0), 0);
  }

  dispose(): void {
    for (const l of this.layers) {
      l?.k.dispose();
      l?.v.dispose();
    }
    this.layers.fill(null);
    this.slot?.t.dispose();
    this.slot = null;
    this.len = 0;
    this.cap = 0;
  }
}
