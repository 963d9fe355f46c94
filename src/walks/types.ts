// A lesson is a guided walk through one interview question: a few steps, each
// a link that sets the whole playground (every setting, the seed included) and
// names the number the page measures there, and a short answer to close with.
// The words live in the `lessons` i18n namespace under the lesson's id; the
// numbers are never written into them — the page measures them live, and
// tests/walks checks that each lesson's claims still hold on the embedded model.

import type { PlaygroundState } from '../state/schema.ts';

/**
 * The measurements a step can show. Each names what the page computes from the
 * step's settings (its model, prompt, decoding, mask…):
 * - engine measures run the model in the worker through the existing requests;
 * - arithmetic measures come from lessons/costs.ts and lessons/chunking.ts.
 */
export const ENGINE_MEASURES = [
  /** seq-rep-4 of the continuation the step's decoding writes (share of 4-grams that repeat an earlier one). */
  'seqRep4',
  /** Perplexity the model itself gives the continuation the step's decoding writes: exp of the mean −log p (before any processor). */
  'continuationPerplexity',
  /** Largest |Δlogit| between one teacher-forced pass and stepping token by token with the KV cache. */
  'teacherForcingMaxDelta',
  /** KV cache bytes per token of the prompt, measured after stepping through it. */
  'kvCacheBytesPerToken',
  /** Share of attention weight (layer/head of the link, mean over rows) that falls on later tokens, under the link's mask. */
  'futureAttention',
  /** Largest |row sum − 1| of the attention weights under the link's mask: softmax rows are distributions. */
  'attentionRowSumError',
  /** Share of greedily generated tokens that change when the link's `ablate` heads are switched off. */
  'ablationTokensChanged',
  /** Tokens per 汉字 of the prompt under the model's tokenizer. */
  'tokensPerHan',
  /** The model's context window in tokens (GPT-2's n_positions). */
  'contextWindow',
  /** Windows of the context size, overlapping by a quarter, that the prompt is cut into. */
  'chunksWithOverlap',
  /** Train a LoRA adapter for lora_steps, merge it: largest |Δlogit| merged vs adapter on top. */
  'loraMergeMaxDelta',
  /** Train a LoRA adapter for lora_steps: rise of the loss on the original corpus (nats/token), end − start. */
  'forgettingRise',
  /** The LoRA panel's comparison, first method of lora_compare, lora_steps steps: the values it trains. */
  'peftTrainable',
  /** … how far the new text's validation loss fell (nats/token), start − end. */
  'peftNewTextDrop',
  /** … how far the original corpus's validation loss rose (nats/token), end − start: the general ability it cost. */
  'peftOriginalRise',
  /** … the largest |Δlogit| between the base and the model with the method's adapter switched off. */
  'peftAdapterOffDelta',
  /** … the values the method's saved adapter file holds, as a share of those it trained (AdaLoRA prunes). */
  'peftSavedShare',
  /** The LoRA panel's comparison of LoRA and full fine-tuning (lora_steps, one job): LoRA's trainable values ÷ full fine-tuning's, */
  'costTrainableShare',
  /** … bytes of Adam's state (two moments per trainable value), LoRA, */
  'costOptimizerBytesLora',
  /** … full fine-tuning, */
  'costOptimizerBytesFull',
  /** … median milliseconds per training step, LoRA, */
  'costStepMsLora',
  /** … full fine-tuning. */
  'costStepMsFull',
  /** A new LoRA adapter trained lora_steps, then the same adapter continued lora_steps more (one job): new-text validation loss after the first run, */
  'continueLossFirst',
  /** … after the continued run, */
  'continueLossSecond',
  /** … the optimizer steps the adapter holds afterwards. */
  'continueSteps',
  /** The LoRA panel's SFT (sft_method, lora_steps; one job for every SFT measure): share of the example dialogue's tokens the answers-only loss counts. */
  'sftCountedShare',
  /** … held-out answer loss (nats/token) after training with the loss on every token, */
  'sftAnswerLossAll',
  /** … and with the loss on the answers only. */
  'sftAnswerLossAnswers',
  /** … rise of the original corpus's loss (nats/token), after − before: loss on every token, */
  'sftOriginalRiseAll',
  /** … on the answers only, */
  'sftOriginalRiseAnswers',
  /** … on the answers with original text mixed into each batch. */
  'sftOriginalRiseMixed',
  /** … share of held-out questions whose greedy answer stops at <|end|>: the base with the new markers, */
  'sftEndShareBase',
  /** … and after answers-only SFT. */
  'sftEndShareAnswers',
  /** … after answers-only SFT, held-out two-turn dialogues (多轮对话): loss on the first answers (nats/token), */
  'sftFirstTurnLoss',
  /** … and on the second answers, each read after the whole first turn. */
  'sftSecondTurnLoss',
  /** The "Your own text" panel's training (train_tokenizer, train_vocab, train_size, train_steps) on the model folder's original-sample.txt: ln of the fitted vocabulary's size, the loss of a uniform guess, */
  'ownUniformLoss',
  /** … validation loss (nats/token) of the new model before any step, */
  'ownStartLoss',
  /** … and after train_steps steps, */
  'ownEndLoss',
  /** … share of the greedy sample's words that occur in the training text, before training, */
  'ownSampleWordsBefore',
  /** … and after, */
  'ownSampleWordsAfter',
  /** … tokens the text makes per character under the fitted tokenizer. */
  'ownTokensPerChar',
  /** The LoRA panel's vocabulary expansion (vocab_k, vocab_steps; one job): tokens per 汉字 of the held-out Tang text, base tokenizer, */
  'vocabTokensPerHanBase',
  /** … expanded tokenizer, */
  'vocabTokensPerHanExpanded',
  /** … 汉字 of that text in one context window, base tokenizer, */
  'vocabHanPerWindowBase',
  /** … expanded tokenizer. */
  'vocabHanPerWindowExpanded',
  /** The prompt read in windows side by side: mean loss per token (nats) (lessons/chunking.ts scoreChunked), */
  'longTextLossNoOverlap',
  /** … and over the same tokens in windows overlapping by a quarter, each token scored where it has most context. */
  'longTextLossOverlap',
] as const;

