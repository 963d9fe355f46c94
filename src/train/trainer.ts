import * as tf from '@tensorflow/tfjs';
import type { GPT } from '../model/gpt.ts';
import { crossEntropy, webglKernel } from '../model/ops.ts';
import { lossAndGradNormFused } from '../model/webgl/trainNorm.ts';
import { Rng } from '../util/random.ts';
import { AdamW, DEFAULT_ADAMW, type AdamWSettings, type AdamWState } from './adamw.ts';
import { type Batch, evaluationBatches, sampleBatch } from './data.ts';
import { learningRateAt } from './schedule.ts';
import { MLE, type TrainObjective, objectiveLoss, objectiveProblem } from './unlikelihood.ts';
import { hasIgnoredLabels, maskedCrossEntropy } from './sftLoss.ts';

export interface TrainSettings {
  /** Sequences per step. */
  batchSize: number;
  /** Tokens per sequence; at most the model's context window. */
  blockSize: number;
  /** Steps the schedule is planned for (the cosine reaches its floor here). */
  steps: number;
  /** Peak learning rate after warm-up (nanoGPT's small-model value). */
  learningRate: number;
  /** Floor of the cosine decay, a tenth of the peak as in nanoGPT. */
  minLearningRate: number;
  warmupSteps: number;
  /** Global gradient-norm clip: one bad batch cannot throw the weights far. */
  gradClip: number;
  /** Seeds the batch sampler, so a run replays exactly. */
  seed: number;
  adamw: AdamWSettings;
  /** Maximum likelihood, or with unlikelihood added (train/unlikelihood.ts); validation loss is cross-entropy either way. */
  objective: TrainObjective;
}

export const DEFAULT_TRAIN: TrainSettings = {
  batchSize: 8,
  blockSize: 128,
  steps: 2000,
  learningRate: 1e-3,
  minLearningRate: 1e-4,
  warmupSteps: 100,
  gradClip: 1.0,
  seed: 1337,
  adamw: DEFAULT_ADAMW,
  objective: MLE,
};

export interface StepStats {
  step: number; // 1-based count of updates applied
  loss: number;
  gradNorm: number;
  learningRate: number;
  ms: number;
  tokensPerSecond: number;
}

/** Raised when a step's loss or gradient is not finite; the weights are left as they were. */
export class DivergenceError extends Error {
  override name = 'DivergenceError';
  /** One code, so the page can say it in the reader's language with `params`. */
  readonly code = 'diverged';
  readonly params: { step: number; loss: string; gradNorm: string };
  constructor(readonly step: number, readonly loss: number, readonly gradNorm: number) {
    super(
      `Training diverged at step ${step}: loss ${loss}, gradient norm ${gradNorm}. ` +
        'The update was not applied; the weights are those of the last good step. Try a lower learning rate.',
    );
    // NaN and Infinity as JavaScript writes them: Intl would write them as "NaN" and "∞".
    this.params = { step, loss: String(loss), gradNorm: String(gradNorm) };
  }
}

/**
 * Optional hooks for methods that need more than the loss and one update
 * (AdaLoRA, lora/adalora*.ts). Unused, a step is exactly what it was without them.
 */
export interface TrainHooks {
  /** A term added to the loss inside the gradient function (AdaLoRA's orthogonal regularisation). */
  extraLoss?: () => tf.Scalar;
  /**
   * Called after the optimizer step with the step just taken (1-based) and the
   * clipped gradients by trainable name; they are disposed when it returns.
   */
  afterStep?: (step: number, grads: ReadonlyMap<string, tf.Tensor>) => void;
  /**
   * Example-shaped batches instead of windows of the token stream (SFT,
   * train/sft.ts): drawn with the trainer's seeded generator. Targets of −100
   * are skipped by the loss, as Hugging Face's labels are (train/sftLoss.ts).
   */
  nextBatch?: (rng: Rng) => Batch;
}

