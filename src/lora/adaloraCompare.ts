import type { GPT } from '../model/gpt.ts';
import type { TrainSettings } from '../train/trainer.ts';
import { Trainer } from '../train/trainer.ts';
import { LoraAdapter } from './lora.ts';
import { AdaLoraAdapter } from './adalora.ts';
import type { AdaLoraConfig } from './adaloraConfig.ts';
import { AdaLoraRun } from './adaloraTrain.ts';

/**
 * AdaLoRA beside plain LoRA at the same final budget: LoRA with r = target_r on
 * the same matrices holds exactly the Σ rᵢ = target_r × matrices that AdaLoRA
 * prunes down to, so the two end with the same number of rank-1 components and
 * differ in where those sit. Same text, steps, seed and learning rate.
 */
export interface MethodFigures {
  method: 'adalora' | 'lora';
  /** Values trained (and given AdamW moments) during the run. */
  trainableParameters: number;
  /** Values the saved adapter holds at the end (AdaLoRA: rᵢ·(in + out + 1) after pruning). */
  finalParameters: number;
  optimizerBytes: number;
  newTextLossBefore: number;
  newTextLoss: number;
  originalLoss: number;
  medianStepMs: number;
  /** Rank each matrix holds at the end. */
  ranks: Record<string, number>;
}

export interface ComparisonData {
  trainIds: ArrayLike<number>;
  newValIds: ArrayLike<number>;
  originalValIds: ArrayLike<number>;
}

export interface Comparison {
  adalora: MethodFigures;
  lora: MethodFigures;
  /** AdaLoRA's rank per matrix at each step, for the chart. */
  timeline: { name: string; points: { step: number; rank: number }[] }[];
}

const median = (xs: number[]) => xs.slice().sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? NaN;

export function compareAdaLoraWithLora(model: GPT, data: ComparisonData, config: AdaLoraConfig, settings: Partial<TrainSettings>, seed = 0, evalBatches = 8): Comparison {
  const steps = config.total_step;
  const train = { ...settings, steps, seed: settings.seed ?? seed };

  const ada = AdaLoraAdapter.create(model, config, seed);
  const run = new AdaLoraRun(model, ada, data.trainIds, train);
  const adaBefore = run.evaluate(data.newValIds, evalBatches);
  const adaMs: number[] = [];
  while (run.step < steps) adaMs.push(run.trainStep().ms);
  const adalora: MethodFigures = {
    method: 'adalora',
    trainableParameters: ada.trainableCount,
    finalParameters: ada.heldCount,
    optimizerBytes: run.trainer.optimizerBytes,
    newTextLossBefore: adaBefore,
    newTextLoss: run.evaluate(data.newValIds, evalBatches),
    originalLoss: run.evaluate(data.originalValIds, evalBatches),
    medianStepMs: median(adaMs),
    ranks: Object.fromEntries(ada.heldRanks()),
  };
  const timeline = run.rankTimeline();
  run.dispose();
  ada.dispose();

  // Plain LoRA at r = target_r; alpha chosen so α/r equals AdaLoRA's lora_alpha/init_r at the start.
  const lora = LoraAdapter.create(
    model,
    {
      r: config.target_r,
      lora_alpha: (config.lora_alpha * config.target_r) / config.init_r,
      lora_dropout: config.lora_dropout,
      target_modules: config.target_modules,
      use_rslora: false,
      layers_to_transform: config.layers_to_transform,
    },
    seed,
  );
  lora.enabled = true;
  lora.training = true;
  const trainer = new Trainer(model, data.trainIds, train, lora.trainableVariables());
  const evaluate = (ids: ArrayLike<number>) => {
    lora.training = false;
    const loss = trainer.evaluate(ids, evalBatches);
    lora.training = true;
    return loss;
  };
  const loraBefore = evaluate(data.newValIds);
  const loraMs: number[] = [];
  while (trainer.step < steps) loraMs.push(trainer.trainStep().ms);
  const loraFigures: MethodFigures = {
    method: 'lora',
    trainableParameters: lora.trainableCount,
    finalParameters: lora.trainableCount,
    optimizerBytes: trainer.optimizerBytes,
    newTextLossBefore: loraBefore,
    newTextLoss: evaluate(data.newValIds),
    originalLoss: evaluate(data.originalValIds),
    medianStepMs: median(loraMs),
    ranks: Object.fromEntries(lora.layers.map((l) => [l.name, config.target_r])),
  };
  trainer.dispose();
  lora.dispose();
  return { adalora, lora: loraFigures, timeline };
}
