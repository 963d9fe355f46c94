// The LoRA panel's engine methods. Each entry: params the page sends,
// events streamed while it runs (never if none), and the plain-data result.
//
// The worker holds the adapters (LoraAdapter objects own tensors); the page
// only ever sees them as AdapterSummary records and refers to them by id. One
// adapter is attached to the embedded model at a time, so the prompt box's
// Generate (and every other panel) writes with it while it is on.

import type { LoraConfig, TargetModule } from '../lora/config.ts';
import type { AdaptationMethod } from '../peft/methods.ts';
import type { AdaLoraTrace } from '../peft/methodAdapters.ts';
import type { AdaptationPoint } from '../lora/experiment.ts';
import type { HeldMethod, PeftType } from './heldAdapter.ts';
import type { QloraReport } from '../lora/qlora.ts';
import type { LabArmId, LabExperiment, LabRow } from '../lora/repetitionLab.ts';
import type { DuplicationPlan } from '../lora/dataBias.ts';
import type { TrainObjective } from '../train/unlikelihood.ts';
import type { SftEvent, SftMethodsParams, SftParams, SftResult } from './sftProtocol.ts';

/** The new text to adapt to: the model's default (DefaultNewText), pasted text, or a file. */
export type LoraTextSource =
  | { kind: 'default' }
  | { kind: 'text'; text: string }
  | { kind: 'file'; file: Blob & { name?: string } };

/**
 * The new text a model adapts to unless the learner gives another: the
 * `new-text.txt` of its folder when it ships one (the Tang poetry model's Song
 * ci), else the playground's own explanations (modern English prose).
 */
export interface DefaultNewText {
  source: 'folder' | 'explanations';
  text: string;
}

export interface AdapterSummary {
  id: number;
  /** "#2 r=4 α=8", "#6 PREFIX_TUNING n=8", or the imported files' name. */
  name: string;
  /** Its PEFT method, and peft_type as its adapter_config.json says it. */
  method: HeldMethod;
  peftType: PeftType;
  /** LoRA's settings; null for the other methods. */
  config: LoraConfig | null;
  /** LoRA's α/r (or α/√r); null for the other methods. */
  scaling: number | null;
  /** The modules whose weights it adapts (LoRA, AdaLoRA); none for a prompt method. */
  modules: string[];
  /** Virtual tokens it puts in front of the text (prompt methods): they take the window's first positions. Null otherwise. */
  virtualTokens: number | null;
  /** LoRA and AdaLoRA merge into W; a prompt has no weight to merge into. */
  canMerge: boolean;
  /** Values it holds: LoRA's r·(in + out) over the adapted modules, AdaLoRA's kept triplets, a prompt's saved virtual tokens. */
  trainableParameters: number;
  origin: 'trained' | 'compared' | 'imported';
  /** Optimizer steps trained here, over every run (continued training adds to it). */
  steps: number;
  /** Whether the last run trained it over the 4-bit (NF4) copy of the base. */
  qlora: boolean;
  /** Attached to the embedded model (its update is added to every forward pass). */
  enabled: boolean;
  /** Added into the base weights (W ← W + ΔW). */
  merged: boolean;
  /** Every evaluation of every run, steps counted across runs. */
  history: AdaptationPoint[];
}

export interface LoraStatus {
  adapters: AdapterSummary[];
  /** The embedded model the adapters belong to (they are dropped when another model loads). */
  modelName: string;
  baseParameters: number;
  /** True while a training run or a comparison is in progress in the worker. */
  busy: boolean;
  /** The model's positions, and those left for the text with the attached adapter's virtual tokens in front (GPT.contextWindow). */
  blockSize: number;
  contextWindow: number;
}

/** What the data of a run turned into. */
export interface LoraDataSummary {
  newTextCharacters: number;
  trainTokens: number;
  newValTokens: number;
  /** Where the original corpus sample came from, in a sentence. */
  original: string;
  originalSource: 'file' | 'generated';
  originalValTokens: number;
  batchSize: number;
  blockSize: number;
}

export interface LoraTrainParams {
  /** null: a new adapter with `config`; a number: continue training that adapter (its own config holds). */
  adapterId: number | null;
  config: LoraConfig;
  source: LoraTextSource;
  steps: number;
  learningRate: number;
  /** Share of each training batch drawn from the original corpus sample (0 = none). */
  mixOriginal: number;
  /** Train over an NF4-quantised copy of the base weights. */
  qlora: boolean;
  /** Maximum likelihood (the default) or with unlikelihood added. */
  objective?: TrainObjective;
  seed: number;
  /** The embedded model's folder URL: new-text.txt and original-sample.txt are read from it when present. */
  modelBaseUrl: string | null;
}

