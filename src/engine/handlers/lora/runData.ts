// The data of a LoRA run: the new text (tokenized and split for validation;
// the model's default from newText.ts unless the learner gives one), the
// embedded model's original-corpus sample for the forgetting curve, and
// the training settings that fit a run into a minute on wasm.

import type { LoraDataSummary, LoraTextSource } from '../../loraProtocol.ts';
import { type LoadedModel, yieldToEvents } from '../../runtime.ts';
import type { AdapterStore } from '../../adapterStore.ts';
import { type GPT, InputError } from '../../../model/gpt.ts';
import { readTextFile } from '../../../io/userText.ts';
import { type AdaptationData, type OriginalSample, validationLoss } from '../../../lora/experiment.ts';
import { splitCorpus } from '../../../data/corpus.ts';
import { decode } from '../../../sampling/sampler.ts';
import { DEFAULT_SAMPLING } from '../../../sampling/settings.ts';
import { defaultNewText, fetchFolderText } from './newText.ts';

/**
 * The batch of a LoRA step, sized from the model so that a step stays near
 * the playground model's: batches of 8 windows of 64 tokens there (0.94M
 * parameters: ~3 GFLOP, about half a second on wasm, so a few dozen steps fit
 * in a minute, and the default text (~4,000 tokens) still holds ~6 validation
 * windows). A step costs about 6 × parameters × tokens (forward and backward),
 * so a larger model gets fewer tokens: GPT-2 (124M) gets one window of 32,
 * the floor below which a window says little — and a step still takes
 * seconds, which the panel measures and says.
 */
export const STEP_FLOP_BUDGET = 3e9;
const MAX_BATCH = 8;
const BLOCK_SIZE = 64;
const MIN_BLOCK = 32;

export function runShape(config: { blockSize: number }, parameterCount: number): { batchSize: number; blockSize: number } {
  const tokens = Math.floor(STEP_FLOP_BUDGET / (6 * Math.max(1, parameterCount)));
  const context = config.blockSize;
  if (tokens < BLOCK_SIZE) return { batchSize: 1, blockSize: Math.min(context, Math.max(MIN_BLOCK, tokens)) };
  const blockSize = Math.min(BLOCK_SIZE, context);
  return { batchSize: Math.max(1, Math.min(MAX_BATCH, Math.floor(tokens / blockSize))), blockSize };
}

const shapeOf = (model: GPT) => runShape(model.config, model.parameterCount);
/** Validation batches per text per evaluation: the same fixed windows every time. */
export const EVAL_BATCHES = 2;
/** Longer texts are cut: tokenizing stays within a second or two. */
const MAX_CHARACTERS = 1_000_000;

export interface RunData {
  /** The new text's training part (its first nine tenths), as text: the repetition lab rewrites it. */
  trainText: string;
  /** Its last tenth, held out for validation (the repetition lab's prompts start in it). */
  valText: string;
  trainIds: Int32Array;
  newValIds: Int32Array;
  original: OriginalSample;
  summary: LoraDataSummary;
}

const blockSizeFor = (model: GPT) => shapeOf(model).blockSize;

async function readNewText(source: LoraTextSource, store: AdapterStore, baseUrl: string | null): Promise<string> {
  if (source.kind === 'default') return (await defaultNewText(store, baseUrl)).text;
  let text = source.kind === 'text' ? source.text : '';
  if (source.kind === 'file') text = await readTextFile(source.file);
  if (text.trim().length === 0) throw new InputError('The new text is empty: paste some text, choose a file, or use the default text.', 'new-text-empty');
  return text.slice(0, MAX_CHARACTERS);
}

/** Reads and splits the new text, and fetches (once per model) the original-corpus sample. */
export async function prepareData(loaded: LoadedModel, store: AdapterStore, source: LoraTextSource, baseUrl: string | null): Promise<RunData> {
  const text = await readNewText(source, store, baseUrl);
  const blockSize = blockSizeFor(loaded.model);
  const { train, val } = splitCorpus(text, 0.9);
  const trainIds = Int32Array.from(loaded.tokenizer.encode(train));
  const newValIds = Int32Array.from(loaded.tokenizer.encode(val));
  if (newValIds.length < blockSize + 1 || trainIds.length < blockSize + 1) {
    throw new InputError(
      `The new text is too short: ${text.length} characters make ${trainIds.length + newValIds.length} tokens, and its last tenth ` +
        `(held out for validation) needs at least ${blockSize + 1}. Add more text — a few thousand characters at least.`,
      'new-text-too-short',
      { characters: text.length, tokens: trainIds.length + newValIds.length, needed: blockSize + 1 },
    );
  }
  store.originalSample ??= await originalSample(loaded, store, baseUrl);
  const original = store.originalSample;
  return {
    trainText: train,
    valText: val,
    trainIds,
    newValIds,
    original,
    summary: {
      newTextCharacters: text.length,
      trainTokens: trainIds.length,
      newValTokens: newValIds.length,
      original: original.description,
      originalSource: original.source,
      originalValTokens: original.valIds.length,
      batchSize: shapeOf(loaded.model).batchSize,
      blockSize,
    },
  };
}

