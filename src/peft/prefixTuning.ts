import type { GPT } from '../model/gpt.ts';
import { Rng } from '../util/random.ts';
import { type PrefixTuningSettings, DEFAULT_PREFIX_TUNING, checkPromptLearning, encoderHiddenSize, promptEmbeddingWidth } from './config.ts';
import { PromptLearningAdapter } from './adapter.ts';
import { sequentialMLP, standardNormal, tanh, variable } from './layers.ts';

/**
 * Prefix tuning (Li & Liang 2021) and P-tuning v2 (Liu et al. 2022) as PEFT
 * builds them (tuners/prefix_tuning/model.py, PrefixEncoder, PEFT v0.20.0): n
 * virtual positions whose keys and values every layer's attention reads as
 * `past_key_values` (layout in adapter.ts, prefixKeyValues).
 *
 * - prefix_projection false (P-tuning v2): embedding = Embedding(n, L·2·C), the
 *   prefix itself.
 * - prefix_projection true (Li & Liang's reparameterisation): embedding =
 *   Embedding(n, C) → transform = Linear(C, H) → Tanh → Linear(H, L·2·C).
 *
 * init_weights "zero" starts the prefix (or the projection's last layer) at
 * zero: zero keys give the virtual positions equal scores and zero values add
 * nothing, yet every query now spreads some attention over them, so even a
 * zero prefix changes the output (unlike LoRA's zero B).
 */
export function createPrefixTuning(model: GPT, settings: Partial<PrefixTuningSettings> = {}, opts: { seed?: number } = {}): PromptLearningAdapter {
  const s: PrefixTuningSettings = { ...DEFAULT_PREFIX_TUNING, ...settings, peft_type: 'PREFIX_TUNING' };
  checkPromptLearning(s, model.config);
  const rng = new Rng(opts.seed ?? 0);
  const n = s.num_virtual_tokens;
  const C = model.config.nEmbd;
  const W = promptEmbeddingWidth('PREFIX_TUNING', model.config);
  const zero = s.init_weights === 'zero';
  if (!s.prefix_projection) {
    const values = zero ? new Float32Array(n * W) : standardNormal(n * W, rng);
    return new PromptLearningAdapter(model, s, variable('prompt_encoder.embedding.weight', values, [n, W]), null);
  }
  const embedding = variable('prompt_encoder.embedding.weight', standardNormal(n * C, rng), [n, C]);
  const transform = sequentialMLP('transform', [C, encoderHiddenSize(s, model.config), W], tanh, rng, { zeroLast: zero });
  return new PromptLearningAdapter(model, s, embedding, transform);
}