export type LoraTrainEvent =
  | { type: 'status'; message: string }
  | {
      type: 'prepared';
      data: LoraDataSummary;
      adapterId: number;
      adapterName: string;
      /** Steps the adapter had trained before this run. */
      startStep: number;
      trainableParameters: number;
      optimizerBytes: number;
    }
  | { type: 'step'; step: number; loss: number; ms: number }
  /** Steps counted across this adapter's runs. */
  | { type: 'point'; point: AdaptationPoint };

export interface LoraTrainResult {
  adapter: AdapterSummary;
  status: LoraStatus;
  /** This run's evaluations (steps counted across runs). */
  points: AdaptationPoint[];
  trainableParameters: number;
  optimizerBytes: number;
  medianStepMs: number;
  /** Set when the loss became NaN or exploded: training stopped there, the last good adapter restored. */
  stoppedBy: string | null;
  /** The page pressed Stop. */
  stopped: boolean;
  qlora: QloraReport | null;
  data: LoraDataSummary;
  /**
   * Set when the run made the model worse on the new text (its loss ended above
   * where it began, or above the base model's): what happened, in a sentence,
   * and the best point it passed, which loraRestoreBest puts back.
   */
  worsened: LoraWorsened | null;
}

export interface LoraWorsened {
  message: string;
  /** New-text loss: first evaluation of this run, last, and the base model's with no adapter. */
  start: number;
  end: number;
  base: number;
  /** The evaluated point with the lowest new-text loss (steps counted across runs); loraRestoreBest goes back to it. */
  bestStep: number;
  bestLoss: number;
}

export interface MergeResult {
  status: LoraStatus;
  merged: boolean;
  /** Largest |Δlogit| over every position of the probe: merged vs adapter on top (merge), or back (unmerge). */
  maxAbsLogitDiff: number;
  /** After unmerge: adapter off vs the base before merging — the base weights recovered. */
  baseMaxAbsLogitDiff: number | null;
  probeTokens: number;
}

export interface GenerationPair {
  promptTokens: number;
  on: string;
  off: string;
  onIds: number[];
  offIds: number[];
  /** Index (in generated tokens) of the first token that differs; null if none does. */
  firstDifference: number | null;
  seed: number;
  greedy: boolean;
}

export type LoraInspection =
  | { kind: 'missing'; message: string }
  | {
      kind: 'matrices';
      /** e.g. transformer.h.0.attn.c_attn */
      name: string;
      r: number;
      scaling: number;
      inFeatures: number;
      outFeatures: number;
      /** lora_A [r, in], row-major. */
      a: Float32Array;
      /** lora_B [out, r], row-major. */
      b: Float32Array;
      /** ΔW = B·A·scaling [out, in] (PEFT's nn.Linear layout; GPT-2 stores the transpose). */
      delta: Float32Array;
      /** Singular values, largest first: of ΔW (at most r non-zero) and of the frozen base W. */
      deltaSingularValues: number[];
      baseSingularValues: number[];
    };

/** AdaLoraTrace: AdaLoRA's rank per matrix after each allocation, its budget, and the values its saved file holds (null for the other methods). */
export interface ComparisonRun extends AdaLoraTrace {
  method: AdaptationMethod;
  points: AdaptationPoint[];
  trainableParameters: number;
  optimizerBytes: number;
  medianStepMs: number;
  learningRate: number;
  stoppedBy: string | null;
  /** Largest |Δlogit| between the base and the model afterwards — an adapter's method with its adapter switched off. */
  maxAbsLogitDiffAfter: number;
  /** Greedy continuation of the comparison's prompt with this method's result. */
  sample: string;
  /** The adapter the comparison kept for the embedded model (held, detached), or null (full fine-tuning, or a run stopped before its first step). */
  keptAdapterId: number | null;
}

export interface ComparisonParams {
  config: LoraConfig;
  source: LoraTextSource;
  steps: number;
  learningRate: number;
  /** Full fine-tuning moves every weight: it needs a smaller rate than LoRA. */
  fullLearningRate: number;
  mixOriginal: number;
  seed: number;
  modelBaseUrl: string | null;
  /** The methods to train, each on a fresh start from the same base (default: LoRA and full fine-tuning). */
  methods?: AdaptationMethod[];
}

export type ComparisonEvent =
  | { type: 'status'; message: string }
  | { type: 'prepared'; data: LoraDataSummary; methods: AdaptationMethod[]; prompt: string }
  | { type: 'step'; method: AdaptationMethod; step: number; loss: number }
  | { type: 'point'; method: AdaptationMethod; point: AdaptationPoint }
  | { type: 'run'; run: ComparisonRun };

export interface ComparisonResult {
  /** One per method, in the order they ran (full fine-tuning last); a stopped comparison has the runs finished so far. */
  runs: ComparisonRun[];
  /** The prompt every sample continues, and the base model's own continuation. */
  prompt: string;
  baseSample: string;
  stopped: boolean;
  data: LoraDataSummary;
  /** The adapters held afterwards, the kept ones included. */
  status: LoraStatus;
}

