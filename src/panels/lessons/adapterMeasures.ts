// The lesson measures that train adapters: the LoRA panel's comparison
// (loraCompare: one method alone, or LoRA beside full fine-tuning) and an
// adapter trained, then trained again from where it stopped (loraTrain with
// its adapterId, as the panel's "Continue training" does). Each runs once per
// distinct settings (jobMeasures.ts `once`), so a lesson's steps that read the
// same run cost one; each leaves the adapters the learner holds as they were.

import type { AdaptationMethod } from '../../peft/methods.ts';
import { parseMethods } from '../../peft/methods.ts';
import type { ParamsOf, ResultOf } from '../../engine/protocol.ts';
import type { ComparisonRun } from '../../engine/loraProtocol.ts';
import type { PlaygroundState } from '../../state/schema.ts';
import type { EngineMeasure } from '../../walks/types.ts';
import { fullFineTuningRate, loraConfigFromState } from '../lora/settings.ts';
import { type EngineCall, once } from './jobMeasures.ts';

/** What the comparison runs for the step's settings: `methods`, each from the same base, data, steps and seed. */
function compareParams(state: PlaygroundState, methods: AdaptationMethod[], modelBaseUrl: string | null): ParamsOf<'loraCompare'> {
  return {
    config: loraConfigFromState(state), source: { kind: 'default' }, steps: state.loraSteps, learningRate: state.loraLr,
    fullLearningRate: fullFineTuningRate(state.loraLr), mixOriginal: state.loraMix, seed: state.seed, modelBaseUrl, methods,
  };
}

async function compare(state: PlaygroundState, methods: AdaptationMethod[], call: EngineCall, modelBaseUrl: string | null): Promise<ComparisonRun[]> {
  const params = compareParams(state, methods, modelBaseUrl);
  const r: ResultOf<'loraCompare'> = await once('loraCompare', params, () => call('loraCompare', params));
  return r.runs;
}

export type PeftMeasure = 'peftTrainable' | 'peftNewTextDrop' | 'peftOriginalRise' | 'peftAdapterOffDelta' | 'peftSavedShare';

/**
 * The LoRA panel's comparison with the step's first method alone: it trains a
 * fresh adapter on a copy of the model and keeps it detached, so nothing the
 * learner has attached changes.
 */
export async function peftMeasure(id: PeftMeasure, state: PlaygroundState, call: EngineCall, modelBaseUrl: string | null): Promise<number> {
  const method = parseMethods(state.loraCompare).methods[0] ?? 'LoRA';
  const [run] = await compare(state, [method], call, modelBaseUrl);
  const [first, last] = [run.points[0], run.points.at(-1)!];
  switch (id) {
    case 'peftTrainable':
      return run.trainableParameters;
    case 'peftNewTextDrop':
      return first.newTextLoss - last.newTextLoss;
    case 'peftOriginalRise':
      return last.originalLoss - first.originalLoss;
    case 'peftAdapterOffDelta':
      return run.maxAbsLogitDiffAfter;
    case 'peftSavedShare':
      return (run.savedParameters ?? run.trainableParameters) / run.trainableParameters;
  }
}

export type CostMeasure = Extract<EngineMeasure, `cost${string}`>;

/** LoRA beside full fine-tuning, the same text, steps and seed: what each trains, keeps in Adam's state, and takes a step. */
export async function costMeasure(id: CostMeasure, state: PlaygroundState, call: EngineCall, modelBaseUrl: string | null): Promise<number> {
  const runs = await compare(state, ['LoRA', 'full fine-tuning'], call, modelBaseUrl);
  const run = (m: AdaptationMethod) => {
    const found = runs.find((r) => r.method === m);
    if (!found) throw new Error(`The comparison stopped before its ${m} run.`);
    return found;
  };
  switch (id) {
    case 'costTrainableShare':
      return run('LoRA').trainableParameters / run('full fine-tuning').trainableParameters;
    case 'costOptimizerBytesLora':
      return run('LoRA').optimizerBytes;
    case 'costOptimizerBytesFull':
      return run('full fine-tuning').optimizerBytes;
    case 'costStepMsLora':
      return run('LoRA').medianStepMs;
    case 'costStepMsFull':
      return run('full fine-tuning').medianStepMs;
  }
}

export type ContinueMeasure = Extract<EngineMeasure, `continue${string}`>;

interface ContinuedRun {
  /** New-text validation loss (nats/token) after the first run, and after the second. */
  first: number;
  second: number;
  /** Optimizer steps the adapter holds after the second run: both runs' (continuing adds, it does not restart). */
  steps: number;
}

/**
 * Trains a new LoRA adapter for lora_steps, then continues that same adapter
 * for lora_steps more (loraTrain with its id), and deletes it; the adapter the
 * learner had attached is attached again.
 */
async function continueRun(state: PlaygroundState, call: EngineCall, modelBaseUrl: string | null): Promise<ContinuedRun> {
  const params: ParamsOf<'loraTrain'> = {
    adapterId: null, config: loraConfigFromState(state), source: { kind: 'default' }, steps: state.loraSteps,
    learningRate: state.loraLr, mixOriginal: state.loraMix, qlora: state.qlora === 'on', seed: state.seed, modelBaseUrl,
  };
  return once('loraContinue', params, async () => {
    const before = await call('loraStatus', {});
    const attached = before.adapters.find((a) => a.enabled && !a.merged)?.id ?? null;
    const first = await call('loraTrain', params);
    try {
      const second = await call('loraTrain', { ...params, adapterId: first.adapter.id });
      return {
        first: first.points.at(-1)!.newTextLoss,
        second: second.points.at(-1)!.newTextLoss,
        steps: second.adapter.steps,
      };
    } finally {
      await call('loraDelete', { id: first.adapter.id });
      if (attached !== null) await call('loraAttach', { id: attached });
    }
  });
}

export async function continueMeasure(id: ContinueMeasure, state: PlaygroundState, call: EngineCall, modelBaseUrl: string | null): Promise<number> {
  const r = await continueRun(state, call, modelBaseUrl);
  switch (id) {
    case 'continueLossFirst':
      return r.first;
    case 'continueLossSecond':
      return r.second;
    case 'continueSteps':
      return r.steps;
  }
}
