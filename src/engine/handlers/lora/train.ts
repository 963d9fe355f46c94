// loraTrain: trains a new adapter of the embedded model, or continues one, on
// the new text with the core's `adapt`. With QLoRA the adapter trains over an
// NF4 copy of the base (lora/qlora.ts) and its values come back afterwards.

import type { LoraTrainResult, LoraWorsened } from '../../loraProtocol.ts';
import { type Handler, adaptersIn, engineReady, modelIn } from '../../runtime.ts';
import type { HeldAdapter } from '../../adapterStore.ts';
import { heldName, loraOnly } from '../../heldAdapter.ts';
import { LoraAdapter } from '../../../lora/lora.ts';
import { type LoraConfig, LoraError, checkLoraConfig, loraScaling } from '../../../lora/config.ts';
import { type AdaptationPoint, type Worsening, adapt, judgeRun, restoreValues } from '../../../lora/experiment.ts';
import { type QloraReport, QloraRun } from '../../../lora/qlora.ts';
import { MLE } from '../../../train/unlikelihood.ts';
import { EVAL_BATCHES, adaptationData, evalEvery, lossOn, prepareData, trainSettings } from './runData.ts';

export const loraTrain: Handler<'loraTrain'> = async (params, job): Promise<LoraTrainResult> => {
  await engineReady();
  const loaded = modelIn('active');
  const store = adaptersIn('active');
  store.notBusy();
  store.notMerged('training');
  const { model } = loaded;
  const held = params.adapterId === null ? null : store.find(params.adapterId);
  // Only a LoRA adapter continues here: the others are trained by the comparison, and a kept prompt is in inference mode (PEFT's).
  const continuing = held && { held, adapter: loraOnly(held.name, held) };
  const config = continuing ? continuing.adapter.config : params.config;
  // Every field checked (each message names it) before the text is read or anything is built.
  checkLoraConfig(config, model.config);
  store.busy = true;
  let nf4: QloraRun | null = null;
  let fresh: LoraAdapter | null = null; // a new adapter on the embedded model, not yet held
  const attachedBefore = store.attached();
  try {
    job.emit({ type: 'status', message: 'Preparing the text and the original-corpus sample…' });
    const data = await prepareData(loaded, store, params.source, params.modelBaseUrl);
    // The base model alone on the new text: a run that ends above it made the model worse.
    const baseLoss = store.withAttached(null, () => lossOn(model, data.newValIds));
    // The adapter being trained: on the model itself, or on the NF4 copy.
    let trainee: LoraAdapter;
    if (params.qlora) {
      job.emit({ type: 'status', message: 'Rounding the base weights to 4-bit NF4…' });
      nf4 = await QloraRun.start(model, config, continuing?.adapter ?? null, params.seed, (m) => lossOn(m, data.newValIds));
      trainee = nf4.trainee;
      if (!continuing) fresh = QloraRun.receiver(model, config);
    } else {
      trainee = continuing ? continuing.adapter : (fresh = LoraAdapter.create(model, config, params.seed));
      store.attach(null);
      trainee.enabled = true;
    }
    const id = continuing ? continuing.held.id : store.newId();
    const name = continuing ? continuing.held.name : heldName(id, { method: 'LoRA', adapter: trainee });
    const startStep = continuing ? continuing.held.steps : 0;
    job.emit({
      type: 'prepared', data: data.summary, adapterId: id, adapterName: name, startStep,
      trainableParameters: trainee.trainableCount, optimizerBytes: trainee.trainableCount * 8,
    });
    const points: AdaptationPoint[] = [];
    const shifted = (p: AdaptationPoint): AdaptationPoint => ({ ...p, step: p.step + startStep });
    const trainModel = nf4 ? nf4.base.model : model;
    let lastStep = 0;
    const result = await adapt(
      trainModel,
      adaptationData(data, params.mixOriginal),
      {
        steps: params.steps,
        evalEvery: evalEvery(params.steps),
        evalBatches: EVAL_BATCHES,
        settings: { ...trainSettings(model, params.steps, params.learningRate, params.seed + startStep), objective: params.objective ?? MLE },
        onPoint: (p) => {
          // A continued run re-measures its starting point: the history already has it.
          if (continuing && p.step === 0) return;
          points.push(shifted(p));
          job.emit({ type: 'point', point: shifted(p) });
        },
        onStep: (s) => {
          lastStep = s.step;
          job.emit({ type: 'step', step: s.step + startStep, loss: s.loss, ms: s.ms });
        },
        shouldStop: () => job.stopped,
      },
      { kind: 'lora', adapter: trainee },
    );
    const lastPoint = result.points.at(-1)?.step ?? 0;
    // After a divergence the adapter holds (at least) the last evaluated weights: count those steps.
    const trainedSteps = result.stoppedBy ? lastPoint : lastStep;
    if (!result.stoppedBy && lastPoint < lastStep) {
      // Stopped between evaluations: measure where it stopped (the same fixed windows as `adapt`).
      const p = shifted({ step: lastStep, trainLoss: NaN, newTextLoss: lossOn(trainModel, data.newValIds), originalLoss: lossOn(trainModel, data.original.valIds) });
      points.push(p);
      job.emit({ type: 'point', point: p });
    }
    let h: HeldAdapter;
    let adapter: LoraAdapter;
    if (continuing) {
      ({ held: h, adapter } = continuing);
    } else {
      adapter = fresh!;
      h = { method: 'LoRA', adapter, id, name, origin: 'trained', steps: 0, qlora: params.qlora, history: [], mergeCheck: null };
      store.add(h);
      fresh = null;
    }
    let qlora: QloraReport | null = null;
    if (nf4) {
      await nf4.copyBack(adapter);
      const adaptedLossFloat = store.withAttached(h, () => lossOn(model, data.newValIds));
      qlora = nf4.report({ baseLossFloat: baseLoss, adaptedLossNf4: points.at(-1)?.newTextLoss ?? NaN, adaptedLossFloat });
    }
    h.steps += trainedSteps;
    h.qlora = params.qlora;
    h.history.push(...points);
    store.attach(h);
    restorable.delete(h);
    const worse = result.stoppedBy ? null : judgeRun(result.points, baseLoss);
    let worsened: LoraWorsened | null = null;
    if (worse) {
      const best = { step: result.best.step + startStep, loss: result.best.newTextLoss };
      restorable.set(h, { step: best.step, values: result.best.values });
      worsened = { ...worse, message: worseningMessage(worse, config, params.learningRate, best), bestStep: best.step, bestLoss: best.loss };
    }
    return {
      adapter: store.summary(h),
      status: { ...store.status(loaded.info), busy: false },
      points,
      trainableParameters: result.trainableParameters,
      optimizerBytes: result.optimizerBytes,
      medianStepMs: result.medianStepMs,
      stoppedBy: result.stoppedBy ?? null,
      stopped: job.stopped,
      qlora,
      data: data.summary,
      worsened,
    };
  } catch (e) {
    fresh?.dispose();
    store.attach(attachedBefore);
    throw e;
  } finally {
    nf4?.dispose();
    store.busy = false;
  }
};

