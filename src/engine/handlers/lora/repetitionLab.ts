// loraRepetitionLab: causes of repetition that live in training, shown
// happening. Fresh adapters of the embedded model, trained for the same steps
// from the same seed on the same held-out split, differing in one thing (the
// objective, or the data), then measured for repetition with greedy decoding
// and for loss, and dropped. The held adapters are switched off meanwhile and
// put back afterwards.

import type { LabBias, LabRowData, RepetitionLabResult } from '../../loraProtocol.ts';
import { type Handler, adaptersIn, engineReady, modelIn } from '../../runtime.ts';
import { LoraError, checkLoraConfig } from '../../../lora/config.ts';
import { type LabArm, type LabRow, labPrompts, runLab } from '../../../lora/repetitionLab.ts';
import { LAB_DUPLICATION, biasAndCure } from '../../../lora/dataBias.ts';
import { MLE, objectiveProblem } from '../../../train/unlikelihood.ts';
import { greedyRepetition } from '../../../sampling/greedyRepetition.ts';
import { passageRepeatProbability } from '../../../sampling/passageRepeat.ts';
import { EVAL_BATCHES, prepareData, trainSettings } from './runData.ts';

/** Prompts: 4 beginnings of 16 tokens from the held-out new text; 48 greedy tokens each, as the sampling sweep. */
export const LAB_PROMPTS = 4;
export const LAB_PROMPT_TOKENS = 16;
export const LAB_NEW_TOKENS = 48;

export const loraRepetitionLab: Handler<'loraRepetitionLab'> = async (params, job): Promise<RepetitionLabResult> => {
  await engineReady();
  const loaded = modelIn('active');
  const store = adaptersIn('active');
  store.notBusy();
  store.notMerged('running the repetition experiments');
  checkLoraConfig(params.config, loaded.model.config);
  const ul = { kind: 'unlikelihood', alpha: params.ulAlpha } as const;
  const problem = objectiveProblem(ul);
  if (problem) throw new LoraError(problem);
  store.busy = true;
  const attachedBefore = store.attached();
  try {
    job.emit({ type: 'status', message: 'Preparing the text and the original-corpus sample…' });
    const data = await prepareData(loaded, store, params.source, params.modelBaseUrl);
    const { model, tokenizer } = loaded;
    let arms: LabArm[];
    let bias: LabBias | null = null;
    let duplicatedIds: number[][] = [];
    if (params.experiment === 'objective') {
      arms = [
        { id: 'mle', trainIds: data.trainIds, objective: MLE },
        { id: 'unlikelihood', trainIds: data.trainIds, objective: ul },
      ];
    } else {
      const { biased, deduplicated } = biasAndCure(data.trainText, params.seed);
      const biasedIds = Int32Array.from(tokenizer.encode(biased.text));
      const dedupIds = Int32Array.from(tokenizer.encode(deduplicated.text));
      bias = { ...LAB_DUPLICATION, injectedShare: biased.injectedShare, removed: deduplicated.removed, biasedTokens: biasedIds.length, deduplicatedTokens: dedupIds.length };
      // Each duplicated passage as it stands in the biased text: with the spacing that follows it there.
      duplicatedIds = biased.duplicated.map((p) => {
        const at = biased.text.indexOf(p);
        return tokenizer.encode(p + (/^\s*/.exec(biased.text.slice(at + p.length))?.[0] ?? ''));
      });
      arms = [
        { id: 'biased', trainIds: biasedIds, objective: MLE },
        { id: 'deduplicated', trainIds: dedupIds, objective: MLE },
      ];
    }
    const promptIds = labPrompts(data.valText, (text) => tokenizer.encode(text), LAB_PROMPTS, LAB_PROMPT_TOKENS);
    const prompts = promptIds.map((p) => tokenizer.decode(p));
    job.emit({ type: 'prepared', data: data.summary, prompts, bias, newTokens: LAB_NEW_TOKENS });
    const asData = (r: LabRow): LabRowData => ({ ...r, continuations: r.continuations.map((c) => tokenizer.decode(c)) });
    const rows: LabRowData[] = [];
    store.attach(null);
    job.emit({ type: 'status', message: 'Measuring the base model…' });
    const { stopped } = await runLab(model, arms, {
      config: params.config,
      steps: params.steps,
      settings: trainSettings(model, params.steps, params.learningRate, params.seed),
      seed: params.seed,
      newValIds: data.newValIds,
      originalValIds: data.original.valIds,
      evalBatches: EVAL_BATCHES,
      measure: (m) => ({
        ...greedyRepetition(m, promptIds, { maxNewTokens: LAB_NEW_TOKENS }),
        passageRepeat: bias ? passageRepeatProbability(m, duplicatedIds) : null,
      }),
      onStep: (arm, s) => job.emit({ type: 'step', arm, step: s.step, loss: s.loss }),
      onRow: (r) => {
        const row = asData(r);
        rows.push(row);
        job.emit({ type: 'row', row });
      },
      shouldStop: () => job.stopped,
    });
    return { experiment: params.experiment, rows, prompts, newTokens: LAB_NEW_TOKENS, bias, stopped: stopped || job.stopped, data: data.summary };
  } finally {
    store.attach(attachedBefore);
    store.busy = false;
  }
};
