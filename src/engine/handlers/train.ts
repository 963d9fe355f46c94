import type { EventOf, ModelInfo, PreparedSummary, TrainParams, TrainResult } from '../protocol.ts';
import { readTextFile } from '../../io/userText.ts';
import { type JobContext, engineReady, installModel, yieldToEvents } from '../runtime.ts';
import { GPT } from '../../model/gpt.ts';
import { TRAINING_SIZES, countParameters, makeConfig, type GPTConfig } from '../../model/config.ts';
import { ByteLevelBPE, CharTokenizer, type Tokenizer } from '../../tokenizer/index.ts';
import { splitCorpus } from '../../data/corpus.ts';
import { Trainer } from '../../train/trainer.ts';
import { generate } from '../../sampling/generate.ts';

// ---- train on the user's own text -----------------------------------------------------

/** Text that cannot be trained on: empty, binary, not UTF-8, or too short. Nothing loaded is touched. */
class TrainingInputError extends Error {
  override name = 'TrainingInputError';
}

/** Larger texts are cut: BPE fitting and tokenizing stay within a few seconds. */
const MAX_CHARACTERS = 2_000_000;

async function readTrainingText(source: TrainParams['source']): Promise<{ text: string; truncatedFrom: number | null }> {
  let text: string;
  if (source.kind === 'file') {
    text = await readTextFile(source.file);
  } else {
    text = source.text;
  }
  if (text.trim().length === 0) throw new TrainingInputError('The text is empty: paste some text or choose a text file.');
  if (text.length > MAX_CHARACTERS) return { text: text.slice(0, MAX_CHARACTERS), truncatedFrom: text.length };
  return { text, truncatedFrom: null };
}

function configFor(size: TrainParams['size'], vocabSize: number): GPTConfig {
  return makeConfig(TRAINING_SIZES[size], { vocabSize });
}

export async function train(params: TrainParams, job: JobContext<EventOf<'train'>>): Promise<TrainResult> {
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
    );
  }

  const batchSize = 8;
  const steps = params.steps;
  const model = GPT.create(config, params.seed);
  let trainer: Trainer;
  try {
    trainer = new Trainer(model, trainIds, {
      batchSize,
      blockSize,
      steps,
      learningRate: 2e-3,
      minLearningRate: 2e-4,
      warmupSteps: Math.max(1, Math.min(50, Math.floor(steps / 10))),
      seed: params.seed,
    });
  } catch (e) {
    model.dispose();
    throw e;
  }
  const name = `your text (${params.tokenizer === 'bpe' ? 'BPE' : 'characters'}, ${params.size})`;
  const info: ModelInfo = {
    slot: 'custom',
    name,
    config,
    parameterCount: countParameters(config),
    tokenizerKind: tokenizer.kind,
    training: null,
  };
  // The input passed every check: only now does the new model replace an earlier one trained here.
  installModel('custom', { model, tokenizer, info });
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
  try {
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
  } finally {
    trainer.dispose(); // AdamW moments; the model stays in its slot
  }
  info.training = { steps: trainer.step, valLossPerToken: valLoss, valPerplexity: valLoss === null ? null : Math.exp(valLoss) };
  return { stopped: job.stopped, steps: trainer.step, lastLoss, valLoss, model: info };
}

