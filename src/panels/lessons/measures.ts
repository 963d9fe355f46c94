// The live numbers of the lessons: each step's measure computed from the step's
// settings by the engine's existing requests (decode, beam, promptLogits,
// teacherForcing, attentionMasks, countTokens, loraTrain, loraMerge; the
// comparison and continued training in adapterMeasures.ts; loraSft, vocabExpand
// and long-text scoring in jobMeasures.ts; training from scratch in
// ownModelMeasures.ts), or by
// the arithmetic of lessons/costs.ts. `call` is the engine client's call in the
// page, and the handlers themselves in Node tests: the same code measures both.
// No React, no DOM.

import type { PlaygroundState } from '../../state/schema.ts';
import { beamSettingsFrom, samplingSettingsFrom } from '../../state/samplingSettings.ts';
import { chunkWithOverlap } from '../../lessons/chunking.ts';
import { parseHeadList } from '../../model/ablation.ts';
import { arithmeticMeasure } from '../../walks/arithmetic.ts';
import { type EngineMeasure, type MeasureId, isEngineMeasure } from '../../walks/types.ts';
import { loraConfigFromState } from '../lora/settings.ts';
import { type EngineCall, longTextMeasure, sftMeasure, vocabMeasure } from './jobMeasures.ts';
import { continueMeasure, costMeasure, peftMeasure } from './adapterMeasures.ts';
import { ownModelMeasure } from './ownModelMeasures.ts';

export type { EngineCall };

const slot = 'active' as const;

/** The number a step shows, measured on the model in the active slot (the step's model: the page checks). */
export async function measure(id: MeasureId, state: PlaygroundState, call: EngineCall, modelBaseUrl: string | null = null): Promise<number> {
  if (!isEngineMeasure(id)) return arithmeticMeasure(id, state);
  return engineMeasure(id, state, call, modelBaseUrl);
}

/** Prompt tokens plus `state.step` greedy or sampled tokens, as the attention panel shows them at that step; and the prompt's length. */
async function attentionSequence(state: PlaygroundState, call: EngineCall): Promise<{ ids: number[]; promptLength: number }> {
  const { promptIds } = await call('promptLogits', { slot, prompt: state.prompt });
  if (state.step === 0) return { ids: promptIds, promptLength: promptIds.length };
  const out = await call('decode', { slot, prompt: state.prompt, settings: samplingSettingsFrom(state), maxNewTokens: state.step, seed: state.seed });
  return { ids: [...promptIds, ...out.tokens.map((t) => t.id)], promptLength: promptIds.length };
}

