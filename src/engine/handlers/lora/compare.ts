// loraCompare: full fine-tuning vs LoRA on the same data and steps.

import type { ComparisonResult, ComparisonRun } from '../../loraProtocol.ts';
import { type Handler, adaptersIn, engineReady, modelIn } from '../../runtime.ts';
import { GPT } from '../../../model/gpt.ts';
import { LoraAdapter } from '../../../lora/lora.ts';
import { checkLoraConfig } from '../../../lora/config.ts';
import { type AdaptationResult, adapt } from '../../../lora/experiment.ts';
import { EVAL_BATCHES, adaptationData, evalEvery, prepareData, trainSettings } from './runData.ts';
import { maxAbsLogitDiff, probeIds } from './probe.ts';

/**
 * Full fine-tuning vs LoRA on the same batches for the same steps, both on a
 * copy of the embedded model, which neither touches. LoRA runs first: it leaves
 * the copy's weights as they were (that is measured), so full fine-tuning then
 * starts from the same base.
 */
export const loraCompare: Handler<'loraCompare'> = async (params, job): Promise<ComparisonResult> => {
  await engineReady();
  const loaded = modelIn('active');
  const store = adaptersIn('active');
  store.notBusy();
  store.notMerged('comparing against full fine-tuning');
  checkLoraConfig(params.config, loaded.model.config); // before anything is read, copied or built
  store.busy = true;
  let copy: GPT | null = null;
  try {
    job.emit({ type: 'status', message: 'Preparing the text and the original-corpus sample…' });
    const data = await prepareData(loaded, store, params.source, params.modelBaseUrl);
    job.emit({ type: 'prepared', data: data.summary });
    const model = (copy = GPT.fromWeights(loaded.model.config, await loaded.model.weights()));
    const ids = probeIds(loaded, store, '');
    const base = model.logitsAt(ids);
    const run = async (method: ComparisonRun['method'], learningRate: number, target: Parameters<typeof adapt>[3]): Promise<ComparisonRun> => {
      job.emit({ type: 'status', message: `Training with ${method}…` });
      const r: AdaptationResult = await adapt(model, adaptationData(data, params.mixOriginal), {
        steps: params.steps,
        evalEvery: evalEvery(params.steps),
        evalBatches: EVAL_BATCHES,
        settings: trainSettings(model, params.steps, learningRate, params.seed),
        onPoint: (point) => job.emit({ type: 'point', method, point }),
        onStep: (s) => job.emit({ type: 'step', method, step: s.step, loss: s.loss }),
        shouldStop: () => job.stopped,
      }, target);
      if (target.kind === 'lora') target.adapter.enabled = false;
      return {
        method,
        points: r.points,
        trainableParameters: r.trainableParameters,
        optimizerBytes: r.optimizerBytes,
        medianStepMs: r.medianStepMs,
        learningRate,
        stoppedBy: r.stoppedBy ?? null,
        maxAbsLogitDiffAfter: maxAbsLogitDiff(base, model.logitsAt(ids)),
      };
    };
    const adapter = LoraAdapter.create(model, params.config, params.seed);
    let lora: ComparisonRun;
    try {
      adapter.enabled = true;
      lora = await run('LoRA', params.learningRate, { kind: 'lora', adapter });
    } finally {
      adapter.dispose();
    }
    const full = job.stopped ? null : await run('full fine-tuning', params.fullLearningRate, { kind: 'full' });
    return { lora, full, stopped: job.stopped, data: data.summary };
  } finally {
    copy?.dispose();
    store.busy = false;
  }
};