/**
 * The embedded model's original corpus, for the forgetting curve. The page
 * cannot ship Tiny Shakespeare, so the model folder may hold
 * `original-sample.txt`, a few KB of its held-out split (first half: text to mix
 * in; second half: validation). Without it, text the model itself writes stands
 * in: sampled at temperature 1 from a newline, seeded. Sampled, not greedy:
 * greedy text of a small model is a loop, and a loop's loss says nothing about
 * the model's distribution; the loss on its own samples rises exactly as the
 * adapted model drifts from the original.
 */
async function originalSample(loaded: LoadedModel, store: AdapterStore, baseUrl: string | null): Promise<OriginalSample> {
  const blockSize = blockSizeFor(loaded.model);
  const text = await fetchFolderText(baseUrl, 'original-sample.txt');
  if (text) {
    const { train, val } = splitCorpus(text, 0.5);
    const trainIds = Int32Array.from(loaded.tokenizer.encode(train));
    const valIds = Int32Array.from(loaded.tokenizer.encode(val));
    if (trainIds.length > blockSize && valIds.length > blockSize) {
      return {
        trainIds,
        valIds,
        source: 'file',
        description: `original-sample.txt from the model's folder (${text.length.toLocaleString('en')} characters of its original corpus)`,
      };
    }
  }
  return generatedSample(loaded, store, blockSize);
}

async function generatedSample(loaded: LoadedModel, store: AdapterStore, blockSize: number): Promise<OriginalSample> {
  const { model, tokenizer } = loaded;
  let prompt: number[];
  try {
    prompt = tokenizer.encode('\n');
  } catch {
    prompt = [];
  }
  if (prompt.length === 0) prompt = [0];
  const sequences = async (from: number, count: number) => {
    const ids: number[] = [];
    for (let i = 0; i < count; i++) {
      // The base model exactly: no adapter attached while it writes.
      const { generated } = store.withAttached(null, () =>
        decode(model, prompt, { ...DEFAULT_SAMPLING, do_sample: true, temperature: 1 }, { maxNewTokens: 2 * blockSize, seed: 9000 + from + i }),
      );
      ids.push(...generated);
      await yieldToEvents();
    }
    return Int32Array.from(ids);
  };
  // Validation: ~8 windows (one evaluation batch); mixing in: a few more, other seeds.
  const valIds = await sequences(0, 4);
  const trainIds = await sequences(100, 2);
  return {
    trainIds,
    valIds,
    source: 'generated',
    description:
      `no original-sample.txt next to the model, so ${valIds.length.toLocaleString('en')} tokens the model itself wrote ` +
      '(sampled at temperature 1, seeded) stand in for its original corpus',
  };
}

/** The trainer's settings for a run of `steps` steps: warm-up a tenth of the run (1…10 steps), cosine down to a tenth. */
export function trainSettings(model: GPT, steps: number, learningRate: number, seed: number) {
  return {
    ...shapeOf(model),
    learningRate,
    minLearningRate: learningRate / 10,
    warmupSteps: Math.max(1, Math.min(10, Math.floor(steps / 10))),
    seed,
  };
}

/** About a dozen evaluations per run, at most one every 5 steps. */
export const evalEvery = (steps: number) => Math.max(5, Math.ceil(steps / 12));

/** Mean validation loss on the run's fixed evaluation windows. */
export function lossOn(model: GPT, ids: Int32Array): number {
  return validationLoss(model, ids, shapeOf(model), EVAL_BATCHES);
}

export function adaptationData(d: RunData, mix: number): AdaptationData {
  return { trainIds: d.trainIds, newValIds: d.newValIds, originalValIds: d.original.valIds, mixOriginal: mix, originalTrainIds: d.original.trainIds };
}
