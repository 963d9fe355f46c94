import type { EventOf, ModelInfo, PreparedSummary, TrainedFiles, TrainParams, TrainResult } from '../protocol.ts';
import { readTextFile } from '../../io/userText.ts';
import { type JobContext, clearSlot, engineReady, installModel, modelIn, models, yieldToEvents } from '../runtime.ts';
import { GPT } from '../../model/gpt.ts';
import { TRAINING_SIZES, countParameters, makeConfig, type GPTConfig } from '../../model/config.ts';
import { saveGPT } from '../../io/checkpoint.ts';
import { ByteLevelBPE, CharTokenizer, type Tokenizer } from '../../tokenizer/index.ts';
import { splitCorpus } from '../../data/corpus.ts';
import { Trainer } from '../../train/trainer.ts';
import { generate } from '../../sampling/generate.ts';
import { type MessageParams, codesOf } from '../../util/codes.ts';

// ---- train on the user's own text -----------------------------------------------------

/** Text that cannot be trained on: empty, binary, not UTF-8, or too short. Nothing loaded is touched. */
class TrainingInputError extends Error {
  override name = 'TrainingInputError';
  constructor(message: string, readonly code: TrainingInputErrorCode, readonly params: MessageParams = {}) {
    super(message);
  }
}

/**
 * Empty text; one distinct character (`character`); too short for one window (`characters`, `tokens`, `needed`, `blockSize`);
 * another training run in progress, or (when the caller asks to keep it) a model already in the training slot.
 */
export type TrainingInputErrorCode = 'empty-text' | 'one-character' | 'too-short' | 'training-busy' | 'training-slot-taken';
export const TRAINING_INPUT_ERROR_CODES = codesOf<TrainingInputErrorCode>({
  'empty-text': 0, 'one-character': 0, 'too-short': 0, 'training-busy': 0, 'training-slot-taken': 0,
});

/** A training run holds the training slot from its first step to its end: a second one would replace its model under it. */
let trainingRuns = 0;

/** Larger texts are cut: BPE fitting and tokenizing stay within a few seconds. */
const MAX_CHARACTERS = 2_000_000;

async function readTrainingText(source: TrainParams['source']): Promise<{ text: string; truncatedFrom: number | null }> {
  let text: string;
  if (source.kind === 'file') {
    text = await readTextFile(source.file);
  } else {
    text = source.text;
  }
  if (text.trim().length === 0) throw new TrainingInputError('The text is empty: paste some text or choose a text file.', 'empty-text');
  if (text.length > MAX_CHARACTERS) return { text: text.slice(0, MAX_CHARACTERS), truncatedFrom: text.length };
  return { text, truncatedFrom: null };
}

function configFor(size: TrainParams['size'], vocabSize: number): GPTConfig {
  return makeConfig(TRAINING_SIZES[size], { vocabSize });
}

/**
 * A character vocabulary of one symbol has nothing to predict (and TF.js's oneHot refuses depth 1):
 * refuse it before any tensor is made.
 */
function checkVocabulary(tokenizer: Tokenizer, text: string): void {
  if (tokenizer.vocabSize >= 2) return;
  const only = [...text][0] ?? '';
  const shown = only === '\n' ? 'a line break' : only.trim() === '' ? 'a space' : `"${only}"`;
  throw new TrainingInputError(
    `The text has only one distinct character (${shown}), so there is nothing to learn: with a single possible next ` +
      'character every guess is right. Use a text with at least two different characters (or the BPE tokenizer, whose 256 byte tokens always give a choice).',
    'one-character',
    { character: only === '\n' ? '↵' : only.trim() === '' ? '␣' : JSON.stringify(only) },
  );
}

export async function train(params: TrainParams, job: JobContext<EventOf<'train'>>): Promise<TrainResult> {
  if (trainingRuns > 0) throw new TrainingInputError('A model is being trained already: wait for it to finish, or stop it, before starting another.', 'training-busy');
  if (params.keepSlot && models.has('training')) {
    throw new TrainingInputError('A model you trained is loaded (the training slot is in use): this run would replace it. Choose another model for the prompt box first, or train it again in "Your own text".', 'training-slot-taken');
  }
  trainingRuns++;
  try {
    return await trainRun(params, job);
  } finally {
    trainingRuns--;
  }
}

