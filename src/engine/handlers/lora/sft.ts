// loraSft: supervised fine-tuning on conversations, on a copy of the active
// model that has gained the chat markers (<|user|>, <|assistant|>, <|end|>:
// new tokenizer entries and new embedding rows). Three runs from that same
// copy, with the same examples, steps and seed: the loss on every token, on
// the answers only (labels −100 elsewhere), and on the answers with original
// text mixed into each batch. loraSftMethods: one answers-only run per
// fine-tuning method from the same copy — "getting dumber" (SFT之后傻了) side
// by side. The model in the page is never touched.

import type { SftArmId, SftArmResult, SftEvent, SftExampleView, SftMethodsParams, SftPrepared, SftResult } from '../../loraProtocol.ts';
import { type Handler, type JobContext, adaptersIn, engineReady, modelIn } from '../../runtime.ts';
import { GPT } from '../../../model/gpt.ts';
import type { NamedArray } from '../../../model/params.ts';
import { LoraError, type LoraConfig, checkLoraConfig } from '../../../lora/config.ts';
import { ADAPTATION_METHODS, type AdaptationMethod } from '../../../peft/methods.ts';
import { methodRun } from '../../../peft/methodAdapters.ts';
import { sftTarget } from '../../../peft/sftTarget.ts';
import { IGNORE_INDEX, instructionsFor, tokenizeConversation, withChatTokens, withEmbeddingRows } from '../../../train/sft.ts';
import { type SftData, measureSft, runSft, streamLoss } from '../../../train/sftRun.ts';
import type { Tokenizer } from '../../../tokenizer/index.ts';
import type { Conversation } from '../../../train/sftData.ts';
import { EVAL_BATCHES, evalEvery, prepareData, runShape } from './runData.ts';

/** Greedy answers stop here if no <|end|> comes; the free sample is this long. */
export const SFT_ANSWER_TOKENS = 32;
export const SFT_SAMPLE_TOKENS = 40;
/** Conversations per step: the examples are short, so a step costs about a LoRA step's windows. */
const SFT_BATCH = 8;
/** The 'mixed' run's share when the settings mix none: a quarter of each batch's rows. */
export const DEFAULT_SFT_MIX = 0.25;

/** A dialogue of the training set (the first with two turns), token by token, with what the answers-only loss counts. */
export function exampleView(conversations: readonly Conversation[], tokenizer: Tokenizer, specials: readonly number[]): SftExampleView {
  const conversation = conversations.find((c) => c.length > 2) ?? conversations[0];
  const ex = tokenizeConversation(conversation, tokenizer, 'answers');
  return {
    tokens: ex.ids.map((id, i) => ({ text: tokenizer.tokenString(id), counted: ex.labels[i] !== IGNORE_INDEX, special: specials.includes(id) })),
  };
}

/** Largest |a − b| over the base's weights; of wte only the first `oldRows` rows (the new marker rows train on purpose). */
function baseMaxAbsChange(before: Map<string, NamedArray>, after: Map<string, NamedArray>, oldRows: number): number {
  let max = 0;
  for (const [name, w] of before) {
    const a = after.get(name)!.data;
    const n = name === 'transformer.wte.weight' ? oldRows * w.shape[1] : w.data.length;
    for (let i = 0; i < n; i++) max = Math.max(max, Math.abs(a[i] - w.data[i]));
  }
  return max;
}

interface SftPlan {
  methods: AdaptationMethod[];
  arms: SftArmId[];
  config: LoraConfig;
  steps: number;
  /** LoRA's and AdaLoRA's rate, and full fine-tuning's. */
  learningRate: number;
  fullLearningRate: number;
  mix: number;
  seed: number;
  modelBaseUrl: string | null;
}

type Job = JobContext<SftEvent>;

