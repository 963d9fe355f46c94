// loraCompare: full fine-tuning, LoRA, AdaLoRA and the prompt-learning methods
// on the same data, batches, steps and seed. Each adapter method's result is
// kept for the embedded model (held, detached), by way of its PEFT files.

import type { ComparisonResult, ComparisonRun } from '../../loraProtocol.ts';
import { type Handler, adaptersIn, engineReady, modelIn } from '../../runtime.ts';
import { GPT } from '../../../model/gpt.ts';
import { LoraError, checkLoraConfig } from '../../../lora/config.ts';
import { type AdaptationResult, adapt } from '../../../lora/experiment.ts';
import { labPrompts } from '../../../lora/repetitionLab.ts';
import { ADAPTATION_METHODS, type AdaptationMethod } from '../../../peft/methods.ts';
import { methodRun } from '../../../peft/methodAdapters.ts';
import { greedyRun } from '../../../sampling/headAblation.ts';
import { EVAL_BATCHES, adaptationData, evalEvery, prepareData, trainSettings } from './runData.ts';
import { maxAbsLogitDiff, probeIds } from './probe.ts';
import { keepFromComparison } from './keep.ts';

/** Greedy tokens of each method's sample. */
export const SAMPLE_TOKENS = 48;
const SAMPLE_PROMPT_TOKENS = 16;

/**
 * Each method on a copy of the embedded model, whose weights none touches. The
 * adapter methods run first, each on a fresh adapter from the same seed: they
 * leave the copy's weights as they were (measured), so full fine-tuning,
 * last, starts from the same base. Every adapter method's result is kept
 * (keep.ts): the learner can switch it on, export it, or keep it in the browser.
 */
export const loraCompare: Handler<'loraCompare'> = async (params, job): Promise<ComparisonResult> => {
  await engineReady();
  const loaded = modelIn('active');
  const store = adaptersIn('active');
  store.notBusy();
  store.notMerged('comparing against full fine-tuning');
  const asked = params.methods ?? ['LoRA', 'full fine-tuning'];
  const methods = ADAPTATION_METHODS.filter((m) => asked.includes(m));
  if (methods.length === 0 || asked.some((m) => !ADAPTATION_METHODS.includes(m))) {
    throw new LoraError(`Choose at least one of ${ADAPTATION_METHODS.join(', ')} to compare.`);
  }
  checkLoraConfig(params.config, loaded.model.config); // before anything is read, copied or built
  store.busy = true;
  let copy: GPT | null = null;
  try {
    job.emit({ type: 'status', message: 'Preparing the text and the original-corpus sample…' });
    const data = await prepareData(loaded, store, params.source, params.modelBaseUrl);
    const { tokenizer } = loaded;
    const promptIds = labPrompts(data.valText, (text) => tokenizer.encode(text), 1, SAMPLE_PROMPT_TOKENS)[0] ?? Array.from(data.newValIds.slice(0, SAMPLE_PROMPT_TOKENS));
    const prompt = tokenizer.decode(promptIds);
    job.emit({ type: 'prepared', data: data.summary, methods, prompt });
    const model = (copy = GPT.fromWeights(loaded.model.config, await loaded.model.weights()));
    const sample = () => tokenizer.decode(greedyRun(model, promptIds, { maxNewTokens: SAMPLE_TOKENS }).generated);
    const baseSample = sample();
    const ids = probeIds(loaded, store, '');
    const base = model.logitsAt(ids);
    const run = async (method: AdaptationMethod): Promise<ComparisonRun> => {
      job.emit({ type: 'status', message: `Training with ${method}…` });
      const made = methodRun(model, method, { lora: params.config, steps: params.steps, seed: params.seed, learningRate: params.learningRate, fullLearningRate: params.fullLearningRate });
      try {
        made.enable(true);
        const settings = trainSettings(model, params.steps, made.learningRate, params.seed);
        // Virtual tokens take the first positions of the window: real-token windows shrink to fit beside them.
        settings.blockSize = Math.min(settings.blockSize, model.contextWindow);
        const r: AdaptationResult = await adapt(
          model,
          adaptationData(data, params.mixOriginal),
          {
            steps: params.steps,
            evalEvery: evalEvery(params.steps),
            evalBatches: EVAL_BATCHES,
            settings,
            onPoint: (point) => job.emit({ type: 'point', method, point }),
            onStep: (s) => job.emit({ type: 'step', method, step: s.step, loss: s.loss }),
            shouldStop: () => job.stopped,
          },
          made.target,
        );
        const text = sample();
        made.enable(false);
        const kept = made.adapter && r.steps > 0 ? await keepFromComparison(loaded, store, made.adapter, r) : null;
        return {
          method,
          points: r.points,
          trainableParameters: r.trainableParameters,
          optimizerBytes: r.optimizerBytes,
          medianStepMs: r.medianStepMs,
          learningRate: made.learningRate,
          stoppedBy: r.stoppedBy ?? null,
          maxAbsLogitDiffAfter: maxAbsLogitDiff(base, model.logitsAt(ids)),
          sample: text,
          ...made.trace(),
          keptAdapterId: kept?.id ?? null,
        };
      } finally {
        made.enable(false);
        made.dispose();
      }
    };
    const runs: ComparisonRun[] = [];
    for (const method of methods) {
      if (job.stopped) break;
      const r = await run(method);
      runs.push(r);
      job.emit({ type: 'run', run: r });
    }
    store.busy = false;
    return { runs, prompt, baseSample, stopped: job.stopped, data: data.summary, status: store.status(loaded.info) };
  } finally {
    copy?.dispose();
    store.busy = false;
  }
};
