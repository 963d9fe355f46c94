/**
 * The three prompt-learning methods under Hugging Face PEFT's names (PEFT
 * v0.20.0: src/peft/config.py PromptLearningConfig; tuners/prompt_tuning/config.py
 * PromptTuningConfig; tuners/p_tuning/config.py PromptEncoderConfig;
 * tuners/prefix_tuning/config.py PrefixTuningConfig), so that settings read
 * and write adapter_config.json as PEFT does. The fields PEFT fills from the
 * base model (token_dim, num_layers, num_attention_heads,
 * _prepare_prompt_learning_config in utils/other.py) come from the GPT here.
 */
import type { GPTConfig } from '../model/config.ts';
import { PromptLearningError } from './errors.ts';

export type PromptLearningType = 'PROMPT_TUNING' | 'P_TUNING' | 'PREFIX_TUNING';

/** Prompt tuning (Lester et al. 2021): n trained input embeddings, nothing else. */
export interface PromptTuningSettings {
  peft_type: 'PROMPT_TUNING';
  num_virtual_tokens: number;
  /** RANDOM: nn.Embedding's N(0, 1); TEXT: the word embeddings of the init text's tokens, repeated or cut to n. */
  prompt_tuning_init: 'RANDOM' | 'TEXT';
  prompt_tuning_init_text: string | null;
}

/** P-tuning (Liu et al. 2021): n embeddings passed through a small trained encoder (PEFT's PromptEncoder). */
export interface PTuningSettings {
  peft_type: 'P_TUNING';
  num_virtual_tokens: number;
  /** MLP: Linear–ReLU–Linear–ReLU–Linear; LSTM: a bidirectional LSTM and a two-layer MLP head. */
  encoder_reparameterization_type: 'MLP' | 'LSTM';
  /** null: the model's width (PEFT's default). */
  encoder_hidden_size: number | null;
  /** LSTM layers; PEFT's MLP ignores it (always three linear layers). */
  encoder_num_layers: number;
  /** Dropout between LSTM layers during training; PEFT's MLP ignores it. */
  encoder_dropout: number;
}

/** Prefix tuning / P-tuning v2 (Li & Liang 2021; Liu et al. 2022): trained keys and values at every layer. */
export interface PrefixTuningSettings {
  peft_type: 'PREFIX_TUNING';
  num_virtual_tokens: number;
  /** Reparameterise through Embedding(n, C) → Linear → Tanh → Linear (Li & Liang's MLP), or train the prefix directly. */
  prefix_projection: boolean;
  /** The projection's hidden width; null: the model's width (PEFT's default). */
  encoder_hidden_size: number | null;
  /** null: random (N(0, 1)); "zero": the prefix (or the projection's last layer) starts at zero. */
  init_weights: 'zero' | null;
}

export type PromptLearningSettings = PromptTuningSettings | PTuningSettings | PrefixTuningSettings;

/** Defaults as PEFT's dataclasses have them, with a small n that suits the playground's 128-token window. */
export const DEFAULT_PROMPT_TUNING: PromptTuningSettings = {
  peft_type: 'PROMPT_TUNING',
  num_virtual_tokens: 8,
  prompt_tuning_init: 'RANDOM',
  prompt_tuning_init_text: null,
};

export const DEFAULT_P_TUNING: PTuningSettings = {
  peft_type: 'P_TUNING',
  num_virtual_tokens: 8,
  encoder_reparameterization_type: 'MLP',
  encoder_hidden_size: null,
  encoder_num_layers: 2,
  encoder_dropout: 0,
};

export const DEFAULT_PREFIX_TUNING: PrefixTuningSettings = {
  peft_type: 'PREFIX_TUNING',
  num_virtual_tokens: 8,
  prefix_projection: false,
  encoder_hidden_size: null,
  init_weights: null,
};

/** Where the virtual tokens go: before the input (prompt tuning, P-tuning), or as every layer's past keys and values. */
export function virtualKind(t: PromptLearningType): 'input' | 'prefix' {
  return t === 'PREFIX_TUNING' ? 'prefix' : 'input';
}

/** The encoder's hidden width: the setting, or the model's width when null (PEFT's _prepare_prompt_learning_config). */
export function encoderHiddenSize(s: PTuningSettings | PrefixTuningSettings, base: Pick<GPTConfig, 'nEmbd'>): number {
  return s.encoder_hidden_size ?? base.nEmbd;
}

/** Columns of one virtual token's saved row: token_dim for input tokens, num_layers·2·token_dim for a prefix. */
export function promptEmbeddingWidth(t: PromptLearningType, base: Pick<GPTConfig, 'nEmbd' | 'nLayer'>): number {
  return t === 'PREFIX_TUNING' ? base.nLayer * 2 * base.nEmbd : base.nEmbd;
}

const linear = (fanIn: number, fanOut: number) => fanIn * fanOut + fanOut;

