// loraTrain: trains a new adapter of the embedded model, or continues one, on
// the new text with the core's `adapt`. With QLoRA the adapter trains over an
// NF4 copy of the base (lora/qlora.ts) and its values come back afterwards.

import type { LoraTrainResult } from '../../loraProtocol.ts';
import { type Handler, adaptersIn, engineReady, modelIn } from '../../runtime.ts';
import { type HeldAdapter, adapterName } from '../../adapterStore.ts';
import { LoraAdapter } from '../../../lora/lora.ts';
import { type AdaptationPoint, adapt } from '../../../lora/experiment.ts';
import { type QloraReport, QloraRun } from '../../../lora/qlora.ts';
import { EVAL_BATCHES, adaptationData, evalEvery, lossOn, prepareData, trainSettings } from './runData.ts';

export const loraTrain: Handler<'loraTrain'> = async (params, job): Promise<LoraTrainResult> => {
  await engineReady();
  const loaded = modelIn('embedded');
  const store = adaptersIn('embedded');
  store.notBusy();
  store.notMerged('training');
  const { model } = loaded;
  const continuing = params.adapterId === null ? null : store.find(params.adapterId);
  const config = continuing ? continuing.adapter.config : params.config;
  store.busy = true;
  let nf4: QloraRun | null = null;
  let fresh: LoraAdapter | null = null; // a new adapter on the embedded model, not yet held
  const attachedBefore = store.attached();
  try {
    job.emit({ type: 'status', message: 'Preparing the text and the original-corpus sample…' });
    const data = await prepareData(loaded, store, params.source, params.modelBaseUrl);
    // The adapter being trained: on the model itself, or on the NF4 copy.
    let trainee: LoraAdapter;
    let baseLossFloat = NaN;
    if (params.qlora) {
      job.emit({ type: 'status', message: 'Rounding the base weights to 4-bit NF4…' });
      baseLossFloat = store.withAttached(null, () => lossOn(model, data.newValIds));
      nf4 = await QloraRun.start(model, config, continuing?.adapter ?? null, params.seed, (m) => lossOn(m, data.newValIds));
      trainee = nf4.trainee;
      if (!continuing) fresh = QloraRun.receiver(model, config);
    } else {
      trainee = continuing ? continuing.adapter : (fresh = LoraAdapter.create(model, config, params.seed));
      store.attach(null);
      trainee.enabled = true;
    }
    const id = continuing ? continuing.id : store.newId();
    const name = continuing ? continuing.name : adapterName(id, config);
    const startStep = continuing ? continuing.steps : 0;
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
        settings: trainSettings(model, params.steps, params.learningRate, params.seed + startStep),
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
    if (continuing) {
      h = continuing;
    } else {
      h = { id, name, adapter: fresh!, origin: 'trained', steps: 0, qlora: params.qlora, history: [], mergeCheck: null };
      store.add(h);
      fresh = null;
    }
    let qlora: QloraReport | null = null;
    if (nf4) {
      await nf4.copyBack(h.adapter);
      const adaptedLossFloat = store.withAttached(h, () => lossOn(model, data.newValIds));
      qlora = nf4.report({ baseLossFloat, adaptedLossNf4: points.at(-1)?.newTextLoss ?? NaN, adaptedLossFloat });
    }
    h.steps += trainedSteps;
    h.qlora = params.qlora;
    h.history.push(...points);
    store.attach(h);
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