/** The repetition lab: adapters trained the same way but for one difference, measured for repetition. */
export interface RepetitionLabParams {
  experiment: LabExperiment;
  config: LoraConfig;
  source: LoraTextSource;
  steps: number;
  learningRate: number;
  /** α of the unlikelihood adapter. */
  ulAlpha: number;
  seed: number;
  modelBaseUrl: string | null;
}

/** A row as the page sees it: the continuations as text. */
export type LabRowData = Omit<LabRow, 'continuations'> & { continuations: string[] };

/** The two texts of the data-bias experiment. */
export interface LabBias extends Omit<DuplicationPlan, 'seed'> {
  /** Share of the biased text's characters that are injected copies. */
  injectedShare: number;
  /** Passages deduplication dropped from the biased text. */
  removed: number;
  biasedTokens: number;
  deduplicatedTokens: number;
}

export type RepetitionLabEvent =
  | { type: 'status'; message: string }
  | { type: 'prepared'; data: LoraDataSummary; prompts: string[]; bias: LabBias | null; newTokens: number }
  | { type: 'step'; arm: LabArmId; step: number; loss: number }
  | { type: 'row'; row: LabRowData };

export interface RepetitionLabResult {
  experiment: LabExperiment;
  /** The base model's row first, then one per adapter. */
  rows: LabRowData[];
  prompts: string[];
  newTokens: number;
  bias: LabBias | null;
  stopped: boolean;
  data: LoraDataSummary;
}

export interface ImportResult {
  adapter: AdapterSummary;
  status: LoraStatus;
  /** A held adapter with the same config whose logits the import matches, and by how much. */
  sameAs: { id: number; name: string; maxAbsLogitDiff: number } | null;
}

export type * from './sftProtocol.ts';

export interface LoraMethods {
  /** The new text the 'default' source stands for with this model (read once per model). */
  loraDefaultText: { params: { modelBaseUrl: string | null }; event: never; result: DefaultNewText };
  /** The adapters held for the embedded model. */
  loraStatus: { params: Record<string, never>; event: never; result: LoraStatus };
  /** Trains a new adapter, or continues one, on the new text; streams steps and evaluations. */
  loraTrain: { params: LoraTrainParams; event: LoraTrainEvent; result: LoraTrainResult };
  /** Attaches this adapter (detaching any other); null detaches all: the base model exactly. */
  loraAttach: { params: { id: number | null }; event: never; result: LoraStatus };
  /** Merges (W ← W + ΔW) or unmerges an adapter, measuring the logits on `probe` before and after. */
  loraMerge: { params: { id: number; merge: boolean; probe: string }; event: never; result: MergeResult };
  /** Continues `prompt` with the same seed twice: with the adapter on, and off. */
  loraGenerate: {
    params: { id: number; prompt: string; maxNewTokens: number; seed: number; temperature: number; topK: number; topP: number };
    event: never;
    result: GenerationPair;
  };
  /** A, B, ΔW and the singular values of ΔW and W for one layer and module. */
  loraInspect: { params: { id: number; layer: number; module: TargetModule }; event: never; result: LoraInspection };
  /** PEFT's two files for an adapter of any method: adapter_config.json (text) and adapter_model.safetensors (bytes). */
  loraExport: { params: { id: number }; event: never; result: { config: Record<string, unknown>; configText: string; weights: Uint8Array; name: string; method: HeldMethod } };
  /** Reads PEFT's two files, the method from peft_type; a file for another base is refused and nothing held or attached changes. */
  loraImport: { params: { configText: string; weights: Uint8Array; name: string; probe: string }; event: never; result: ImportResult };
  loraDelete: { params: { id: number }; event: never; result: LoraStatus };
  /** After a run that made things worse: the adapter back to that run's best evaluated point (as a divergence restores). */
  loraRestoreBest: { params: { id: number }; event: never; result: { adapter: AdapterSummary; status: LoraStatus } };
  /** Full fine-tuning (of a copy) vs LoRA and the other methods on the same data and steps; the embedded model's weights are untouched, and each adapter method's result is kept, detached. */
  loraCompare: { params: ComparisonParams; event: ComparisonEvent; result: ComparisonResult };
  /** Likelihood vs unlikelihood, or biased vs deduplicated data: fresh adapters, measured for repetition and loss, then dropped. */
  loraRepetitionLab: { params: RepetitionLabParams; event: RepetitionLabEvent; result: RepetitionLabResult };
  /** SFT on a copy of the model with the chat markers added: all tokens vs answers only vs answers with original text; the model is untouched. */
  loraSft: { params: SftParams; event: SftEvent; result: SftResult };
  /** SFT (answers only) with each method in turn from the same copy: the original corpus's loss with the method on and off. */
  loraSftMethods: { params: SftMethodsParams; event: SftEvent; result: SftResult };
}