async function trainRun(params: TrainParams, job: JobContext<EventOf<'train'>>): Promise<TrainResult> {
  await engineReady();
  job.emit({ type: 'status', message: 'Reading the text…' });
  const { text, truncatedFrom } = await readTrainingText(params.source);

  job.emit({ type: 'status', message: params.tokenizer === 'bpe' ? 'Fitting a byte-level BPE tokenizer…' : 'Collecting the characters…' });
  await yieldToEvents();
  const { train: trainText, val: valText } = splitCorpus(text, 0.9);
  let tokenizer: Tokenizer;
  if (params.tokenizer === 'bpe') {
    // Fitted on the training part only: validation text must stay unseen.
    tokenizer = ByteLevelBPE.train(trainText, { vocabSize: params.vocabSize });
  } else {
    // The alphabet comes from the whole text, so no validation character is unknown;
    // a character set says next to nothing about the text's statistics.
    tokenizer = CharTokenizer.fromText(text);
  }
  checkVocabulary(tokenizer, text);
  let trainIds = Int32Array.from(tokenizer.encode(trainText));
  let valIds = Int32Array.from(tokenizer.encode(valText));
  const config = configFor(params.size, tokenizer.vocabSize);
  const { blockSize } = config;
  if (valIds.length < blockSize + 1) {
    // Too short to hold out a window: train on everything and say there is no validation loss.
    trainIds = Int32Array.from(tokenizer.encode(text));
    valIds = new Int32Array(0);
  }
  if (trainIds.length < blockSize + 1) {
    throw new TrainingInputError(
      `The text is too short: ${text.length} characters make ${trainIds.length} tokens, and one training window needs ` +
        `${blockSize + 1} (a context of ${blockSize} tokens plus the next one). Add more text — a few thousand characters at least.`,
      'too-short',
      { characters: text.length, tokens: trainIds.length, needed: blockSize + 1, blockSize },
    );
  }

  const batchSize = 8;
  const steps = params.steps;
  const name = `your text (${params.tokenizer === 'bpe' ? 'BPE' : 'characters'}, ${params.size})`;
  const info: ModelInfo = {
    slot: 'training',
    name,
    ref: '',
    from: 'trained',
    cacheProblem: null,
    weightBytes: 0,
    config,
    parameterCount: countParameters(config),
    tokenizerKind: tokenizer.kind,
    training: null,
  };
  // The new model lives in the training slot, which no other panel uses: the active model is never touched.
  // Whatever happens from here, the slot is emptied and everything this run made is freed.
  installModel('training', { model: GPT.create(config, params.seed), tokenizer, info });
  let trainer: Trainer | null = null;
  try {
    const { model } = modelIn('training');
    trainer = new Trainer(model, trainIds, {
      batchSize,
      blockSize,
      steps,
      learningRate: 2e-3,
      minLearningRate: 2e-4,
      warmupSteps: Math.max(1, Math.min(50, Math.floor(steps / 10))),
      seed: params.seed,
    });
    const summary: PreparedSummary = {
      characters: text.length,
      truncatedFrom,
      tokenizerKind: tokenizer.kind,
      vocabSize: tokenizer.vocabSize,
      trainTokens: trainIds.length,
      valTokens: valIds.length,
      parameterCount: info.parameterCount,
      description: model.describe(),
      batchSize,
      blockSize,
    };
    job.emit({ type: 'prepared', summary, model: info });
    const valLoss = await runTraining(trainer, model, tokenizer, trainIds, valIds, job);
    const lastLoss = valLoss.lastLoss;
    info.training = { steps: trainer.step, valLossPerToken: valLoss.valLoss, valPerplexity: valLoss.valLoss === null ? null : Math.exp(valLoss.valLoss) };
    const { config: hfConfig, weights } = await saveGPT(model, { dtype: 'F32' });
    info.weightBytes = weights.byteLength;
    const files: TrainedFiles = {
      'config.json': JSON.stringify(hfConfig, null, 2) + '\n',
      'model.safetensors': weights,
      'tokenizer.json': JSON.stringify(tokenizer.toJSON()),
    };
    return { stopped: job.stopped, steps: trainer.step, lastLoss, valLoss: valLoss.valLoss, model: info, files };
  } finally {
    trainer?.dispose(); // AdamW moments
    clearSlot('training'); // the page keeps the files; the model is loaded from them when chosen
  }
}

/** The training loop with its periodic evaluation and greedy sample. */
async function runTraining(
  trainer: Trainer,
  model: GPT,
  tokenizer: Tokenizer,
  trainIds: Int32Array,
  valIds: Int32Array,
  job: JobContext<EventOf<'train'>>,
): Promise<{ lastLoss: number; valLoss: number | null }> {
  const steps = trainer.settings.steps;
  const evalEvery = Math.max(10, Math.round(steps / 20));
  const samplePrompt = Array.from(trainIds.subarray(0, 4));
  let lastEvalStep = -1;
  const evaluate = (step: number) => {
    lastEvalStep = step;
    const valLoss = valIds.length > 0 ? trainer.evaluate(valIds, 2) : null;
    const sample = generate(model, samplePrompt, { maxNewTokens: 48 }).tokens;
    job.emit({ type: 'eval', step, valLoss, sample: tokenizer.decode(sample) });
    return valLoss;
  };
  let lastLoss = NaN;
  let valLoss: number | null = null;
  evaluate(0);
  await trainer.run({
    shouldStop: () => job.stopped,
    onStep: (s) => {
      lastLoss = s.loss;
      job.emit({ type: 'step', step: s.step, loss: s.loss, learningRate: s.learningRate, ms: s.ms });
      if (s.step % evalEvery === 0) valLoss = evaluate(s.step);
    },
  });
  if (lastEvalStep !== trainer.step) valLoss = evaluate(trainer.step);
  return { lastLoss, valLoss };
}