/**
 * Trainable values, counted as PEFT's get_nb_trainable_parameters counts the
 * modules it builds (tuners/<method>/model.py). Per method, with C the width, L the
 * layers, H the encoder width and n the virtual tokens:
 * prompt tuning n·C; P-tuning MLP n·C + (C·H+H) + (H·H+H) + (H·C+C); P-tuning
 * LSTM n·C + the LSTM's 4H(in+H)+8H per layer and direction + (2H·2H+2H) +
 * (2H·C+C); prefix n·2LC, or with the projection n·C + (C·H+H) + (H·2LC+2LC).
 */
export function trainableParameterCount(s: PromptLearningSettings, base: Pick<GPTConfig, 'nEmbd' | 'nLayer'>): number {
  const n = s.num_virtual_tokens;
  const C = base.nEmbd;
  switch (s.peft_type) {
    case 'PROMPT_TUNING':
      return n * C;
    case 'P_TUNING': {
      const H = encoderHiddenSize(s, base);
      if (s.encoder_reparameterization_type === 'MLP') return n * C + linear(C, H) + linear(H, H) + linear(H, C);
      let lstm = 0;
      for (let l = 0; l < s.encoder_num_layers; l++) lstm += 2 * (4 * H * ((l === 0 ? C : 2 * H) + H) + 8 * H);
      return n * C + lstm + linear(2 * H, 2 * H) + linear(2 * H, C);
    }
    case 'PREFIX_TUNING': {
      const W = promptEmbeddingWidth('PREFIX_TUNING', base);
      return s.prefix_projection ? n * C + linear(C, encoderHiddenSize(s, base)) + linear(encoderHiddenSize(s, base), W) : n * W;
    }
  }
}

const show = (v: unknown): string => (typeof v === 'string' ? JSON.stringify(v) : String(v));

function bad(field: string, value: unknown, expected: string): PromptLearningError {
  return new PromptLearningError(`${field} must be ${expected}; got ${show(value)}.`, 'bad-config', { field, value: show(value), expected });
}

const isWhole = (v: unknown, min: number): v is number => typeof v === 'number' && Number.isInteger(v) && v >= min;

/**
 * Every field checked, each error naming it, before anything is built: the
 * settings from a panel and those read from an adapter_config.json are refused
 * here, not by a shape error further on.
 */
export function checkPromptLearning(s: PromptLearningSettings, base: Pick<GPTConfig, 'blockSize'>): void {
  if (!isWhole(s.num_virtual_tokens, 1)) throw bad('num_virtual_tokens', s.num_virtual_tokens, 'a whole number ≥ 1');
  if (s.num_virtual_tokens >= base.blockSize) {
    throw new PromptLearningError(
      `${s.num_virtual_tokens} virtual tokens leave no room in a context window of ${base.blockSize} positions: they take the first ones, so n must be below ${base.blockSize}.`,
      'too-many-virtual-tokens',
      { virtualTokens: s.num_virtual_tokens, blockSize: base.blockSize },
    );
  }
  switch (s.peft_type) {
    case 'PROMPT_TUNING':
      if (s.prompt_tuning_init !== 'RANDOM' && s.prompt_tuning_init !== 'TEXT') throw bad('prompt_tuning_init', s.prompt_tuning_init, '"RANDOM" or "TEXT"');
      if (s.prompt_tuning_init === 'TEXT' && (typeof s.prompt_tuning_init_text !== 'string' || s.prompt_tuning_init_text === '')) {
        throw bad('prompt_tuning_init_text', s.prompt_tuning_init_text, 'a text to take the initial embeddings from when prompt_tuning_init is "TEXT"');
      }
      return;
    case 'P_TUNING':
      if (s.encoder_reparameterization_type !== 'MLP' && s.encoder_reparameterization_type !== 'LSTM') {
        throw bad('encoder_reparameterization_type', s.encoder_reparameterization_type, '"MLP" or "LSTM"');
      }
      if (s.encoder_hidden_size !== null && !isWhole(s.encoder_hidden_size, 1)) throw bad('encoder_hidden_size', s.encoder_hidden_size, 'a whole number ≥ 1 or null');
      if (!isWhole(s.encoder_num_layers, 1)) throw bad('encoder_num_layers', s.encoder_num_layers, 'a whole number ≥ 1');
      if (typeof s.encoder_dropout !== 'number' || !(s.encoder_dropout >= 0 && s.encoder_dropout < 1)) throw bad('encoder_dropout', s.encoder_dropout, 'a number in [0, 1)');
      return;
    case 'PREFIX_TUNING':
      if (typeof s.prefix_projection !== 'boolean') throw bad('prefix_projection', s.prefix_projection, 'true or false');
      if (s.encoder_hidden_size !== null && !isWhole(s.encoder_hidden_size, 1)) throw bad('encoder_hidden_size', s.encoder_hidden_size, 'a whole number ≥ 1 or null');
      if (s.init_weights !== null && s.init_weights !== 'zero') throw bad('init_weights', s.init_weights, 'null or "zero"');
      return;
    default:
      throw new PromptLearningError(`adapter_config.json has peft_type ${show((s as { peft_type: unknown }).peft_type)}; a prompt-learning adapter is PROMPT_TUNING, P_TUNING or PREFIX_TUNING.`, 'unsupported-peft-type', {
        peftType: show((s as { peft_type: unknown }).peft_type),
      });
  }
}
