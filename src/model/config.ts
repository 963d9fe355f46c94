/**
 * The one configuration object of the model. Field names follow nanoGPT; the
 * mapping to Hugging Face's GPT2Config lives in io/checkpoint.ts.
 */
export interface GPTConfig {
  /** Number of token ids the embedding table holds. */
  vocabSize: number;
  /** Longest sequence the learned position table covers (GPT-2's n_positions). */
  blockSize: number;
  /** Transformer blocks stacked on top of each other (n_layer). */
  nLayer: number;
  /** Attention heads per block; nEmbd must divide evenly among them (n_head). */
  nHead: number;
  /** Width of the residual stream (n_embd). */
  nEmbd: number;
  /** Width of the MLP's hidden layer; GPT-2 uses 4 × nEmbd (n_inner = null). */
  nInner: number;
  /** GPT-2's LayerNorm epsilon (layer_norm_epsilon). */
  layerNormEps: number;
  /** Standard deviation of the initial weights; GPT-2's initializer_range. */
  initStd: number;
}

const base = { layerNormEps: 1e-5, initStd: 0.02 } as const;

export const presets = {
  /** Small enough that every test runs in milliseconds on the cpu backend. */
  nano: { ...base, vocabSize: 64, blockSize: 16, nLayer: 2, nHead: 2, nEmbd: 16, nInner: 64 },
  /**
   * Trained in the page on a learner's own text: ~0.1M parameters with a small
   * vocabulary, so a step takes well under a second on wasm. The vocabulary
   * is the fitted tokenizer's, given as an override.
   */
  tiny: { ...base, vocabSize: 1024, blockSize: 64, nLayer: 2, nHead: 4, nEmbd: 64, nInner: 256 },
  /**
   * The playground's default: about 1M parameters, trains on Tiny Shakespeare on
   * a laptop's CPU, and each of its 4 × 4 attention heads fits on screen.
   */
  playground: { ...base, vocabSize: 1024, blockSize: 128, nLayer: 4, nHead: 4, nEmbd: 128, nInner: 512 },
} satisfies Record<string, GPTConfig>;

export type PresetName = keyof typeof presets;

/** The sizes a model trained in the page comes in: `small` is the embedded model's shape. */
export const TRAINING_SIZES = { tiny: 'tiny', small: 'playground' } as const satisfies Record<string, PresetName>;

/** Builds a config from a preset plus overrides, filling nInner = 4·nEmbd when nEmbd changes. */
export function makeConfig(preset: PresetName | GPTConfig = 'playground', overrides: Partial<GPTConfig> = {}): GPTConfig {
  const start = typeof preset === 'string' ? presets[preset] : preset;
  const nInner = overrides.nInner ?? (overrides.nEmbd !== undefined ? 4 * overrides.nEmbd : start.nInner);
  const config: GPTConfig = { ...start, ...overrides, nInner };
  validateConfig(config);
  return config;
}

export class ConfigError extends Error {
  override name = 'ConfigError';
}

export function validateConfig(c: GPTConfig): void {
  const ints: (keyof GPTConfig)[] = ['vocabSize', 'blockSize', 'nLayer', 'nHead', 'nEmbd', 'nInner'];
  for (const k of ints) {
    const v = c[k];
    if (!Number.isInteger(v) || v <= 0) throw new ConfigError(`config.${k} must be a positive integer, got ${v}`);
  }
  if (c.nEmbd % c.nHead !== 0) {
    throw new ConfigError(`config.nEmbd (${c.nEmbd}) must be divisible by config.nHead (${c.nHead})`);
  }
  if (!(c.layerNormEps > 0)) throw new ConfigError(`config.layerNormEps must be > 0, got ${c.layerNormEps}`);
  if (!(c.initStd > 0)) throw new ConfigError(`config.initStd must be > 0, got ${c.initStd}`);
}

/** Parameter count, with the output head tied to the token embeddings (counted once). */
export function countParameters(c: GPTConfig): number {
  const C = c.nEmbd;
  const perBlock =
    2 * 2 * C + // ln_1, ln_2
    C * 3 * C + 3 * C + // c_attn
    C * C + C + // attn.c_proj
    C * c.nInner + c.nInner + // mlp.c_fc
    c.nInner * C + C; // mlp.c_proj
  return c.vocabSize * C + c.blockSize * C + c.nLayer * perBlock + 2 * C;
}
