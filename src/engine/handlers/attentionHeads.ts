// Heads that copy (induction and previous-token heads, model/heads.ts) and
// greedy text with heads switched off (sampling/headAblation.ts): written
// against a model and a tokenizer, so Node tests drive exactly what the
// worker runs. The scan runs in slices (one ablation per slice) and can stop.

import type { AblationResult, AblationRun, HeadScoresResult, OpenEvent } from '../attentionProtocol.ts';
import type { TokenPiece } from '../protocolCommon.ts';
import type { GPT } from '../../model/gpt.ts';
import type { HeadRef } from '../../model/ablation.ts';
import { attentionScores, copyingCandidates, copyingScore, headProbe, probeLogProbs } from '../../model/heads.ts';
import { greedyRun, type GreedyRun } from '../../sampling/headAblation.ts';
import { ByteLevelBPE, CharTokenizer, type Tokenizer } from '../../tokenizer/index.ts';
import { encodePrompt } from './attentionTokens.ts';

/**
 * Random sequences the scores average over. TransformerLens's detector uses a
 * batch of 10; 4 keep the scan near a second on the playground model, and the
 * scores of its heads move by less than 0.01 between seeds.
 */
export const PROBE_SAMPLES = 4;

/**
 * Heads whose copying is measured by ablation, those with the highest
 * induction scores first: each costs one forward pass per sequence, so all 16
 * of the playground model's heads take a fraction of a second, while GPT-2's
 * 144 would take a minute.
 */
export const COPYING_HEADS = 16;

/**
 * Token ids the probe never draws: a BPE's added (special) tokens, a character
 * tokenizer's unknown token, and embedding rows past the tokenizer's vocabulary
 * (padding no text ever produces).
 */
export function probeExcludedIds(tokenizer: Tokenizer, modelVocab: number): number[] {
  const ids: number[] = [];
  if (tokenizer instanceof ByteLevelBPE) ids.push(...tokenizer.addedTokens.map((t) => t.id));
  if (tokenizer instanceof CharTokenizer && tokenizer.unknownId !== null) ids.push(tokenizer.unknownId);
  for (let id = tokenizer.vocabSize; id < modelVocab; id++) ids.push(id);
  return ids;
}

export interface ScanControl {
  /** Called between ablations; return true to stop with what is measured so far. */
  shouldStop?: () => boolean;
  onProgress?: (event: OpenEvent) => void;
  /** Awaited between ablations, so a worker can read its messages. */
  pause?: () => Promise<void>;
}

/** Every head's induction, previous-token and (for the top COPYING_HEADS) copying scores. */
export async function headScores(model: GPT, tokenizer: Tokenizer, seed: number, control: ScanControl = {}): Promise<HeadScoresResult> {
  const probe = headProbe(model.config, { seed, samples: PROBE_SAMPLES, exclude: probeExcludedIds(tokenizer, model.config.vocabSize) });
  const heads = attentionScores(model, probe);
  const logProbs = probeLogProbs(model, probe);
  const candidates = copyingCandidates(heads, COPYING_HEADS);
  let measured = 0;
  let stopped = false;
  for (const h of candidates) {
    if (control.shouldStop?.()) {
      stopped = true;
      break;
    }
    h.copying = copyingScore(logProbs, probeLogProbs(model, probe, [h]));
    measured++;
    control.onProgress?.({ type: 'progress', done: measured, total: candidates.length });
    await control.pause?.();
  }
  return { seed, length: probe.length, samples: probe.sequences.length, logProbs, heads, copyingMeasured: measured, stopped };
}

function runView(tokenizer: Tokenizer, run: GreedyRun): AblationRun {
  return {
    ablate: run.ablate,
    tokens: run.generated.map((id) => ({ id, text: tokenizer.decode([id]) })),
    seqRep4: run.report.seqRep[4],
    meanRepeatMass: run.meanRepeatMass,
    copying: run.report.copying,
  };
}

/** Greedy continuations of the prompt with every head on and with `ablate` off. */
export function ablationCompare(model: GPT, tokenizer: Tokenizer, prompt: string, ablate: readonly HeadRef[], maxNewTokens: number): AblationResult {
  const ids = encodePrompt(tokenizer, prompt);
  const plain = greedyRun(model, ids, { maxNewTokens });
  const ablated = greedyRun(model, ids, { maxNewTokens, ablate });
  const promptTokens: TokenPiece[] = plain.prompt.map((id) => ({ id, text: tokenizer.decode([id]) }));
  return { promptTokens, plain: runView(tokenizer, plain), ablated: runView(tokenizer, ablated), notices: plain.notices };
}