/**
 * The best evaluated values of a run that made things worse, per adapter, until
 * the adapter trains again or is restored. (Only LoRA's A and B: a few KB to MB.)
 */
const restorable = new WeakMap<HeldAdapter, { step: number; values: Map<string, Float32Array> }>();

function worseningMessage(w: Worsening, config: LoraConfig, learningRate: number, best: { step: number; loss: number }): string {
  const f = (v: number) => v.toFixed(3);
  const where =
    w.aboveStart && w.aboveBase && f(w.start) === f(w.base)
      ? `above where it began, the base model's own loss (${f(w.base)})`
      : [w.aboveStart && `above where it began (${f(w.start)})`, w.aboveBase && `above the base model's own loss without an adapter (${f(w.base)})`]
          .filter(Boolean)
          .join(' and ');
  const scaling = loraScaling(config);
  return (
    `This run made the model worse: the new text's loss ended at ${f(w.end)}, ${where}. ` +
    `The learning rate (${learningRate}) or the scaling (${config.use_rslora ? 'α/√r' : 'α/r'} = ${Number(scaling.toFixed(3))}) is likely too high for this model. ` +
    (best.step === 0 || (w.aboveBase && best.loss > w.base + 0.02)
      ? 'Restore the adapter to where the run began, or switch it off, and try a lower rate.'
      : `Restore the adapter to step ${best.step} (new-text loss ${f(best.loss)}), its best point, or switch it off.`)
  );
}

/** Puts an adapter back to the best point of its last run, after that run made things worse. */
export const loraRestoreBest: Handler<'loraRestoreBest'> = async ({ id }) => {
  await engineReady();
  const loaded = modelIn('active');
  const store = adaptersIn('active');
  store.notBusy();
  const h = store.find(id);
  const saved = restorable.get(h);
  if (!saved) throw new LoraError(`${h.name} has nothing to restore: only a run that made the model worse keeps its best point.`);
  const adapter = loraOnly(h.name, h);
  if (adapter.merged) throw new LoraError(`${h.name} is merged into the weights; unmerge it before restoring it.`);
  restoreValues(adapter.trainableVariables(), saved.values);
  h.steps = saved.step;
  h.history = h.history.filter((p) => p.step <= saved.step);
  restorable.delete(h);
  return { adapter: store.summary(h), status: store.status(loaded.info) };
};
