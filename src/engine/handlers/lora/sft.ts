// loraSft: supervised fine-tuning on conversations, on a copy of the active
// model that has gained the chat markers (<|user|>, <|assistant|>, <|end|>:
// new tokenizer entries and new embedding rows). Three runs from that same
// copy, with the same examples, steps and seed: the loss on every token, on
// the answers only (labels −100 elsewhere), and on the answers with original
// text mixed into each batch. The model in the page is never touched.

import type { SftArmId, SftArmResult, SftExampleView, SftPrepared, SftResult } from '../../loraProtocol.ts';
import { type Handler, adaptersIn, engineReady, modelIn } from '../../runtime.ts';
import { GPT } from '../../../model/gpt.ts';
import { checkLoraConfig } from '../../../lora/config.ts';
import { LoraAdapter } from '../../../lora/lora.ts';
import { IGNORE_INDEX, instructionsFor, tokenizeConversation, withChatTokens, withEmbeddingRows } from '../../../train/sft.ts';
import { type SftData, type SftTarget, measureSft, newRowsOnly, runSft } from '../../../train/sftRun.ts';
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

export const loraSft: Handler<'loraSft'> = async (params, job): Promise<SftResult> => {
  await engineReady();
  const loaded = modelIn('active');
  const store = adaptersIn('active');
  store.notBusy();
  store.notMerged('fine-tuning on instructions');
  if (params.method === 'LoRA') checkLoraConfig(params.config, loaded.model.config);
  store.busy = true;
  let grown: GPT | null = null;
  try {
    job.emit({ type: 'status', message: 'Preparing the text and the original-corpus sample…' });
    const { original } = await prepareData(loaded, store, { kind: 'default' }, params.modelBaseUrl);
    const { tokenizer, ids: chat, added } = withChatTokens(loaded.tokenizer);
    // Adapters attach by wrapping layers, never by changing the base weights (it is not merged): these are the base's.
    grown = await withEmbeddingRows(loaded.model, tokenizer.vocabSize);
    const weights = await grown.weights();
    const set = instructionsFor(loaded.tokenizer);
    const data: SftData = {
      tokenizer, chat, train: set.train, heldOut: set.heldOut,
      originalTrainIds: original.trainIds, originalValIds: original.valIds,
      samplePromptIds: Array.from(original.valIds.slice(0, 12)),
    };
    const measureOptions = { evalShape: runShape(loaded.model.config, loaded.model.parameterCount), evalBatches: EVAL_BATCHES, maxAnswerTokens: SFT_ANSWER_TOKENS, sampleTokens: SFT_SAMPLE_TOKENS };
    const mix = params.mix > 0 ? params.mix : DEFAULT_SFT_MIX;
    const arms: SftArmId[] = ['all', 'answers', 'mixed'];
    const prepared: SftPrepared = {
      example: exampleView(set.train, tokenizer, [chat.user, chat.assistant, chat.end]),
      arms, addedTokens: added, vocabSize: tokenizer.vocabSize, language: set.language,
      trainConversations: set.train.length, heldOut: set.heldOut.length,
      before: measureSft(grown, data, measureOptions),
    };
    job.emit({ type: 'prepared', ...prepared });
    const results: SftArmResult[] = [];
    for (const arm of arms) {
      if (job.stopped) break;
      job.emit({ type: 'status', message: `Training: loss on ${arm}…` });
      const model = GPT.fromWeights(grown.config, weights);
      let release = () => {};
      try {
        let target: SftTarget;
        if (params.method === 'full fine-tuning') target = { trainable: model.namedParameters() };
        else {
          const adapter = LoraAdapter.create(model, params.config, params.seed);
          const rows = newRowsOnly(model, loaded.model.config.vocabSize);
          release = () => {
            rows.dispose();
            adapter.dispose();
          };
          adapter.enabled = true;
          target = {
            trainable: [...adapter.trainableVariables(), rows.variable], afterStep: rows.afterStep,
            trainableValues: adapter.trainableCount + rows.trainableValues, setTraining: (on) => (adapter.training = on),
          };
        }
        const armMix = arm === 'mixed' ? mix : 0;
        const r = await runSft(model, data, target, {
          ...measureOptions, mode: arm === 'all' ? 'all' : 'answers', mix: armMix, steps: params.steps, learningRate: params.learningRate,
          batchSize: SFT_BATCH, seed: params.seed, evalEvery: evalEvery(params.steps),
          onPoint: (point) => job.emit({ type: 'point', arm, point }),
          onStep: (s) => job.emit({ type: 'step', arm, step: s.step, loss: s.loss }),
          shouldStop: () => job.stopped,
        });
        const result: SftArmResult = { arm, mix: armMix, points: r.points, after: r.after, trainableParameters: r.trainableParameters, medianStepMs: r.medianStepMs, stoppedBy: r.stoppedBy };
        results.push(result);
        job.emit({ type: 'arm', result });
      } finally {
        release();
        model.dispose();
      }
    }
    return { ...prepared, results, stopped: job.stopped };
  } finally {
    grown?.dispose();
    store.busy = false;
  }
};