/** Every arm of every method of the plan, each from the same copy of the grown model. */
async function runPlan(plan: SftPlan, job: Job): Promise<SftResult> {
  await engineReady();
  const loaded = modelIn('active');
  const store = adaptersIn('active');
  store.notBusy();
  store.notMerged('fine-tuning on instructions');
  if (plan.methods.some((m) => m === 'LoRA' || m === 'AdaLoRA')) checkLoraConfig(plan.config, loaded.model.config);
  store.busy = true;
  let grown: GPT | null = null;
  try {
    job.emit({ type: 'status', message: 'Preparing the text and the original-corpus sample…' });
    const { original } = await prepareData(loaded, store, { kind: 'default' }, plan.modelBaseUrl);
    const { tokenizer, ids: chat, added } = withChatTokens(loaded.tokenizer);
    // Adapters attach by wrapping layers, never by changing the base weights (it is not merged): these are the base's.
    grown = await withEmbeddingRows(loaded.model, tokenizer.vocabSize);
    const weights = await grown.weights();
    const oldRows = loaded.model.config.vocabSize;
    const set = instructionsFor(loaded.tokenizer);
    const data: SftData = {
      tokenizer, chat, train: set.train, heldOut: set.heldOut, heldOutDialogues: set.heldOutDialogues,
      originalTrainIds: original.trainIds, originalValIds: original.valIds,
      samplePromptIds: Array.from(original.valIds.slice(0, 12)),
    };
    const measureOptions = { evalShape: runShape(loaded.model.config, loaded.model.parameterCount), evalBatches: EVAL_BATCHES, maxAnswerTokens: SFT_ANSWER_TOKENS, sampleTokens: SFT_SAMPLE_TOKENS };
    const prepared: SftPrepared = {
      example: exampleView(set.train, tokenizer, [chat.user, chat.assistant, chat.end]),
      methods: plan.methods, arms: plan.arms, addedTokens: added, vocabSize: tokenizer.vocabSize, language: set.language,
      trainConversations: set.train.length, heldOut: set.heldOut.length,
      before: measureSft(grown, data, measureOptions),
    };
    job.emit({ type: 'prepared', ...prepared });
    const results: SftArmResult[] = [];
    for (const method of plan.methods) {
      for (const arm of plan.arms) {
        if (job.stopped) break;
        job.emit({ type: 'status', message: `Training with ${method}…` });
        const model = GPT.fromWeights(grown.config, weights);
        const made = methodRun(model, method, { lora: plan.config, steps: plan.steps, seed: plan.seed, learningRate: plan.learningRate, fullLearningRate: plan.fullLearningRate });
        const { target, release } = sftTarget(model, made, oldRows);
        try {
          made.enable(true);
          const armMix = arm === 'mixed' ? plan.mix : 0;
          const r = await runSft(model, data, target, {
            ...measureOptions, mode: arm === 'all' ? 'all' : 'answers', mix: armMix, steps: plan.steps, learningRate: made.learningRate,
            batchSize: SFT_BATCH, seed: plan.seed, evalEvery: evalEvery(plan.steps),
            onPoint: (point) => job.emit({ type: 'point', arm, method, point }),
            onStep: (s) => job.emit({ type: 'step', arm, method, step: s.step, loss: s.loss }),
            shouldStop: () => job.stopped,
          });
          // Switched off, an adapter method is the base again — but for the marker rows it trained, which the tied output head reads too.
          made.enable(false);
          const result: SftArmResult = {
            arm, method, mix: armMix, learningRate: made.learningRate, points: r.points, after: r.after,
            originalLossDetached: method === 'full fine-tuning' ? null : streamLoss(model, data.originalValIds, measureOptions.evalShape, measureOptions.evalBatches),
            baseMaxAbsChange: baseMaxAbsChange(weights, await model.weights(), oldRows),
            trainableParameters: r.trainableParameters, medianStepMs: r.medianStepMs, stoppedBy: r.stoppedBy,
          };
          results.push(result);
          job.emit({ type: 'arm', result });
        } finally {
          made.enable(false);
          release();
          made.dispose();
          model.dispose();
        }
      }
    }
    return { ...prepared, results, stopped: job.stopped };
  } finally {
    grown?.dispose();
    store.busy = false;
  }
}

export const loraSft: Handler<'loraSft'> = (params, job) =>
  runPlan(
    {
      ...params, methods: [params.method], arms: ['all', 'answers', 'mixed'], fullLearningRate: params.learningRate,
      mix: params.mix > 0 ? params.mix : DEFAULT_SFT_MIX,
    },
    job,
  );

export const loraSftMethods: Handler<'loraSftMethods'> = (params: SftMethodsParams, job) => {
  const methods = ADAPTATION_METHODS.filter((m) => params.methods.includes(m));
  if (methods.length === 0 || params.methods.some((m) => !ADAPTATION_METHODS.includes(m))) {
    return Promise.reject(new LoraError(`Choose at least one of ${ADAPTATION_METHODS.join(', ')}.`));
  }
  // In the comparison's order (full fine-tuning last); each method starts from the same copy whatever the order.
  return runPlan({ ...params, methods, arms: ['answers'], mix: 0 }, job);
};
