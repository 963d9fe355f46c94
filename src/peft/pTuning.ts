import type { GPT } from '../model/gpt.ts';
import { Rng } from '../util/random.ts';
import { type PTuningSettings, DEFAULT_P_TUNING, checkPromptLearning, encoderHiddenSize } from './config.ts';
import { PromptLearningAdapter } from './adapter.ts';
import { type Encoder, relu, sequentialMLP, standardNormal, variable } from './layers.ts';
import { bidirectionalLSTM } from './lstm.ts';

/**
 * P-tuning (Liu et al. 2021) as PEFT builds it (tuners/p_tuning/model.py,
 * PromptEncoder, PEFT v0.20.0): Embedding(n, C) → an encoder → the n virtual
 * input tokens. Both the embedding and the encoder train; the encoder couples
 * the virtual tokens, which the paper found trains more stably than free rows.
 *
 * - MLP: mlp_head = Linear(C, H) → ReLU → Linear(H, H) → ReLU → Linear(H, C)
 *   (encoder_num_layers and encoder_dropout are ignored, as in PEFT).
 * - LSTM: lstm_head = bidirectional LSTM(C → H, encoder_num_layers layers,
 *   dropout between them), then mlp_head = Linear(2H, 2H) → ReLU → Linear(2H, C).
 *
 * H is encoder_hidden_size, the model's width C when unset.
 */
export function createPTuning(model: GPT, settings: Partial<PTuningSettings> = {}, opts: { seed?: number } = {}): PromptLearningAdapter {
  const s: PTuningSettings = { ...DEFAULT_P_TUNING, ...settings, peft_type: 'P_TUNING' };
  checkPromptLearning(s, model.config);
  const rng = new Rng(opts.seed ?? 0);
  const n = s.num_virtual_tokens;
  const C = model.config.nEmbd;
  const H = encoderHiddenSize(s, model.config);
  const embedding = variable('prompt_encoder.embedding.weight', standardNormal(n * C, rng), [n, C]);
  let encoder: Encoder;
  if (s.encoder_reparameterization_type === 'MLP') {
    encoder = sequentialMLP('mlp_head', [C, H, H, C], relu, rng);
  } else {
    const lstm = bidirectionalLSTM('lstm_head', C, H, s.encoder_num_layers, s.encoder_dropout, rng);
    const head = sequentialMLP('mlp_head', [2 * H, 2 * H, C], relu, rng);
    encoder = { variables: [...lstm.variables, ...head.variables], forward: (x, training) => head.forward(lstm.forward(x, training), training) };
  }
  return new PromptLearningAdapter(model, s, embedding, encoder);
}
