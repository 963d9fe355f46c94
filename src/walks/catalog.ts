// The lessons, in the order the list shows them. Each step's link names only
// what differs from its model's defaults; the measured numbers are not here —
// the page measures them, and tests/walks/claims.node.test.ts checks each
// lesson's claims on the embedded model, so a claim that stops being true
// fails a test instead of misleading a reader.

import type { Lesson } from './types.ts';
import { HELD_OUT_PASSAGE } from './texts.ts';

/** A long passage for the window and chunking steps: more tokens than the Shakespeare model's 128-token window holds. */
const LONG_PROMPT =
  'First Citizen:\nBefore we proceed any further, hear me speak.\n\nAll:\nSpeak, speak.\n\nFirst Citizen:\nYou are all resolved rather to die than to famish?\n\nAll:\nResolved. resolved.\n\n' +
  'First Citizen:\nFirst, you know Caius Marcius is chief enemy to the people.\n\nAll:\nWe know\'t, we know\'t.\n\nFirst Citizen:\nLet us kill him, and we\'ll have corn at our own price.\nIs\'t a verdict?\n\n' +
  'All:\nNo more talking on\'t; let it be done: away, away!\n\nSecond Citizen:\nOne word, good citizens.\n\nFirst Citizen:\nWe are accounted poor citizens, the patricians good.\n';

/** Eight 汉字 in a line of verse: the same text under both models' tokenizers. */
const HAN_PROMPT = '床前明月光，疑是地上霜。';

/** The LoRA panel's vocabulary expansion with one step of training: the tokenizer's numbers come before any training. */
const VOCAB_EXPANSION = { panel: 'lora', vocabK: 500, vocabSteps: 1 } as const;

/** The LoRA panel's SFT: three short runs from one copy (loss on all tokens, on answers only, answers with original text mixed in). */
const SFT = { panel: 'lora', sftMethod: 'lora', loraSteps: 30 } as const;

/** The LoRA panel's comparison of LoRA and full fine-tuning, a few steps: what each trains and keeps. */
const LORA_VS_FULL = { panel: 'lora', loraCompare: 'lora,full', loraSteps: 4 } as const;

/** The LoRA panel's training: a new adapter, then "Continue training" on it with the same settings. */
const CONTINUE = { panel: 'lora', loraSteps: 8 } as const;

/** Continued pre-training on the LoRA panel's new text (its raw "domain" text) with a LoRA adapter, through the comparison. */
const DOMAIN = { panel: 'lora', loraCompare: 'lora', loraSteps: 12, loraLr: 0.01 } as const;

/**
 * The "Your own text" panel: a tiny model trained from scratch on characters (the
 * lesson's numbers use the model folder's original-sample.txt), long enough for the loss and the sample to change.
 */
const OWN_MODEL = { panel: 'own-text', trainTokenizer: 'char', trainSize: 'tiny', trainSteps: 150 } as const;

const ATTENTION_MASKS = { panel: 'attention', attentionView: 'masks', step: 8, strategy: 'greedy' } as const;

