import type { GPT } from '../model/gpt.ts';
import type { StepStats, TrainSettings } from '../train/trainer.ts';
import { type TrainObjective, contextMassOn } from '../train/unlikelihood.ts';
import type { LoraConfig } from './config.ts';
import { adapt, validationLoss } from './experiment.ts';
import { LoraAdapter } from './lora.ts';

/**
 * The repetition experiments of the LoRA panel: causes of repetition that live
 * in training, shown happening. Each trains fresh adapters of one base model
 * on the same held-out split, for the same steps from the same seed (the
 * same LoRA init and the same batch positions), differing in one thing, and
 * measures each the same way:
 *
 * - 'objective': maximum likelihood vs unlikelihood training on the same text
 *   (Welleck et al. 2019: repetition falls sharply, perplexity stays close);
 * - 'data-bias': the text with a few passages duplicated many times vs the
 *   same text deduplicated (the cure: more diverse data).
 *
 * How much a model repeats is measured by an injected function (greedy
 * continuations of fixed prompts, sampling/greedyRepetition.ts), so this core
 * needs nothing from sampling.
 */
export type LabExperiment = 'objective' | 'data-bias';
export type LabArmId = 'mle' | 'unlikelihood' | 'biased' | 'deduplicated';

export interface RepetitionMeasure {
  seqRep4: number;
  pRepeat: number;
  repWindow16: number;
  continuations: number[][];
  /**
   * Data-bias experiment only: the mean probability of a duplicated passage's
   * tokens right after the passage itself (sampling/passageRepeat.ts) — what
   * training on copies back to back teaches; null where not measured.
   */
  passageRepeat?: number | null;
}

export interface LabArm {
  id: LabArmId;
  trainIds: ArrayLike<number>;
  objective: TrainObjective;
}

export interface LabRow extends RepetitionMeasure {
  /** 'base': the model with no adapter. */
  arm: LabArmId | 'base';
  /** Cross-entropy (nats per token) on the held-out new text, and on the original-corpus sample. */
  newTextLoss: number;
  originalLoss: number;
  /**
   * On the held-out new text: the mean probability put on earlier context
   * tokens other than the right next one (train/unlikelihood.ts), which
   * unlikelihood training pushes down by design.
   */
  contextMass: number;
  /** Tokens of the text the adapter trained on (0 for the base). */
  trainTokens: number;
  /** Updates the adapter holds. */
  steps: number;
  stoppedBy: string | null;
}

export interface LabOptions {
  config: LoraConfig;
  steps: number;
  /** The run's batch shape, learning rate and batch seed (the objective is each arm's own). */
  settings: Partial<TrainSettings> & { batchSize: number; blockSize: number };
  /** Seeds each adapter's initial A (every arm starts from the same one). */
  seed: number;
  newValIds: ArrayLike<number>;
  originalValIds: ArrayLike<number>;
  evalBatches: number;
  measure: (model: GPT) => RepetitionMeasure;
  onStep?: (arm: LabArmId, s: StepStats) => void;
  onRow?: (row: LabRow) => void;
  shouldStop?: () => boolean;
}

/**
 * The base row, then one row per arm. `model` must have no adapter attached;
 * each arm's adapter is made, trained, measured and disposed, so the model is
 * left exactly as it came. Stopped early: the rows finished so far.
 */
export async function runLab(model: GPT, arms: readonly LabArm[], opts: LabOptions): Promise<{ rows: LabRow[]; stopped: boolean }> {
  const losses = () => ({
    newTextLoss: validationLoss(model, opts.newValIds, opts.settings, opts.evalBatches),
    originalLoss: validationLoss(model, opts.originalValIds, opts.settings, opts.evalBatches),
    contextMass: contextMassOn(model, opts.newValIds, opts.settings, opts.evalBatches),
  });
  const rows: LabRow[] = [];
  const push = (row: LabRow) => {
    rows.push(row);
    opts.onRow?.(row);
  };
  push({ arm: 'base', ...losses(), ...opts.measure(model), trainTokens: 0, steps: 0, stoppedBy: null });
  for (const arm of arms) {
    if (opts.shouldStop?.()) return { rows, stopped: true };
    const adapter = LoraAdapter.create(model, opts.config, opts.seed);
    try {
      adapter.enabled = true;
      const r = await adapt(
        model,
        { trainIds: arm.trainIds, newValIds: opts.newValIds, originalValIds: opts.originalValIds },
        {
          steps: opts.steps,
          evalEvery: opts.steps,
          evalBatches: opts.evalBatches,
          settings: { ...opts.settings, objective: arm.objective },
          onStep: (s) => opts.onStep?.(arm.id, s),
          shouldStop: opts.shouldStop,
        },
        { kind: 'lora', adapter },
      );
      if (!r.stoppedBy && r.steps < opts.steps) return { rows, stopped: true };
      push({ arm: arm.id, ...losses(), ...opts.measure(model), trainTokens: arm.trainIds.length, steps: r.steps, stoppedBy: r.stoppedBy ?? null });
    } finally {
      adapter.dispose();
    }
  }
  return { rows, stopped: false };
}

/**
 * The fixed prompts: `count` beginnings spread evenly over the held-out text,
 * `length` tokens each, every one starting where a line or a word starts (the
 * next line when one begins soon, else the next word), so each row continues
 * the same beginnings, ones the adapters did not train on.
 */
export function labPrompts(text: string, encode: (s: string) => number[], count: number, length: number): number[][] {
  const prompts: number[][] = [];
  for (let i = 0; i < count; i++) {
    let at = Math.floor((i * text.length) / count);
    // The held-out text begins wherever the split cut it: its first word counts as cut too.
    if (at === 0 || !/\s/.test(text[at - 1])) {
      const line = text.indexOf('\n', at);
      const word = text.slice(at).search(/\s/);
      at = line >= 0 && line - at < 120 ? line + 1 : word >= 0 ? at + word + 1 : at;
    }
    while (at < text.length && /\s/.test(text[at])) at++;
    const ids = encode(text.slice(at, at + 16 * length)).slice(0, length);
    if (ids.length === length) prompts.push(ids);
  }
  return prompts;
}
