// Vocabulary expansion (词表扩增) in the worker: the LoRA panel's "Vocabulary
// expansion" section. The active model's byte-level BPE gains the K most
// frequent 汉字 of the Chinese text's training part as merged tokens; a copy of
// the model gains their embedding rows (each the mean of the byte rows it
// replaces) and trains on that text — continued pre-training, with every
// weight or only the embeddings — while the loaded model stays as it was. The
// job measures the base, the expanded model before training and after it
// (tokens per 汉字, 汉字 per window, nats per character on held-out Chinese and
// on English), and keeps the expanded checkpoint's files for vocabExport.
// The core is tokenizer/vocab-expansion.ts and train/vocabExpansion.ts;
// scripts/expand-vocab.ts measures the same on the full Tang corpus.

import type { VocabEvent, VocabExpandParams, VocabExpandResult, VocabFiles, VocabPoint, VocabPrepared, VocabText, VocabTrainable } from '../vocabProtocol.ts';
import type { VocabMethods } from '../vocabProtocol.ts';
import { type Handler, type JobContext, adaptersIn, engineReady, modelIn } from '../runtime.ts';
import { saveGPT } from '../../io/checkpoint.ts';
import { GPT, InputError } from '../../model/gpt.ts';
import { splitTang } from '../../data/tang.ts';
import { ByteLevelBPE } from '../../tokenizer/bpe.ts';
import { expandByteLevelBPE, isHan, mostFrequentHan } from '../../tokenizer/vocab-expansion.ts';
import { Trainer } from '../../train/trainer.ts';
import { expandModel } from '../../train/vocabExpansion.ts';
import { codesOf, type MessageParams } from '../../util/codes.ts';
import { fetchFolderText } from './lora/newText.ts';
import { trainSettings } from './lora/runData.ts';
import { type MeasureTexts, cutAtLine, greedySample, lossPoint, measure, median, stripLine, tokenStrip } from './vocab/measure.ts';

/** Why the job refused to start. */
export type VocabJobErrorCode =
  /** The active model's tokenizer is not a byte-level BPE: `name` (the model), `kind` (its tokenizer). */
  | 'not-byte-bpe'
  /** A text file of a model folder could not be read: `file`, `url`. */
  | 'text-unavailable'
  /** A part of a text makes too few tokens for one window: `characters`, `tokens`, `needed`. */
  | 'text-too-short'
  /** A setting out of range: `field`, `value`, `min`, `max`. */
  | 'bad-setting'
  /** vocabExport before any expansion finished. */
  | 'nothing-to-export';

export const VOCAB_JOB_ERROR_CODES = codesOf<VocabJobErrorCode>({
  'not-byte-bpe': 0, 'text-unavailable': 0, 'text-too-short': 0, 'bad-setting': 0, 'nothing-to-export': 0,
});

export class VocabJobError extends Error {
  override readonly name = 'VocabJobError';
  constructor(message: string, readonly code: VocabJobErrorCode, readonly params: MessageParams = {}) {
    super(message);
  }
}

/** The ranges the panel offers; the worker checks them again. */
export const VOCAB_LIMITS = {
  k: { min: 1, max: 3000 },
  steps: { min: 1, max: 1000 },
  learningRate: { min: 1e-5, max: 0.05 },
} as const;
const TRAINABLE: readonly VocabTrainable[] = ['all', 'embeddings'];
/** A pasted text is cut here: tokenizing and choosing characters stay within a second or two. */
const MAX_CHINESE_CHARACTERS = 400_000;
/** Held-out Chinese and English measured, at most (about 1,300 English tokens): an evaluation stays within a few seconds on wasm. */
const MAX_HELD_OUT_CHARACTERS = 4_000;
const MAX_ENGLISH_CHARACTERS = 3_000;
const WTE = 'transformer.wte.weight';