export const LESSONS: readonly Lesson[] = [
  {
    // 为何现在的大模型大部分是 Decoder-only 结构: training and generation compute the same thing.
    id: 'decoderOnly',
    steps: [
      { link: { ...ATTENTION_MASKS, mask: 'causal' }, measure: 'teacherForcingMaxDelta' },
      { link: { ...ATTENTION_MASKS, mask: 'causal' }, measure: 'kvCacheBytesPerToken' },
      { link: { panel: 'sampling', strategy: 'sample', temperature: 0.8, maxNewTokens: 60 }, measure: 'seqRep4' },
    ],
    claims: [{ kind: 'below', step: 0, bound: 1e-3 }],
  },
  {
    // 大模型 LLM 的架构介绍: self-attention, multi-head attention, the feed-forward network.
    id: 'architecture',
    steps: [
      { link: { panel: 'attention', attentionView: 'heatmap', step: 8, strategy: 'greedy' }, measure: 'attentionRowSumError' },
      { link: { panel: 'attention', attentionView: 'grid', step: 8, strategy: 'greedy' }, measure: 'futureAttention' },
      { link: { panel: 'attention', attentionView: 'heatmap', strategy: 'greedy', maxNewTokens: 40, ablate: '0.0' }, measure: 'ablationTokensChanged' },
      { link: { panel: 'attention', attentionView: 'heatmap', strategy: 'greedy', maxNewTokens: 40, ablate: '0.0,0.1,0.2,0.3' }, measure: 'ablationTokensChanged' },
    ],
    claims: [
      { kind: 'below', step: 0, bound: 1e-4 },
      { kind: 'below', step: 1, bound: 1e-6 },
      { kind: 'above', step: 2, bound: 0 },
      { kind: 'greater', a: 3, b: 2 },
    ],
  },
  {
    // prefix LM 和 causal LM 的区别; BERT vs GPT vs GLM.
    id: 'masks',
    steps: [
      { link: { ...ATTENTION_MASKS, mask: 'causal' }, measure: 'futureAttention' },
      { link: { ...ATTENTION_MASKS, mask: 'prefix' }, measure: 'futureAttention' },
      { link: { ...ATTENTION_MASKS, mask: 'bidirectional' }, measure: 'futureAttention' },
      { link: { ...ATTENTION_MASKS, mask: 'prefix' }, measure: 'attentionRowSumError' },
    ],
    claims: [
      { kind: 'below', step: 0, bound: 1e-6 },
      { kind: 'greater', a: 1, b: 0 },
      { kind: 'greater', a: 2, b: 1 },
      { kind: 'below', step: 3, bound: 1e-4 },
    ],
  },
  {
    // 什么是 LLMs 复读机问题? 为什么会出现? 如何缓解?
    id: 'parroting',
    steps: [
      { link: { panel: 'sampling', strategy: 'greedy', maxNewTokens: 80 }, measure: 'seqRep4' },
      { link: { panel: 'sampling', strategy: 'sample', topP: 0.9, maxNewTokens: 80 }, measure: 'seqRep4' },
      { link: { panel: 'sampling', strategy: 'greedy', noRepeatNgram: 3, maxNewTokens: 80 }, measure: 'seqRep4' },
      { link: { panel: 'sampling', strategy: 'contrastive', topK: 4, penaltyAlpha: 0.6, maxNewTokens: 80 }, measure: 'seqRep4' },
    ],
    claims: [
      { kind: 'greater', a: 0, b: 1 },
      { kind: 'greater', a: 0, b: 2 },
      { kind: 'below', step: 2, bound: 1e-9 },
    ],
  },
  {
    // LLMs 输入句子长度理论上可以无限长吗? 如何让大模型处理更长的文本?
    id: 'inputLength',
    steps: [
      { link: { panel: 'sampling', prompt: LONG_PROMPT }, measure: 'contextWindow' },
      { link: { panel: 'attention', attentionView: 'masks', step: 8, strategy: 'greedy' }, measure: 'kvCacheBytesPerToken' },
      { link: { panel: 'lora' }, measure: 'kvCache7BPerToken' },
      { link: { panel: 'attention' }, measure: 'attentionGrowthOnDoubling' },
      { link: { panel: 'sampling', prompt: LONG_PROMPT }, measure: 'chunksWithOverlap' },
      { link: { panel: 'attention', prompt: HELD_OUT_PASSAGE }, measure: 'longTextLossNoOverlap' },
      { link: { panel: 'attention', prompt: HELD_OUT_PASSAGE }, measure: 'longTextLossOverlap' },
    ],
    claims: [
      { kind: 'greater', a: 2, b: 1 },
      { kind: 'above', step: 4, bound: 1 },
      // The same tokens cost more when a window starts from nothing than with a quarter of a window of context carried over.
      { kind: 'greater', a: 5, b: 6 },
    ],
  },
  {
    // 领域模型词表扩增是不是有必要的? 训练中文大模型有啥经验?
    id: 'vocabulary',
    steps: [
      { link: { panel: 'sampling', prompt: HAN_PROMPT }, measure: 'tokensPerHan' },
      { link: { panel: 'sampling', model: 'tang', prompt: HAN_PROMPT }, measure: 'tokensPerHan' },
      { link: VOCAB_EXPANSION, measure: 'vocabTokensPerHanBase' },
      { link: VOCAB_EXPANSION, measure: 'vocabTokensPerHanExpanded' },
      { link: VOCAB_EXPANSION, measure: 'vocabHanPerWindowBase' },
      { link: VOCAB_EXPANSION, measure: 'vocabHanPerWindowExpanded' },
    ],
    claims: [
      { kind: 'greater', a: 0, b: 1 },
      { kind: 'above', step: 0, bound: 2.5 },
      { kind: 'below', step: 1, bound: 1.1 },
      // Expanding the Shakespeare tokenizer by 500 汉字: fewer tokens per 汉字, more 汉字 in the same window.
      { kind: 'greater', a: 2, b: 3 },
      { kind: 'greater', a: 5, b: 4 },
    ],
  },
  {
    // LoRA 的思路; LoRA 权重是否可以合入原模型? QLoRA; 全参数微调需要多少显存?
    id: 'lora',
    steps: [
      { link: { panel: 'lora', loraSteps: 8, loraR: 4 }, measure: 'loraMergeMaxDelta' },
      { link: { panel: 'lora', loraR: 8 }, measure: 'memory:full' },
      { link: { panel: 'lora', loraR: 8 }, measure: 'memory:lora' },
      { link: { panel: 'lora', loraR: 8, qlora: 'on' }, measure: 'memory:qlora' },
    ],
    claims: [
      { kind: 'below', step: 0, bound: 1e-4 },
      { kind: 'greater', a: 1, b: 2 },
      { kind: 'greater', a: 2, b: 3 },
      { kind: 'above', step: 1, bound: 80e9 },
    ],
  },
  {
    // LoRA 微调优点是什么? LoRA 微调方法为啥能加速训练?
    id: 'loraCost',
    steps: [
      { link: LORA_VS_FULL, measure: 'costTrainableShare' },
      { link: LORA_VS_FULL, measure: 'costOptimizerBytesLora' },
      { link: LORA_VS_FULL, measure: 'costOptimizerBytesFull' },
      { link: LORA_VS_FULL, measure: 'costStepMsLora' },
      { link: LORA_VS_FULL, measure: 'costStepMsFull' },
    ],
    claims: [
      { kind: 'below', step: 0, bound: 0.05 },
      { kind: 'greater', a: 2, b: 1 },
    ],
  },
  {
    // 如何在已有 LoRA 模型上继续训练?
    id: 'continueLora',
    steps: [
      { link: CONTINUE, measure: 'continueLossFirst' },
      { link: CONTINUE, measure: 'continueLossSecond' },
      { link: CONTINUE, measure: 'continueSteps' },
    ],
    claims: [
      { kind: 'greater', a: 0, b: 1 },
      // The continued run adds its steps to the adapter's: 2 × lora_steps, not a fresh start.
      { kind: 'above', step: 2, bound: 2 * CONTINUE.loraSteps - 1 },
    ],
  },
  {
    // 领域模型 Continue PreTrain; 预训练和微调哪个阶段注入知识? 各个专业领域是否需要各自的大模型? 领域评测集.
    id: 'domain',
    steps: [
      { link: DOMAIN, measure: 'peftNewTextDrop' },
      { link: DOMAIN, measure: 'peftOriginalRise' },
      { link: DOMAIN, measure: 'peftTrainable' },
      { link: DOMAIN, measure: 'peftAdapterOffDelta' },
    ],
    claims: [
      { kind: 'above', step: 0, bound: 0 },
      { kind: 'above', step: 1, bound: 0 },
      { kind: 'below', step: 3, bound: 1e-6 },
    ],
  },
  {
    // 微调后的模型出现能力劣化, 灾难性遗忘是怎么回事? 如何缓解模型遗忘通用能力?
    id: 'forgetting',
    steps: [
      { link: { panel: 'lora', loraSteps: 12, loraLr: 0.02, loraMix: 0 }, measure: 'forgettingRise' },
      { link: { panel: 'lora', loraSteps: 12, loraLr: 0.02, loraMix: 0.5 }, measure: 'forgettingRise' },
    ],
    claims: [
      { kind: 'above', step: 0, bound: 0 },
      { kind: 'greater', a: 0, b: 1 },
    ],
  },
  {
    // SFT 指令微调数据如何构建? 多轮对话如何微调? 损失算哪些词元? 为什么 SFT 之后感觉 LLM 傻了? 基座选 Chat 还是 Base?
    id: 'sft',
    steps: [
      { link: SFT, measure: 'sftCountedShare' },
      { link: SFT, measure: 'sftAnswerLossAll' },
      { link: SFT, measure: 'sftAnswerLossAnswers' },
      { link: SFT, measure: 'sftOriginalRiseAll' },
      { link: SFT, measure: 'sftOriginalRiseAnswers' },
      { link: SFT, measure: 'sftOriginalRiseMixed' },
      { link: SFT, measure: 'sftEndShareBase' },
      { link: SFT, measure: 'sftEndShareAnswers' },
      { link: SFT, measure: 'sftFirstTurnLoss' },
      { link: SFT, measure: 'sftSecondTurnLoss' },
    ],
    claims: [
      { kind: 'below', step: 0, bound: 0.8 },
      { kind: 'greater', a: 1, b: 2 },
      { kind: 'above', step: 4, bound: 0 },
      { kind: 'greater', a: 3, b: 5 },
      { kind: 'greater', a: 4, b: 5 },
      { kind: 'greater', a: 7, b: 6 },
      // Multi-turn: the second answers of held-out dialogues cost more than the first (seeds 1337, 7, 42).
      { kind: 'greater', a: 9, b: 8 },
    ],
  },
  {
    // 如何从零训练一个小模型? 分词器, 数据, 损失曲线, 训练前后的样本 (训练中文大模型有啥经验? 的第一步).
    id: 'ownModel',
    steps: [
      // BPE first: its run needs one step (the tokenizer is the number), then the character run the other steps share.
      { link: { ...OWN_MODEL, trainTokenizer: 'bpe', trainVocab: 512, trainSteps: 1 }, measure: 'ownTokensPerChar' },
      { link: OWN_MODEL, measure: 'ownTokensPerChar' },
      { link: OWN_MODEL, measure: 'ownUniformLoss' },
      { link: OWN_MODEL, measure: 'ownStartLoss' },
      { link: OWN_MODEL, measure: 'ownEndLoss' },
      { link: OWN_MODEL, measure: 'ownSampleWordsBefore' },
      { link: OWN_MODEL, measure: 'ownSampleWordsAfter' },
    ],
    claims: [
      // Merges pack several characters into a token: fewer tokens for the same text.
      { kind: 'greater', a: 1, b: 0 },
      // Random small weights give every token about the same probability: the first loss is ln V.
      { kind: 'near', a: 3, b: 2, within: 0.1 },
      { kind: 'greater', a: 3, b: 4 },
      { kind: 'greater', a: 6, b: 5 },
    ],
  },
  {
    // 大模型怎么评测? perplexity and held-out loss, repetition measures, and what each misses.
    id: 'evaluation',
    steps: [
      { link: { panel: 'sampling', strategy: 'greedy', maxNewTokens: 80 }, measure: 'continuationPerplexity' },
      { link: { panel: 'sampling', strategy: 'greedy', maxNewTokens: 80 }, measure: 'seqRep4' },
      { link: { panel: 'sampling', strategy: 'sample', temperature: 1, maxNewTokens: 80 }, measure: 'continuationPerplexity' },
      { link: { panel: 'sampling', strategy: 'sample', temperature: 1, maxNewTokens: 80 }, measure: 'seqRep4' },
    ],
    claims: [
      // The model finds its own greedy text far likelier than its samples…
      { kind: 'greater', a: 2, b: 0 },
      // … though that text repeats more: a low perplexity does not mean good text.
      { kind: 'greater', a: 1, b: 3 },
    ],
  },
  {
    // 为什么需要提示学习? 提示微调 (Prompt Tuning), P-tuning, P-tuning v2 (前缀微调) 分别是什么? AdaLoRA 的思路?
    id: 'promptLearning',
    steps: [
      { link: { panel: 'lora', loraCompare: 'prompt', loraSteps: 2 }, measure: 'peftTrainable' },
      { link: { panel: 'lora', loraCompare: 'prefix', loraSteps: 2 }, measure: 'peftTrainable' },
      { link: { panel: 'lora', loraCompare: 'lora', loraSteps: 2 }, measure: 'peftTrainable' },
      { link: { panel: 'lora', loraCompare: 'prompt', loraSteps: 8 }, measure: 'peftNewTextDrop' },
      { link: { panel: 'lora', loraCompare: 'prompt', loraSteps: 8 }, measure: 'peftAdapterOffDelta' },
      { link: { panel: 'lora', loraCompare: 'adalora', loraSteps: 10 }, measure: 'peftSavedShare' },
    ],
    claims: [
      // Prefix tuning trains a key and a value per virtual token in every layer: more than prompt tuning's input embeddings,
      { kind: 'greater', a: 1, b: 0 },
      // and LoRA on the attention matrices more than either, here.
      { kind: 'greater', a: 2, b: 1 },
      { kind: 'above', step: 3, bound: 0 },
      { kind: 'below', step: 4, bound: 1e-6 },
      { kind: 'below', step: 5, bound: 1 },
    ],
  },
];

/**
 * Questions of the syllabus this playground cannot show with a model in the
 * page: each gets a short note (in the `lessons` namespace, beyond.<id>) and no demonstration.
 */
export const BEYOND = ['families', 'emergence', 'retrieval', 'langchain', 'rlhf', 'hallucination', 'evaluation', 'honesty'] as const;

export function lessonById(id: string): Lesson | undefined {
  return LESSONS.find((l) => l.id === id);
}