async function engineMeasure(id: EngineMeasure, state: PlaygroundState, call: EngineCall, modelBaseUrl: string | null): Promise<number> {
  switch (id) {
    case 'seqRep4': {
      if (state.strategy === 'beam' || state.strategy === 'diverse-beam') {
        const r = await call('beam', { slot, prompt: state.prompt, settings: beamSettingsFrom(state), eosText: state.eosText });
        return r.report.seqRep[4];
      }
      const r = await call('decode', { slot, prompt: state.prompt, settings: samplingSettingsFrom(state), maxNewTokens: state.maxNewTokens, seed: state.seed });
      return r.report.seqRep[4];
    }
    case 'continuationPerplexity': {
      const r = await call('decode', { slot, prompt: state.prompt, settings: samplingSettingsFrom(state), maxNewTokens: state.maxNewTokens, seed: state.seed });
      if (r.tokens.length === 0) return NaN;
      // rawProb: the model's own probability of each chosen token, before temperature and filters.
      return Math.exp(-r.tokens.reduce((sum, tok) => sum + Math.log(tok.rawProb), 0) / r.tokens.length);
    }
    case 'teacherForcingMaxDelta':
    case 'kvCacheBytesPerToken': {
      const { ids } = await attentionSequence(state, call);
      const r = await call('teacherForcing', { slot, ids });
      return id === 'teacherForcingMaxDelta' ? r.maxAbsDiff : r.kvCacheBytes / ids.length;
    }
    case 'futureAttention':
    case 'attentionRowSumError': {
      const { ids, promptLength } = await attentionSequence(state, call);
      const r = await call('attentionMasks', { slot, ids, prefixLength: promptLength, layer: state.layer, head: state.head });
      const run = r.runs.find((x) => x.mask.kind === state.mask)!;
      return id === 'futureAttention' ? futureShare(run.probs, ids.length) : rowSumError(run.probs, ids.length);
    }
    case 'ablationTokensChanged': {
      const r = await call('ablationCompare', { slot, prompt: state.prompt, ablate: parseHeadList(state.ablate).heads, maxNewTokens: state.maxNewTokens });
      const [on, off] = [r.plain.tokens, r.ablated.tokens];
      const changed = on.filter((tok, i) => off[i]?.id !== tok.id).length;
      return on.length === 0 ? 0 : changed / on.length;
    }
    case 'tokensPerHan': {
      const r = await call('countTokens', { slot, text: state.prompt });
      return r.hanCharacters === 0 ? 0 : r.hanTokens / r.hanCharacters;
    }
    case 'contextWindow':
      return (await call('countTokens', { slot, text: state.prompt })).contextWindow;
    case 'chunksWithOverlap': {
      const r = await call('countTokens', { slot, text: state.prompt });
      return chunkWithOverlap(r.tokens, r.contextWindow, Math.floor(r.contextWindow / 4)).length;
    }
    case 'loraMergeMaxDelta':
    case 'forgettingRise':
      return loraMeasure(id, state, call, modelBaseUrl);
    case 'peftTrainable':
    case 'peftNewTextDrop':
    case 'peftOriginalRise':
    case 'peftAdapterOffDelta':
    case 'peftSavedShare':
      return peftMeasure(id, state, call, modelBaseUrl);
    case 'costTrainableShare':
    case 'costOptimizerBytesLora':
    case 'costOptimizerBytesFull':
    case 'costStepMsLora':
    case 'costStepMsFull':
      return costMeasure(id, state, call, modelBaseUrl);
    case 'continueLossFirst':
    case 'continueLossSecond':
    case 'continueSteps':
      return continueMeasure(id, state, call, modelBaseUrl);
    case 'sftCountedShare':
    case 'sftAnswerLossAll':
    case 'sftAnswerLossAnswers':
    case 'sftOriginalRiseAll':
    case 'sftOriginalRiseAnswers':
    case 'sftOriginalRiseMixed':
    case 'sftEndShareBase':
    case 'sftEndShareAnswers':
    case 'sftFirstTurnLoss':
    case 'sftSecondTurnLoss':
      return sftMeasure(id, state, call, modelBaseUrl);
    case 'ownUniformLoss':
    case 'ownStartLoss':
    case 'ownEndLoss':
    case 'ownSampleWordsBefore':
    case 'ownSampleWordsAfter':
    case 'ownTokensPerChar':
      return ownModelMeasure(id, state, call, modelBaseUrl);
    case 'vocabTokensPerHanBase':
    case 'vocabTokensPerHanExpanded':
    case 'vocabHanPerWindowBase':
    case 'vocabHanPerWindowExpanded':
      return vocabMeasure(id, state, call, modelBaseUrl);
    case 'longTextLossNoOverlap':
    case 'longTextLossOverlap':
      return longTextMeasure(id, state, call, modelBaseUrl);
  }
}

/**
 * Trains a fresh adapter with the step's LoRA settings, reads what the step
 * asks, and deletes it again (unmerging first), so the LoRA panel's own
 * adapters and the base weights are as they were.
 */
async function loraMeasure(id: 'loraMergeMaxDelta' | 'forgettingRise', state: PlaygroundState, call: EngineCall, modelBaseUrl: string | null): Promise<number> {
  const before = await call('loraStatus', {});
  const attached = before.adapters.find((a) => a.enabled && !a.merged)?.id ?? null;
  const trained = await call('loraTrain', {
    adapterId: null,
    config: loraConfigFromState(state),
    source: { kind: 'default' },
    steps: state.loraSteps,
    learningRate: state.loraLr,
    mixOriginal: state.loraMix,
    qlora: state.qlora === 'on',
    seed: state.seed,
    modelBaseUrl,
  });
  const adapterId = trained.adapter.id;
  try {
    if (id === 'forgettingRise') {
      const points = trained.points;
      return points.at(-1)!.originalLoss - points[0].originalLoss;
    }
    const merged = await call('loraMerge', { id: adapterId, merge: true, probe: state.prompt });
    await call('loraMerge', { id: adapterId, merge: false, probe: state.prompt });
    return merged.maxAbsLogitDiff;
  } finally {
    await call('loraDelete', { id: adapterId });
    if (attached !== null) await call('loraAttach', { id: attached });
  }
}

/** Mean over rows of the weight on keys after the query (j > i), in an n × n matrix of attention weights. */
export function futureShare(probs: Float32Array, n: number): number {
  let sum = 0;
  for (let i = 0; i < n; i++) for (let j = i + 1; j < n; j++) sum += probs[i * n + j];
  return sum / n;
}

/** Largest |Σ_j w_ij − 1| over the rows. */
export function rowSumError(probs: Float32Array, n: number): number {
  let worst = 0;
  for (let i = 0; i < n; i++) {
    let s = 0;
    for (let j = 0; j < n; j++) s += probs[i * n + j];
    worst = Math.max(worst, Math.abs(s - 1));
  }
  return worst;
}