function checkParams(p: VocabExpandParams): void {
  for (const field of ['k', 'steps'] as const) {
    const { min, max } = VOCAB_LIMITS[field];
    if (!Number.isInteger(p[field]) || p[field] < min || p[field] > max) {
      throw new VocabJobError(`${field} must be a whole number from ${min} to ${max}; got ${p[field]}.`, 'bad-setting', { field, value: String(p[field]), min: String(min), max: String(max) });
    }
  }
  const { min, max } = VOCAB_LIMITS.learningRate;
  if (!(p.learningRate >= min && p.learningRate <= max)) {
    throw new VocabJobError(`learning_rate must be from ${min} to ${max}; got ${p.learningRate}.`, 'bad-setting', { field: 'learning_rate', value: String(p.learningRate), min: String(min), max: String(max) });
  }
  if (!TRAINABLE.includes(p.trainable)) throw new Error(`trainable must be one of ${TRAINABLE.join(', ')}, not ${String(p.trainable)}`);
  if (p.prompt.length === 0) throw new InputError('The prompt is empty: type at least one character.', 'empty-prompt');
}

async function readText(source: VocabText): Promise<string> {
  if (source.kind === 'text') return source.text;
  const text = await fetchFolderText(source.baseUrl, source.file);
  if (text === null) {
    const url = new URL(source.file, source.baseUrl).href;
    throw new VocabJobError(`${source.file} could not be read from ${url}.`, 'text-unavailable', { file: source.file, url });
  }
  return text;
}

function needTokens(text: string, tokens: number, needed: number): void {
  if (tokens >= needed) return;
  const characters = [...text].length;
  throw new VocabJobError(
    `The text is too short: ${characters} characters make ${tokens} tokens, and one window needs ${needed}. Add more text — a few thousand characters at least.`,
    'text-too-short', { characters, tokens, needed },
  );
}

/** The last run's checkpoint, as files: bytes only, so nothing here holds a tensor. */
let lastFiles: VocabFiles | null = null;

