import type { KVCache } from '../kvcache.ts';

/** What the warm-up needs of a model (GPT satisfies it). */
export interface WarmableModel {
  createCache(): KVCache;
  run(ids: ArrayLike<number>, opts: { cache: KVCache }): unknown;
}

/**
 * The forward pass a page runs once at model load, so that the first
 * generation does not pay for it: one token into a fresh KV cache — the step a
 * short prompt and every generated token then take. On WebGL that is the fused
 * decoding step (./decode.ts): it compiles its dozen programs and uploads the
 * weights in the packed layout they read, ~0.5 s on SwiftShader that the first
 * generation would otherwise spend (bench/browser/playground.ts prints both,
 * with `webgl+warmup`). Elsewhere it costs what any one-token forward does.
 */
export function warmUpDecoding(model: WarmableModel): void {
  const cache = model.createCache();
  try {
    model.run([0], { cache });
  } finally {
    cache.dispose();
  }
}
