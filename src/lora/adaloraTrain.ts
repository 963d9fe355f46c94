import * as tf from '@tensorflow/tfjs';
import type { GPT } from '../model/gpt.ts';
import { Trainer, type StepStats, type TrainHooks, type TrainSettings } from '../train/trainer.ts';
import type { AdaLoraAdapter } from './adalora.ts';
import { RankAllocator, type RankRecord, rankTimeline } from './adaloraAllocator.ts';

/**
 * Training an AdaLoRA adapter as PEFT's AdaLoRA examples do, on the project's
 * Trainer: the loss gains orth_reg_weight·R(P, Q) inside the gradient
 * (AdaLoraModel.forward), and after each optimizer step
 * update_and_allocate(global_step) reads the step's gradients, updates the
 * importance scores and prunes to the budget. global_step counts from 0, as
 * in PEFT's example loop (`update_and_allocate(global_step); global_step += 1`).
 * The step's reported loss is the whole objective, regulariser included, as
 * PEFT's `outputs.loss`; evaluate() measures plain cross-entropy.
 */
/** The trainer hooks AdaLoRA needs: the orthogonality penalty in the loss, and the allocator after each step (global_step from 0). */
export function adaloraHooks(adapter: AdaLoraAdapter, allocator: RankAllocator): TrainHooks {
  return {
    extraLoss: () => tf.tidy(() => tf.mul(adapter.orthRegularization(), adapter.config.orth_reg_weight) as tf.Scalar),
    afterStep: (step: number, grads: ReadonlyMap<string, tf.Tensor>) => allocator.updateAndAllocate(step - 1, grads),
  };
}

export class AdaLoraRun {
  readonly trainer: Trainer;
  readonly allocator: RankAllocator;

  constructor(readonly model: GPT, readonly adapter: AdaLoraAdapter, trainTokens: ArrayLike<number>, settings: Partial<TrainSettings> = {}) {
    const c = adapter.config;
    this.allocator = new RankAllocator(adapter);
    // The schedule is planned for total_step; the learning-rate schedule follows it unless told otherwise.
    this.trainer = new Trainer(model, trainTokens, { steps: c.total_step, ...settings }, adapter.trainableVariables(), adaloraHooks(adapter, this.allocator));
    adapter.enabled = true;
    adapter.training = true;
  }

  get step(): number {
    return this.trainer.step;
  }

  trainStep(): StepStats {
    return this.trainer.trainStep();
  }

  /** Mean cross-entropy (no regulariser) over fixed windows of held-out tokens. */
  evaluate(tokens: ArrayLike<number>, maxBatches = 8): number {
    this.adapter.training = false;
    try {
      return this.trainer.evaluate(tokens, maxBatches);
    } finally {
      this.adapter.training = true;
    }
  }

  /** Every allocation so far: the budget and the rank each matrix held after it. */
  get history(): readonly RankRecord[] {
    return this.allocator.history;
  }

  /** Per adapted matrix, the rank it held at each step, ready for a line chart. */
  rankTimeline(): { name: string; points: { step: number; rank: number }[] }[] {
    return rankTimeline(this.allocator.history, this.adapter.layers.map((l) => l.name));
  }

  /** Frees the trainer's and the allocator's tensors; the adapter stays (its owner disposes it). */
  dispose(): void {
    this.adapter.training = false;
    this.trainer.dispose();
    this.allocator.dispose();
  }
}