export const ARITHMETIC_MEASURES = [
  /** Memory to fine-tune LLaMA-2 7B (bf16 weights, Adam, seq 2048, batch 1), lessons/costs.ts. */
  'memory:full',
  'memory:lora',
  'memory:qlora',
  /** LLaMA-2 7B's KV cache per token in bf16. */
  'kvCache7BPerToken',
  /** How many times one layer's stored attention scores grow when the input doubles (n² → 4). */
  'attentionGrowthOnDoubling',
] as const;

export type EngineMeasure = (typeof ENGINE_MEASURES)[number];
export type ArithmeticMeasure = (typeof ARITHMETIC_MEASURES)[number];
export type MeasureId = EngineMeasure | ArithmeticMeasure;
export const MEASURES: readonly MeasureId[] = [...ENGINE_MEASURES, ...ARITHMETIC_MEASURES];

export function isEngineMeasure(id: MeasureId): id is EngineMeasure {
  return (ENGINE_MEASURES as readonly string[]).includes(id);
}

/** How a measured number is shown: a ratio, a count, bytes, nats… */
export type MeasureUnit = 'ratio' | 'count' | 'bytes' | 'nats' | 'logit' | 'times' | 'ms';

export const MEASURE_UNITS: Record<MeasureId, MeasureUnit> = {
  seqRep4: 'ratio',
  continuationPerplexity: 'count',
  teacherForcingMaxDelta: 'logit',
  kvCacheBytesPerToken: 'bytes',
  futureAttention: 'ratio',
  attentionRowSumError: 'logit',
  ablationTokensChanged: 'ratio',
  tokensPerHan: 'times',
  contextWindow: 'count',
  chunksWithOverlap: 'count',
  loraMergeMaxDelta: 'logit',
  forgettingRise: 'nats',
  peftTrainable: 'count',
  peftNewTextDrop: 'nats',
  peftOriginalRise: 'nats',
  peftAdapterOffDelta: 'logit',
  peftSavedShare: 'ratio',
  costTrainableShare: 'ratio',
  costOptimizerBytesLora: 'bytes',
  costOptimizerBytesFull: 'bytes',
  costStepMsLora: 'ms',
  costStepMsFull: 'ms',
  continueLossFirst: 'nats',
  continueLossSecond: 'nats',
  continueSteps: 'count',
  sftCountedShare: 'ratio',
  sftAnswerLossAll: 'nats',
  sftAnswerLossAnswers: 'nats',
  sftOriginalRiseAll: 'nats',
  sftOriginalRiseAnswers: 'nats',
  sftOriginalRiseMixed: 'nats',
  sftEndShareBase: 'ratio',
  sftEndShareAnswers: 'ratio',
  sftFirstTurnLoss: 'nats',
  sftSecondTurnLoss: 'nats',
  ownUniformLoss: 'nats',
  ownStartLoss: 'nats',
  ownEndLoss: 'nats',
  ownSampleWordsBefore: 'ratio',
  ownSampleWordsAfter: 'ratio',
  ownTokensPerChar: 'times',
  vocabTokensPerHanBase: 'times',
  vocabTokensPerHanExpanded: 'times',
  vocabHanPerWindowBase: 'count',
  vocabHanPerWindowExpanded: 'count',
  longTextLossNoOverlap: 'nats',
  longTextLossOverlap: 'nats',
  'memory:full': 'bytes',
  'memory:lora': 'bytes',
  'memory:qlora': 'bytes',
  kvCache7BPerToken: 'bytes',
  attentionGrowthOnDoubling: 'times',
};

/** The settings a step's link changes from the defaults of its model; the rest of the link is the defaults. */
export type StepLink = Partial<Omit<PlaygroundState, 'lang' | 'backend'>>;

export interface Step {
  link: StepLink;
  measure: MeasureId;
}

/**
 * What a lesson promises about its numbers, checked on the embedded model by
 * tests/walks (and shown on the page next to the numbers): step `a`'s number
 * is above step `b`'s or near it, or a step's number is below / above a bound.
 */
export type Claim =
  | { kind: 'greater'; a: number; b: number }
  /** Step `a`'s number lies within `within` of step `b`'s. */
  | { kind: 'near'; a: number; b: number; within: number }
  | { kind: 'below'; step: number; bound: number }
  | { kind: 'above'; step: number; bound: number };

export interface Lesson {
  /** Also its key in the `lessons` namespace: title, question, steps.N, answer, differs. */
  id: string;
  steps: readonly Step[];
  claims: readonly Claim[];
}

/** Whether a claim holds for measured numbers (by step index; null where not measured yet). */
export function claimHolds(claim: Claim, values: readonly (number | null)[]): boolean | null {
  if (claim.kind === 'greater') {
    const [a, b] = [values[claim.a], values[claim.b]];
    return a == null || b == null ? null : a > b;
  }
  if (claim.kind === 'near') {
    const [a, b] = [values[claim.a], values[claim.b]];
    return a == null || b == null ? null : Math.abs(a - b) < claim.within;
  }
  const v = values[claim.step];
  if (v == null) return null;
  return claim.kind === 'below' ? v < claim.bound : v > claim.bound;
}