/** Everything needed to continue a run exactly where it stopped. */
export interface TrainerState {
  settings: TrainSettings;
  rngState: number;
  optimizer: AdamWState;
  history: StepStats[];
}

/**
 * Next-token training: sample windows, cross-entropy on every position
 * (plus unlikelihood when the objective asks; the step's loss is the whole objective),
 * clip, AdamW with warm-up + cosine. `trainable` lists which variables learn
 * (all of the model's by default; LoRA passes only its own A and B).
 */
export class Trainer {
  readonly settings: TrainSettings;
  private rng: Rng;
  private readonly optimizer: AdamW;
  private readonly trainable: [string, tf.Variable][];
  readonly history: StepStats[] = [];

  constructor(
    readonly model: GPT,
    private readonly trainTokens: ArrayLike<number>,
    settings: Partial<TrainSettings> = {},
    trainable?: [string, tf.Variable][],
    private readonly hooks: TrainHooks = {},
  ) {
    // Without an explicit blockSize, train on full windows of the model's context.
    const blockSize = settings.blockSize ?? model.config.blockSize;
    this.settings = { ...DEFAULT_TRAIN, ...settings, blockSize, adamw: { ...DEFAULT_TRAIN.adamw, ...settings.adamw }, objective: settings.objective ?? MLE };
    const s = this.settings;
    if (s.blockSize > model.config.blockSize) {
      throw new RangeError(`blockSize ${s.blockSize} exceeds the model's context window ${model.config.blockSize}.`);
    }
    for (const k of ['batchSize', 'blockSize', 'steps'] as const) {
      if (!Number.isInteger(s[k]) || s[k] <= 0) throw new RangeError(`${k} must be a positive integer, got ${s[k]}.`);
    }
    if (!(s.learningRate > 0) || !(s.gradClip > 0)) throw new RangeError('learningRate and gradClip must be positive.');
    const objectiveError = objectiveProblem(s.objective);
    if (objectiveError) throw new RangeError(objectiveError);
    for (let i = 0; i < trainTokens.length; i++) {
      const id = trainTokens[i];
      if (id < 0 || id >= model.config.vocabSize) throw new RangeError(`Token ${id} at ${i} is outside the model's vocabulary.`);
    }
    this.rng = new Rng(s.seed);
    this.trainable = trainable ?? model.namedParameters();
    this.optimizer = new AdamW(this.trainable, this.settings.adamw);
  }

  get step(): number {
    return this.optimizer.step;
  }

  /** Number of values that receive gradients. */
  get trainableCount(): number {
    return this.trainable.reduce((n, [, v]) => n + v.size, 0);
  }

  /** Bytes of AdamW moments: 2 × 4 bytes per trainable value. */
  get optimizerBytes(): number {
    return this.optimizer.stateBytes;
  }

  /** Mean cross-entropy (nats per token) of a batch, without gradients. */
  batchLoss(batch: Batch): number {
    return tf.tidy(() => {
      const x = tf.tensor2d(batch.x, [batch.batchSize, batch.blockSize], 'int32');
      const y = tf.tensor1d(batch.y, 'int32');
      return crossEntropy(this.model.forward(x), y).dataSync()[0];
    });
  }

