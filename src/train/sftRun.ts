// An SFT run, measured the way the SFT lesson shows it: the held-out answers'
// loss, whether greedy answers to held-out questions stop at `<|end|>` (the
// model follows the template), and "getting dumber" (SFT之后傻了): the original
// corpus's loss and a free-generation sample, before and after.

import * as tf from '@tensorflow/tfjs';
import type { GPT } from '../model/gpt.ts';
import type { Tokenizer } from '../tokenizer/index.ts';
import { DivergenceError, type StepStats, type TrainHooks, Trainer } from './trainer.ts';
import { type ChatTokenIds, type LossMode, type SftExample, applyChatTemplate, exampleLoss, questionLabels, sftBatches, tokenizeConversation, turnLabels } from './sft.ts';
import type { Conversation } from './sftData.ts';

/**
 * What an SFT run trains: every weight, or a method's variables (LoRA's A and
 * B, a prompt's embedding and encoder, AdaLoRA's P, Λ, Q — with the new rows
 * as below). peft/sftTarget.ts builds one for each method.
 */
export interface SftTarget {
  trainable: [string, tf.Variable][];
  setTraining?: (on: boolean) => void;
  afterStep?: TrainHooks['afterStep'];
  /** A term added to the loss (AdaLoRA's orthogonal regularisation). */
  extraLoss?: TrainHooks['extraLoss'];
  /** Values that learn, when not every value of `trainable` does (the new rows of wte alone). */
  trainableValues?: number;
}

export interface SftData {
  /** The tokenizer with the chat markers, and their ids. */
  tokenizer: Tokenizer;
  chat: ChatTokenIds;
  train: Conversation[];
  heldOut: Conversation[];
  /** Two-turn dialogues never trained on (multi-turn, 多轮对话): each answer scored with the turns before it as context. */
  heldOutDialogues?: Conversation[];
  /** The original corpus sample (tokens under the same tokenizer): mixed in, and measured for forgetting. */
  originalTrainIds: ArrayLike<number>;
  originalValIds: ArrayLike<number>;
  /** Free generation starts here (a line of the original text). */
  samplePromptIds: number[];
}

export interface SftRunOptions {
  mode: LossMode;
  /** Share of each batch's rows that are original text. */
  mix: number;
  steps: number;
  learningRate: number;
  batchSize: number;
  seed: number;
  evalEvery: number;
  /** Windows of the original-corpus evaluation. */
  evalShape: { batchSize: number; blockSize: number };
  evalBatches: number;
  maxAnswerTokens: number;
  sampleTokens: number;
  onPoint?: (p: SftPoint) => void;
  onStep?: (s: StepStats) => void;
  shouldStop?: () => boolean;
}

export interface SftPoint {
  step: number;
  /** Mean training loss since the last point (over what the mode counts). */
  trainLoss: number;
  /** Held-out answers (and their `<|end|>`), nats per token: the same tokens for both modes. */
  answerLoss: number;
  /** The original corpus (forgetting). */
  originalLoss: number;
}

export interface HeldOutAnswer {
  question: string;
  answer: string;
  /** The greedy answer ended with `<|end|>` within the token limit. */
  ended: boolean;
}

export interface SftMeasures {
  answerLoss: number;
  /** Held-out questions (the user's turns), nats per token: what the 'all' loss also trains. */
  questionLoss: number;
  originalLoss: number;
  /**
   * The held-out dialogues' answers, nats per token, turn by turn: the first
   * answer (after one question) and the second (after the whole first turn and
   * a follow-up question). NaN where there are no dialogues.
   */
  turnAnswerLoss: { first: number; second: number };
  /** Share of held-out questions whose greedy answer stops at `<|end|>`. */
  endShare: number;
  answers: HeldOutAnswer[];
  /** Greedy continuation of the original-text prompt. */
  sample: string;
  /** Special tokens the free continuation wrote (chat markers leaking into plain text). */
  sampleMarkers: number;
}