export const vocabExpand: Handler<'vocabExpand'> = async (params, job): Promise<VocabExpandResult> => {
  await engineReady();
  checkParams(params);
  const loaded = modelIn('active');
  const baseTokenizer = loaded.tokenizer;
  if (!(baseTokenizer instanceof ByteLevelBPE)) {
    throw new VocabJobError(
      `${loaded.info.name} reads text with a ${baseTokenizer.kind} tokenizer; vocabulary expansion adds merges to a byte-level BPE. Choose the Shakespeare model.`,
      'not-byte-bpe', { name: loaded.info.name, kind: baseTokenizer.kind },
    );
  }
  // LoRA's calls wait while this runs; a merged adapter would be copied as part of the weights.
  const store = adaptersIn('active');
  store.notBusy();
  store.notMerged('expanding the vocabulary');
  store.busy = true;
  let base: GPT | null = null;
  let expanded: GPT | null = null;
  let trainer: Trainer | null = null;
  try {
    job.emit({ type: 'stage', stage: 'reading' });
    const chinese = cutAtLine(await readText(params.chinese), MAX_CHINESE_CHARACTERS);
    const english = cutAtLine(await readText(params.english), MAX_ENGLISH_CHARACTERS);
    const { train, val } = splitTang(chinese, 0.9);
    const texts: MeasureTexts = { zh: cutAtLine(val, MAX_HELD_OUT_CHARACTERS), english, evalBlock: Math.min(128, loaded.model.config.blockSize) };

    // The characters come from the training part only, as a tokenizer is fitted; one the tokenizer already has whole is skipped.
    const characters = mostFrequentHan(train, Number.MAX_SAFE_INTEGER).filter((c) => baseTokenizer.encode(c).length > 1).slice(0, params.k);
    const expansion = expandByteLevelBPE(baseTokenizer, characters);
    const tokenizer = expansion.tokenizer;
    const trainIds = Int32Array.from(tokenizer.encode(train));
    const settings = trainSettings(loaded.model, params.steps, params.learningRate, params.seed);
    needTokens(train, trainIds.length, settings.blockSize + 1);
    needTokens(texts.zh, tokenizer.encode(texts.zh).length, texts.evalBlock + 1);
    needTokens(english, baseTokenizer.encode(english).length, texts.evalBlock + 1);

    // A copy: the loaded model (and any adapter attached to it) is never written to.
    base = GPT.fromWeights(loaded.model.config, await loaded.model.weights());
    expanded = await expandModel(base, expansion);
    job.emit({ type: 'stage', stage: 'measuring' });
    const baseMeasure = measure(base, baseTokenizer, texts);
    const baseSample = greedySample(base, baseTokenizer, params.prompt);
    const parametersBefore = base.parameterCount;
    base.dispose();
    base = null;
    const expandedMeasure = measure(expanded, tokenizer, texts);
    const expandedSample = greedySample(expanded, tokenizer, params.prompt);

    const trainable = expanded.namedParameters().filter(([name]) => params.trainable === 'all' || name === WTE);
    trainer = new Trainer(expanded, trainIds, { ...settings, steps: params.steps }, trainable);
    const chosen = new Set(characters);
    const heldOutHan = [...texts.zh].filter(isHan);
    const line = stripLine(texts.zh);
    const prepared: VocabPrepared = {
      added: characters.length,
      addedPreview: characters.slice(0, 40).join(''),
      pieces: expansion.newTokens.filter((t) => !t.requested).length,
      vocabBefore: baseTokenizer.vocabSize,
      vocabAfter: tokenizer.vocabSize,
      parametersBefore,
      parametersAfter: expanded.parameterCount,
      heldOutCoverage: heldOutHan.length ? heldOutHan.filter((c) => chosen.has(c)).length / heldOutHan.length : 0,
      trainCharacters: [...train].length,
      heldOutCharacters: [...texts.zh].length,
      englishCharacters: [...english].length,
      trainTokens: trainIds.length,
      trainableValues: trainer.trainableCount,
      batchSize: settings.batchSize,
      blockSize: settings.blockSize,
      contextWindow: loaded.model.config.blockSize,
      line: { text: line, before: tokenStrip(baseTokenizer, line, baseTokenizer.vocabSize), after: tokenStrip(tokenizer, line, baseTokenizer.vocabSize) },
      base: baseMeasure,
      expanded: expandedMeasure,
    };
    job.emit({ type: 'prepared', prepared });

    job.emit({ type: 'stage', stage: 'training' });
    const points: VocabPoint[] = [{ step: 0, zhPerChar: expandedMeasure.zhPerChar, enPerChar: expandedMeasure.enPerChar }];
    job.emit({ type: 'point', point: points[0] });
    const every = Math.max(5, Math.ceil(params.steps / 8)); // about eight points a run: each costs a few seconds on wasm
    const model = expanded;
    await trainer.run({
      shouldStop: () => job.stopped,
      onStep: (s) => {
        job.emit({ type: 'step', step: s.step, loss: s.loss, ms: s.ms });
        if (s.step % every === 0 && s.step < params.steps) addPoint(points, lossPoint(model, tokenizer, texts, s.step), job);
      },
    });

    job.emit({ type: 'stage', stage: 'measuring-after' });
    const steps = trainer.step;
    const after = measure(expanded, tokenizer, texts);
    if (points.at(-1)!.step < steps) addPoint(points, { step: steps, zhPerChar: after.zhPerChar, enPerChar: after.enPerChar }, job);
    const afterSample = greedySample(expanded, tokenizer, params.prompt);

    job.emit({ type: 'stage', stage: 'writing' });
    const { config, weights } = await saveGPT(expanded, { dtype: 'F32' });
    lastFiles = {
      'config.json': JSON.stringify(config, null, 2) + '\n',
      'model.safetensors': weights,
      'tokenizer.json': JSON.stringify(tokenizer.toJSON()),
    };
    return {
      stopped: job.stopped,
      steps,
      prepared,
      after,
      points,
      medianStepMs: median(trainer.history.map((h) => h.ms)),
      samples: { prompt: params.prompt, base: baseSample, expanded: expandedSample, after: afterSample },
      checkpointBytes: weights.byteLength,
    };
  } finally {
    trainer?.dispose();
    expanded?.dispose();
    base?.dispose();
    store.busy = false;
  }
};

function addPoint(points: VocabPoint[], point: VocabPoint, job: JobContext<VocabEvent>): void {
  points.push(point);
  job.emit({ type: 'point', point });
}

export const vocabExport: Handler<'vocabExport'> = async () => {
  if (!lastFiles) throw new VocabJobError('No expanded model yet: run the vocabulary expansion first.', 'nothing-to-export');
  return lastFiles;
};

export const vocabHandlers: { [M in keyof VocabMethods]: Handler<M> } = { vocabExpand, vocabExport };
