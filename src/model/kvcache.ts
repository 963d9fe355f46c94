import * as tf from '@tensorflow/tfjs';

/**
 * Keys and values of every earlier token, per layer, so that generating token
 * t+1 computes attention for one new query instead of re-running all t tokens.
 * Batch size 1: the playground decodes one sequence at a time.
 */
export class KVCache {
  /** Per layer: keys and values, each [nHead, length, headSize]. */
  private layers: ({ k: tf.Tensor3D; v: tf.Tensor3D } | null)[];
  private len = 0;

  constructor(readonly nLayer: number) {
    this.layers = new Array(nLayer).fill(null);
  }

  /** Number of tokens whose keys and values are held. */
  get length(): number {
    return this.len;
  }

  get(layer: number): { k: tf.Tensor3D; v: tf.Tensor3D } | null {
    return this.layers[layer];
  }

  /**
   * Appends this step's keys/values for one layer and returns the full ones.
   * The returned tensors are kept (outside any tidy) and owned by the cache.
   */
  append(layer: number, k: tf.Tensor3D, v: tf.Tensor3D): { k: tf.Tensor3D; v: tf.Tensor3D } {
    const old = this.layers[layer];
    const next = old
      ? { k: tf.keep(tf.concat([old.k, k], 1)), v: tf.keep(tf.concat([old.v, v], 1)) }
      : { k: tf.keep(k), v: tf.keep(v) };
    if (old) {
      old.k.dispose();
      old.v.dispose();
    }
    this.layers[layer] = next;
    return next;
  }

  /** Called once every layer has appended a step of `tokens` tokens. */
  advance(tokens: number): void {
    this.len += tokens;
  }

  /** An independent copy (TF.js clones share memory until written, so this is cheap): beams fork caches. */
  fork(): KVCache {
    const copy = new KVCache(this.nLayer);
    copy.layers = this.layers.map((l) => (l ? { k: tf.keep(tf.clone(l.k)), v: tf.keep(tf.clone(l.v)) } : null));
    copy.len = this.len;
    return copy;
  }

  /** Bytes held: 2 (K and V) × layers × heads × length × headSize × 4 bytes. */
  get bytes(): number {
    return this.layers.reduce((s, l) => s + (l ? (l.k.size + l.v.size) * 4 : 0), 0);
  }

  dispose(): void {
    for (const l of this.layers) {
      l?.k.dispose();
      l?.v.dispose();
    }
    this.layers.fill(null);
    this.len = 0;
  }
}