export interface SftRunResult {
  points: SftPoint[];
  after: SftMeasures;
  trainableParameters: number;
  medianStepMs: number;
  steps: number;
  stoppedBy: string | null;
}

/** Greedy tokens after `prompt` until `<|end|>` (kept) or `maxNew` tokens or the context is full. */
export function greedyUntil(model: GPT, prompt: readonly number[], endId: number, maxNew: number): number[] {
  const cache = model.createCache();
  const out: number[] = [];
  // Virtual tokens (prompt learning) take the window's first positions: the real tokens get what is left.
  let next = prompt.slice(-model.contextWindow);
  const room = model.contextWindow - next.length;
  try {
    for (let i = 0; i < Math.min(maxNew, room + 1); i++) {
      const logits = model.run(next, { cache }).lastLogits;
      let best = 0;
      for (let v = 1; v < logits.length; v++) if (logits[v] > logits[best]) best = v;
      out.push(best);
      if (best === endId || cache.length >= model.config.blockSize) break;
      next = [best];
    }
  } finally {
    cache.dispose();
  }
  return out;
}

/** The held-out pairs, tokenized for each measure. */
function heldOutExamples(data: SftData, maxTokens: number): { answers: SftExample[]; questions: SftExample[] } {
  const answers = data.heldOut.map((c) => tokenizeConversation(c, data.tokenizer, 'answers', maxTokens));
  return { answers, questions: answers.map((e, i) => questionLabels(e, data.heldOut[i])) };
}

/** Mean loss over the fixed evaluation windows of a token stream; nothing trains. */
export function streamLoss(model: GPT, ids: ArrayLike<number>, shape: { batchSize: number; blockSize: number }, batches: number): number {
  const t = new Trainer(model, [], { ...shape, blockSize: Math.min(shape.blockSize, model.contextWindow), steps: 1 }, []);
  try {
    return t.evaluate(ids, batches);
  } finally {
    t.dispose();
  }
}

/** Every measure of the lesson on the model as it is now. */
export function measureSft(model: GPT, data: SftData, o: Pick<SftRunOptions, 'evalShape' | 'evalBatches' | 'maxAnswerTokens' | 'sampleTokens'>): SftMeasures {
  const { answers: answerEx, questions } = heldOutExamples(data, model.contextWindow + 1);
  const pad = data.chat.end;
  const isMarker = (id: number) => id === data.chat.user || id === data.chat.assistant || id === data.chat.end;
  const answers = data.heldOut.map((c) => {
    const prompt = data.tokenizer.encode(applyChatTemplate(c.slice(0, 1), true));
    const ids = greedyUntil(model, prompt, data.chat.end, o.maxAnswerTokens);
    const ended = ids.at(-1) === data.chat.end;
    return { question: c[0].content, answer: data.tokenizer.decode(ended ? ids.slice(0, -1) : ids), ended };
  });
  const sampleIds = greedyUntil(model, data.samplePromptIds, -1, o.sampleTokens);
  return {
    answerLoss: exampleLoss(model, answerEx, pad).loss,
    questionLoss: exampleLoss(model, questions, pad).loss,
    turnAnswerLoss: turnLosses(model, data, model.contextWindow + 1),
    originalLoss: streamLoss(model, data.originalValIds, o.evalShape, o.evalBatches),
    endShare: answers.filter((a) => a.ended).length / Math.max(1, answers.length),
    answers,
    sample: data.tokenizer.decode(sampleIds),
    sampleMarkers: sampleIds.filter(isMarker).length,
  };
}

/** Each held-out dialogue tokenized whole (both turns), scored on its first answer, then on its second. */
function turnLosses(model: GPT, data: SftData, maxTokens: number): SftMeasures['turnAnswerLoss'] {
  const dialogues = data.heldOutDialogues ?? [];
  const whole = dialogues.map((c) => tokenizeConversation(c, data.tokenizer, 'answers', maxTokens));
  const loss = (turn: number) => exampleLoss(model, whole.map((e, i) => turnLabels(e, dialogues[i], turn)), data.chat.end).loss;
  return { first: loss(0), second: loss(1) };
}

