import * as tf from '@tensorflow/tfjs';
import type { GPT } from '../model/gpt.ts';
import { Rng } from '../util/random.ts';
import { type PromptTuningSettings, DEFAULT_PROMPT_TUNING, checkPromptLearning } from './config.ts';
import { PromptLearningError } from './errors.ts';
import { PromptLearningAdapter } from './adapter.ts';
import { standardNormal, variable } from './layers.ts';

/**
 * Prompt tuning (Lester et al. 2021) as PEFT builds it (tuners/prompt_tuning/model.py,
 * PromptEmbedding, PEFT v0.20.0): an Embedding(n, C) whose rows are the virtual
 * tokens, put before the input; the model stays frozen.
 *
 * RANDOM keeps nn.Embedding's N(0, 1) (far larger than GPT-2's word embeddings,
 * whose std is ~0.02 at initialisation: the paper's reason to prefer TEXT).
 * TEXT tokenizes prompt_tuning_init_text, cuts the ids to n or repeats the
 * whole list until it reaches n (`init_token_ids * ceil(n / len)`, then `[:n]`),
 * and copies those tokens' word embeddings (wte rows).
 */
export function promptTuningInitIds(textIds: readonly number[], n: number): number[] {
  if (textIds.length === 0) throw new PromptLearningError('prompt_tuning_init_text gave no tokens.', 'bad-config', { field: 'prompt_tuning_init_text', value: '""', expected: 'a text of at least one token' });
  const reps = Math.ceil(n / textIds.length);
  return Array.from({ length: reps }, () => textIds).flat().slice(0, n);
}

export function createPromptTuning(
  model: GPT,
  settings: Partial<PromptTuningSettings> = {},
  opts: { seed?: number; tokenizer?: { encode(text: string): number[] } } = {},
): PromptLearningAdapter {
  const s: PromptTuningSettings = { ...DEFAULT_PROMPT_TUNING, ...settings, peft_type: 'PROMPT_TUNING' };
  checkPromptLearning(s, model.config);
  const n = s.num_virtual_tokens;
  const C = model.config.nEmbd;
  let values: Float32Array;
  if (s.prompt_tuning_init === 'TEXT') {
    if (!opts.tokenizer) throw new PromptLearningError('prompt_tuning_init "TEXT" needs the tokenizer to read prompt_tuning_init_text.', 'bad-config', { field: 'tokenizer_name_or_path', value: 'null', expected: "the base model's tokenizer" });
    const ids = promptTuningInitIds(opts.tokenizer.encode(s.prompt_tuning_init_text!), n);
    values = tf.tidy(() => tf.gather(model.params.wte, tf.tensor1d(ids, 'int32')).dataSync() as Float32Array);
  } else {
    values = standardNormal(n * C, new Rng(opts.seed ?? 0));
  }
  return new PromptLearningAdapter(model, s, variable('prompt_encoder.embedding.weight', values, [n, C]), null);
}
