// The model a notebook experiments on. At full size that is the playground's
// embedded model, read from public/models/shakespeare/ (scripts/train-embedded.ts
// writes it); at the small size, a tiny GPT trained on a slice of Tiny Shakespeare
// in a few seconds, as notebook 01's small run does — enough for the notebook to
// run end to end in CI, not enough to mean much. Any other model folder under
// public/models/ (the Tang poetry model) loads the same way.

import fs from 'node:fs';
import path from 'node:path';
import { loadGPT, type HFGPT2Config } from '../../src/io/checkpoint.ts';
import { GPT } from '../../src/model/gpt.ts';
import { makeConfig } from '../../src/model/config.ts';
import { tokenizerFromJSON, type Tokenizer } from '../../src/tokenizer/index.ts';
import { prepareCorpus } from '../../src/train/pipeline.ts';
import { Trainer, type TrainSettings } from '../../src/train/trainer.ts';

export interface BaseModel {
  model: GPT;
  tokenizer: Tokenizer;
  /** What the model is and where it came from, in a line or two. */
  summary: string;
}

/** Where the embedded model lives, relative to the project root. */
export const EMBEDDED_MODEL_DIR = 'public/models/shakespeare';

const MODEL_FILES = ['config.json', 'model.safetensors', 'tokenizer.json'];

/** The playground's embedded model and its tokenizer; a clear error when this checkout does not have them yet. */
export async function loadEmbeddedModel(root: string): Promise<BaseModel> {
  const missing = missingModelFiles(root, EMBEDDED_MODEL_DIR);
  if (missing.length > 0) {
    throw new Error(
      `The embedded model is not in this checkout: ${path.join(root, EMBEDDED_MODEL_DIR)} lacks ${missing.join(', ')}. ` +
        'scripts/train-embedded.ts writes it (npx tsx scripts/train-embedded.ts, an hour or more on a laptop). ' +
        'Until then, run this notebook at the small size (NOTEBOOK_SIZE=small), which trains a tiny model of its own.',
    );
  }
  return loadModelFolder(root, EMBEDDED_MODEL_DIR, `the embedded model from ${EMBEDDED_MODEL_DIR}/`);
}

/** The files of a model folder (config.json, model.safetensors, tokenizer.json) that `dir` lacks. */
export function missingModelFiles(root: string, dir: string): string[] {
  return MODEL_FILES.filter((f) => !fs.existsSync(path.join(root, dir, f)));
}

/**
 * A model folder as scripts/train-embedded.ts writes it (public/models/NAME/):
 * GPT-2 config, safetensors weights under Hugging Face names, the tokenizer,
 * and, when present, training.json, whose steps and validation loss go into the summary
 * after `label`.
 */
export async function loadModelFolder(root: string, dir: string, label = `the model in ${dir}/`): Promise<BaseModel> {
  const read = (f: string) => fs.readFileSync(path.join(root, dir, f));
  const model = await loadGPT({
    config: JSON.parse(read('config.json').toString('utf8')) as HFGPT2Config,
    weights: new Uint8Array(read('model.safetensors')),
  });
  const tokenizer = tokenizerFromJSON(JSON.parse(read('tokenizer.json').toString('utf8')));
  const recordPath = path.join(root, dir, 'training.json');
  const record = fs.existsSync(recordPath)
    ? (JSON.parse(fs.readFileSync(recordPath, 'utf8')) as { steps?: number; val_loss_per_token?: number })
    : undefined;
  const trained = record?.steps !== undefined && record.val_loss_per_token !== undefined
    ? `; trained for ${record.steps.toLocaleString('en')} steps to a validation loss of ${record.val_loss_per_token.toFixed(3)} nats per token`
    : '';
  return { model, tokenizer, summary: `${label}${trained}` };
}

export interface SmallModelSettings {
  /** How many characters of Tiny Shakespeare to use. */
  corpusChars: number;
  vocabSize: number;
  /** Width of the nano model (its preset has 16; 64 learns much faster per step). */
  nEmbd: number;
  /** Context window, in tokens. */
  blockSize: number;
  train: Partial<TrainSettings> & { steps: number };
}

/** A few seconds of training on a CPU: past the "every token equally likely" stage, far from Shakespeare. */
export const SMALL_MODEL: SmallModelSettings = {
  corpusChars: 100_000,
  vocabSize: 300,
  nEmbd: 64,
  blockSize: 32,
  train: { batchSize: 8, blockSize: 32, steps: 200, learningRate: 2e-3, minLearningRate: 2e-4, warmupSteps: 10, seed: 1337 },
};

/** Fits a BPE tokenizer and trains a nano GPT on the start of `text`; reports its validation loss before and after. */
export async function trainSmallModel(text: string, s: SmallModelSettings = SMALL_MODEL): Promise<BaseModel & { valLossBefore: number; valLossAfter: number }> {
  const t0 = performance.now();
  const { tokenizer, trainIds, valIds } = prepareCorpus(text.slice(0, s.corpusChars), { vocabSize: s.vocabSize });
  const model = GPT.create(makeConfig('nano', { vocabSize: tokenizer.vocabSize, nEmbd: s.nEmbd, blockSize: s.blockSize }), 1337);
  const trainer = new Trainer(model, trainIds, s.train);
  try {
    const valLossBefore = trainer.evaluate(valIds);
    await trainer.run();
    const valLossAfter = trainer.evaluate(valIds);
    const seconds = (performance.now() - t0) / 1000;
    const summary = `a nano GPT (${model.config.nLayer} layers, width ${model.config.nEmbd}, context ${model.config.blockSize}, ` +
      `${model.parameterCount.toLocaleString('en')} parameters) trained here for ${s.train.steps} steps on ` +
      `${s.corpusChars.toLocaleString('en')} characters in ${seconds.toFixed(1)} s: validation loss ` +
      `${valLossBefore.toFixed(3)} → ${valLossAfter.toFixed(3)} nats per token (a uniform guess scores ln ${tokenizer.vocabSize} = ` +
      `${Math.log(tokenizer.vocabSize).toFixed(3)})`;
    return { model, tokenizer, summary, valLossBefore, valLossAfter };
  } finally {
    trainer.dispose(); // its AdamW moments; the model is the caller's
  }
}
