import * as tf from '@tensorflow/tfjs';
import type { GPT } from '../model/gpt.ts';
import { Trainer, DivergenceError, type StepStats, type TrainHooks, type TrainSettings } from '../train/trainer.ts';
import { LoraAdapter } from './lora.ts';

/**
 * Adapting a model to new text, measured the way the LoRA panel shows it:
 * the new text's validation loss falls, the original corpus's validation loss
 * (catastrophic forgetting) is tracked alongside, and a diverging step stops
 * training with the last good adapter restored.
 */
export interface AdaptationPoint {
  step: number;
  trainLoss: number;
  newTextLoss: number;
  originalLoss: number;
}

export interface AdaptationData {
  trainIds: ArrayLike<number>;
  newValIds: ArrayLike<number>;
  originalValIds: ArrayLike<number>;
  /** Share of each batch drawn from original text (the standard cure for forgetting); 0 = none. */
  mixOriginal?: number;
  originalTrainIds?: ArrayLike<number>;
}

export interface AdaptationOptions {
  steps: number;
  evalEvery: number;
  evalBatches?: number;
  settings: Partial<TrainSettings>;
  onPoint?: (p: AdaptationPoint) => void;
  onStep?: (s: StepStats) => void;
  shouldStop?: () => boolean;
}

export interface AdaptationResult {
  points: AdaptationPoint[];
  trainableParameters: number;
  optimizerBytes: number;
  medianStepMs: number;
  /** Set when a step diverged: training stopped there and the last good weights were kept. */
  stoppedBy?: string;
  /** Updates the final weights hold (fewer than taken when an explosion was rolled back). */
  steps: number;
  /**
   * The evaluated point with the lowest new-text loss (step 0 included: the
   * weights before the run) and, for LoRA, the trainable values it had, so a
   * run that made things worse can be undone to it.
   */
  best: { step: number; newTextLoss: number; values: Map<string, Float32Array> };
}

/** A run that ended worse than it began, or worse than the base model alone, on the new text. */
export interface Worsening {
  /** New-text loss at the run's first evaluation, at its last, and of the base model with no adapter. */
  start: number;
  end: number;
  base: number;
  /** Which of the two the end is above. */
  aboveStart: boolean;
  aboveBase: boolean;
}

/** Losses closer than this (nats per token) count as equal: evaluation windows are fixed, but training is noisy. */
export const WORSENING_TOLERANCE = 0.02;

/**
 * Did the run ruin what it trained? Its last new-text loss above its first,
 * or above the base model's on the same text (e.g. a learning rate of 1 with
 * rsLoRA's α/√r = 256: the loss climbs without ever reaching NaN, and the
 * model writes "the the the"). Null when the run did what training should.
 */
export function judgeRun(points: readonly AdaptationPoint[], baseLoss: number): Worsening | null {
  if (points.length < 2) return null;
  const start = points[0].newTextLoss;
  const end = points[points.length - 1].newTextLoss;
  const aboveStart = !(end <= start + WORSENING_TOLERANCE);
  const aboveBase = Number.isFinite(baseLoss) && !(end <= baseLoss + WORSENING_TOLERANCE);
  return aboveStart || aboveBase ? { start, end, base: baseLoss, aboveStart, aboveBase } : null;
}

/**
 * A sample of the corpus the base model learned from, to measure forgetting
 * on: its first part is mixed into training (`mixOriginal`), its second part
 * is validation text.
 */
export interface OriginalSample {
  trainIds: Int32Array;
  valIds: Int32Array;
  /** Read from a file next to the model, or written by the model itself. */
  source: 'file' | 'generated';
  /** Where it came from, in a sentence. */
  description: string;
}

/** Mean validation loss over the trainer's fixed evaluation windows; no optimizer state is made (nothing trains). */
export function validationLoss(model: GPT, ids: ArrayLike<number>, settings: { batchSize: number; blockSize: number }, batches: number): number {
  const t = new Trainer(model, ids, { ...settings, steps: 1 }, []);
  try {
    return t.evaluate(ids, batches);
  } finally {
    t.dispose();
  }
}

/** Interleaves original text into the training stream: `mix` of every window comes from it. */
export function mixStreams(newIds: ArrayLike<number>, originalIds: ArrayLike<number>, mix: number, windowSize: number): Int32Array {
  if (!(mix > 0)) return Int32Array.from(newIds);
  const out: number[] = [];
  const newWindows = Math.ceil(newIds.length / windowSize);
  const originalWindows = Math.round((newWindows * mix) / (1 - mix));
  const stride = Math.max(1, Math.floor((originalIds.length - windowSize) / Math.max(1, originalWindows)));
  for (let w = 0, o = 0; w < newWindows; w++) {
    for (let i = w * windowSize; i < Math.min(newIds.length, (w + 1) * windowSize); i++) out.push(newIds[i]);
    while (o < originalWindows && (o + 1) * newWindows <= (w + 1) * originalWindows) {
      const start = (o * stride) % Math.max(1, originalIds.length - windowSize);
      for (let i = start; i < start + windowSize && i < originalIds.length; i++) out.push(originalIds[i]);
      o++;
    }
  }
  return Int32Array.from(out);
}

