// The "train your own model" lesson's numbers (从零训练): the "Your own text"
// panel's job (`train`: fit a tokenizer, train a new GPT from random weights in
// the training slot, evaluate as it goes) run on the text beside the step's
// model — its folder's original-sample.txt, a few thousand characters of the
// corpus it was trained on — with the step's settings. The job's first and last
// evaluations (validation loss and a greedy sample, the panel's chart and
// sample line) give the numbers. One run per distinct settings (`once`).

import type { EventOf, ParamsOf, PreparedSummary } from '../../engine/protocol.ts';
import type { PlaygroundState } from '../../state/schema.ts';
import type { EngineMeasure } from '../../walks/types.ts';
import { type EngineCall, once } from './jobMeasures.ts';

export type OwnModelMeasure = Extract<EngineMeasure, `own${string}`>;

type TrainEval = Extract<EventOf<'train'>, { type: 'eval' }>;

interface OwnRun {
  summary: PreparedSummary;
  first: TrainEval;
  last: TrainEval;
  /** The text's words, lower-cased: what a sample's words are checked against. */
  words: Set<string>;
}

/** Runs of letters (and apostrophes inside words): the words of an English text or sample. */
export function wordsOf(text: string): string[] {
  return (text.toLowerCase().match(/\p{L}+(?:'\p{L}+)*/gu) ?? []);
}

/** Share of the sample's words that occur in the text's words; 0 for a sample with no words at all. */
export function knownWordShare(sample: string, words: ReadonlySet<string>): number {
  const found = wordsOf(sample);
  return found.length === 0 ? 0 : found.filter((w) => words.has(w)).length / found.length;
}

async function ownRun(state: PlaygroundState, call: EngineCall, modelBaseUrl: string | null): Promise<OwnRun> {
  if (!modelBaseUrl) throw new Error('This step trains on the text in the model’s folder (original-sample.txt): load one of the embedded models.');
  const url = new URL('original-sample.txt', modelBaseUrl).href;
  const settings = { tokenizer: state.trainTokenizer, vocabSize: state.trainVocab, steps: state.trainSteps, size: state.trainSize, seed: state.seed };
  return once('train', [url, settings], async () => {
    const response = await fetch(url);
    if (!response.ok) throw new Error(`Could not read ${url} (HTTP ${response.status}).`);
    const text = await response.text();
    const params: ParamsOf<'train'> = { source: { kind: 'text', text }, ...settings, keepSlot: true }; // never drop a model the learner trained
    let summary: PreparedSummary | null = null;
    const evals: TrainEval[] = [];
    await call('train', params, (event) => {
      if (event.type === 'prepared') summary = event.summary;
      if (event.type === 'eval') evals.push(event);
    });
    if (!summary || evals.length === 0) throw new Error('The training ended before its first evaluation.');
    return { summary, first: evals[0], last: evals.at(-1)!, words: new Set(wordsOf(text)) };
  });
}

export async function ownModelMeasure(id: OwnModelMeasure, state: PlaygroundState, call: EngineCall, modelBaseUrl: string | null): Promise<number> {
  const r = await ownRun(state, call, modelBaseUrl);
  const valLoss = (e: TrainEval) => {
    if (e.valLoss === null) throw new Error('The text was too short to hold out a validation part.');
    return e.valLoss;
  };
  switch (id) {
    case 'ownUniformLoss':
      return Math.log(r.summary.vocabSize);
    case 'ownStartLoss':
      return valLoss(r.first);
    case 'ownEndLoss':
      return valLoss(r.last);
    case 'ownSampleWordsBefore':
      return knownWordShare(r.first.sample, r.words);
    case 'ownSampleWordsAfter':
      return knownWordShare(r.last.sample, r.words);
    case 'ownTokensPerChar':
      return (r.summary.trainTokens + r.summary.valTokens) / r.summary.characters;
  }
}
