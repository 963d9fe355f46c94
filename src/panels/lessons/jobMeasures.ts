// The lesson measures that read one longer job of the LoRA panel — SFT
// (loraSft: all tokens vs answers only vs answers with original text), the
// vocabulary expansion (vocabExpand) — and the scored reading of a long text
// (the attention panel's long-inputs part: promptLogits for its tokens,
// teacherForcing for each window's losses).
//
// Several steps of a lesson read the same job with the same settings: its
// result is kept (the last one per job, keyed by its parameters, which hold
// the seed), so a lesson's eight SFT steps cost one run. The jobs are seeded,
// so a kept result is what running again would give.

import type { EventOf, MethodName, ParamsOf, ResultOf } from '../../engine/protocol.ts';
import type { PlaygroundState } from '../../state/schema.ts';
import { parseMethods } from '../../peft/methods.ts';
import type { EngineMeasure } from '../../walks/types.ts';
import { fullFineTuningRate, loraConfigFromState } from '../lora/settings.ts';
import { scoreLongText } from '../attention/longInputCosts.ts';

/** The engine client's call in the page, the handlers themselves in Node tests; `onEvent` hears the job's events (the training's evaluations). */
export type EngineCall = <M extends MethodName>(method: M, params: ParamsOf<M>, onEvent?: (event: EventOf<M>) => void) => Promise<ResultOf<M>>;

type KeptJob = 'loraSft' | 'vocabExpand' | 'longText' | 'loraCompare' | 'loraContinue' | 'train';
const kept = new Map<KeptJob, { key: string; result: Promise<unknown> }>();

/** `run()` once per distinct `params`; a failed run is forgotten, so the next asks again. */
export function once<T>(job: KeptJob, params: unknown, run: () => Promise<T>): Promise<T> {
  const key = JSON.stringify(params);
  const held = kept.get(job);
  if (held?.key === key) return held.result as Promise<T>;
  const result = run();
  kept.set(job, { key, result });
  result.catch(() => {
    if (kept.get(job)?.result === result) kept.delete(job);
  });
  return result;
}

/** The share of each batch the 'mixed' run gives to original text when the link mixes none (the SFT section's default). */
const SFT_DEFAULT_MIX = 0.25;

/** What the SFT section runs for these settings. */
export function sftParams(state: PlaygroundState, modelBaseUrl: string | null): ParamsOf<'loraSft'> {
  const method = parseMethods(state.sftMethod).methods[0] ?? 'LoRA';
  return {
    method, config: loraConfigFromState(state), steps: state.loraSteps,
    learningRate: method === 'full fine-tuning' ? fullFineTuningRate(state.loraLr) : state.loraLr,
    mix: state.loraMix > 0 ? state.loraMix : SFT_DEFAULT_MIX, seed: state.seed, modelBaseUrl,
  };
}

export type SftMeasure = Extract<EngineMeasure, `sft${string}`>;

export async function sftMeasure(id: SftMeasure, state: PlaygroundState, call: EngineCall, modelBaseUrl: string | null): Promise<number> {
  const params = sftParams(state, modelBaseUrl);
  const r: ResultOf<'loraSft'> = await once('loraSft', params, () => call('loraSft', params));
  const arm = (name: 'all' | 'answers' | 'mixed') => {
    const found = r.results.find((a) => a.arm === name);
    if (!found) throw new Error(`The SFT run stopped before its '${name}' run.`);
    return found.after;
  };
  const rise = (name: 'all' | 'answers' | 'mixed') => arm(name).originalLoss - r.before.originalLoss;
  switch (id) {
    case 'sftCountedShare':
      return r.example.tokens.filter((tok) => tok.counted).length / r.example.tokens.length;
    case 'sftAnswerLossAll':
      return arm('all').answerLoss;
    case 'sftAnswerLossAnswers':
      return arm('answers').answerLoss;
    case 'sftOriginalRiseAll':
      return rise('all');
    case 'sftOriginalRiseAnswers':
      return rise('answers');
    case 'sftOriginalRiseMixed':
      return rise('mixed');
    case 'sftEndShareBase':
      return r.before.endShare;
    case 'sftEndShareAnswers':
      return arm('answers').endShare;
    case 'sftFirstTurnLoss':
      return arm('answers').turnAnswerLoss.first;
    case 'sftSecondTurnLoss':
      return arm('answers').turnAnswerLoss.second;
  }
}

/**
 * What the vocabulary section runs for these settings: the Tang poems shipped
 * beside the Shakespeare model's folder, the English it did not train on.
 */
export function vocabParams(state: PlaygroundState, modelBaseUrl: string | null): ParamsOf<'vocabExpand'> {
  const base = modelBaseUrl ?? '';
  const folder = (model: string) => (base ? new URL(`../${model}/`, base).href : '');
  return {
    k: state.vocabK, steps: state.vocabSteps, learningRate: state.vocabLr, trainable: state.vocabTrain, seed: state.seed, prompt: state.vocabPrompt,
    chinese: { kind: 'folder', baseUrl: folder('tang'), file: 'original-sample.txt' },
    english: { kind: 'folder', baseUrl: base, file: 'original-sample.txt' },
  };
}

export type VocabMeasure = Extract<EngineMeasure, `vocab${string}`>;

export async function vocabMeasure(id: VocabMeasure, state: PlaygroundState, call: EngineCall, modelBaseUrl: string | null): Promise<number> {
  const params = vocabParams(state, modelBaseUrl);
  const { prepared } = await once('vocabExpand', params, () => call('vocabExpand', params));
  switch (id) {
    case 'vocabTokensPerHanBase':
      return prepared.base.tokensPerHan;
    case 'vocabTokensPerHanExpanded':
      return prepared.expanded.tokensPerHan;
    case 'vocabHanPerWindowBase':
      return prepared.base.hanPerWindow;
    case 'vocabHanPerWindowExpanded':
      return prepared.expanded.hanPerWindow;
  }
}

export async function longTextMeasure(id: 'longTextLossNoOverlap' | 'longTextLossOverlap', state: PlaygroundState, call: EngineCall, modelBaseUrl: string | null): Promise<number> {
  const score = await once('longText', [state.prompt, modelBaseUrl], async () => {
    const { contextWindow } = await call('countTokens', { slot: 'active', text: state.prompt });
    return scoreLongText(state.prompt, contextWindow, call);
  });
  return id === 'longTextLossNoOverlap' ? score.noOverlap : score.overlap;
}