/**
 * What a run trains: a LoRA adapter's A and B, every weight (full
 * fine-tuning), or the variables of another parameter-efficient method (a
 * prompt-learning adapter's embedding and encoder, AdaLoRA's P, Λ, Q), with
 * its training switch (dropout) and the trainer hooks it needs.
 */
export type AdaptTarget =
  | { kind: 'lora'; adapter: LoraAdapter }
  | { kind: 'full' }
  | { kind: 'adapter'; variables: [string, tf.Variable][]; setTraining?: (on: boolean) => void; hooks?: TrainHooks };

/**
 * Trains the target on the new text, evaluating both validation sets as it
 * goes. `snapshot`/`restore` keep the last good weights for a divergence.
 */
export async function adapt(model: GPT, data: AdaptationData, opts: AdaptationOptions, target: AdaptTarget): Promise<AdaptationResult> {
  const blockSize = opts.settings.blockSize ?? model.config.blockSize;
  const stream = data.mixOriginal && data.originalTrainIds ? mixStreams(data.trainIds, data.originalTrainIds, data.mixOriginal, blockSize + 1) : data.trainIds;
  const trainable = target.kind === 'lora' ? target.adapter.trainableVariables() : target.kind === 'adapter' ? target.variables : model.namedParameters();
  const trainer = new Trainer(model, stream, { ...opts.settings, steps: opts.steps }, trainable, target.kind === 'adapter' ? target.hooks : undefined);
  const setTraining = (on: boolean) => {
    if (target.kind === 'lora') target.adapter.training = on;
    else if (target.kind === 'adapter') target.setTraining?.(on);
  };
  // Full fine-tuning keeps no second copy of every weight: its best point is reported, not restorable.
  const restorable = target.kind !== 'full';
  const evalBatches = opts.evalBatches ?? 4;
  const points: AdaptationPoint[] = [];
  const snapshot = async () => new Map(await Promise.all(trainable.map(async ([n, v]) => [n, (await v.data()) as Float32Array] as const)));
  let good = await snapshot();
  let goodStep = 0;
  let best: AdaptationResult['best'] = { step: 0, newTextLoss: Infinity, values: good };
  let stepsHeld = 0;
  let rolledBack = false;
  let recent: number[] = [];
  let stoppedBy: string | undefined;
  const optimizerBytes = trainer.optimizerBytes;
  setTraining(true);
  const evaluate = (step: number) => {
    setTraining(false);
    const p: AdaptationPoint = {
      step,
      trainLoss: recent.length ? recent.reduce((a, b) => a + b, 0) / recent.length : NaN,
      newTextLoss: trainer.evaluate(data.newValIds, evalBatches),
      originalLoss: trainer.evaluate(data.originalValIds, evalBatches),
    };
    setTraining(true);
    recent = [];
    points.push(p);
    opts.onPoint?.(p);
  };
  try {
    evaluate(0);
    best = { step: 0, newTextLoss: points[0].newTextLoss, values: restorable ? good : new Map() };
    while (trainer.step < opts.steps && !opts.shouldStop?.()) {
      let s: StepStats;
      try {
        s = trainer.trainStep();
      } catch (e) {
        if (!(e instanceof DivergenceError)) throw e;
        stoppedBy = e.message;
        break;
      }
      if (s.loss > 1e3) {
        // Exploding (finite but absurd): undo to the last good weights and stop.
        restoreValues(trainable, good);
        stepsHeld = goodStep;
        rolledBack = true;
        stoppedBy = `Training exploded at step ${s.step} (loss ${s.loss.toFixed(1)}); the last good weights were restored. Try a lower learning rate.`;
        break;
      }
      recent.push(s.loss);
      opts.onStep?.(s);
      if (s.step % opts.evalEvery === 0 || s.step === opts.steps) {
        evaluate(s.step);
        good = await snapshot();
        goodStep = s.step;
        const p = points[points.length - 1];
        if (p.newTextLoss < best.newTextLoss) best = { step: s.step, newTextLoss: p.newTextLoss, values: restorable ? good : new Map() };
      }
      await new Promise((r) => setTimeout(r, 0));
    }
    if (!rolledBack) stepsHeld = trainer.step;
  } finally {
    setTraining(false);
    trainer.dispose();
  }
  const ms = trainer.history.map((h) => h.ms).sort((a, b) => a - b);
  return {
    points,
    trainableParameters: trainer.trainableCount,
    optimizerBytes,
    medianStepMs: ms[Math.floor(ms.length / 2)] ?? NaN,
    stoppedBy,
    steps: stepsHeld,
    best,
  };
}

/** Puts saved values back into the variables of the same names (a divergence's rollback, or undoing a run that made things worse). */
export function restoreValues(vars: [string, tf.Variable][], values: Map<string, Float32Array>): void {
  tf.tidy(() => {
    for (const [name, v] of vars) {
      const data = values.get(name);
      if (data) v.assign(tf.tensor(data, v.shape));
    }
  });
}
