// The SFT section's messages to the worker (loraSft, loraSftMethods; listed in
// LoraMethods, loraProtocol.ts, which re-exports these types).

import type { LoraConfig } from '../lora/config.ts';
import type { AdaptationMethod } from '../peft/methods.ts';
import type { SftMeasures, SftPoint } from '../train/sftRun.ts';

/** SFT (指令微调): the chat markers added, then loss on every token vs on the answers only, and answers with original text mixed in. */
export interface SftParams {
  /** Full fine-tuning, LoRA, or a PEFT method (the method's variables train, plus the new rows of the chat markers). */
  method: AdaptationMethod;
  /** LoRA's settings (AdaLoRA ends at their budget; unused by full fine-tuning and the prompt methods). */
  config: LoraConfig;
  steps: number;
  /** The rate of LoRA, AdaLoRA or full fine-tuning; the prompt methods train at PROMPT_LEARNING_RATES (peft/methods.ts). */
  learningRate: number;
  /** Share of each batch of the third run ('mixed') that is original text. */
  mix: number;
  seed: number;
  modelBaseUrl: string | null;
}

/** The runs: loss on all tokens; on the answers only; on the answers with original text mixed in. */
export type SftArmId = 'all' | 'answers' | 'mixed';

/** A training conversation as the template writes it, token by token, and whether the answers-only loss counts each token. */
export interface SftExampleView {
  tokens: { text: string; counted: boolean; special: boolean }[];
}

export interface SftArmResult {
  arm: SftArmId;
  method: AdaptationMethod;
  mix: number;
  learningRate: number;
  points: SftPoint[];
  after: SftMeasures;
  /** The original corpus's loss with the method switched off after training (null for full fine-tuning, which has no off). */
  originalLossDetached: number | null;
  /** Largest |Δ| over the base's own weights (the new marker rows aside), measured with the method switched off. */
  baseMaxAbsChange: number;
  trainableParameters: number;
  medianStepMs: number;
  stoppedBy: string | null;
}

/** "Getting dumber" across methods: one answers-only run per method from the same copy, steps and seed. */
export interface SftMethodsParams extends Omit<SftParams, 'method' | 'mix'> {
  methods: AdaptationMethod[];
  /** Full fine-tuning's rate (`learningRate` is LoRA's and AdaLoRA's). */
  fullLearningRate: number;
}

export interface SftPrepared {
  example: SftExampleView;
  /** The methods that train, in order (one for loraSft), and the runs each makes. */
  methods: AdaptationMethod[];
  arms: SftArmId[];
  /** Special tokens added and the vocabulary after. */
  addedTokens: number;
  vocabSize: number;
  language: 'en' | 'zh';
  trainConversations: number;
  heldOut: number;
  /** The model with its new rows, before any training. */
  before: SftMeasures;
}

export type SftEvent =
  | { type: 'status'; message: string }
  | ({ type: 'prepared' } & SftPrepared)
  | { type: 'step'; arm: SftArmId; method: AdaptationMethod; step: number; loss: number }
  | { type: 'point'; arm: SftArmId; method: AdaptationMethod; point: SftPoint }
  | { type: 'arm'; result: SftArmResult };

export interface SftResult extends SftPrepared {
  results: SftArmResult[];
  stopped: boolean;
}
