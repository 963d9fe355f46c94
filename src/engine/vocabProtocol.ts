// The vocabulary-expansion (词表扩增) job of the LoRA panel: the active model's
// byte-level BPE gains the K most frequent 汉字 of a Chinese text as merged
// tokens (tokenizer/vocab-expansion.ts), a copy of the model gains an embedding
// row per new token (train/vocabExpansion.ts), the copy trains on the text
// (continued pre-training, 继续预训练), and the job measures tokens per 汉字,
// how many 汉字 fit the window, and nats per character on held-out Chinese and
// on English (forgetting) — before, right after the expansion, and after training.
// The loaded model is never touched; the expanded checkpoint stays in the worker
// as files (bytes, not tensors) until the page asks for them (vocabExport).

/** A text the job reads: a file of a model folder (the Tang poems shipped with the page), or text the learner gave. */
export type VocabText = { kind: 'folder'; baseUrl: string; file: string } | { kind: 'text'; text: string };

/** What trains: every weight, or only the token embeddings (wte, which the output head shares). */
export type VocabTrainable = 'all' | 'embeddings';

export interface VocabExpandParams {
  /** How many 汉字 to add (the most frequent of the training part that the tokenizer spells with more than one token). */
  k: number;
  steps: number;
  learningRate: number;
  trainable: VocabTrainable;
  seed: number;
  /** Chinese text: its first nine tenths train and choose the characters, its last tenth is held out. */
  chinese: VocabText;
  /** English held out from the base model's training (the Shakespeare folder's original-sample.txt): does it forget? */
  english: VocabText;
  /** A Chinese prompt continued greedily by each model. */
  prompt: string;
}

/** How the tokenizer spends tokens on the held-out Chinese, and the loss per character there and on English. */
export interface VocabMeasure {
  tokensPerHan: number;
  /** On average, 汉字 of the held-out text in one context window (the model's blockSize tokens). */
  hanPerWindow: number;
  charactersPerWindow: number;
  /** Nats per character: total cross-entropy over the characters the predicted tokens spell (comparable across tokenizers). */
  zhPerChar: number;
  zhPerToken: number;
  enPerChar: number;
  enPerToken: number;
}

/** One token of a line as each tokenizer cuts it; `added` marks the expansion's new tokens. */
export interface StripToken {
  id: number;
  /** Its bytes for display: the character, or `<0xE5>` for a byte that is part of one. */
  text: string;
  added: boolean;
}

export interface VocabSample {
  /** The continuation, decoded as a whole. */
  text: string;
  /** New tokens generated (the same budget for every model). */
  tokens: number;
  /** Characters they spell. */
  characters: number;
}

export interface VocabPrepared {
  /** 汉字 added (fewer than K when the text has fewer that the tokenizer splits). */
  added: number;
  /** The first few added characters, most frequent first. */
  addedPreview: string;
  /** Two-byte pieces made on the way (tokens too, shared by characters that start alike). */
  pieces: number;
  vocabBefore: number;
  vocabAfter: number;
  parametersBefore: number;
  parametersAfter: number;
  /** Share of the held-out 汉字 that are among the added characters. */
  heldOutCoverage: number;
  trainCharacters: number;
  heldOutCharacters: number;
  englishCharacters: number;
  trainTokens: number;
  trainableValues: number;
  batchSize: number;
  blockSize: number;
  contextWindow: number;
  /** A line of the held-out text, as the base and the expanded tokenizer cut it. */
  line: { text: string; before: StripToken[]; after: StripToken[] };
  base: VocabMeasure;
  /** The expanded model before any training: new rows the mean of the byte rows they replace. */
  expanded: VocabMeasure;
}

/** Nats per character on the held-out Chinese and on the English, at one step (0: right after the expansion). */
export interface VocabPoint {
  step: number;
  zhPerChar: number;
  enPerChar: number;
}

export type VocabStage = 'reading' | 'measuring' | 'training' | 'measuring-after' | 'writing';

export type VocabEvent =
  | { type: 'stage'; stage: VocabStage }
  | { type: 'prepared'; prepared: VocabPrepared }
  | { type: 'step'; step: number; loss: number; ms: number }
  | { type: 'point'; point: VocabPoint };

export interface VocabExpandResult {
  stopped: boolean;
  /** Steps trained (fewer than planned when stopped). */
  steps: number;
  prepared: VocabPrepared;
  after: VocabMeasure;
  points: VocabPoint[];
  medianStepMs: number;
  /** Greedy continuations of the prompt, the same number of new tokens each. */
  samples: { prompt: string; base: VocabSample; expanded: VocabSample; after: VocabSample };
  /** Bytes of the checkpoint the worker keeps for vocabExport. */
  checkpointBytes: number;
}

/** A Hugging Face GPT-2 folder's files (the shape of protocol.ts's TrainedFiles, which this table cannot import: protocol.ts imports it). */
export interface VocabFiles {
  'config.json': string;
  'model.safetensors': Uint8Array;
  'tokenizer.json': string;
}

export interface VocabMethods {
  /** Expands the active model's byte-level BPE and a copy of the model, trains the copy, measures before and after. */
  vocabExpand: { params: VocabExpandParams; event: VocabEvent; result: VocabExpandResult };
  /** The last expansion's checkpoint as a Hugging Face GPT-2 folder (config.json, model.safetensors, tokenizer.json). */
  vocabExport: { params: Record<string, never>; event: never; result: VocabFiles };
}