/**
 * For an adapter run (LoRA freezes wte): the embedding table trains, but after
 * each step its old rows are put back, so only the new tokens' rows learn —
 * PEFT's `trainable_token_indices`. Without it every marker would keep the same
 * mean row and the model could not tell `<|user|>` from `<|assistant|>`. The
 * gradient clip still sees the whole table's gradient.
 */
export function newRowsOnly(model: GPT, oldRows: number): { variable: [string, tf.Variable]; afterStep: () => void; trainableValues: number; dispose: () => void } {
  const entry = model.namedParameters().find(([n]) => n === 'transformer.wte.weight');
  if (!entry) throw new Error('internal: the model has no transformer.wte.weight');
  const wte = entry[1];
  const [vocab, width] = wte.shape as [number, number];
  const saved = tf.tidy(() => tf.slice(wte, [0, 0], [oldRows, width]));
  return {
    variable: entry,
    afterStep: () => tf.tidy(() => wte.assign(tf.concat([saved, tf.slice(wte, [oldRows, 0], [vocab - oldRows, width])], 0))),
    trainableValues: (vocab - oldRows) * width,
    dispose: () => saved.dispose(),
  };
}

/** Trains the target on the conversations in `o.mode`, evaluating as it goes; measures everything at the end. */
export async function runSft(model: GPT, data: SftData, target: SftTarget, o: SftRunOptions): Promise<SftRunResult> {
  // Examples are cut to the window left beside any virtual tokens (attach the method before calling).
  const examples = data.train.map((c) => tokenizeConversation(c, data.tokenizer, o.mode, model.contextWindow + 1));
  const { answers: heldOut } = heldOutExamples(data, model.contextWindow + 1);
  const nextBatch = sftBatches(examples, { batchSize: o.batchSize, padId: data.chat.end, mix: o.mix, originalIds: data.originalTrainIds });
  const warmupSteps = Math.max(1, Math.min(10, Math.floor(o.steps / 10)));
  const trainer = new Trainer(
    model, [],
    { batchSize: o.batchSize, blockSize: model.config.blockSize, steps: o.steps, learningRate: o.learningRate, minLearningRate: o.learningRate / 10, warmupSteps, seed: o.seed },
    target.trainable, { nextBatch, afterStep: target.afterStep, extraLoss: target.extraLoss },
  );
  const points: SftPoint[] = [];
  let recent: number[] = [];
  let stoppedBy: string | null = null;
  const evaluate = (step: number) => {
    target.setTraining?.(false);
    const p: SftPoint = {
      step,
      trainLoss: recent.length ? recent.reduce((a, b) => a + b, 0) / recent.length : NaN,
      answerLoss: exampleLoss(model, heldOut, data.chat.end).loss,
      originalLoss: streamLoss(model, data.originalValIds, o.evalShape, o.evalBatches),
    };
    recent = [];
    points.push(p);
    o.onPoint?.(p);
    target.setTraining?.(true);
  };
  try {
    evaluate(0);
    while (trainer.step < o.steps && !o.shouldStop?.()) {
      let s: StepStats;
      try {
        s = trainer.trainStep();
      } catch (e) {
        if (!(e instanceof DivergenceError)) throw e;
        stoppedBy = e.message;
        break;
      }
      recent.push(s.loss);
      o.onStep?.(s);
      if (s.step % o.evalEvery === 0 || s.step === o.steps) evaluate(s.step);
      await new Promise((r) => setTimeout(r, 0));
    }
    if (points.at(-1)!.step !== trainer.step) evaluate(trainer.step);
  } finally {
    target.setTraining?.(false);
    trainer.dispose();
  }
  const ms = trainer.history.map((h) => h.ms).sort((a, b) => a - b);
  return {
    points,
    after: measureSft(model, data, o),
    trainableParameters: target.trainableValues ?? trainer.trainableCount,
    medianStepMs: ms[Math.floor(ms.length / 2)] ?? NaN,
    steps: trainer.step,
    stoppedBy,
  };
}