  /** One update. Throws DivergenceError (weights untouched) on a non-finite loss or gradient. */
  trainStep(): StepStats {
    const s = this.settings;
    const t0 = performance.now();
    const batch = this.hooks.nextBatch ? this.hooks.nextBatch(this.rng) : sampleBatch(this.trainTokens, s.batchSize, s.blockSize, this.rng);
    const lr = learningRateAt({ ...s, decaySteps: s.steps }, this.optimizer.step);
    const vars = this.trainable.map(([, v]) => v);
    const { value, grads } = tf.variableGrads(() => {
      const x = tf.tensor2d(batch.x, [batch.batchSize, batch.blockSize], 'int32');
      const logits = this.model.forward(x);
      const loss = hasIgnoredLabels(batch.y) ? maskedCrossEntropy(logits, batch.y) : objectiveLoss(logits, batch, s.objective);
      return this.hooks.extraLoss ? (tf.add(loss, this.hooks.extraLoss()) as tf.Scalar) : loss;
    }, vars);
    let loss = NaN;
    let gradNorm = NaN;
    try {
      const named = this.trainable.map(([name, v]) => [name, grads[v.name]] as const);
      const stats = tf.tidy(() => {
        // On WebGL a few draws over all gradients at once (model/webgl/trainNorm.ts); elsewhere op by op.
        if (webglKernel('gradNormKernel')) return lossAndGradNormFused(value, named.map(([, g]) => g)).dataSync();
        const sq = named.map(([, g]) => tf.sum(tf.square(g)));
        return tf.stack([value, tf.sqrt(tf.addN(sq))]).dataSync();
      });
      [loss, gradNorm] = [stats[0], stats[1]];
      if (!Number.isFinite(loss) || !Number.isFinite(gradNorm)) throw new DivergenceError(this.optimizer.step + 1, loss, gradNorm);
      const scale = Math.min(1, s.gradClip / (gradNorm + 1e-6));
      if (webglKernel('adamWKernel') && !this.hooks.afterStep) {
        // WebGL's fused update scales each gradient as it reads it: no clipped copies are made.
        this.optimizer.apply(new Map(named), lr, scale);
      } else {
        const clipped = new Map<string, tf.Tensor>();
        for (const [name, g] of named) clipped.set(name, scale === 1 ? g : tf.mul(g, scale));
        try {
          this.optimizer.apply(clipped, lr);
          this.hooks.afterStep?.(this.optimizer.step, clipped);
        } finally {
          if (scale !== 1) for (const g of clipped.values()) g.dispose();
        }
      }
    } finally {
      value.dispose();
      tf.dispose(grads);
    }
    return this.record(batch, loss, gradNorm, lr, t0);
  }

  /** The step's figures, added to the history. */
  private record(batch: Batch, loss: number, gradNorm: number, lr: number, t0: number): StepStats {
    const ms = performance.now() - t0;
    const stats: StepStats = {
      step: this.optimizer.step,
      loss,
      gradNorm,
      learningRate: lr,
      ms,
      tokensPerSecond: (batch.batchSize * batch.blockSize * 1000) / ms,
    };
    this.history.push(stats);
    return stats;
  }

  /** Mean validation loss over fixed windows of a held-out token stream. */
  evaluate(tokens: ArrayLike<number>, maxBatches = 8): number {
    const batches = evaluationBatches(tokens, this.settings.batchSize, this.settings.blockSize, maxBatches);
    let total = 0;
    let count = 0;
    for (const b of batches) {
      total += this.batchLoss(b) * b.batchSize;
      count += b.batchSize;
    }
    return total / count;
  }

  /**
   * Runs until `steps` updates in all, calling back after each one and yielding
   * to the event loop so a page stays responsive; `shouldStop` ends it early.
   */
  async run(opts: { until?: number; onStep?: (s: StepStats) => void | Promise<void>; shouldStop?: () => boolean } = {}): Promise<void> {
    const until = opts.until ?? this.settings.steps;
    while (this.optimizer.step < until && !opts.shouldStop?.()) {
      const stats = this.trainStep();
      await opts.onStep?.(stats);
      await new Promise((r) => setTimeout(r, 0));
    }
  }

  async getState(): Promise<TrainerState> {
    return {
      settings: this.settings,
      rngState: this.rng.state,
      optimizer: await this.optimizer.getState(),
      history: this.history.slice(),
    };
  }

  /** Restores optimizer moments, step and sampler position (model weights are restored separately). */
  setState(state: TrainerState): void {
    this.optimizer.setState(state.optimizer);
    this.rng = Rng.fromState(state.rngState);
    this.history.length = 0;
    this.history.push(...state.history);
  }

  dispose(): void {
    this.optimizer.dispose();
  }
}
