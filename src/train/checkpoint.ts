import { GPT } from '../model/gpt.ts';
import type { NamedArray } from '../model/params.ts';
import { configFromHF, configToHF, weightsFromTensors, CheckpointError } from '../io/checkpoint.ts';
import { parseSafetensors } from '../io/safetensors.ts';
import { serializeSafetensors } from '../io/safetensorsWrite.ts';
import { Trainer, type TrainerState, type TrainSettings, type StepStats } from './trainer.ts';

/**
 * A training checkpoint: one safetensors file holding the model's weights
 * under GPT-2 names, AdamW's moments as `optimizer.exp_avg.<name>` and
 * `optimizer.exp_avg_sq.<name>` (PyTorch's state names), and in its metadata
 * the step, the sampler's state, the settings and the loss history. Loading it
 * continues a run exactly where it stopped — on a 2-core machine a run may
 * need more than one sitting.
 */

const EXP_AVG = 'optimizer.exp_avg.';
const EXP_AVG_SQ = 'optimizer.exp_avg_sq.';

interface StoredState {
  version: 1;
  config: ReturnType<typeof configToHF>;
  settings: TrainSettings;
  step: number;
  rngState: number;
  history: StepStats[];
}

export async function saveTrainingCheckpoint(trainer: Trainer): Promise<Uint8Array> {
  const state = await trainer.getState();
  const tensors = new Map<string, NamedArray>(await trainer.model.weights());
  for (const [name, { m, v }] of state.optimizer.moments) {
    const shape = tensors.get(name)?.shape ?? [m.length];
    tensors.set(EXP_AVG + name, { shape, data: m });
    tensors.set(EXP_AVG_SQ + name, { shape, data: v });
  }
  const stored: StoredState = {
    version: 1,
    config: configToHF(trainer.model.config),
    settings: state.settings,
    step: state.optimizer.step,
    rngState: state.rngState,
    history: state.history,
  };
  return serializeSafetensors(tensors, { dtype: 'F32', metadata: { format: 'pt', training_state: JSON.stringify(stored) } });
}

/**
 * Rebuilds the model and its trainer from a checkpoint. Model weights are
 * checked as any checkpoint's are; the caller's current model is not touched.
 */
export function resumeTraining(bytes: Uint8Array, trainTokens: ArrayLike<number>): Trainer {
  const { tensors, metadata } = parseSafetensors(bytes, { fileName: 'training checkpoint' });
  if (!metadata.training_state) {
    throw new CheckpointError('bad-config', 'This safetensors file has no training state; it is a model, not a training checkpoint.');
  }
  const stored = JSON.parse(metadata.training_state) as StoredState;
  const config = configFromHF(stored.config);
  const modelTensors = new Map([...tensors].filter(([n]) => !n.startsWith('optimizer.')));
  const model = GPT.fromWeights(config, weightsFromTensors(config, modelTensors));
  const moments = new Map<string, { m: Float32Array; v: Float32Array }>();
  for (const [name, t] of tensors) {
    if (!name.startsWith(EXP_AVG)) continue;
    const key = name.slice(EXP_AVG.length);
    const sq = tensors.get(EXP_AVG_SQ + key);
    if (!sq) throw new CheckpointError('missing-tensors', `The checkpoint has ${name} but not ${EXP_AVG_SQ + key}.`);
    moments.set(key, { m: t.data, v: sq.data });
  }
  let trainer: Trainer | undefined;
  try {
    trainer = new Trainer(model, trainTokens, stored.settings);
    const state: TrainerState = {
      settings: stored.settings,
      rngState: stored.rngState,
      optimizer: { step: stored.step, moments },
      history: stored.history,
    };
    trainer.setState(state);
    return trainer;
  } catch (e) {
    trainer?.dispose();
    model.dispose();
    throw e;
  }
}
