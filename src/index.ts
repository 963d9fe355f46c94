/**
 * The playground's core as a library, for Node scripts, notebooks and tests.
 * Nothing here imports React, D3 or the DOM.
 */
export { GPT, InputError, type RunOptions, type RunResult } from './model/gpt.ts';
export { type GPTConfig, presets, TRAINING_SIZES, makeConfig, countParameters, ConfigError, type PresetName } from './model/config.ts';
export { type MaskMode, CAUSAL, canAttend, maskBias, describeMask } from './model/masks.ts';
export { KVCache } from './model/kvcache.ts';
export { type ForwardTrace, type LayerTrace, type AttentionTrace, type Matrix, matrixRow, headMatrix } from './model/trace.ts';
export { type NamedArray, parameterShapes } from './model/params.ts';

export { loadGPT, saveGPT, saveGPTToDirectory, configFromHF, configToHF, CheckpointError, type HFGPT2Config } from './io/checkpoint.ts';
export { parseSafetensors, type TensorRecord } from './io/safetensors.ts';
export { serializeSafetensors } from './io/safetensorsWrite.ts';
export { WeightFileError, SourceError } from './io/errors.ts';
export { readBytes, readText, readJSON, type ByteSource, type LoadProgress } from './io/source.ts';

export * from './tokenizer/index.ts';

export { Trainer, DivergenceError, DEFAULT_TRAIN, type TrainSettings, type StepStats } from './train/trainer.ts';
export { AdamW, DEFAULT_ADAMW } from './train/adamw.ts';
export { learningRateAt } from './train/schedule.ts';
export { sampleBatch, evaluationBatches } from './train/data.ts';
export { saveTrainingCheckpoint, resumeTraining } from './train/checkpoint.ts';
export { prepareCorpus, validationReport } from './train/pipeline.ts';
export { loadCorpus, splitCorpus, corpusHash, TINY_SHAKESPEARE_URL } from './data/corpus.ts';

export { generate, argmax, type GenerateOptions, type GenerateResult } from './sampling/generate.ts';
export { selectBackend, type BackendName } from './engine/backend.ts';
export { Rng } from './util/random.ts';
export { type SamplingSettings, DEFAULT_SAMPLING, MAX_BEAMS, SettingsError, checkSettings } from './sampling/settings.ts';
export { PROCESSOR_ORDER, processLogits, type ProcessorName, type ProcessorStep } from './sampling/processors.ts';
export { softmax } from './util/softmax.ts';
export { decode, type DecodeResult } from './sampling/sampler.ts';
export { DecodeSession, type DecodeStep } from './sampling/session.ts';
export { drawToken, type Draw } from './sampling/draw.ts';
export { type Notice, type NoticeCode } from './sampling/notices.ts';
export { beamSearch, modelLogits, cachedModelLogits, DEFAULT_BEAM, type BeamSettings, type BeamResult, type BeamStep, type Hypothesis } from './sampling/beam.ts';
export { groupBeamSearch, searchBeams, applyHammingDiversity, type GroupBeamResult, type GroupHypothesis } from './sampling/diverseBeam.ts';
export { ContrastiveSearch, contrastiveSession, modelContrastiveLM, rankCandidates, isContrastive, type ContrastiveLM, type ContrastiveStep } from './sampling/contrastive.ts';
export { applyTypicalP, applyEpsilonCutoff, applyEtaCutoff } from './sampling/processors.ts';
export { seqRepN, distinctN, repWindow, repeatedNgramMask, repetitionReport, copyShares, type CopyShares, type RepetitionReport } from './sampling/repetition.ts';
export { type HeadRef, parseHeadList, formatHeadList } from './model/ablation.ts';
export {
  scanHeads, inductionScore, previousTokenScore, repeatedRandomTokens, meanLogProb, probeLogProbs, copyingScore, type HeadScore, type HeadScan,
} from './model/heads.ts';
export { greedyRun, type GreedyRun } from './sampling/headAblation.ts';
export { runSweep, temperatureSweep, beamWidthSweep, continueWith, SWEEP_STRATEGIES, BEAM_WIDTHS, type SweepRow, type BeamWidthRow, type Strategy } from './sampling/sweep.ts';
export { type LoraConfig, type TargetModule, TARGET_MODULES, DEFAULT_LORA, loraScaling, LoraError } from './lora/config.ts';
export { LoraAdapter, LoraLayer } from './lora/lora.ts';
export { exportPeft, importPeft, type PeftAdapterConfig } from './lora/peft.ts';
export {
  type AdaLoraConfig, type AdaLoraErrorCode, type BudgetAt, DEFAULT_ADALORA, ADALORA_ERROR_CODES, AdaLoraError, adaloraScaling, budgetSchedule, checkAdaLoraConfig,
} from './lora/adaloraConfig.ts';
export { AdaLoraAdapter, SVDLinear, type SVDValues } from './lora/adalora.ts';
export { RankAllocator, rankTimeline, type RankRecord } from './lora/adaloraAllocator.ts';
export { AdaLoraRun } from './lora/adaloraTrain.ts';
export { exportAdaLoraPeft, importAdaLoraPeft, adaloraConfigFromPeft, peftConfigFromAdaLora, type PeftAdaLoraConfig } from './lora/adaloraPeft.ts';
export { compareAdaLoraWithLora, type Comparison as AdaLoraComparison, type MethodFigures } from './lora/adaloraCompare.ts';
export { type VirtualTokens } from './model/virtual.ts';
export {
  type PromptLearningSettings, type PromptTuningSettings, type PTuningSettings, type PrefixTuningSettings, type PromptLearningType,
  DEFAULT_PROMPT_TUNING, DEFAULT_P_TUNING, DEFAULT_PREFIX_TUNING, trainableParameterCount, checkPromptLearning,
} from './peft/config.ts';
export { PromptLearningError, type PromptLearningErrorCode, PROMPT_LEARNING_ERROR_CODES } from './peft/errors.ts';
export { PromptLearningAdapter, prefixKeyValues } from './peft/adapter.ts';
export { createPromptTuning, promptTuningInitIds } from './peft/promptTuning.ts';
export { createPTuning } from './peft/pTuning.ts';
export { createPrefixTuning } from './peft/prefixTuning.ts';
export { exportPromptLearning, importPromptLearning, promptLearningConfigJSON, promptLearningSettingsFromPeft, pythonJSON, PEFT_VERSION } from './peft/promptFiles.ts';
export { logitLens, readOut, type LensGuess } from './model/lens.ts';
export { singularValues } from './util/linalg.ts';
export { quantizeNF4, dequantizeNF4, nf4Bytes, NF4_LEVELS } from './lora/nf4.ts';
export * as costs from './lessons/costs.ts';
export { quantizedCopy, QloraRun, type QuantizedBase, type QloraReport } from './lora/qlora.ts';
export { adapt, mixStreams, validationLoss, type AdaptationPoint, type AdaptationResult, type OriginalSample } from './lora/experiment.ts';
export { ALL_EXPLANATIONS, REPETITION, ATTENTION, LORA, explanationsAsText, type Explanation } from './lessons/explanations.ts';
export { chunkWithOverlap, type Chunk } from './lessons/chunking.ts';
